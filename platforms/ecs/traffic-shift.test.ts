import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { ECS_MANAGED_RULE_FIELDS, MIN_ROLLOUT_BAKE_MINUTES } from "../../facts";
import { type ProgramRun, prodEcs, type RecordedResource, runProgram } from "../../tools/harness";
import { RATE_EVALUATION } from "../aws/monitoring";
import {
  PRODUCTION_RULE_PRIORITY,
  PROVIDER_DEFAULT_TIMEOUT_MINUTES,
  TEST_RULE_PRIORITY,
  TEST_TRAFFIC_HEADER,
} from "./traffic-shift";

const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012";
const TG = "aws:lb/targetGroup:TargetGroup";
const RULE = "aws:lb/listenerRule:ListenerRule";
const LISTENER = "aws:lb/listener:Listener";
const ROLE = "aws:iam/role:Role";
const ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const SERVICE = "aws:ecs/service:Service";

interface LoadBalancerInput {
  targetGroupArn: string;
  containerName: string;
  containerPort: number;
  advancedConfiguration?: Record<string, string>;
}
const service = (run: ProgramRun) => run.one(SERVICE);
const loadBalancers = (run: ProgramRun) => service(run).inputs.loadBalancers as LoadBalancerInput[];
const alarmNames = (run: ProgramRun) =>
  (service(run).inputs.alarms as { alarmNames: string[]; enable: boolean; rollback: boolean }).alarmNames;
const byName = (run: ProgramRun, type: string, name: string): RecordedResource => run.one(type, name);

