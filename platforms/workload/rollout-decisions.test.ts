import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import type { RolloutSettings } from "../../facts";
import { alarmSeries, type Series } from "../../tools/alarm-math";
import { type ProgramRun, ROOT, runProgram } from "../../tools/harness";
import {
  assessMetric,
  type Measurement,
  type MeasurementPhase,
  measurementPhase,
} from "../../tools/rollout-analysis";
import {
  ANALYSIS_INTERVAL_SECONDS,
  type AnalysisMetric,
  type CanaryStep,
  canarySteps,
  type ProgressiveSettings,
  promotionMinutes,
  WEB_PROBE_TIMEOUT_SECONDS,
} from "./rollout-strategy";

/**
 * The decisions, not the controller (issue 29, proof b): the analysis this program writes (recorded
 * AnalysisTemplates, whole program under mocks) evaluated over synthetic metric series by
 * tools/rollout-analysis (Argo's expr-lang subset and per-metric limits) and tools/alarm-math (the
 * CloudWatch metric math the EKS metrics share with the alarms). A healthy canary must promote; a 5xx
 * burst and a p99 regression must abort before promotion, i.e. while the stable ReplicaSet still runs at
 * full size behind the router (Argo scales it down only after promotion; rollout-strategy.ts). A
 * mutated threshold must make exactly one expectation fail, so the scenarios are not vacuous.
 */

const KUBECONFIG = readFileSync(path.join(ROOT, "test/fixtures/kubeconfig.yaml"), "utf8");
const ANALYSIS_TEMPLATE = "kubernetes:argoproj.io/v1alpha1:AnalysisTemplate";
// biome-ignore lint/suspicious/noExplicitAny: recorded Kubernetes inputs are untyped JSON
type Json = any;

const STRATEGIES: ProgressiveSettings[] = [
  { strategy: "canary", canaryPercent: 10, linearStepPercent: 20, bakeMinutes: 10 },
  { strategy: "linear", canaryPercent: 10, linearStepPercent: 20, bakeMinutes: 5 },
  { strategy: "blueGreen", canaryPercent: 10, linearStepPercent: 20, bakeMinutes: 10 },
];

async function recordedMetrics(rollout: RolloutSettings, stack: Parameters<typeof runProgram>[0]) {
  (globalThis as { rolloutUnderTest?: RolloutSettings }).rolloutUnderTest = rollout;
  try {
    const run: ProgramRun = await runProgram({ ...stack, program: "test/programs/with-rollout.ts" });
    return (run.one(ANALYSIS_TEMPLATE).inputs as Json).spec.metrics as AnalysisMetric[];
  } finally {
    (globalThis as { rolloutUnderTest?: RolloutSettings }).rolloutUnderTest = undefined;
  }
}

/** The canary's traffic share (0..1) in minute m: the last setWeight at or before it. */
function weightAt(steps: CanaryStep[], minute: number): number {
  let t = 0;
  let weight = 0;
  for (const step of steps) {
    if (t > minute) break;
    if ("setWeight" in step) weight = step.setWeight;
    if ("pause" in step) t += Number.parseInt(step.pause.duration, 10);
  }
  return weight / 100;
}

/** One version's behaviour: its share of answers that are 5xx, and its (constant) response time. */
interface Version {
  error5xx: number;
  latencySeconds: number;
}
const HEALTHY: Version = { error5xx: 0.001, latencySeconds: 0.08 };
const REQUESTS_PER_MINUTE = 1000;

/**
 * The ALB's one-minute metrics when a share w of the requests reaches the canary: counts add up; a count
 * of 0 publishes no point (the ALB's rule, monitoring.ts); the p99 of the mix is the canary's once more
 * than 1 % of requests are the canary's slower ones.
 */
function albMinutes(settings: ProgressiveSettings, canary: Version, minutes: number): Record<string, Series> {
  const steps = canarySteps(settings);
  const series = (f: (w: number) => number | undefined): Series =>
    Array.from({ length: minutes }, (_, m) => f(weightAt(steps, m)));
  const count = (n: number) => (n > 0 ? n : undefined);
  return {
    RequestCount: series(() => REQUESTS_PER_MINUTE),
    HTTPCode_Target_5XX_Count: series((w) =>
      count(Math.round(REQUESTS_PER_MINUTE * ((1 - w) * HEALTHY.error5xx + w * canary.error5xx))),
    ),
    HTTPCode_ELB_5XX_Count: series(() => undefined),
    HTTPCode_ELB_503_Count: series(() => undefined),
    TargetResponseTime: series((w) =>
      canary.latencySeconds > HEALTHY.latencySeconds
        ? w > 0.01
          ? canary.latencySeconds
          : HEALTHY.latencySeconds
        : 1 - w > 0.01
          ? HEALTHY.latencySeconds
          : canary.latencySeconds,
    ),
  };
}

