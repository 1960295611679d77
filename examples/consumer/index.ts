/**
 * How another team consumes fastify-deploy: a StackReference to one of its stacks, read through the
 * outputs contract, imported by name from its package `@fastify-deploy/outputs` (packages/outputs: an
 * npm workspace here; another repository installs it as a dependency). It is types only, so this
 * program depends on the contract, not on the deploying program's code or SDKs.
 *
 *   cd examples/consumer && pulumi config set appStack organization/fastify-deploy/prod && pulumi up
 */

import type { CommonOutputs, OutputsOf, Platform } from "@fastify-deploy/outputs";
import * as pulumi from "@pulumi/pulumi";

/** A typed view of a fastify-deploy stack: keys and value types come from the contract. */
export class AppStackReference {
  private readonly ref: pulumi.StackReference;

  constructor(name: string) {
    this.ref = new pulumi.StackReference(name);
  }

  /** A key every platform exports (`platform`, `url`, `imageUri`). */
  common<K extends keyof CommonOutputs>(key: K): pulumi.Output<CommonOutputs[K]> {
    return this.ref.requireOutput(key) as pulumi.Output<CommonOutputs[K]>;
  }

  /** A platform-specific key, e.g. `forPlatform("ecs", "clusterName")`; undefined on another platform. */
  forPlatform<P extends Platform, K extends Exclude<keyof OutputsOf<P>, keyof CommonOutputs>>(
    platform: P,
    key: K,
  ): pulumi.Output<OutputsOf<P>[K] | undefined> {
    return pulumi
      .all([this.common("platform"), this.ref.getOutput(key as string)])
      .apply(([actual, value]) => (actual === platform ? (value as OutputsOf<P>[K]) : undefined));
  }
}

const app = new AppStackReference(new pulumi.Config().require("appStack"));

const url = app.common("url");
const imageUri = app.common("imageUri");

export const appPlatform = app.common("platform");
export const appHealthUrl = pulumi.interpolate`${url}/healthz`;
// The digest alone (e.g. to pin the same build in another registry or an admission policy).
export const appImageDigest = imageUri.apply((uri) => uri.slice(uri.indexOf("@") + 1));
export const ecsClusterName = app.forPlatform("ecs", "clusterName");
export const kubernetesNamespace = app.forPlatform("kubernetes", "namespace");
// How to reach an in-cluster-only app from a workstation (url is then the in-cluster Service URL).
export const kubernetesPortForward = app.forPlatform("kubernetes", "portForwardCommand");
// The app's IAM role on either AWS platform: attach this team's policies to it (e.g. read a bucket).
export const appRoleArn = pulumi
  .all([app.forPlatform("ecs", "appRoleArn"), app.forPlatform("eks", "appRoleArn")])
  .apply(([ecs, eks]) => ecs ?? eks);
// On either AWS platform: the alarm topic to subscribe this team's pager or chat to, and the dashboard.
export const alarmTopicArn = pulumi
  .all([app.forPlatform("ecs", "alarmTopicArn"), app.forPlatform("eks", "alarmTopicArn")])
  .apply(([ecs, eks]) => ecs ?? eks);
export const dashboardUrl = pulumi
  .all([app.forPlatform("ecs", "dashboardUrl"), app.forPlatform("eks", "dashboardUrl")])
  .apply(([ecs, eks]) => ecs ?? eks);
