/**
 * The progressive-delivery strategies on Kubernetes (eks and `kubernetes`), as Argo Rollouts objects:
 * the Rollout's strategy block and the analysis it runs. No SDK import: the component
 * (progressive-delivery.ts), the decision scenarios (rollout-decisions.test.ts) and docs/rollout.md's
 * timeline all read the same numbers from here.
 *
 * Argo Rollouts semantics relied on, read in argoproj/argo-rollouts at tag v1.9.0 (commit 838d4e7) and
 * HEAD 9f8d111 (2026-08-17), read 2026-12-07:
 * - a canary's `setWeight` is an integer percent (pkg/apis/rollouts/v1alpha1/types.go CanaryStep.SetWeight
 *   *int32); after the last step the canary is promoted to 100 % and becomes the stable version;
 * - background analysis (`strategy.canary.analysis`) runs from the first step until promotion; a Failed
 *   or Error run aborts the rollout: traffic goes back to the stable version and the canary is scaled
 *   down (docs/features/analysis.md "Background Analysis");
 * - a metric fails when its failed measurements exceed `failureLimit` and errors when consecutive
 *   errors exceed `consecutiveErrorLimit` (analysis/analysis.go assessMetricFailureInconclusiveOrError);
 *   a measurement is Failed when its successCondition is false and no failureCondition is given
 *   (utils/evaluate/evaluate.go EvaluateResult);
 * - with a traffic router the stable ReplicaSet keeps its full size during the canary
 *   (docs/features/canary/index.md "Mimicking Rolling Update"; `dynamicStableScale` off by default);
 *   without one, `setWeight` is a replica ratio and the stable ReplicaSet shrinks as the canary grows.
 */
import type { RolloutSettings } from "../../facts";

/** How the weights reach the traffic. */
export type TrafficMode =
  /** The AWS Load Balancer Controller's weighted target groups (Argo Rollouts `trafficRouting.alb`). */
  | "alb"
  /** HTTPRoute backend weights through the Argo Rollouts Gateway API plugin. */
  | "gateway"
  /** No router: the share of canary pods behind the one Service is the weight. */
  | "replicas";

/** A strategy that needs the controller (everything but `rolling`). */
export type ProgressiveSettings = RolloutSettings & {
  strategy: Exclude<RolloutSettings["strategy"], "rolling">;
};

/** One Argo Rollouts canary step (the subset this program writes). */
export type CanaryStep =
  | { setWeight: number }
  | { pause: { duration: string } }
  | { setCanaryScale: { weight: number } };

/** Seconds between two measurements of every analysis metric (Argo `interval`). */
export const ANALYSIS_INTERVAL_SECONDS = 60;

/**
 * A canary weight Argo accepts: an integer percent, rounded UP from config's 0.1 steps (ECS's
 * CanaryConfiguration allows 0.1 %), so a canary never receives less than asked, and at least 1.
 */
export function argoWeight(percent: number): number {
  return Math.min(100, Math.max(1, Math.ceil(percent)));
}

/** `<n>m`, the duration form Argo's pause takes. */
const minutes = (n: number): string => `${n}m`;

/**
 * The canary steps per strategy. `canary`: one step at canaryPercent, bake, then all. `linear`: +step
 * every bake until 100. `blueGreen` (through a router): the new version at full size first, then all the
 * traffic at once, then the bake with the old version still at full size behind the router, so a
 * rollback is one weight change (what ECS blue/green does with its two target groups).
 */
export function canarySteps(settings: ProgressiveSettings): CanaryStep[] {
  const bake = { pause: { duration: minutes(settings.bakeMinutes) } };
  switch (settings.strategy) {
    case "canary":
      return [{ setWeight: argoWeight(settings.canaryPercent) }, bake];
    case "linear":
      return linearWeights(settings.linearStepPercent).flatMap((weight) => [{ setWeight: weight }, bake]);
    case "blueGreen":
      return [{ setCanaryScale: { weight: 100 } }, { setWeight: 100 }, bake];
  }
}