/** A recorded CloudWatch metric's returned series (the alarms' metric math), per minute. */
function cloudWatchSeries(
  metric: AnalysisMetric,
  albSeries: Record<string, Series>,
  minutes: number,
): Series {
  const queries = (metric.provider as Json).cloudWatch.metricDataQueries as Json[];
  return alarmSeries(
    {
      comparisonOperator: "GreaterThanThreshold",
      threshold: 0,
      evaluationPeriods: 1,
      metricQueries: queries.map((q) => ({
        id: q.id,
        ...(q.expression !== undefined && { expression: q.expression }),
        ...(q.metricStat !== undefined && { metric: { metricName: q.metricStat.metric.metricName } }),
        returnData: q.returnData,
      })),
    },
    albSeries,
    minutes,
  );
}

/** GetMetricData over the provider's window before minute t: the points that exist, newest first. */
function cloudWatchMeasurement(metric: AnalysisMetric, series: Series, t: number): Measurement {
  const windowMinutes = Number.parseInt((metric.provider as Json).cloudWatch.interval, 10);
  const values = series
    .slice(Math.max(0, t - windowMinutes), t)
    .filter((v): v is number => v !== undefined)
    .reverse();
  return { value: [{ Values: values }] };
}

type Outcome = { outcome: "promoted" } | { outcome: "aborted"; minute: number; metric: string };

/**
 * The rollout's fate: every metric measured once per interval from minute 1 (background analysis); the
 * first metric past its limits aborts; none by the promotion minute (or, with `count`, by its last
 * measurement) promotes.
 */
function decide(
  metrics: AnalysisMetric[],
  promotionMinute: number,
  measure: (metric: AnalysisMetric, minute: number) => Measurement,
): Outcome {
  let first: Outcome = { outcome: "promoted" };
  for (const metric of metrics) {
    assert.equal(metric.interval, `${ANALYSIS_INTERVAL_SECONDS}s`);
    const last = metric.count ?? promotionMinute;
    const phases: MeasurementPhase[] = [];
    for (let minute = 1; minute <= last; minute++)
      phases.push(measurementPhase(metric, measure(metric, minute)));
    const state = assessMetric(metric, phases);
    const at = state.at;
    if (state.phase !== "Running" && at !== undefined) {
      const minute = at + 1;
      if (first.outcome === "promoted" || minute < first.minute)
        first = { outcome: "aborted", minute, metric: metric.name };
    }
  }
  return first;
}

function eksOutcome(metrics: AnalysisMetric[], settings: ProgressiveSettings, canary: Version): Outcome {
  const promotion = promotionMinutes(settings);
  const minutes = promotion + 1;
  const alb = albMinutes(settings, canary, minutes);
  const series = new Map(metrics.map((m) => [m.name, cloudWatchSeries(m, alb, minutes)]));
  return decide(metrics, promotion, (metric, t) =>
    cloudWatchMeasurement(metric, series.get(metric.name) ?? [], t),
  );
}

/** The web provider's measurement of one canary answer (metricproviders/webmetric/webmetric.go). */
function webOutcome(
  metrics: AnalysisMetric[],
  settings: ProgressiveSettings,
  answer: { status: number; latencyMs: number; value: number },
): Outcome {
  return decide(metrics, promotionMinutes(settings), (metric) => {
    const web = (metric.provider as Json).web;
    if (answer.status < 200 || answer.status >= 300)
      return { error: `received non 2xx response code: ${answer.status}` };
    if (answer.latencyMs > web.timeoutSeconds * 1000) return { error: "context deadline exceeded" };
    return { value: answer.value };
  });
}

/** The expectations; returns the ones that do not hold (empty: the settings decide right). */
function eksExpectations(
  metrics: AnalysisMetric[],
  settings: ProgressiveSettings,
  p99Seconds: number,
): string[] {
  const broken: string[] = [];
  const promotion = promotionMinutes(settings);
  const healthy = eksOutcome(metrics, settings, HEALTHY);
  if (healthy.outcome !== "promoted")
    broken.push(`${settings.strategy}: healthy canary ${JSON.stringify(healthy)}`);
  const burst = eksOutcome(metrics, settings, { ...HEALTHY, error5xx: 0.6 });
  if (burst.outcome !== "aborted" || burst.minute >= promotion)
    broken.push(`${settings.strategy}: 5xx burst ${JSON.stringify(burst)}`);
  const slow = eksOutcome(metrics, settings, { ...HEALTHY, latencySeconds: 3 * p99Seconds });
  if (slow.outcome !== "aborted" || slow.minute >= promotion || slow.metric !== "p99-latency")
    broken.push(`${settings.strategy}: p99 regression ${JSON.stringify(slow)}`);
  return broken;
}

