import * as pulumi from "@pulumi/pulumi";
import { awsTags } from "../aws";
import {
  inlinePolicy,
  type PodIdentityClusterArgs,
  podIdentityRelease,
  type ServiceAccountValues,
} from "./pod-identity";
import { FLUENT_BIT_CHART, FLUENT_BIT_IMAGE_TAG } from "./versions";

export interface ContainerLogsArgs extends PodIdentityClusterArgs {
  /** The log group (created by the caller with the stack's retention). */
  logGroupName: pulumi.Input<string>;
  logGroupArn: pulumi.Input<string>;
  region: pulumi.Input<string>;
}

export const FLUENT_BIT_SERVICE_ACCOUNT = "fluent-bit";

/**
 * Every pod's stdout/stderr to CloudWatch Logs: Fluent Bit (fluent/helm-charts `fluent-bit`, pinned) as a
 * DaemonSet tailing /var/log/containers, with Kubernetes metadata, into ONE log group that this program
 * owns (retention set, removed with the stack): `auto_create_group` is off, so Fluent Bit never creates
 * an unbounded group of its own. Its IAM role may write to that group only, and reaches it through EKS
 * Pod Identity: Fluent Bit has its own AWS client in C, which reads the Pod Identity agent's
 * `AWS_CONTAINER_CREDENTIALS_FULL_URI` and `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` since "aws: add
 * support for EKS Pod Identity" (fluent/fluent-bit#10115, merged 2025-03, and #10114 for the 3.2 line;
 * read 2026-12-07), older than the 5.1.1 image pinned here.
 *
 * Chosen over the amazon-cloudwatch-observability add-on: that add-on also ships Container Insights
 * metrics (billed per metric) and its own log groups; this is logs only, and the group is ours. Chosen
 * over aws/eks-charts `aws-for-fluent-bit`, which grants cluster-wide `get` on `nodes/proxy` (exec into
 * any container through the kubelet, past Pod Security and the audit log: Kubernetes "RBAC good
 * practices", https://kubernetes.io/docs/concepts/security/rbac-good-practices/, read 2026-12-07) with no
 * value to turn it off, and runs with an empty security context (versions.ts cites both charts).
 */
export class ContainerLogs extends pulumi.ComponentResource {
  public readonly roleArn: pulumi.Output<string>;

  constructor(name: string, args: ContainerLogsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("fastify-deploy:platforms:ContainerLogs", name, {}, opts);

    const { role } = podIdentityRelease(
      name,
      {
        ...args,
        description: "Fluent Bit: container logs to CloudWatch (EKS Pod Identity)",
        namespace: "kube-system",
        serviceAccountName: FLUENT_BIT_SERVICE_ACCOUNT,
        tags: awsTags(name),
        grant: inlinePolicy(name, logWritePolicy(args.logGroupArn), this),
        chart: FLUENT_BIT_CHART,
        values: (serviceAccount) => fluentBitValues(serviceAccount, args),
      },
      this,
    );

    this.roleArn = role.arn;
    this.registerOutputs({ roleArn: this.roleArn });
  }
}

/**
 * The chart's values. Sources: fluent/helm-charts charts/fluent-bit 0.58.1 values.yaml (`rbac`, `image`,
 * `config.*`, `daemonSetVolumes`, `securityContext`, `podSecurityContext`, `testFramework`) and
 * templates/clusterrole.yaml, commit 5b81bf7, read 2026-12-07.
 */
export function fluentBitValues(
  serviceAccount: ServiceAccountValues,
  args: Pick<ContainerLogsArgs, "region" | "logGroupName">,
): Record<string, unknown> {
  return {
    // A stable DaemonSet name for runbooks (`kubectl -n kube-system logs ds/fluent-bit`).
    fullnameOverride: "fluent-bit",
    serviceAccount,
    // The kubernetes filter reads pods and namespaces from the API server; nothing needs the kubelet
    // (Use_Kubelet is off), so no nodes, nodes/metrics or nodes/proxy, and no events.
    rbac: { create: true, nodeAccess: false, eventsAccess: false },
    image: { tag: FLUENT_BIT_IMAGE_TAG },
    // `helm test` only; Release never runs it, and its busybox:latest image is unpinned.
    testFramework: { enabled: false },
    // Root, because the container log files are root-owned 0640 (/var/log/pods) and the tail position
    // database lives beside them on the host; but no capability at all (root reads the files it owns
    // without CAP_DAC_OVERRIDE), no privilege escalation, a read-only root filesystem and the runtime's
    // seccomp profile. kube-system is not a Pod Security "restricted" namespace; this is as close as a
    // host-log reader gets.
    podSecurityContext: { seccompProfile: { type: "RuntimeDefault" } },
    securityContext: {
      runAsUser: 0,
      runAsNonRoot: false,
      privileged: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    },
    // /var/log only (containerd keeps pod logs under /var/log/pods; /var/log/containers links there):
    // not the chart's /var/lib/docker/containers and /etc/machine-id, which nothing here reads.
    daemonSetVolumes: [{ name: "varlog", hostPath: { path: "/var/log" } }],
    daemonSetVolumeMounts: [{ name: "varlog", mountPath: "/var/log" }],
    config: {
      // Container logs only (the chart's default also reads the kubelet's systemd journal).
      inputs: [
        "[INPUT]",
        "    Name              tail",
        "    Tag               kube.*",
        "    Path              /var/log/containers/*.log",
        "    DB                /var/log/flb_kube.db",
        "    multiline.parser  docker, cri",
        "    Mem_Buf_Limit     5MB",
        "    Skip_Long_Lines   On",
        "    Refresh_Interval  10",
        "",
      ].join("\n"),
      // A JSON line's fields parsed under `data` (as the aws-for-fluent-bit release did, so queries on
      // `data.*` keep working), the raw `log` string NOT kept beside them: every pino line would
      // otherwise be stored, and billed at $0.50/GB ingested, twice.
      filters: [
        "[FILTER]",
        "    Name                kubernetes",
        "    Match               kube.*",
        "    Kube_URL            https://kubernetes.default.svc:443",
        "    Merge_Log           On",
        "    Merge_Log_Key       data",
        "    Keep_Log            Off",
        "    K8S-Logging.Parser  On",
        "    K8S-Logging.Exclude On",
        "    Buffer_Size         32k",
        "",
      ].join("\n"),
      // One stream per container log file (pod, namespace, container), into our group only.
      outputs: pulumi.interpolate`[OUTPUT]
    Name                cloudwatch_logs
    Match               kube.*
    region              ${args.region}
    log_group_name      ${args.logGroupName}
    log_stream_prefix   pod-
    auto_create_group   Off
`,
    },
  };
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
