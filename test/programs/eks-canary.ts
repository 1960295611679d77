/**
 * The prod (EKS) program with a 10 % / 10 min canary: with-rollout.ts with its rollout set here, for the
 * policy pack's recorded variants (policy/testing.ts `eksCanary`), which can pass only run options.
 */
import type { RolloutSettings } from "../../facts";

const state = globalThis as { rolloutUnderTest?: RolloutSettings };
state.rolloutUnderTest = { strategy: "canary", canaryPercent: 10, linearStepPercent: 20, bakeMinutes: 10 };
try {
  module.exports = require("./with-rollout");
} finally {
  state.rolloutUnderTest = undefined;
}
