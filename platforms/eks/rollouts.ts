import * as aws from "@pulumi/aws";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { type AlbMetricDimensions, canaryAnalysisMetrics } from "../aws";
import {
  createAnalysisTemplate,
  type ProgressiveDelivery,
  type ProgressiveSettings,
  progressiveSettings,
  ROLLOUTS_NAMESPACE,
  ROLLOUTS_SERVICE_ACCOUNT,
  RolloutsController,
} from "../workload";
import type { EksPlatformArgs } from "./eks-platform";
import { type PodIdentityClusterArgs, podIdentityAssociation, podIdentityRole } from "./pod-identity";

/**
 * Progressive delivery on EKS (docs/rollout.md "Kubernetes"): Argo Rollouts with its own IAM role (EKS Pod
 * Identity, like every add-on here: pod-identity.ts),
 * allowed `cloudwatch:GetMetricData` and nothing else, for the analysis on the ALB's CloudWatch metrics.
 * GetMetricData has no resource-level permissions ("Actions, resources, and condition keys for Amazon
 * CloudWatch", https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatch.html:
 * no resource type for GetMetricData; read 2026-12-07), hence `Resource: "*"`.
 */
export function createRolloutsController(
  name: string,
  identity: PodIdentityClusterArgs,
  region: pulumi.Input<string>,
  tags: Record<string, string>,
  parent: pulumi.Resource,
): RolloutsController {
  const subject = {
    clusterName: identity.clusterName,
    namespace: ROLLOUTS_NAMESPACE,
    serviceAccount: ROLLOUTS_SERVICE_ACCOUNT,
  };
  const role = podIdentityRole(
    `${name}-role`,
    {
      ...subject,
      description: "Argo Rollouts: reads the ALB's CloudWatch metrics for canary analysis",
      tags,
    },
    { parent },
  );
  const association = podIdentityAssociation(`${name}-pod-identity`, { ...subject, role, tags }, { parent });
  const policy = new aws.iam.RolePolicy(
    `${name}-policy`,
    {
      role: role.name,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: ["cloudwatch:GetMetricData"], Resource: "*" }],
      }),
    },
    { parent },
  );
  return new RolloutsController(
    name,
    {
      provider: identity.provider,
      gatewayApiPlugin: false,
      // The pods get the role from the association (EKS sets their credentials at admission), so they
      // wait for it; no IRSA annotation. The agent is reached at 169.254.170.23:80 (podIdentityAgent).
      podIdentityAgent: true,
      // The CloudWatch provider reads the region from the environment (docs/analysis/cloudwatch.md).
      env: { AWS_REGION: region },
      dependsOn: [policy, association, ...identity.after],
    },
    { parent },
  );
}

/** The controller and what KubernetesApp takes, when the stack's strategy needs them; undefined for `rolling`. */
export function createRollouts(
  name: string,
  args: Pick<EksPlatformArgs, "rollout" | "namespace">,
  identity: PodIdentityClusterArgs,
  step: { region: pulumi.Input<string>; tags: Record<string, string>; parent: pulumi.Resource },
): { controller: RolloutsController; progressive: ProgressiveDelivery } | undefined {
  const settings = progressiveSettings(args.rollout);
  if (settings === undefined) return undefined;
  const controller = createRolloutsController(name, identity, step.region, step.tags, step.parent);
  return { controller, progressive: eksProgressive(settings, args, controller) };
}

/** The AnalysisTemplate's name in the app's namespace. */
export const analysisTemplateName = (namespace: string): string => `${namespace}-canary-analysis`;

/** What KubernetesApp takes on EKS: weighted target groups through the ALB. */
export function eksProgressive(
  settings: ProgressiveSettings,
  args: Pick<EksPlatformArgs, "namespace">,
  controller: RolloutsController,
): ProgressiveDelivery {
  return {
    settings,
    traffic: "alb",
    analysisTemplateName: analysisTemplateName(args.namespace),
    controller: controller.release,
  };
}

/** The analysis on the deployment alarms' signals, on the ALB the controller made (monitoring.ts). */
export function createCanaryAnalysis(
  name: string,
  args: Pick<EksPlatformArgs, "namespace" | "monitoring">,
  alb: AlbMetricDimensions,
  namespace: pulumi.Input<string>,
  controller: RolloutsController,
  parent: pulumi.Resource,
): k8s.apiextensions.CustomResource {
  return createAnalysisTemplate(
    `${name}-canary-analysis`,
    {
      namespace,
      templateName: analysisTemplateName(args.namespace),
      metrics: pulumi.output(alb.loadBalancer).apply((lb) => canaryAnalysisMetrics(args.monitoring, lb)),
      controller: controller.release,
    },
    { parent, provider: controller.provider },
  );
}
