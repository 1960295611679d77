import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { type RolloutSettings, trafficTimeline } from "../../facts";
import { type AlarmInputs, evaluateAlarm, type Series } from "../../tools/alarm-math";
import { type ProgramRun, type RecordedResource, runProgram } from "../../tools/harness";
import { MIN_REQUESTS_FOR_RATE } from "../aws/monitoring";

/**
 * Issue 29, the decisions: the rollback conditions this program writes for ECS (the service's
 * deployment alarms, their metric math and thresholds, read from the recorded graph) evaluated by
 * tools/alarm-math over synthetic one-minute series of a deployment, minute by minute, the way ECS
 * uses them: ECS watches the deployment alarms from the first production traffic shift until the final
 * bake ends, and while the old revision still runs an alarm in ALARM rolls the traffic back to it
 * ("Amazon ECS deployment failure detection: CloudWatch alarms", deployment-alarm-failure.html, and
 * the blue/green lifecycle stages PRODUCTION_TRAFFIC_SHIFT … BAKE_TIME, blue-green-deployment-how-it-works.html,
 * both read 2026-12-07). The controller is ECS; what is proven here is that the alarms the program
 * attaches make it decide right. Simplifications, each on the safe side of the claim: metrics are
 * available at the end of their minute (CloudWatch adds a delay of about a minute, which the
 * MIN_ROLLOUT_BAKE_MINUTES margin absorbs: detection at minute 3 of a 5-minute window), and the new
 * revision serves from the alternate target group (ECS's first deployment; later ones alternate, and
 * both groups carry the same alarms).
 */

const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const TG = "aws:lb/targetGroup:TargetGroup";

/** How a revision behaves in one minute of the deployment (`share`: its part of production traffic). */
interface Behaviour {
  /** Fraction of its requests answered 5xx by the app. */
  errorRate: number;
  /** Its p99 response time in ms. */
  p99Ms: number;
}
type BehaviourAt = (minute: number, share: number) => Behaviour;

interface Scenario {
  rollout: RolloutSettings;
  /** Requests a minute on the whole ALB. */
  requestsPerMinute: number;
  stable: BehaviourAt;
  candidate: BehaviourAt;
}

type Decision =
  | { decision: "rollback"; minute: number; candidateShare: number; alarm: string }
  | { decision: "promote"; minute: number };

const HEALTHY: BehaviourAt = () => ({ errorRate: 0.001, p99Ms: 120 });

/** The new revision's share of production traffic in each minute of the deployment, and when the bakes end. */
function shares(rollout: RolloutSettings): number[] {
  const { steps, finalBakeMinutes } = trafficTimeline(rollout);
  const out: number[] = [];
  for (const step of steps) {
    // The last shift holds 0 minutes: the final bake starts with it.
    for (let m = 0; m < step.holdMinutes; m++) out.push(step.percent / 100);
  }
  for (let m = 0; m < finalBakeMinutes; m++) out.push(1);
  return out;
}

/** The deployment alarms the service rolls back on, with the target group each one watches (undefined: the ALB). */
function deploymentAlarms(run: ProgramRun): { name: string; inputs: AlarmInputs; scope: string }[] {
  const service = run.one("aws:ecs/service:Service");
  const names = (service.inputs.alarms as { alarmNames: string[] }).alarmNames;
  const groups = new Map(run.ofType(TG).map((tg) => [tg.state.arnSuffix as string, tg.name]));
  return names.map((name) => {
    const alarm = run.ofType(ALARM).find((a) => a.state.name === name) as RecordedResource;
    const queries = (alarm.inputs.metricQueries ?? []) as {
      metric?: { dimensions: Record<string, string> };
    }[];
    const dimensions = (alarm.inputs.dimensions ??
      queries.find((q) => q.metric)?.metric?.dimensions ??
      {}) as Record<string, string>;
    const tg = dimensions.TargetGroup;
    return {
      name: alarm.name,
      inputs: alarm.inputs as unknown as AlarmInputs,
      scope: tg ? (groups.get(tg) ?? tg) : "alb",
    };
  });
}

