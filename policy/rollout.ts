/**
 * Progressive delivery on Kubernetes (issue 29): Argo Rollouts `Rollout` objects. What a user must keep
 * when editing one: the rollout is analysed (it is what aborts a bad version), never drops below the
 * count, and a version that never becomes ready is aborted rather than left half-rolled. Semantics read
 * in argoproj/argo-rollouts v1.9.0 (docs/features/specification.md, analysis.md, bluegreen.md) on
 * 2026-12-07; platforms/workload/progressive-delivery.ts writes Rollouts that pass.
 */
import { resourcePolicy } from "./define";
import { asArray, asObject } from "./rules";

export const ROLLOUT = "kubernetes:argoproj.io/v1alpha1:Rollout";

export const rolloutAnalysedAndSafe = resourcePolicy(
  "k8s-rollout-analysed-and-safe",
  "Argo Rollouts Rollouts run an analysis that can abort them (canary: analysis templates; blue/green: a pre-promotion analysis), never take serving pods away first (canary maxUnavailable 0) and abort a version that never becomes ready (progressDeadlineAbort).",
  [ROLLOUT],
  (props, args) => {
    const spec = asObject(props.spec);
    const strategy = asObject(spec.strategy);
    const out: string[] = [];
    if (strategy.canary !== undefined) {
      const canary = asObject(strategy.canary);
      if (asArray(asObject(canary.analysis).templates).length === 0) {
        out.push(
          `Rollout ${args.name}: the canary has no analysis, so nothing aborts a bad version before it reaches everyone. Set strategy.canary.analysis.templates.`,
        );
      }
      if (!(canary.maxUnavailable === 0 || canary.maxUnavailable === "0%")) {
        out.push(
          `Rollout ${args.name}: a canary step may take serving pods away first (maxUnavailable ${JSON.stringify(canary.maxUnavailable ?? "25%")}). Set strategy.canary.maxUnavailable: 0.`,
        );
      }
    } else if (strategy.blueGreen !== undefined) {
      if (asArray(asObject(asObject(strategy.blueGreen).prePromotionAnalysis).templates).length === 0) {
        out.push(
          `Rollout ${args.name}: the blue/green switch has no pre-promotion analysis. Set strategy.blueGreen.prePromotionAnalysis.templates.`,
        );
      }
    } else {
      out.push(`Rollout ${args.name}: neither a canary nor a blueGreen strategy.`);
    }
    if (spec.progressDeadlineAbort !== true) {
      out.push(
        `Rollout ${args.name}: a version that never becomes ready is left half-rolled. Set spec.progressDeadlineAbort: true.`,
      );
    }
    return out;
  },
);
