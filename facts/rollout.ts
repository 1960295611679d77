import type { RolloutSettings, RolloutStrategy } from "./settings";

/**
 * The progressive-delivery strategies (issue 29) and the API limits config validates them against.
 * Imports no SDK. Each limit is the ECS API's, the strictest of the platforms (29b's controllers
 * accept any weight 0..100 and any pause), so one rule holds everywhere.
 */
export const ROLLOUT_STRATEGIES = [
  "rolling",
  "canary",
  "linear",
  "blueGreen",
] as const satisfies readonly RolloutStrategy[];
// Compile-time: the list names every member of the union (a member added to one fails here).
const _everyStrategy: Record<Exclude<RolloutStrategy, (typeof ROLLOUT_STRATEGIES)[number]>, never> = {};
void _everyStrategy;

/** The strategies that shift traffic between two target groups / versions behind a load balancer. */
export function isTrafficShifting(strategy: RolloutStrategy): boolean {
  return strategy !== "rolling";
}

/** The ECS deploymentConfiguration.strategy value of each strategy (pulumi-aws 7.48.0 types). */
export const ECS_DEPLOYMENT_STRATEGY: Record<
  RolloutStrategy,
  "ROLLING" | "CANARY" | "LINEAR" | "BLUE_GREEN"
> = {
  rolling: "ROLLING",
  canary: "CANARY",
  linear: "LINEAR",
  blueGreen: "BLUE_GREEN",
};

/**
 * The one listener-rule field ECS rewrites during a traffic-shifting deployment: the forward action's
 * weighted target groups (platforms/ecs/traffic-shift.ts says what was read; policy/ecs.ts holds it).
 */
export const ECS_MANAGED_RULE_FIELDS = ["actions[0].forward.targetGroups"] as const;

/**
 * A percentage given in tenths with its inclusive range. ECS API reference, read 2026-12-07:
 * CanaryConfiguration.canaryPercent "Valid values are multiples of 0.1 from 0.1 to 100.0. The default
 * value is 5.0" (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CanaryConfiguration.html);
 * LinearConfiguration.stepPercent "multiples of 0.1 from 3.0 to 100.0. The default value is 10.0"
 * (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_LinearConfiguration.html); the same
 * ranges in pulumi-aws 7.48.0 types/input.d.ts ServiceDeploymentConfigurationCanaryConfiguration /
 * …LinearConfiguration ("Valid range: 0.1-100.0", "3.0-100.0").
 */
export const CANARY_PERCENT = { min: 0.1, max: 100, step: 0.1 } as const;
export const LINEAR_STEP_PERCENT = { min: 3, max: 100, step: 0.1 } as const;
/**
 * Bake minutes: canaryBakeTimeInMinutes and stepBakeTimeInMinutes are each "0 to 1440 minutes (24
 * hours)" (the same two API pages); bakeTimeInMinutes "Valid range: 0-1440 minutes" (pulumi-aws 7.48.0
 * ServiceDeploymentConfiguration; terraform-provider-aws internal/service/ecs/service.go, newest stored,
 * `bake_time_in_minutes` ValidateTypeStringNullableIntBetween(0, 1440)), all read 2026-12-07.
 */
export const BAKE_MINUTES = { min: 0, max: 1440 } as const;
/** The API limits above as dated facts: `npm run facts` flags them as their read date ages. */
export const ROLLOUT_LIMIT_FACTS = [
  {
    name: "ECS CanaryConfiguration.canaryPercent",
    value: `${CANARY_PERCENT.min}..${CANARY_PERCENT.max} by ${CANARY_PERCENT.step}`,
    read: "2026-12-07",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CanaryConfiguration.html",
  },
  {
    name: "ECS LinearConfiguration.stepPercent",
    value: `${LINEAR_STEP_PERCENT.min}..${LINEAR_STEP_PERCENT.max} by ${LINEAR_STEP_PERCENT.step}`,
    read: "2026-12-07",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_LinearConfiguration.html",
  },
  {
    name: "ECS canary/step/final bake minutes",
    value: `${BAKE_MINUTES.min}..${BAKE_MINUTES.max}`,
    read: "2026-12-07",
    source:
      "API_CanaryConfiguration.html / API_LinearConfiguration.html; bakeTimeInMinutes: pulumi-aws 7.48.0 ServiceDeploymentConfiguration and terraform-provider-aws internal/service/ecs/service.go (IntBetween(0, 1440))",
  },
] as const;

/**
 * The least bake a traffic-shifting strategy may have: ECS watches the deployment alarms only while a
 * step bakes (and during the final bake), and the program's rate and latency alarms judge a window of
 * 5 one-minute periods (RATE_EVALUATION in platforms/aws/monitoring.ts; ecs-platform.test.ts holds the
 * two equal). A shorter bake promotes a revision before its first full window was judged.
 */
export const MIN_ROLLOUT_BAKE_MINUTES = 5;

/**
 * The traffic steps a strategy takes, as the percentage of production traffic on the new revision
 * after each shift. LINEAR's last step is whatever remains (ECS: "equal percentage increments … until
 * 100% of traffic is shifted"); a step of 30 gives 30, 60, 90, 100.
 */
export function trafficSteps(r: RolloutSettings): number[] {
  switch (r.strategy) {
    case "rolling":
    case "blueGreen":
      return [100];
    case "canary":
      return r.canaryPercent >= 100 ? [100] : [r.canaryPercent, 100];
    case "linear": {
      const steps: number[] = [];
      // Tenths as integers, so 0.1 steps add up exactly.
      const step = Math.round(r.linearStepPercent * 10);
      for (let tenths = step; tenths < 1000; tenths += step) steps.push(tenths / 10);
      return [...steps, 100];
    }
  }
}

/** One production-traffic step: the share the new revision gets, and how long it is held. */
export interface TrafficStep {
  percent: number;
  /** Minutes held with the rollback alarms watching before the next shift (0 after the last). */
  holdMinutes: number;
}

/**
 * A strategy's traffic timeline as ECS runs it (blue-green-deployment-how-it-works and the two API
 * pages above, read 2026-12-07): the canary phase holds `canaryBakeTimeInMinutes`; every linear step
 * but the last holds `stepBakeTimeInMinutes` ("This bake time is not applied after reaching 100
 * percent traffic"); then every strategy keeps the old revision for `bakeTimeInMinutes` before
 * terminating it. This program gives all three the one `bakeMinutes`. `rolling` shifts no traffic.
 */
export function trafficTimeline(r: RolloutSettings): { steps: TrafficStep[]; finalBakeMinutes: number } {
  if (r.strategy === "rolling") return { steps: [], finalBakeMinutes: 0 };
  const percents = trafficSteps(r);
  const steps = percents.map((percent, i) => ({
    percent,
    holdMinutes: i < percents.length - 1 ? r.bakeMinutes : 0,
  }));
  return { steps, finalBakeMinutes: r.bakeMinutes };
}

/** Minutes between the first traffic shift and the old revision's termination: every hold plus the final bake. */
export function bakedMinutes(r: RolloutSettings): number {
  const { steps, finalBakeMinutes } = trafficTimeline(r);
  return steps.reduce((sum, step) => sum + step.holdMinutes, 0) + finalBakeMinutes;
}