/** One scope's metrics (the ALB's own, or one target group's) over the minutes so far. */
function metricsFor(
  scope: string,
  minutes: { share: number; stable: Behaviour; candidate: Behaviour }[],
  rpm: number,
): Record<string, Series> {
  const traffic = minutes.map(({ share, stable, candidate }) => {
    const parts =
      scope === "app-tg-alt"
        ? [{ n: rpm * share, b: candidate }]
        : scope === "app-tg"
          ? [{ n: rpm * (1 - share), b: stable }]
          : [
              { n: rpm * (1 - share), b: stable },
              { n: rpm * share, b: candidate },
            ];
    const requests = parts.reduce((sum, p) => sum + p.n, 0);
    const failures = parts.reduce((sum, p) => sum + Math.round(p.n * p.b.errorRate), 0);
    // p99 of a mixture: the slower revision's p99 once it serves more than 1 % of the requests.
    const served = parts.filter((p) => p.n > 0).sort((a, b) => b.b.p99Ms - a.b.p99Ms);
    const slow = served.find((p) => p.n / requests > 0.01) ?? served[0];
    return { requests: Math.round(requests), failures, p99: slow ? slow.b.p99Ms / 1000 : undefined };
  });
  // The ALB publishes a count only in minutes where it is nonzero, and latency only with requests.
  const some = (n: number) => (n > 0 ? n : undefined);
  return {
    RequestCount: traffic.map((t) => some(t.requests)),
    HTTPCode_Target_5XX_Count: traffic.map((t) => some(t.failures)),
    TargetResponseTime: traffic.map((t) => (t.requests > 0 ? t.p99 : undefined)),
  };
}

/** What ECS decides: the first minute an attached alarm is in ALARM while the old revision runs, else promotion. */
function decide(alarms: { name: string; inputs: AlarmInputs; scope: string }[], s: Scenario): Decision {
  const timeline = shares(s.rollout);
  const minutes: { share: number; stable: Behaviour; candidate: Behaviour }[] = [];
  for (const [m, share] of timeline.entries()) {
    minutes.push({ share, stable: s.stable(m, 1 - share), candidate: s.candidate(m, share) });
    for (const alarm of alarms) {
      const state = evaluateAlarm(alarm.inputs, metricsFor(alarm.scope, minutes, s.requestsPerMinute), m + 1);
      if (state === "ALARM")
        return { decision: "rollback", minute: m + 1, candidateShare: share, alarm: alarm.name };
    }
  }
  return { decision: "promote", minute: timeline.length };
}

const CANARY: RolloutSettings = {
  strategy: "canary",
  canaryPercent: 5,
  linearStepPercent: 10,
  bakeMinutes: 10,
};
const LINEAR: RolloutSettings = {
  strategy: "linear",
  canaryPercent: 5,
  linearStepPercent: 25,
  bakeMinutes: 6,
};
const BLUE_GREEN: RolloutSettings = {
  strategy: "blueGreen",
  canaryPercent: 5,
  linearStepPercent: 10,
  bakeMinutes: 10,
};

const burst5xx: BehaviourAt = () => ({ errorRate: 0.3, p99Ms: 140 });
const slowP99: BehaviourAt = () => ({ errorRate: 0.001, p99Ms: 2500 });

