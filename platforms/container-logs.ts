import * as aws from "@pulumi/aws";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { FLUENT_BIT_CHART } from "./eks-versions";
import { serviceAccountRole } from "./irsa";
import { pinnedRelease } from "./pinned-chart";

export interface ContainerLogsArgs {
  provider: k8s.Provider;
  /** The log group (created by the caller with the stack's retention). */
  logGroupName: pulumi.Input<string>;
  logGroupArn: pulumi.Input<string>;
  region: pulumi.Input<string>;
  oidcProviderArn: pulumi.Input<string>;
  oidcIssuer: pulumi.Input<string>;
  /**
   * What the release must wait for (e.g. CoreDNS, itself after the nodes): a component's own dependsOn
   * does not reach its children, so it is passed to the release here. @default []
   */
  after?: pulumi.Resource[];
  /** @default {} */
  tags?: Record<string, string>;
}

export const FLUENT_BIT_SERVICE_ACCOUNT = "aws-for-fluent-bit";

/**
 * Every pod's stdout/stderr to CloudWatch Logs: AWS for Fluent Bit (aws/eks-charts, pinned) as a
 * DaemonSet tailing /var/log/containers, with Kubernetes metadata, into ONE log group that this program
 * owns (retention set, removed with the stack): `autoCreateGroup` is off, so Fluent Bit never creates
 * an unbounded group of its own. Its IAM role may write to that group only.
 *
 * Chosen over the amazon-cloudwatch-observability add-on: that add-on also ships Container Insights
 * metrics (billed per metric) and its own log groups; this is logs only, and the group is ours.
 */
export class ContainerLogs extends pulumi.ComponentResource {
  public readonly roleArn: pulumi.Output<string>;

  constructor(name: string, args: ContainerLogsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("fastify-deploy:platforms:ContainerLogs", name, {}, opts);
    const namespace = "kube-system";
    const tags = args.tags ?? {};

    const role = serviceAccountRole(
      `${name}-role`,
      {
        description: "Fluent Bit: container logs to CloudWatch (IRSA)",
        oidcProviderArn: args.oidcProviderArn,
        oidcIssuer: args.oidcIssuer,
        namespace,
        serviceAccountName: FLUENT_BIT_SERVICE_ACCOUNT,
        tags,
      },
      { parent: this },
    );
    const policy = new aws.iam.RolePolicy(
      `${name}-policy`,
      {
        role: role.name,
        policy: pulumi.output(args.logGroupArn).apply((arn) =>
          JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                // The group ARN from the provider ends in ":*" on some partitions; normalise to the group.
                Resource: [`${arn.replace(/:\*$/, "")}:*`],
              },
            ],
          }),
        ),
      },
      { parent: this },
    );

    pinnedRelease(
      `${name}-release`,
      FLUENT_BIT_CHART,
      namespace,
      {
        serviceAccount: {
          create: true,
          name: FLUENT_BIT_SERVICE_ACCOUNT,
          annotations: { "eks.amazonaws.com/role-arn": role.arn },
        },
        cloudWatchLogs: {
          enabled: true,
          region: args.region,
          logGroupName: args.logGroupName,
          // One stream per container log file (pod, namespace, container).
          logStreamPrefix: "pod-",
          autoCreateGroup: false,
        },
        // The older Go plugin and the other outputs stay off.
        cloudWatch: { enabled: false },
        firehose: { enabled: false },
        kinesis: { enabled: false },
        elasticsearch: { enabled: false },
      },
      { parent: this, provider: args.provider, dependsOn: [policy, ...(args.after ?? [])] },
    );

    this.roleArn = role.arn;
    this.registerOutputs({ roleArn: this.roleArn });
  }
}
