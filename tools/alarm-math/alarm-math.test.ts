import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type AlarmInputs, evaluateAlarm, evaluateExpression } from ".";

// The tables of the CloudWatch User Guide, "Using metric math" (awsdocs/amazon-cloudwatch-user-guide
// doc_source/using-metric-math.md, read 2026-12-07): the evaluator must reproduce AWS's own examples
// before its verdicts on the program's alarms mean anything. `undefined` is the guide's "-".
const _ = undefined;

describe("alarm-math: the evaluator reproduces the CloudWatch User Guide's examples", () => {
  it("comparison operators (metric1 [30, 20, 0, 0], metric2 [20, -, 20, -])", () => {
    const series = { metric1: [30, 20, 0, 0], metric2: [20, _, 20, _] };
    assert.deepEqual(evaluateExpression("(metric1 < metric2)", series, 4), [0, 0, 1, 0]);
    assert.deepEqual(evaluateExpression("(metric1 >= 30)", series, 4), [1, 0, 0, 0]);
  });

  it("IF(metric1, metric2, metric3), IF(metric1, 5, metric3), IF(metric1, metric2, 5)", () => {
    const series = { metric1: [1, 1, 0, 0, _], metric2: [30, _, 0, 0, 30], metric3: [0, 0, 20, _, 20] };
    assert.deepEqual(evaluateExpression("IF(metric1, metric2, metric3)", series, 5), [30, 0, 20, _, _]);
    assert.deepEqual(evaluateExpression("IF(metric1, 5, metric3)", series, 5), [5, 5, 20, _, _]);
    assert.deepEqual(evaluateExpression("IF(metric1, metric2, 5)", series, 5), [30, 0, 5, 5, _]);
  });

  it("arithmetic: missing is 0 beside a value, a division by zero drops the point; FILL fills", () => {
    const series = { a: [4, _, _, 6], b: [2, 3, _, 0] };
    assert.deepEqual(evaluateExpression("a + b", series, 4), [6, 3, _, 6]);
    assert.deepEqual(evaluateExpression("a / b", series, 4), [2, 0, _, _]);
    assert.deepEqual(evaluateExpression("100 * FILL(a, 0)", series, 4), [400, 0, 0, 600]);
    assert.deepEqual(evaluateExpression("2 + 3 * 4", series, 4), 14);
  });

  it("refuses what it does not model, rather than guessing", () => {
    assert.throws(() => evaluateExpression("AVG(a)", { a: [1] }, 1), /function AVG not modelled/);
    assert.throws(() => evaluateExpression("a AND b", { a: [1], b: [1] }, 1), /trailing/);
    assert.throws(() => evaluateExpression("FILL(a, REPEAT)", { a: [1] }, 1), /unexpected|not modelled|FILL/);
  });
});

describe("alarm-math: M out of N and treatMissingData", () => {
  const alarm = (treatMissingData: string): AlarmInputs => ({
    metricName: "Errors",
    comparisonOperator: "GreaterThanThreshold",
    threshold: 10,
    evaluationPeriods: 5,
    datapointsToAlarm: 3,
    treatMissingData,
  });

  it("ALARM with 3 of the last 5 points breaching, OK with 2; older points do not count", () => {
    assert.equal(evaluateAlarm(alarm("notBreaching"), { Errors: [11, 0, 11, 0, 0, 11] }, 6), "OK");
    assert.equal(evaluateAlarm(alarm("notBreaching"), { Errors: [0, 11, 0, 11, 11, 0] }, 6), "ALARM");
    assert.equal(evaluateAlarm(alarm("notBreaching"), { Errors: [11, 11, 11, 0, 0, 0, 0, 0] }, 8), "OK");
  });

  it("missing points: notBreaching good, breaching bad, missing skipped (all missing: INSUFFICIENT_DATA)", () => {
    const none = { Errors: [_, _, _, _, _] };
    assert.equal(evaluateAlarm(alarm("notBreaching"), none, 5), "OK");
    assert.equal(evaluateAlarm(alarm("breaching"), none, 5), "ALARM");
    assert.equal(evaluateAlarm(alarm("missing"), none, 5), "INSUFFICIENT_DATA");
    assert.equal(evaluateAlarm(alarm("missing"), { Errors: [_, 11, 11, 11, _] }, 5), "ALARM");
  });

  it("metric math: the one query that returns data is compared, through intermediate expressions", () => {
    const math: AlarmInputs = {
      comparisonOperator: "GreaterThanThreshold",
      threshold: 0,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      treatMissingData: "breaching",
      metricQueries: [
        { id: "running", metric: { metricName: "RunningTaskCount" }, returnData: false },
        { id: "desired", metric: { metricName: "DesiredTaskCount" }, returnData: false },
        { id: "missing", expression: "desired - running", returnData: true },
      ],
    };
    assert.equal(evaluateAlarm(math, { RunningTaskCount: [3, 2], DesiredTaskCount: [3, 3] }, 2), "OK");
    assert.equal(evaluateAlarm(math, { RunningTaskCount: [2, 2], DesiredTaskCount: [3, 3] }, 2), "ALARM");
  });
});