describe("ECS rollback decisions on the program's own deployment alarms (issue 29)", () => {
  const runs = new Map<string, ProgramRun>();
  const alarmsOf = (name: string) => deploymentAlarms(runs.get(name) as ProgramRun);

  before(async () => {
    runs.set("canary", await runProgram({ stack: "dev", config: { rolloutStrategy: "canary" } }));
    runs.set(
      "linear",
      await runProgram({
        stack: "dev",
        config: { rolloutStrategy: "linear", linearStepPercent: "25", rolloutBakeMinutes: 6 },
      }),
    );
    runs.set("blueGreen", await runProgram({ stack: "dev", config: { rolloutStrategy: "blueGreen" } }));
  });

  it("a healthy canary promotes after its canary bake and the final bake (20 minutes)", () => {
    const d = decide(alarmsOf("canary"), {
      rollout: CANARY,
      requestsPerMinute: 1000,
      stable: HEALTHY,
      candidate: HEALTHY,
    });
    assert.deepEqual(d, { decision: "promote", minute: 20 });
  });

  it("a 5xx burst in the canary rolls back at minute 3, with 95 % of traffic never having left the stable revision", () => {
    const d = decide(alarmsOf("canary"), {
      rollout: CANARY,
      requestsPerMinute: 1000,
      stable: HEALTHY,
      candidate: burst5xx,
    });
    assert.deepEqual(d, {
      decision: "rollback",
      minute: 3,
      candidateShare: 0.05,
      alarm: "app-tg-alternate-5xx-rate",
    });
    assert.ok(
      d.minute <= CANARY.bakeMinutes,
      "before the canary bake ends: the rest of the traffic never moved",
    );
  });

  it("with the ALB-wide alarms alone (before issue 29) the same burst passes the canary and reaches every user first", () => {
    // 5 % of traffic at 30 % errors is 1.5 % on the ALB: not above 5. Only after the shift to 100 % do they fire.
    const albWide = alarmsOf("canary").filter((a) => a.scope === "alb");
    assert.equal(albWide.length, 3);
    const d = decide(albWide, {
      rollout: CANARY,
      requestsPerMinute: 1000,
      stable: HEALTHY,
      candidate: burst5xx,
    });
    assert.deepEqual(d, {
      decision: "rollback",
      minute: 13,
      candidateShare: 1,
      alarm: "app-target-5xx-rate",
    });
  });

  it("a p99 regression in the canary rolls back during the canary phase", () => {
    const d = decide(alarmsOf("canary"), {
      rollout: CANARY,
      requestsPerMinute: 1000,
      stable: HEALTHY,
      candidate: slowP99,
    });
    assert.equal(d.decision, "rollback");
    assert.ok(d.decision === "rollback" && d.minute <= CANARY.bakeMinutes && d.candidateShare === 0.05);
  });

  it("linear: errors that start under load (from 50 % of traffic) roll back before the last step to 100 %", () => {
    const underLoad: BehaviourAt = (_m, share) =>
      share >= 0.5 ? { errorRate: 0.2, p99Ms: 140 } : HEALTHY(0, share);
    const d = decide(alarmsOf("linear"), {
      rollout: LINEAR,
      requestsPerMinute: 1000,
      stable: HEALTHY,
      candidate: underLoad,
    });
    assert.equal(d.decision, "rollback");
    assert.ok(d.decision === "rollback" && d.candidateShare < 1, JSON.stringify(d));
    // 25 % steps held 6 minutes: 50 % starts at minute 7, the third bad minute is 9.
    // Both the candidate's group alarm and the ALB-wide rate (half the traffic at 20 %) fire here.
    assert.equal(d.decision === "rollback" && `${d.minute} ${d.candidateShare}`, "9 0.5");
  });

  it("blue/green: a burst after the full shift rolls back during the final bake, while the old revision still runs", () => {
    const d = decide(alarmsOf("blueGreen"), {
      rollout: BLUE_GREEN,
      requestsPerMinute: 1000,
      stable: HEALTHY,
      candidate: (m) => (m >= 2 ? burst5xx(m, 1) : HEALTHY(m, 1)),
    });
    assert.equal(d.decision, "rollback");
    assert.ok(d.decision === "rollback" && d.minute <= 1 + BLUE_GREEN.bakeMinutes, JSON.stringify(d));
  });

  it("the limit: a canary with fewer than MIN_REQUESTS_FOR_RATE requests a minute is not judged until the full shift (docs/rollout.md)", () => {
    // 5 % of 300 a minute is 15 on the canary's target group: every canary minute counts as 0 %.
    assert.ok(300 * 0.05 < MIN_REQUESTS_FOR_RATE);
    const d = decide(alarmsOf("canary"), {
      rollout: CANARY,
      requestsPerMinute: 300,
      stable: HEALTHY,
      candidate: burst5xx,
    });
    assert.equal(d.decision === "rollback" && d.candidateShare, 1, JSON.stringify(d));
    // At 400 a minute the canary's 20 requests are judged within the canary phase again.
    const judged = decide(alarmsOf("canary"), {
      rollout: CANARY,
      requestsPerMinute: 400,
      stable: HEALTHY,
      candidate: burst5xx,
    });
    assert.deepEqual(judged, {
      decision: "rollback",
      minute: 3,
      candidateShare: 0.05,
      alarm: "app-tg-alternate-5xx-rate",
    });
  });

  it("a mutated threshold (the per-group 5xx rate at 40 % instead of alarm5xxRatePercent) fails the 5xx-burst scenario", () => {
    const mutated = alarmsOf("canary").map((a) =>
      a.name.endsWith("5xx-rate") && a.scope !== "alb" ? { ...a, inputs: { ...a.inputs, threshold: 40 } } : a,
    );
    const burst: Scenario = {
      rollout: CANARY,
      requestsPerMinute: 1000,
      stable: HEALTHY,
      candidate: burst5xx,
    };
    const expected = {
      decision: "rollback",
      minute: 3,
      candidateShare: 0.05,
      alarm: "app-tg-alternate-5xx-rate",
    };
    assert.deepEqual(decide(alarmsOf("canary"), burst), expected);
    // The canary passes: the burst reaches 100 % of traffic before the ALB-wide rate rolls it back.
    const after = decide(mutated, burst);
    assert.notDeepEqual(after, expected);
    assert.deepEqual(after, {
      decision: "rollback",
      minute: 13,
      candidateShare: 1,
      alarm: "app-target-5xx-rate",
    });
  });
});
