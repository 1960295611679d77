import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { stringify } from "yaml";
import { runProgram } from "../../tools/harness";
import { AWS_LOAD_BALANCER_CONTROLLER_CHART } from "./load-balancer-controller";
import { type FetchBytes, type PinnedChart, verifyPinnedChart } from "./pinned-chart";
import { CLUSTER_AUTOSCALER_CHART, FLUENT_BIT_CHART } from "./versions";

const PINNED: readonly PinnedChart[] = [
  AWS_LOAD_BALANCER_CONTROLLER_CHART,
  CLUSTER_AUTOSCALER_CHART,
  FLUENT_BIT_CHART,
];

describe("pinned charts", () => {
  it("each carries the sha256 of its .tgz and says where it was read", () => {
    for (const chart of PINNED) {
      assert.match(chart.digest, /^sha256:[0-9a-f]{64}$/, chart.chart);
      assert.match(chart.digestSource, /index\.yaml .*read \d{4}-\d{2}-\d{2}$/, chart.chart);
    }
  });

  it("every Helm release on EKS is one of them, at its pinned version", async () => {
    const run = await runProgram({ stack: "prod", config: { platform: "eks" } });
    const releases = run.ofType("kubernetes:helm.sh/v3:Release");
    assert.equal(releases.length, PINNED.length);
    for (const release of releases) {
      const inputs = release.inputs as { chart: string; version: string; repositoryOpts: { repo: string } };
      const pinned = PINNED.find((c) => c.chart === inputs.chart);
      assert.ok(pinned, `${release.name}: chart ${inputs.chart} is not pinned`);
      assert.equal(inputs.version, pinned.version, release.name);
      assert.equal(inputs.repositoryOpts.repo, pinned.repository, release.name);
    }
  });
});

describe("verifyPinnedChart", () => {
  const archive = Buffer.from("a chart archive");
  const sha = createHash("sha256").update(archive).digest("hex");
  const chart: PinnedChart = {
    repository: "https://charts.example/repo",
    chart: "demo",
    version: "1.2.3",
    digest: `sha256:${sha}`,
    digestSource: "test",
  };
  /** A repository serving an index.yaml and the archive; `listed` is the digest the index claims. */
  const repository =
    (listed: string, served: Buffer): FetchBytes =>
    async (url) => {
      const body =
        url === "https://charts.example/repo/index.yaml"
          ? Buffer.from(
              stringify({
                entries: { demo: [{ version: "1.2.3", digest: listed, urls: ["demo-1.2.3.tgz"] }] },
              }),
            )
          : url === "https://charts.example/repo/demo-1.2.3.tgz"
            ? served
            : undefined;
      return {
        ok: body !== undefined,
        status: body ? 200 : 404,
        arrayBuffer: async () => new Uint8Array(body ?? []).buffer,
      };
    };

  it("accepts the chart that was pinned", async () => {
    assert.deepEqual(await verifyPinnedChart(chart, repository(sha, archive)), []);
  });

  it("refuses a re-published version: other bytes, or another digest in the index", async () => {
    const other = Buffer.from("other content");
    const otherSha = createHash("sha256").update(other).digest("hex");
    assert.deepEqual(await verifyPinnedChart(chart, repository(otherSha, other)), [
      `demo 1.2.3: index.yaml lists digest sha256:${otherSha}; pinned sha256:${sha}`,
      `demo 1.2.3: https://charts.example/repo/demo-1.2.3.tgz hashes to sha256:${otherSha}; pinned sha256:${sha}`,
    ]);
    assert.deepEqual(await verifyPinnedChart(chart, repository(sha, other)), [
      `demo 1.2.3: https://charts.example/repo/demo-1.2.3.tgz hashes to sha256:${otherSha}; pinned sha256:${sha}`,
    ]);
  });

  it("refuses a version the index does not list", async () => {
    assert.deepEqual(await verifyPinnedChart({ ...chart, version: "9.9.9" }, repository(sha, archive)), [
      "demo 9.9.9: not in https://charts.example/repo/index.yaml",
    ]);
  });
});
