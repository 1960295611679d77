/**
 * @fastify-deploy/outputs: the stack outputs contract of fastify-deploy as plain values, the way a
 * `StackReference` (or `pulumi stack output --json`) hands them back. Types only: nothing to build, no
 * dependency, so another team's program imports it without the deploying program's code or SDKs:
 *
 *   import type { StackOutputs } from "@fastify-deploy/outputs";
 *
 * The program's own contract (`StackOutputs` in platforms/index.ts, the same keys as `pulumi.Output`s)
 * must stay equal to this: test/outputs-package.test.ts fails on any key or type that differs, so a new
 * output is added in both places. The outputs per platform, with their meaning: docs/outputs.md.
 */

/** The platforms a stack can deploy to (`fastify-deploy:platform`). */
export type Platform = "ecs" | "eks" | "kubernetes";

/** What every platform exports. */
export interface CommonOutputs {
  /** The platform this stack deploys to. */
  platform: Platform;
  /**
   * Where the app answers, always an `http(s)://` URL: `https://<domainName>` with a domain (ecs, eks),
   * else the load balancer's or ingress host's when there is one, else the in-cluster
   * `http://<service>.<namespace>.svc.cluster.local`.
   */
  url: string;
  /** The deployed image, digest-pinned (`<repository>@sha256:<digest>`). */
  imageUri: string;
}

/** What both AWS platforms add. */
export interface AwsOutputs {
  /** The app's IAM role (ECS task role; EKS: IRSA role of the app's service account), with no permissions. */
  appRoleArn: string;
  /** The CloudWatch dashboard of the golden signals. */
  dashboardUrl: string;
  /** The SNS topic the stack's alarms notify: subscribe your pager or chat to it. */
  alarmTopicArn: string;
}

export interface EcsOutputs extends CommonOutputs, AwsOutputs {
  platform: "ecs";
  clusterName: string;
  serviceName: string;
  loadBalancerDnsName: string;
  logGroupName: string;
  vpcId: string;
}

export interface KubernetesOutputs extends CommonOutputs {
  platform: "kubernetes";
  /** Namespace the app runs in. */
  namespace: string;
  /** The app's Service in that namespace. */
  serviceName: string;
  /** `kubectl port-forward …`: reaches the app from a workstation (then http://127.0.0.1:8080). */
  portForwardCommand: string;
}

export interface EksOutputs extends CommonOutputs, AwsOutputs {
  platform: "eks";
  clusterName: string;
  /** Secret: endpoint and CA; authentication is `aws eks get-token` with the caller's AWS identity. */
  kubeconfig: string;
  vpcId: string;
  /** Namespace the app runs in. */
  namespace: string;
  /** DNS name of the ALB the load balancer controller created for the app's Ingress. */
  loadBalancerDnsName: string;
  bastionInstanceId: string;
  /** The exact command that opens a shell on the bastion. */
  bastionConnectCommand: string;
  /** CloudWatch log group holding every pod's stdout/stderr. */
  containerLogGroupName: string;
  /** CloudWatch log group holding the control-plane logs (`/aws/eks/<cluster>/cluster`). */
  controlPlaneLogGroupName: string;
}

/** One stack's outputs: narrow on `platform` for the platform's own keys. */
export type StackOutputs = EcsOutputs | EksOutputs | KubernetesOutputs;

/** The outputs of one platform. */
export type OutputsOf<P extends Platform> = Extract<StackOutputs, { platform: P }>;
