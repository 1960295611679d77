import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assessMetric, evalCondition, measurementPhase } from ".";

/**
 * The evaluator against Argo Rollouts' own cases: utils/evaluate/evaluate_test.go (argoproj/argo-rollouts
 * HEAD 9f8d111, read 2026-12-07) for the conditions and EvaluateResult, analysis/analysis.go for the limits.
 */
describe("tools/rollout-analysis: Argo's expr-lang subset and metric assessment", () => {
  it("evaluates the conditions of evaluate_test.go", () => {
    assert.equal(evalCondition(true, "result == true"), true);
    assert.equal(evalCondition(true, "result == false"), false);
    assert.equal(evalCondition(5, "result > 1"), true);
    const apdex = { service_apdex: { label: null, values: { values: [2, 2] } } };
    assert.equal(evalCondition(apdex, "all(result.service_apdex.values.values, {# > 1})"), true);
    // The CloudWatch example of docs/analysis/cloudwatch.md.
    const cw = [{ Values: [0.001, 0.002, 0.0, 0.004, 0.005] }];
    assert.equal(
      evalCondition(cw, "len(result[0].Values) >= 5 and all(result[0].Values, {# <= 0.01})"),
      true,
    );
    assert.equal(evalCondition(cw, "count(result[0].Values, {# > 0.003}) < 2"), false);
    assert.equal(evalCondition(42, "result >= 0 && result <= 100"), true);
    assert.equal(evalCondition(101, "result >= 0 && result <= 100"), false);
    assert.equal(evalCondition(3, "not (result < 2) || false"), true);
  });

  it("refuses what it does not model, and a non-bool result (EvalCondition: expected bool)", () => {
    assert.throws(() => evalCondition(1, "1"), /expected bool/);
    assert.throws(() => evalCondition(1, "invalidVariable"), /unknown name/);
    assert.throws(() => evalCondition([1], "2 in result"), /trailing in/);
    assert.throws(() => evalCondition([1], "sum(result)"), /function sum not modelled/);
  });

  it("EvaluateResult: success alone, failure alone, both, neither, and an evaluation error", () => {
    assert.equal(measurementPhase({ successCondition: "result > 1" }, { value: 2 }), "Successful");
    assert.equal(measurementPhase({ successCondition: "result > 1" }, { value: 0 }), "Failed");
    assert.equal(measurementPhase({ failureCondition: "result > 1" }, { value: 2 }), "Failed");
    assert.equal(measurementPhase({ failureCondition: "result > 1" }, { value: 0 }), "Successful");
    const both = { successCondition: "result > 5", failureCondition: "result < 1" };
    assert.equal(measurementPhase(both, { value: 3 }), "Inconclusive");
    assert.equal(measurementPhase({}, { value: 3 }), "Successful");
    assert.equal(measurementPhase({ successCondition: "result[0].Values[0] > 1" }, { value: [] }), "Error");
    assert.equal(measurementPhase({ successCondition: "result > 1" }, { error: "timeout" }), "Error");
  });

  it("assessMetric: failed > failureLimit fails; consecutive errors > consecutiveErrorLimit error; a success resets the error run", () => {
    assert.deepEqual(assessMetric({}, ["Successful", "Failed"]), { phase: "Failed", at: 1 });
    assert.deepEqual(assessMetric({ failureLimit: 2 }, ["Failed", "Successful", "Failed"]), {
      phase: "Running",
    });
    assert.deepEqual(assessMetric({ failureLimit: 2 }, ["Failed", "Failed", "Failed"]), {
      phase: "Failed",
      at: 2,
    });
    assert.deepEqual(assessMetric({}, ["Error", "Error", "Error", "Error"]), { phase: "Running" });
    assert.deepEqual(assessMetric({}, ["Error", "Error", "Error", "Error", "Error"]), {
      phase: "Error",
      at: 4,
    });
    assert.deepEqual(
      assessMetric({ consecutiveErrorLimit: 1 }, ["Error", "Successful", "Error", "Successful"]),
      { phase: "Running" },
    );
  });
});