const thresholdOf = (metric: AnalysisMetric): number =>
  Number(/# > ([\d.]+)\}/.exec(metric.successCondition)?.[1] ?? Number.NaN);

describe("the controller's decisions on this program's analysis (Argo Rollouts, synthetic series)", () => {
  const eks = new Map<string, AnalysisMetric[]>();
  const kubernetes = new Map<string, AnalysisMetric[]>();
  before(async () => {
    for (const settings of STRATEGIES) {
      eks.set(
        settings.strategy,
        await recordedMetrics(settings, { stack: "prod", config: { platform: "eks" } }),
      );
      kubernetes.set(
        settings.strategy,
        await recordedMetrics(settings, {
          stack: "dev",
          config: { platform: "kubernetes" },
          secrets: { kubeconfig: KUBECONFIG },
        }),
      );
    }
  });
  const eksMetrics = (strategy: string) => eks.get(strategy) ?? assert.fail(strategy);
  const p99 = (metrics: AnalysisMetric[]) =>
    thresholdOf(metrics.find((m) => m.name === "p99-latency") ?? assert.fail("p99-latency"));

  it("eks (CloudWatch): a healthy canary promotes; a 5xx burst or a p99 regression aborts before promotion", () => {
    for (const settings of STRATEGIES) {
      const metrics = eksMetrics(settings.strategy);
      assert.deepEqual(eksExpectations(metrics, settings, p99(metrics)), []);
    }
  });

  it("eks: the canary at 10 % with every answer failing aborts at the minute the alarm would fire (3 of 5)", () => {
    const settings = STRATEGIES[0] as ProgressiveSettings;
    const outcome = eksOutcome(eksMetrics("canary"), settings, { ...HEALTHY, error5xx: 1 });
    assert.deepEqual(outcome, { outcome: "aborted", minute: 3, metric: "target-5xx-rate" });
  });

  it("eks: a mutated threshold (the 5xx rate raised above what a 10 % canary's burst reaches) breaks exactly one expectation", () => {
    const settings = STRATEGIES[0] as ProgressiveSettings;
    const metrics = eksMetrics("canary").map((m) =>
      m.name === "target-5xx-rate"
        ? { ...m, successCondition: m.successCondition.replace(/# > [\d.]+\}/, "# > 10}") }
        : m,
    );
    const broken = eksExpectations(metrics, settings, p99(metrics));
    assert.equal(broken.length, 1, broken.join("\n"));
    assert.match(broken[0] ?? "", /^canary: 5xx burst \{"outcome":"promoted"\}$/);
  });

  it("kubernetes (web probe of the canary): healthy promotes; 5xx, a slow answer or a wrong body aborts; a mutated timeout lets the slow one through", () => {
    for (const settings of STRATEGIES) {
      const metrics = kubernetes.get(settings.strategy) ?? assert.fail(settings.strategy);
      const promotion = metrics[0]?.count ?? promotionMinutes(settings);
      const ok = { status: 200, latencyMs: 40, value: 42 };
      assert.deepEqual(webOutcome(metrics, settings, ok), { outcome: "promoted" }, settings.strategy);
      for (const bad of [
        { ...ok, status: 500 },
        { ...ok, latencyMs: 3 * WEB_PROBE_TIMEOUT_SECONDS * 1000 },
        { ...ok, value: 101 },
      ]) {
        const outcome = webOutcome(metrics, settings, bad);
        assert.equal(outcome.outcome, "aborted", `${settings.strategy} ${JSON.stringify(bad)}`);
        assert.ok(outcome.outcome === "aborted" && outcome.minute < promotion, JSON.stringify(outcome));
      }
      const mutated = metrics.map((m) => ({
        ...m,
        provider: { web: { ...(m.provider as Json).web, timeoutSeconds: 10 } },
      }));
      const slow = { ...ok, latencyMs: 3 * WEB_PROBE_TIMEOUT_SECONDS * 1000 };
      assert.deepEqual(webOutcome(mutated, settings, slow), { outcome: "promoted" }, settings.strategy);
    }
  });
});
