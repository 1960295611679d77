import type * as pulumi from "@pulumi/pulumi";
import type {
  AppSettings,
  BastionAccessPolicy,
  BastionMode,
  CapacityType,
  ClusterLogType,
  ImagePlatform,
  KubernetesVersion,
  NetworkPolicySources,
  NetworkSettings,
  ScalingSettings,
  ServiceType,
} from "../facts";

/** The validated config: one union discriminated on `platform`, each member what that platform needs. */

export interface ImageConfig {
  /** A prebuilt digest-pinned image; when set nothing is built. */
  uri?: string;
  platform: ImagePlatform;
  /** Keep the ECR repository and its images on `pulumi destroy`; false deletes them (throwaway stacks). */
  retainRepository: boolean;
  /** Other AWS accounts allowed to pull the images this stack builds. */
  pullAccountIds: string[];
}

export interface CommonConfig {
  image: ImageConfig;
  app: AppSettings;
  scaling: ScalingSettings;
}

/** What both AWS platforms share: their own VPC and a public load balancer. */
export interface AwsConfig {
  network: NetworkSettings;
  /** CIDRs admitted to the ALB on 80/443. */
  allowedCidrs: string[];
  certificateArn?: string;
}

export interface EcsStackConfig extends CommonConfig, AwsConfig {
  platform: "ecs";
  ecs: { cpu: number; memory: number; logRetentionDays: number; containerInsights: boolean };
}

export interface EksNodeGroupConfig {
  /** One architecture; the image's `imagePlatform` matches it. */
  instanceTypes: string[];
  minSize: number;
  desiredSize: number;
  maxSize: number;
  capacityType: CapacityType;
  diskSizeGiB: number;
}

export interface EksStackConfig extends CommonConfig, AwsConfig {
  platform: "eks";
  eks: {
    kubernetesVersion: KubernetesVersion;
    /** Empty: the public API endpoint is off. Never a /0. */
    endpointPublicAccessCidrs: string[];
    adminRoleArns: string[];
    namespace: string;
    /** Wait in up for the ALB's address (waitForAddress; auto means yes on EKS). */
    awaitAddress: boolean;
    /** Sources the NetworkPolicy admits; both empty: the VPC's public subnets (the ALB's). */
    networkPolicy: NetworkPolicySources;
    /** Control-plane log types shipped to CloudWatch (always audit and authenticator, plus any chosen). */
    clusterLogTypes: ClusterLogType[];
    /** Retention of the control-plane and container log groups. */
    logRetentionDays: number;
    nodeGroup: EksNodeGroupConfig;
    bastion: {
      mode: BastionMode;
      sshAllowedCidrs: string[];
      instanceType: string;
      accessPolicy: BastionAccessPolicy;
    };
  };
}

export interface KubernetesStackConfig extends CommonConfig {
  platform: "kubernetes";
  kubernetes: {
    /** Always a secret Output. */
    kubeconfig: pulumi.Output<string>;
    context?: string;
    /** API server URL of the selected context: which cluster this is, without its credentials. */
    apiServer: string;
    namespace: string;
    createNamespace: boolean;
    /** An existing pull secret; without one, an ECR image gets a secret built from an ECR token. */
    imagePullSecret?: string;
    serviceType: ServiceType;
    ingress?: { className: string; host?: string; tlsSecretName?: string };
    /** Wait in up for a LoadBalancer Service's or the Ingress's address (waitForAddress; auto means no). */
    awaitAddress: boolean;
    /** Sources the NetworkPolicy admits; both empty: the platform's defaults. */
    networkPolicy: NetworkPolicySources;
    ingressControllerNamespace: string;
    nodeCidrs: string[];
    /** The digest-pinned Node.js image the ECR pull-secret refresher runs in. */
    ecrRefresherImage: string;
  };
}

export type StackConfig = EcsStackConfig | EksStackConfig | KubernetesStackConfig;

/** What a platform's module builds: its member of {@link StackConfig} without the shared parts. */
export type PlatformPart<S extends StackConfig> = Omit<S, "platform" | keyof CommonConfig>;