/** 1 step, 2 steps, … while below 100 (the last step to 100 is Argo's promotion itself). */
export function linearWeights(stepPercent: number): number[] {
  const step = argoWeight(stepPercent);
  const weights: number[] = [];
  for (let weight = step; weight < 100; weight += step) weights.push(weight);
  return weights.length > 0 ? weights : [100];
}

/**
 * Minutes from the start of a rollout to the promotion when every analysis passes, not counting the
 * time pods take to become ready: the sum of the bakes.
 */
export function promotionMinutes(settings: ProgressiveSettings): number {
  return canarySteps(settings).reduce(
    (sum, step) => sum + ("pause" in step ? Number.parseInt(step.pause.duration, 10) : 0),
    0,
  );
}

/** What the decision scenarios and docs need of one analysis metric. */
export interface AnalysisMetric {
  name: string;
  /** Argo duration between measurements, e.g. `1m`. */
  interval: string;
  successCondition: string;
  /** Failed measurements tolerated; one more fails the metric (Argo default 0). */
  failureLimit: number;
  /** Consecutive errors tolerated; one more errors the metric (Argo default 4). */
  consecutiveErrorLimit: number;
  /** Measurements after which the metric is Successful; unset runs until promotion (background analysis). */
  count?: number;
  provider: Record<string, unknown>;
}

/**
 * Worst-case minutes from a bad canary's first measurement to the abort: the metric fails after
 * failureLimit + 1 failed measurements (or consecutiveErrorLimit + 1 errors), one interval apart.
 */
export function abortMinutes(metric: Pick<AnalysisMetric, "failureLimit" | "consecutiveErrorLimit">): number {
  const measurements = Math.max(metric.failureLimit, metric.consecutiveErrorLimit) + 1;
  return (measurements * ANALYSIS_INTERVAL_SECONDS) / 60;
}

/**
 * The `kubernetes` platform's analysis where no metrics store can be assumed: Argo's web provider asks
 * the canary Service's `GET /v1/random` every interval, with the timeout as the latency bound. A non-2xx
 * answer or a timeout is a measurement Error (metricproviders/webmetric/webmetric.go: "received non 2xx
 * response code"; the client's Timeout); a body outside the route's contract (0 ≤ value ≤ 100) is a
 * Failure. One request a minute is a smoke test of the canary, not a rate: a cluster with Prometheus can
 * add its own template (docs/rollout.md).
 */
export const WEB_PROBE_PATH = "/v1/random";
/** The probe's deadline: slower than this is an error (the p99 bound of a cluster we know nothing about). */
export const WEB_PROBE_TIMEOUT_SECONDS = 2;
/** Two bad probes in a row are tolerated (a pod's first request, a node hiccup); the third aborts. */
export const WEB_PROBE_CONSECUTIVE_ERROR_LIMIT = 2;

/**
 * `count`: a pre-promotion analysis (native blue/green) must complete before the switch, so it probes a
 * fixed number of times (docs/features/bluegreen.md "prePromotionAnalysis"); a background analysis runs
 * until promotion and takes none.
 */
export function webProbeMetric(canaryUrl: string, count?: number): AnalysisMetric {
  return {
    ...(count !== undefined && { count }),
    name: "canary-probe",
    interval: `${ANALYSIS_INTERVAL_SECONDS}s`,
    successCondition: "result >= 0 && result <= 100",
    failureLimit: 0,
    consecutiveErrorLimit: WEB_PROBE_CONSECUTIVE_ERROR_LIMIT,
    provider: {
      web: {
        url: `${canaryUrl}${WEB_PROBE_PATH}`,
        jsonPath: "{$.value}",
        timeoutSeconds: WEB_PROBE_TIMEOUT_SECONDS,
      },
    },
  };
}

/** The settings when the strategy needs the controller; undefined for `rolling` (or none given). */
export function progressiveSettings(rollout: RolloutSettings | undefined): ProgressiveSettings | undefined {
  if (rollout === undefined || rollout.strategy === "rolling") return undefined;
  return { ...rollout, strategy: rollout.strategy };
}
