import * as pulumi from "@pulumi/pulumi";
import { awsTags } from "../aws";
import { type IrsaClusterArgs, inlinePolicy, irsaRelease } from "./irsa";
import { FLUENT_BIT_CHART } from "./versions";

export interface ContainerLogsArgs extends IrsaClusterArgs {
  /** The log group (created by the caller with the stack's retention). */
  logGroupName: pulumi.Input<string>;
  logGroupArn: pulumi.Input<string>;
  region: pulumi.Input<string>;
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

    const { role } = irsaRelease(
      name,
      {
        ...args,
        description: "Fluent Bit: container logs to CloudWatch (IRSA)",
        namespace: "kube-system",
        serviceAccountName: FLUENT_BIT_SERVICE_ACCOUNT,
        tags: awsTags(name),
        grant: inlinePolicy(name, logWritePolicy(args.logGroupArn), this),
        chart: FLUENT_BIT_CHART,
        values: (serviceAccount) => ({
          serviceAccount,
          cloudWatchLogs: {
            enabled: true,
            region: args.region,
            logGroupName: args.logGroupName,
            // One stream per container log file (pod, namespace, container).
            logStreamPrefix: "pod-",
            autoCreateGroup: false,
          },
          // The chart's kubernetes filter defaults to mergeLog "On" (a JSON line's fields parsed under
          // `data`) AND keepLog "On" (the original `log` string kept beside them), so every pino line
          // would be stored, and billed at $0.50/GB ingested, twice. Off keeps the parsed fields only;
          // Helm merges this map into the chart's `filter` defaults, so the others stay as they are.
          // Source: aws/eks-charts stable/aws-for-fluent-bit/values.yaml (filter.mergeLog, filter.keepLog)
          // and templates/configmap.yaml (Merge_Log / Keep_Log of the [FILTER] kubernetes), chart 0.2.0,
          // commit 2942cdce, read 2026-12-07.
          filter: { keepLog: "Off" },
          // The older Go plugin and the other outputs stay off.
          cloudWatch: { enabled: false },
          firehose: { enabled: false },
          kinesis: { enabled: false },
          elasticsearch: { enabled: false },
        }),
      },
      this,
    );

    this.roleArn = role.arn;
    this.registerOutputs({ roleArn: this.roleArn });
  }
}

/** Write access to one log group's streams: all Fluent Bit's cloudwatch_logs output needs. */
function logWritePolicy(logGroupArn: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.output(logGroupArn).apply((arn) =>
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
  );
}
