import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { policies } from "./policies";
import * as rollout from "./rollout";
import {
  describeMutations,
  describeRejections,
  evaluate,
  fixture,
  type Mutation,
  type Rejection,
  recorded,
} from "./testing";

const rejections: Rejection[] = [
  {
    policy: rollout.rolloutAnalysedAndSafe,
    resources: () => [
      fixture(rollout.ROLLOUT, "r", { spec: { strategy: { canary: { steps: [{ setWeight: 10 }] } } } }),
      fixture(rollout.ROLLOUT, "bg", {
        spec: { progressDeadlineAbort: true, strategy: { blueGreen: { activeService: "app" } } },
      }),
    ],
    messages: [
      "Rollout r: the canary has no analysis, so nothing aborts a bad version before it reaches everyone. Set strategy.canary.analysis.templates.",
      'Rollout r: a canary step may take serving pods away first (maxUnavailable "25%"). Set strategy.canary.maxUnavailable: 0.',
      "Rollout r: a version that never becomes ready is left half-rolled. Set spec.progressDeadlineAbort: true.",
      "Rollout bg: the blue/green switch has no pre-promotion analysis. Set strategy.blueGreen.prePromotionAnalysis.templates.",
    ],
  },
];

const mutations: Mutation[] = [
  {
    policy: rollout.rolloutAnalysedAndSafe,
    setting: "analysis",
    from: "eksCanary",
    type: rollout.ROLLOUT,
    mutate: (i) => {
      delete i.spec.strategy.canary.analysis;
    },
  },
  {
    policy: rollout.rolloutAnalysedAndSafe,
    setting: "maxUnavailable 0",
    from: "eksCanary",
    type: rollout.ROLLOUT,
    mutate: (i) => {
      i.spec.strategy.canary.maxUnavailable = 1;
    },
  },
  {
    policy: rollout.rolloutAnalysedAndSafe,
    setting: "progressDeadlineAbort",
    from: "eksCanary",
    type: rollout.ROLLOUT,
    mutate: (i) => {
      delete i.spec.progressDeadlineAbort;
    },
  },
];

describe("policy/rollout.ts", () => {
  describeRejections(rollout, rejections);
  describeMutations(rollout, mutations);
  it("the whole pack passes on prod (eks) with a canary: the controller and its objects keep every invariant", async () => {
    const resources = await recorded("eksCanary");
    assert.ok(resources.some((r) => r.type === rollout.ROLLOUT));
    assert.deepEqual(await evaluate(policies, resources), []);
  });
});
