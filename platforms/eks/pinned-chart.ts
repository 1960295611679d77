import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

export interface PinnedChart {
  repository: string;
  chart: string;
  /** Exact chart version: the version fixes the templates and their defaults. */
  version: string;
}

/**
 * A cluster add-on's Helm release at a pinned chart version, rolled back on failure (`atomic`) so a
 * failed upgrade never leaves it half-configured.
 */
export function pinnedRelease(
  name: string,
  chart: PinnedChart,
  namespace: string,
  values: pulumi.Input<Record<string, unknown>>,
  opts: pulumi.CustomResourceOptions,
): k8s.helm.v3.Release {
  return new k8s.helm.v3.Release(
    name,
    {
      chart: chart.chart,
      version: chart.version,
      repositoryOpts: { repo: chart.repository },
      namespace,
      atomic: true,
      cleanupOnFail: true,
      timeout: 600,
      maxHistory: 5,
      values,
    },
    opts,
  );
}
