import * as pulumi from "@pulumi/pulumi";
import type { Platform } from "../facts";
import type { PlatformImage } from "./args";
import { EcsPlatform, type EcsPlatformArgs } from "./ecs";
import { EksPlatform, type EksPlatformArgs } from "./eks";
import { KubernetesPlatform, type KubernetesPlatformArgs } from "./kubernetes";

/**
 * What validated config hands the one selected platform: that component's Args except the image (built
 * or given at run time). config/ builds it (its StackConfig is this plus the image settings), so a
 * platform's part of the config is its Args, with no second translation here.
 */
export type PlatformConfig =
  | { platform: "ecs"; ecs: Omit<EcsPlatformArgs, "image"> }
  | { platform: "eks"; eks: Omit<EksPlatformArgs, "image"> }
  | { platform: "kubernetes"; kubernetes: Omit<KubernetesPlatformArgs, "image"> };

/**
 * The stack outputs contract. Every platform exports {@link CommonOutputs}; each adds its documented
 * keys. Other teams read these through `pulumi stack output` or a StackReference.
 */
export interface CommonOutputs {
  /** The platform this stack deploys to. */
  platform: Platform;
  /**
   * Where the app answers, always an `http(s)://` URL: `https://<domainName>` with a domain (ecs, eks),
   * else the load balancer's or ingress host's when there is one, else the in-cluster
   * `http://<service>.<namespace>.svc.cluster.local`.
   */
  url: pulumi.Output<string>;
  /** The deployed image, digest-pinned (`<repository>@sha256:<digest>`). */
  imageUri: pulumi.Output<string>;
}

/** What both AWS platforms add. */
export interface AwsOutputs {
  /**
   * The app's IAM role (ECS task role; EKS: IRSA role of the app's service account), with no
   * permissions: other teams attach policies to it.
   */
  appRoleArn: pulumi.Output<string>;
  /** The CloudWatch dashboard of the golden signals (traffic, errors, latency, saturation, synthetic check). */
  dashboardUrl: pulumi.Output<string>;
  /** The SNS topic the stack's alarms notify: subscribe your pager or chat to it. */
  alarmTopicArn: pulumi.Output<string>;
}

export interface EcsOutputs extends CommonOutputs, AwsOutputs {
  platform: "ecs";
  clusterName: pulumi.Output<string>;
  serviceName: pulumi.Output<string>;
  loadBalancerDnsName: pulumi.Output<string>;
  logGroupName: pulumi.Output<string>;
  vpcId: pulumi.Output<string>;
}

export interface KubernetesOutputs extends CommonOutputs {
  platform: "kubernetes";
  /** Namespace the app runs in. */
  namespace: pulumi.Output<string>;
  /** The app's Service in that namespace. */
  serviceName: pulumi.Output<string>;
  /** `kubectl port-forward …`: reaches the app from a workstation (then http://127.0.0.1:8080). */
  portForwardCommand: pulumi.Output<string>;
}

export interface EksOutputs extends CommonOutputs, AwsOutputs {
  platform: "eks";
  clusterName: pulumi.Output<string>;
  /** Secret: endpoint and CA; authentication is `aws eks get-token` with the caller's AWS identity. */
  kubeconfig: pulumi.Output<string>;
  vpcId: pulumi.Output<string>;
  /** Namespace the app runs in. */
  namespace: pulumi.Output<string>;
  /** DNS name of the ALB the load balancer controller created for the app's Ingress. */
  loadBalancerDnsName: pulumi.Output<string>;
  bastionInstanceId: pulumi.Output<string>;
  /** The exact command that opens a shell on the bastion (SSM Session Manager or EC2 Instance Connect). */
  bastionConnectCommand: pulumi.Output<string>;
  /** CloudWatch log group holding every pod's stdout/stderr. */
  containerLogGroupName: pulumi.Output<string>;
  /** CloudWatch log group holding the control-plane logs (`/aws/eks/<cluster>/cluster`). */
  controlPlaneLogGroupName: pulumi.Output<string>;
}

export type StackOutputs = EcsOutputs | EksOutputs | KubernetesOutputs;

/** The name every platform component (and so every child resource name) derives from. */
export const PLATFORM_COMPONENT_NAME = "app";

/** The only place that branches on the platform: wiring, config's Args plus the image, and the outputs. */
export function createPlatform(config: PlatformConfig, image: PlatformImage): StackOutputs {
  const name = PLATFORM_COMPONENT_NAME;
  const imageUri = pulumi.output(image.uri);
  switch (config.platform) {
    case "ecs": {
      const ecs = new EcsPlatform(name, { ...config.ecs, image });
      return {
        platform: "ecs",
        url: ecs.url,
        imageUri,
        clusterName: ecs.clusterName,
        serviceName: ecs.serviceName,
        loadBalancerDnsName: ecs.loadBalancerDnsName,
        logGroupName: ecs.logGroupName,
        vpcId: ecs.vpcId,
        appRoleArn: ecs.taskRoleArn,
        dashboardUrl: ecs.dashboardUrl,
        alarmTopicArn: ecs.alarmTopicArn,
      };
    }
    case "eks": {
      const eks = new EksPlatform(name, { ...config.eks, image });
      return {
        platform: "eks",
        url: eks.url,
        imageUri,
        clusterName: eks.clusterName,
        kubeconfig: eks.kubeconfig,
        vpcId: eks.vpcId,
        namespace: eks.namespace,
        loadBalancerDnsName: eks.loadBalancerDnsName,
        bastionInstanceId: eks.bastionInstanceId,
        bastionConnectCommand: eks.bastionConnectCommand,
        appRoleArn: eks.appRoleArn,
        containerLogGroupName: eks.containerLogGroupName,
        controlPlaneLogGroupName: eks.controlPlaneLogGroupName,
        dashboardUrl: eks.dashboardUrl,
        alarmTopicArn: eks.alarmTopicArn,
      };
    }
    case "kubernetes": {
      const platform = new KubernetesPlatform(name, { ...config.kubernetes, image });
      return {
        platform: "kubernetes",
        url: platform.url,
        imageUri,
        namespace: platform.namespace,
        serviceName: platform.serviceName,
        portForwardCommand: platform.portForwardCommand,
      };
    }
    default: {
      const unreachable: never = config;
      throw new Error(`unknown platform ${JSON.stringify((unreachable as { platform: unknown }).platform)}`);
    }
  }
}
