import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { ADOT_COLLECTOR_IMAGE, XRAY_EXPORT_ACTIONS, xrayCollectorConfig } from "../../facts";

/**
 * What both AWS platforms build when `tracing` is `xray` (facts/tracing.ts has the path and its sources):
 * the exporter's permission on the app's role, as a policy of its own beside whatever else the role has,
 * so moving the role (IRSA to Pod Identity) or adding to it never touches this.
 */
export function attachXrayExportPolicy(
  name: string,
  role: aws.iam.Role,
  parent: pulumi.Resource,
): aws.iam.RolePolicy {
  return new aws.iam.RolePolicy(
    `${name}-xray-export`,
    {
      role: role.id,
      policy: JSON.stringify(xrayExportPolicyDocument()),
    },
    { parent },
  );
}

/** The exporter's policy: the two named write actions on `*` (X-Ray has no resource-level permissions for them). */
export function xrayExportPolicyDocument() {
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "ExportSpansToXRay", Effect: "Allow", Action: [...XRAY_EXPORT_ACTIONS], Resource: "*" },
    ],
  };
}

/** The collector's container name (ECS container, Kubernetes sidecar). */
export const COLLECTOR_CONTAINER_NAME = "otel-collector";

/**
 * The ADOT collector as an ECS sidecar container. Not essential: a collector that dies costs traces, not
 * the service. The app starts after it (dependsOn START) and, ECS stopping containers in the reverse order
 * of their dependencies, it stops after the app, so the app's last spans still find it
 * (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDependency.html, read 2026-12-07:
 * "For container shutdown, the dependent container is stopped before its dependency"). The same
 * read-only, non-root, capability-free settings as the app; it carries the app's shutdown variables
 * (which it ignores) so the kill-window policy checks its stopTimeout like the app's.
 */
export function ecsCollectorContainer(args: {
  region: pulumi.Output<string>;
  logGroupName: pulumi.Input<string>;
  user: string;
  stopTimeout: number;
  shutdownEnvironment: Array<{ name: string; value: string }>;
}) {
  return {
    name: COLLECTOR_CONTAINER_NAME,
    image: ADOT_COLLECTOR_IMAGE,
    essential: false,
    environment: [
      { name: "AOT_CONFIG_CONTENT", value: args.region.apply(xrayCollectorConfig) },
      ...args.shutdownEnvironment,
    ],
    user: args.user,
    readonlyRootFilesystem: true,
    privileged: false,
    linuxParameters: { initProcessEnabled: true, capabilities: { drop: ["ALL"] } },
    stopTimeout: args.stopTimeout,
    logConfiguration: {
      logDriver: "awslogs",
      options: {
        "awslogs-group": args.logGroupName,
        "awslogs-region": args.region,
        "awslogs-stream-prefix": COLLECTOR_CONTAINER_NAME,
      },
    },
  };
}