describe("ECS native traffic shifting (issue 29)", () => {
  let rolling: ProgramRun;
  let canary: ProgramRun;
  let linear: ProgramRun;
  let blueGreenHttps: ProgramRun;

  before(async () => {
    rolling = await runProgram({ stack: "dev" });
    canary = await runProgram({ stack: "dev", config: { rolloutStrategy: "canary" } });
    linear = await runProgram({
      stack: "dev",
      config: { rolloutStrategy: "linear", linearStepPercent: "30", rolloutBakeMinutes: 6 },
    });
    blueGreenHttps = await runProgram(prodEcs({ rolloutStrategy: "blueGreen", certificateArn: CERT }));
  });

  it("rolling (the default) builds what it built before: one target group, no rule, no role, no strategy", () => {
    assert.equal(rolling.ofType(TG).length, 1);
    assert.equal(rolling.ofType(RULE).length, 0);
    assert.equal(
      rolling.ofType(ROLE).some((r) => r.name.endsWith("ecs-infrastructure-role")),
      false,
    );
    assert.equal(service(rolling).inputs.deploymentConfiguration, undefined);
    assert.deepEqual(
      loadBalancers(rolling).map((lb) => Object.keys(lb).sort()),
      [["containerName", "containerPort", "targetGroupArn"]],
    );
    assert.equal(service(rolling).customTimeouts, undefined);
  });

  it("canary: the service's native CANARY with the percent and the one bake on every phase", () => {
    assert.deepEqual(service(canary).inputs.deploymentConfiguration, {
      strategy: "CANARY",
      bakeTimeInMinutes: "10",
      canaryConfiguration: { canaryPercent: 5, canaryBakeTimeInMinutes: "10" },
    });
  });

  it("the circuit breaker (rolling updates only) is stated off for the traffic-shifting strategies, on for rolling", () => {
    assert.deepEqual(service(rolling).inputs.deploymentCircuitBreaker, { enable: true, rollback: true });
    for (const run of [canary, linear, blueGreenHttps]) {
      assert.deepEqual(service(run).inputs.deploymentCircuitBreaker, { enable: false, rollback: false });
    }
  });

  it("linear: LINEAR with its step percent and the bake between steps", () => {
    assert.deepEqual(service(linear).inputs.deploymentConfiguration, {
      strategy: "LINEAR",
      bakeTimeInMinutes: "6",
      linearConfiguration: { stepPercent: 30, stepBakeTimeInMinutes: "6" },
    });
  });

  it("blue/green: BLUE_GREEN with only the final bake", () => {
    assert.deepEqual(service(blueGreenHttps).inputs.deploymentConfiguration, {
      strategy: "BLUE_GREEN",
      bakeTimeInMinutes: "10",
    });
  });

  it("the alternate target group is configured exactly like the primary (health check, drain, port)", () => {
    for (const run of [canary, blueGreenHttps]) {
      const [primary, alternate] = [byName(run, TG, "app-tg"), byName(run, TG, "app-tg-alt")];
      assert.deepEqual(alternate.inputs, primary.inputs);
    }
  });

  it("advancedConfiguration names the alternate group, both rules and the role, on the app's container", () => {
    for (const run of [canary, linear, blueGreenHttps]) {
      const [lb] = loadBalancers(run);
      assert.equal(loadBalancers(run).length, 1);
      assert.equal(lb?.targetGroupArn, byName(run, TG, "app-tg").state.arn);
      assert.deepEqual(lb?.advancedConfiguration, {
        alternateTargetGroupArn: byName(run, TG, "app-tg-alt").state.arn,
        productionListenerRule: byName(run, RULE, "app-rule-production").state.arn,
        testListenerRule: byName(run, RULE, "app-rule-test").state.arn,
        roleArn: byName(run, ROLE, "app-ecs-infrastructure-role").state.arn,
      });
      // The rules and role exist before the service names them.
      const deps = service(run).dependencies ?? [];
      for (const name of ["app-rule-production", "app-rule-test"])
        assert.ok(deps.includes(byName(run, RULE, name).urn));
    }
  });

  it("the rules sit on the serving listener (HTTP on dev, HTTPS when there is a certificate), forward only, 100/0", () => {
    const serving = (run: ProgramRun, name: string) => byName(run, LISTENER, name).state.arn;
    const cases: [ProgramRun, string][] = [
      [canary, "app-http"],
      [blueGreenHttps, "app-https"],
    ];
    for (const [run, listener] of cases) {
      const [primary, alternate] = [
        byName(run, TG, "app-tg").state.arn,
        byName(run, TG, "app-tg-alt").state.arn,
      ];
      for (const rule of run.ofType(RULE)) {
        assert.equal(rule.inputs.listenerArn, serving(run, listener));
        assert.deepEqual(rule.inputs.actions, [
          {
            type: "forward",
            forward: {
              targetGroups: [
                { arn: primary, weight: 100 },
                { arn: alternate, weight: 0 },
              ],
            },
          },
        ]);
      }
      const production = byName(run, RULE, "app-rule-production");
      const test = byName(run, RULE, "app-rule-test");
      assert.equal(production.inputs.priority, PRODUCTION_RULE_PRIORITY);
      assert.deepEqual(production.inputs.conditions, [{ pathPattern: { values: ["/*"] } }]);
      assert.ok(TEST_RULE_PRIORITY < PRODUCTION_RULE_PRIORITY, "the test rule must match first");
      assert.deepEqual(test.inputs.conditions, [
        { httpHeader: { httpHeaderName: TEST_TRAFFIC_HEADER.name, values: [TEST_TRAFFIC_HEADER.value] } },
      ]);
    }
  });

  it("ignoreChanges on exactly the weighted target groups ECS rewrites, on both rules", () => {
    assert.deepEqual(ECS_MANAGED_RULE_FIELDS, ["actions[0].forward.targetGroups"]);
    for (const rule of canary.ofType(RULE))
      assert.deepEqual(rule.ignoreChanges, [...ECS_MANAGED_RULE_FIELDS]);
  });

  it("the infrastructure role: ECS as principal, the AWS managed policy for load balancers and nothing more", () => {
    const role = byName(canary, ROLE, "app-ecs-infrastructure-role");
    assert.deepEqual(JSON.parse(role.inputs.assumeRolePolicy as string).Statement, [
      {
        Sid: "AllowAccessToECSForInfrastructureManagement",
        Effect: "Allow",
        Principal: { Service: "ecs.amazonaws.com" },
        Action: "sts:AssumeRole",
      },
    ]);
    const attached = canary.ofType(ATTACHMENT).filter((a) => a.inputs.role === role.state.name);
    assert.deepEqual(
      attached.map((a) => a.inputs.policyArn),
      ["arn:aws:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers"],
    );
    const inline = canary.resources.filter(
      (r) =>
        r.type.startsWith("aws:iam/rolePolicy:") && [role.state.id, role.state.name].includes(r.inputs.role),
    );
    assert.deepEqual(inline, []);
  });

  it("the deployment alarms stay attached with rollback, plus a 5xx and a p99 alarm per target group", () => {
    const alarms = service(canary).inputs.alarms as { enable: boolean; rollback: boolean };
    assert.equal(alarms.enable, true);
    assert.equal(alarms.rollback, true);
    const names = alarmNames(canary);
    for (const old of alarmNames(rolling)) assert.ok(names.includes(old), `${old} still rolls back`);
    const perGroup = ["tg-primary", "tg-alternate"].flatMap((key) =>
      ["5xx-rate", "p99-latency"].map((what) => byName(canary, ALARM, `app-${key}-${what}`)),
    );
    assert.deepEqual(names, [...alarmNames(rolling), ...perGroup.map((a) => a.state.name)]);
    const suffix = (name: string) => byName(canary, TG, name).state.arnSuffix;
    const dimensionOf = (a: RecordedResource): unknown =>
      a.inputs.dimensions ??
      (a.inputs.metricQueries as { metric?: { dimensions: unknown } }[]).find((q) => q.metric)?.metric
        ?.dimensions;
    assert.deepEqual(
      perGroup.map((a) => (dimensionOf(a) as { TargetGroup: string }).TargetGroup),
      [suffix("app-tg"), suffix("app-tg"), suffix("app-tg-alt"), suffix("app-tg-alt")],
    );
  });

  it("the least bake is the alarms' evaluation window (config's rule and monitoring.ts agree)", () => {
    assert.equal(MIN_ROLLOUT_BAKE_MINUTES, RATE_EVALUATION.evaluationPeriods);
  });

  it("up waits the bakes out: the provider's 20-minute timeout plus every hold and the final bake", () => {
    // canary: 10 held at 5 %, 10 of final bake. linear 30 % steps: 30, 60, 90 held 6 each, then 100, 6 of final bake.
    assert.deepEqual(service(canary).customTimeouts, {
      create: `${PROVIDER_DEFAULT_TIMEOUT_MINUTES + 20}m`,
      update: `${PROVIDER_DEFAULT_TIMEOUT_MINUTES + 20}m`,
    });
    assert.deepEqual(service(linear).customTimeouts, { create: "44m", update: "44m" });
    assert.deepEqual(service(blueGreenHttps).customTimeouts, { create: "30m", update: "30m" });
  });
});
