import { isTrafficShifting, MIN_ROLLOUT_BAKE_MINUTES, type RolloutSettings } from "../facts";
import type { Valid } from "./common";
import { fullKey, type Values } from "./keys";

/**
 * Progressive delivery (issue 29), the same keys on every platform: the rule between them and the
 * mapping to the RolloutSettings every platform component takes as `rollout`.
 */

/** A traffic-shifting strategy must bake long enough for the rollback alarms to judge one window. */
export function rolloutProblems(v: Values): string[] {
  const { rolloutStrategy: strategy, rolloutBakeMinutes: bake } = v;
  if (strategy === undefined || bake === undefined || !isTrafficShifting(strategy)) return [];
  if (bake >= MIN_ROLLOUT_BAKE_MINUTES) return [];
  return [
    `${fullKey("rolloutBakeMinutes")}: got ${bake} with rolloutStrategy ${strategy}; expected at least ${MIN_ROLLOUT_BAKE_MINUTES} (the rollback alarms judge ${MIN_ROLLOUT_BAKE_MINUTES} one-minute periods, and a step that bakes less is promoted before they can fire)`,
  ];
}

export function rolloutSettings(v: Valid): RolloutSettings {
  return {
    strategy: v.rolloutStrategy,
    canaryPercent: v.canaryPercent,
    linearStepPercent: v.linearStepPercent,
    bakeMinutes: v.rolloutBakeMinutes,
  };
}
