import type * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config";
import type { AppImage } from "../image";
import { EcsPlatform } from "./ecs";

/**
 * The stack outputs contract. Every platform exports {@link CommonOutputs}; each adds its documented
 * keys. Other teams read these through `pulumi stack output` or a StackReference.
 */
export interface CommonOutputs {
  /** The platform this stack deploys to. */
  platform: StackConfig["platform"];
  /** Where the app answers (scheme + host). */
  url: pulumi.Output<string>;
  /** The deployed image, digest-pinned (`<repository>@sha256:<digest>`). */
  imageUri: pulumi.Output<string>;
}

export interface EcsOutputs extends CommonOutputs {
  platform: "ecs";
  clusterName: pulumi.Output<string>;
  serviceName: pulumi.Output<string>;
  loadBalancerDnsName: pulumi.Output<string>;
  logGroupName: pulumi.Output<string>;
  vpcId: pulumi.Output<string>;
}

export type StackOutputs = EcsOutputs;

/** The name every platform component (and so every child resource name) derives from. */
export const PLATFORM_COMPONENT_NAME = "app";

/** The only place that branches on the platform. */
export function createPlatform(config: StackConfig, image: AppImage): StackOutputs {
  const name = PLATFORM_COMPONENT_NAME;
  switch (config.platform) {
    case "ecs": {
      const ecs = new EcsPlatform(name, {
        imageUri: image.imageUri,
        imageRepositoryArn: image.repositoryArn,
        imagePlatform: config.image.platform,
        app: config.app,
        network: config.network,
        allowedCidrs: config.allowedCidrs,
        ...(config.certificateArn !== undefined && { certificateArn: config.certificateArn }),
        scaling: config.scaling,
        cpu: config.ecs.cpu,
        memory: config.ecs.memory,
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
      };
    }
    case "eks":
      throw new Error(
        'fastify-deploy:platform: got "eks"; the EKS platform is not implemented yet (use ecs or kubernetes)',
      );
    case "kubernetes":
      throw new Error(
        'fastify-deploy:platform: got "kubernetes"; the Kubernetes platform is not implemented yet (use ecs)',
      );
    default: {
      const unreachable: never = config;
      throw new Error(`unknown platform ${JSON.stringify((unreachable as { platform: unknown }).platform)}`);
    }
  }
}
