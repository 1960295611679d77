import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import type { RolloutSettings } from "../../facts";
import { ROLLOUTS_CONTROLLER_REPLICAS, ROLLOUTS_CONTROLLER_RESOURCES } from "../../platforms/workload";
import { type ProgramRun, ROOT, runProgram } from "../../tools/harness";
import { applyAssumptions, defaultAssumptions, HOURS_PER_MONTH } from "../assumptions";
import { estimate } from "../estimate";
import { loadRegionPrices } from "../prices";
import { cpuQuantity, memoryQuantity } from "./kubernetes";

const ASSUMPTIONS = applyAssumptions(defaultAssumptions(), { asOf: "2026-12-02" });
const KUBECONFIG = readFileSync(path.join(ROOT, "test/fixtures/kubeconfig.yaml"), "utf8");
const canary: RolloutSettings = {
  strategy: "canary",
  canaryPercent: 10,
  linearStepPercent: 20,
  bakeMinutes: 10,
};

async function runWithCanary(options: Parameters<typeof runProgram>[0]): Promise<ProgramRun> {
  (globalThis as { rolloutUnderTest?: RolloutSettings }).rolloutUnderTest = canary;
  try {
    return await runProgram({ ...options, program: "test/programs/with-rollout.ts" });
  } finally {
    (globalThis as { rolloutUnderTest?: RolloutSettings }).rolloutUnderTest = undefined;
  }
}

describe("cost: the progressive-delivery controller's pods (issue 29)", () => {
  let eks: ProgramRun;
  let kubernetes: ProgramRun;
  before(async () => {
    eks = await runWithCanary({ stack: "prod", config: { platform: "eks" } });
    kubernetes = await runWithCanary({
      stack: "dev",
      config: { platform: "kubernetes" },
      secrets: { kubeconfig: KUBECONFIG },
    });
  });

  it("reads Kubernetes quantities", () => {
    assert.deepEqual(["100m", "0.5", "2", "x"].map(cpuQuantity), [0.1, 0.5, 2, undefined]);
    assert.deepEqual(["128Mi", "1Gi", "1G"].map(memoryQuantity), [0.125, 1, undefined]);
  });

  it("eks: the controller's requests priced at the Fargate x86 vCPU-hour and GB-hour rates of the region's price file", () => {
    const e = estimate(eks, { assumptions: ASSUMPTIONS });
    const lines = e.lines.filter((l) => l.resource.endsWith("app-rollouts-release"));
    const prices = loadRegionPrices(eks.config.values["aws:region"] ?? "us-east-1")?.prices;
    assert.ok(prices);
    const vcpu =
      ROLLOUTS_CONTROLLER_REPLICAS * (cpuQuantity(ROLLOUTS_CONTROLLER_RESOURCES.requests.cpu) ?? 0);
    const gb =
      ROLLOUTS_CONTROLLER_REPLICAS * (memoryQuantity(ROLLOUTS_CONTROLLER_RESOURCES.requests.memory) ?? 0);
    const expected = [
      vcpu * (prices.fargateVcpuHourX86?.usd ?? Number.NaN) * HOURS_PER_MONTH,
      gb * (prices.fargateGbHourX86?.usd ?? Number.NaN) * HOURS_PER_MONTH,
    ].map((usd) => Math.round(usd * 100) / 100);
    assert.deepEqual(
      lines.map((l) => [l.kind, l.monthly]),
      expected.map((usd) => ["priced", usd]),
    );
    assert.ok(expected.every((usd) => usd > 0));
  });

  it("kubernetes: not priced, as every object on a cluster the stack does not own", () => {
    const e = estimate(kubernetes, { assumptions: ASSUMPTIONS });
    const lines = e.lines.filter((l) => l.resource.endsWith("app-rollouts-release"));
    assert.deepEqual(
      lines.map((l) => l.kind),
      ["not-priced"],
    );
    assert.ok(!e.lines.some((l) => l.unknownType), "every recorded type has a rule");
  });
});
