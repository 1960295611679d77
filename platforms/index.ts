import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config";
import { ecrImage, type LoadBalancerSettings } from "../facts";
import type { AppImage } from "../image";
import type { PlatformImage } from "./args";
import { EcsPlatform } from "./ecs";
import { EksPlatform } from "./eks";
import { type ImagePullArgs, KubernetesPlatform } from "./kubernetes";

/**
 * The stack outputs contract. Every platform exports {@link CommonOutputs}; each adds its documented
 * keys. Other teams read these through `pulumi stack output` or a StackReference.
 */
export interface CommonOutputs {
  /** The platform this stack deploys to. */
  platform: StackConfig["platform"];
  /**
   * Where the app answers, always an `http(s)://` URL: the load balancer's or ingress host's when there is
   * one, else the in-cluster `http://<service>.<namespace>.svc.cluster.local`.
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

/** The only place that branches on the platform. */
export function createPlatform(config: StackConfig, image: AppImage): StackOutputs {
  const name = PLATFORM_COMPONENT_NAME;
  switch (config.platform) {
    case "ecs": {
      const ecs = new EcsPlatform(name, {
        image: platformImage(config, image),
        app: config.app,
        scaling: config.scaling,
        network: config.network,
        loadBalancer: loadBalancer(config),
        task: { cpu: config.ecs.cpu, memory: config.ecs.memory },
        logRetentionDays: config.ecs.logRetentionDays,
        containerInsights: config.ecs.containerInsights,
      });
      return {
        platform: "ecs",
        url: ecs.url,
        imageUri: image.imageUri,
        clusterName: ecs.clusterName,
        serviceName: ecs.serviceName,
        loadBalancerDnsName: ecs.loadBalancerDnsName,
        logGroupName: ecs.logGroupName,
        vpcId: ecs.vpcId,
        appRoleArn: ecs.taskRoleArn,
      };
    }
    case "eks": {
      const e = config.eks;
      const eks = new EksPlatform(name, {
        image: platformImage(config, image),
        app: config.app,
        scaling: config.scaling,
        network: config.network,
        loadBalancer: loadBalancer(config),
        // Known before the cluster exists (its control-plane log group is created first); one per stack.
        clusterName: `${pulumi.getProject()}-${pulumi.getStack()}`,
        kubernetesVersion: e.kubernetesVersion,
        endpointPublicAccessCidrs: e.endpointPublicAccessCidrs,
        adminRoleArns: e.adminRoleArns,
        nodeGroups: [{ name: "general", ...e.nodeGroup }],
        bastion: e.bastion,
        namespace: e.namespace,
        awaitAddress: e.awaitAddress,
        networkPolicy: e.networkPolicy,
        clusterLogTypes: e.clusterLogTypes,
        logRetentionDays: e.logRetentionDays,
      });
      return {
        platform: "eks",
        url: eks.url,
        imageUri: image.imageUri,
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
      };
    }
    case "kubernetes": {
      const k = config.kubernetes;
      const platform = new KubernetesPlatform(name, {
        image: platformImage(config, image),
        app: config.app,
        scaling: config.scaling,
        cluster: {
          kubeconfig: k.kubeconfig,
          ...(k.context !== undefined && { context: k.context }),
          apiServer: k.apiServer,
        },
        imagePull: imagePull(k.imagePullSecret, config.image.uri, k.ecrRefresherImage),
        namespace: k.namespace,
        createNamespace: k.createNamespace,
        serviceType: k.serviceType,
        ...(k.ingress !== undefined && { ingress: k.ingress }),
        networkPolicy: k.networkPolicy,
        ingressControllerNamespace: k.ingressControllerNamespace,
        nodeCidrs: k.nodeCidrs,
        awaitAddress: k.awaitAddress,
      });
      return {
        platform: "kubernetes",
        url: platform.url,
        imageUri: image.imageUri,
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

/** The image as every platform takes it. (Goes away when config's StackConfig carries the Args.) */
function platformImage(config: StackConfig, image: AppImage): PlatformImage {
  return { uri: image.imageUri, repositoryArn: image.repositoryArn, platform: config.image.platform };
}

/** The load balancer settings of an AWS stack. (Goes away when config's StackConfig carries the Args.) */
function loadBalancer(config: { allowedCidrs: string[]; certificateArn?: string }): LoadBalancerSettings {
  return {
    allowedCidrs: config.allowedCidrs,
    ...(config.certificateArn !== undefined && { certificateArn: config.certificateArn }),
  };
}

/** How a cluster outside AWS pulls the image: a named secret, a refreshed ECR secret, or nothing for other registries. */
function imagePull(
  existingSecret: string | undefined,
  prebuiltUri: string | undefined,
  refresherImage: string,
): ImagePullArgs {
  if (existingSecret !== undefined) return { existingSecretName: existingSecret };
  // A built image always lives in this stack's ECR repository.
  if (prebuiltUri === undefined || ecrImage(prebuiltUri) !== undefined) return { ecr: { refresherImage } };
  return { none: true };
}
