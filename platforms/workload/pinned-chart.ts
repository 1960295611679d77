import { createHash } from "node:crypto";
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";

export interface PinnedChart {
  repository: string;
  chart: string;
  /** Exact chart version: the version fixes the templates and their defaults. */
  version: string;
  /**
   * `sha256:<hex>` of the chart's .tgz as the repository's index.yaml lists it (the `digest` Helm's
   * chart-releaser writes per version). A Helm release from an HTTPS repository cannot be told to check
   * it (helm.v3.Release has no digest input, and `helm install` does not compare the index digest), so
   * {@link verifyPinnedChart} checks it before a deploy: the same version re-published with other
   * content fails there.
   */
  digest: `sha256:${string}`;
  /** Where the digest was read, and when (YYYY-MM-DD). */
  digestSource: string;
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

/** What {@link verifyPinnedChart} needs of `fetch`. */
export type FetchBytes = (
  url: string,
) => Promise<{ ok: boolean; status: number; arrayBuffer(): Promise<ArrayBuffer> }>;

/**
 * Checks a pinned chart the way Helm resolves it: the repository's index.yaml entry for the version
 * must carry the pinned digest, and the .tgz it points at must hash to it. Returns the problems (none
 * when the chart is what was pinned). Needs the network: run by scripts/verify-charts.ts before a
 * deploy, never by the program.
 */
export async function verifyPinnedChart(
  chart: PinnedChart,
  fetchBytes: FetchBytes = fetch,
): Promise<string[]> {
  const where = `${chart.chart} ${chart.version}`;
  const indexUrl = `${chart.repository.replace(/\/$/, "")}/index.yaml`;
  const index = await fetchBytes(indexUrl);
  if (!index.ok) return [`${where}: ${indexUrl} answered ${index.status}`];
  const doc = parseYaml(Buffer.from(await index.arrayBuffer()).toString("utf8")) as {
    entries?: Record<string, { version?: string; digest?: string; urls?: string[] }[]>;
  };
  const entry = doc?.entries?.[chart.chart]?.find((e) => e.version === chart.version);
  if (!entry) return [`${where}: not in ${indexUrl}`];
  const problems: string[] = [];
  if (`sha256:${entry.digest}` !== chart.digest) {
    problems.push(`${where}: index.yaml lists digest sha256:${entry.digest}; pinned ${chart.digest}`);
  }
  const url = entry.urls?.[0];
  if (!url) return [...problems, `${where}: index.yaml lists no url`];
  const absolute = new URL(url, `${chart.repository.replace(/\/$/, "")}/`).toString();
  const archive = await fetchBytes(absolute);
  if (!archive.ok) return [...problems, `${where}: ${absolute} answered ${archive.status}`];
  const actual = `sha256:${createHash("sha256")
    .update(Buffer.from(await archive.arrayBuffer()))
    .digest("hex")}`;
  if (actual !== chart.digest)
    problems.push(`${where}: ${absolute} hashes to ${actual}; pinned ${chart.digest}`);
  return problems;
}
