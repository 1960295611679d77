import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { type AlarmInputs, type AlarmState, evaluateAlarm, type Series } from "../../tools/alarm-math";
import { type ProgramRun, prodEcs, type RecordedResource, runProgram } from "../../tools/harness";
import { LIVENESS_PATH, RANDOM_PATH } from "../app-contract";
import { ALARM_PERIOD_SECONDS, repositoryNameOf, scanFindingsPattern } from "./alarms";
import {
  CAPACITY_EVALUATION,
  ECS_CPU_ALARM_PERCENT,
  ECS_MEMORY_ALARM_PERCENT,
  MIN_REQUESTS_FOR_RATE,
  PENDING_DIMENSION,
  RATE_EVALUATION,
  SATURATION_EVALUATION,
} from "./monitoring";
import { HEALTH_CHECK_REGIONS, ROUTE53_METRICS_REGION, SYNTHETIC_ALARM_EVALUATION } from "./synthetic-check";

// biome-ignore lint/suspicious/noExplicitAny: recorded inputs are untyped JSON
type Json = any;

const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const TOPIC = "aws:sns/topic:Topic";
const HEALTH_CHECK = "aws:route53/healthCheck:HealthCheck";
const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000";

const alarm = (run: ProgramRun, key: string): Json => run.one(ALARM, `app-${key}`).inputs;
const alarmKeys = (run: ProgramRun) =>
  run
    .ofType(ALARM)
    .map((r) => r.name.replace(/^app-/, ""))
    .sort();
const topicArn = (run: ProgramRun, name: string) => run.one(TOPIC, name).state.arn as string;
/** pulumi-aws v7's per-resource region, else the stack's; an explicit provider would hide it (none may). */
const regionOf = (r: RecordedResource): string => {
  assert.equal(r.provider, undefined, `${r.name}: through the stack's provider, not an explicit one`);
  return (r.inputs.region as string | undefined) ?? "stack";
};

describe("monitoring: alarms, topic, dashboard, synthetic check", () => {
  let dev: ProgramRun;
  let prodEcsRun: ProgramRun;
  let prod: ProgramRun;
  let tuned: ProgramRun;
  let quiet: ProgramRun;
  let https: ProgramRun;
  let euWest: ProgramRun;

  before(async () => {
    dev = await runProgram({ stack: "dev" });
    prodEcsRun = await runProgram(prodEcs());
    prod = await runProgram({ stack: "prod" });
    tuned = await runProgram({
      stack: "dev",
      config: { alarm5xxRatePercent: 2, alarmP99LatencyMs: 250, alarmEmail: "oncall@example.com" },
    });
    quiet = await runProgram({ stack: "dev", config: { syntheticCheck: false } });
    https = await runProgram({ stack: "prod", config: { certificateArn: CERT } });
    euWest = await runProgram({
      stack: "dev",
      config: { "aws:region": "eu-west-1", alarmEmail: "oncall@example.com" },
    });
  });

  it("the alarms each AWS platform gets (ECS adds CPU, memory and, with Container Insights, task counts)", () => {
    const alb = [
      "elb-5xx-rate",
      "healthy-targets-below-min",
      "p99-latency",
      "target-5xx-rate",
      "unhealthy-targets",
    ];
    const synthetic = ["synthetic-healthz", "synthetic-v1-random"];
    assert.deepEqual(alarmKeys(dev), [...alb, "cpu-high", "memory-high", ...synthetic].sort());
    assert.deepEqual(
      alarmKeys(prodEcsRun),
      [...alb, "cpu-high", "memory-high", "running-below-desired", ...synthetic].sort(),
    );
    assert.deepEqual(alarmKeys(prod), [...alb, ...synthetic].sort());
    assert.deepEqual(alarmKeys(quiet), [...alb, "cpu-high", "memory-high"].sort());
  });

  it("every alarm notifies, on firing and on recovery, the topic of its own region", () => {
    for (const run of [dev, prodEcsRun, prod]) {
      const regional = topicArn(run, "app-alarms");
      const synthetic = topicArn(run, "app-synthetic-alarms");
      for (const r of run.ofType(ALARM)) {
        const expected = r.name.includes("synthetic") ? synthetic : regional;
        assert.deepEqual(r.inputs.alarmActions, [expected], r.name);
        assert.deepEqual(r.inputs.okActions, [expected], r.name);
        assert.notEqual(r.inputs.actionsEnabled, false, r.name);
        // Route 53 metrics exist only in us-east-1, and an alarm notifies only a topic of its region.
        assert.equal(regionOf(r), r.name.includes("synthetic") ? ROUTE53_METRICS_REGION : "stack", r.name);
      }
      assert.equal(regionOf(run.one(TOPIC, "app-synthetic-alarms")), ROUTE53_METRICS_REGION);
      assert.equal(regionOf(run.one(TOPIC, "app-alarms")), "stack");
    }
  });

  it("one provider per account: the us-east-1 alarms and topic through the stack's provider, with region (pulumi-aws v7)", () => {
    // An explicit aws.Provider ignores the stack's aws:* config (profile, assumeRole, allowedAccountIds;
    // pulumi/pulumi-aws#1307): none is created for the synthetic check, whatever the stack's region.
    for (const run of [dev, prod, tuned, euWest]) {
      assert.deepEqual(
        run.ofType("pulumi:providers:aws").map((p) => p.name),
        [],
        `${run.stack}: no explicit aws provider`,
      );
    }
    // A stack in eu-west-1: its own topic there, the synthetic check's in us-east-1, each alarm
    // notifying the topic of its region (the ARNs say where they are).
    const synthetic = euWest.one(TOPIC, "app-synthetic-alarms");
    assert.equal(synthetic.inputs.region, ROUTE53_METRICS_REGION);
    assert.match(synthetic.state.arn as string, /^arn:aws:sns:us-east-1:123456789012:/);
    assert.match(topicArn(euWest, "app-alarms"), /^arn:aws:sns:eu-west-1:123456789012:/);
    for (const [type, name] of [
      ["aws:sns/topicPolicy:TopicPolicy", "app-synthetic-alarms-policy"],
      ["aws:sns/topicSubscription:TopicSubscription", "app-synthetic-alarms-email"],
    ]) {
      assert.equal(regionOf(euWest.one(type as string, name)), ROUTE53_METRICS_REGION, name);
    }
    for (const [type, name] of [
      ["aws:sns/topicPolicy:TopicPolicy", "app-alarms-policy"],
      ["aws:sns/topicSubscription:TopicSubscription", "app-alarms-email"],
    ]) {
      assert.equal(regionOf(euWest.one(type as string, name)), "stack", name);
    }
    const syntheticAlarms = euWest.ofType(ALARM).filter((r) => r.name.includes("synthetic"));
    assert.equal(syntheticAlarms.length, 2);
    for (const a of syntheticAlarms) {
      assert.equal(a.inputs.region, ROUTE53_METRICS_REGION, a.name);
      assert.match(a.state.arn as string, /^arn:aws:cloudwatch:us-east-1:/, a.name);
      assert.deepEqual(a.inputs.alarmActions, [synthetic.state.arn], a.name);
    }
  });

  it("the topic admits only this account's CloudWatch alarms, over TLS; unencrypted on purpose", () => {
    for (const topic of dev.ofType(TOPIC)) assert.equal(topic.inputs.kmsMasterKeyId, undefined, topic.name);
    const policy = JSON.parse(
      dev.one("aws:sns/topicPolicy:TopicPolicy", "app-alarms-policy").inputs.policy as string,
    );
    assert.deepEqual(policy.Statement[0], {
      Sid: "CloudWatchAlarmsOfThisAccount",
      Effect: "Allow",
      Principal: { Service: "cloudwatch.amazonaws.com" },
      Action: "sns:Publish",
      Resource: topicArn(dev, "app-alarms"),
      Condition: {
        StringEquals: { "aws:SourceAccount": "123456789012" },
        ArnLike: { "aws:SourceArn": "arn:aws:cloudwatch:*:123456789012:alarm:*" },
      },
    });
    // Issue 32: this account's EventBridge rules (the ECR scan-findings alert) may publish too.
    assert.deepEqual(policy.Statement[1].Principal, { Service: "events.amazonaws.com" });
    assert.deepEqual(policy.Statement[1].Condition, {
      StringEquals: { "aws:SourceAccount": "123456789012" },
      ArnLike: { "aws:SourceArn": "arn:aws:events:*:123456789012:rule/*" },
    });
    assert.equal(policy.Statement[2].Effect, "Deny");
    assert.deepEqual(policy.Statement[2].Condition, { Bool: { "aws:SecureTransport": "false" } });
  });

  it("a CRITICAL or HIGH finding of ECR's scan on push in the deployed image's repository notifies the topic (issue 32 item 9)", () => {
    const rule = dev.one("aws:cloudwatch/eventRule:EventRule", "app-scan-findings");
    const repo = dev.one("aws:ecr/repository:Repository", "app-repo").state.name;
    const pattern = JSON.parse(rule.inputs.eventPattern as string) as {
      detail: Record<string, unknown>;
    };
    assert.deepEqual(pattern, scanFindingsPattern(String(repo)));
    assert.deepEqual(pattern.detail["repository-name"], [repo]);
    const target = dev.one("aws:cloudwatch/eventTarget:EventTarget", "app-scan-findings");
    assert.ok(target.dependencies?.includes(rule.urn), "the target names the rule");
    assert.equal(target.inputs.arn, topicArn(dev, "app-alarms"));
    assert.equal(
      repositoryNameOf("123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app@sha256:abc"),
      "team/app",
    );
  });

  it("alarmEmail subscribes the address to both topics; unset, nothing is subscribed", () => {
    const subscriptions = tuned.ofType("aws:sns/topicSubscription:TopicSubscription");
    assert.deepEqual(
      subscriptions.map((s) => [s.inputs.topic, s.inputs.protocol, s.inputs.endpoint]).sort(),
      [
        [topicArn(tuned, "app-alarms"), "email", "oncall@example.com"],
        [topicArn(tuned, "app-synthetic-alarms"), "email", "oncall@example.com"],
      ].sort(),
    );
    assert.equal(dev.ofType("aws:sns/topicSubscription:TopicSubscription").length, 0);
  });

  it("5xx rates: metric math over every request the ALB answered, quiet below the minimum traffic, threshold from config", () => {
    const lb = dev.one("aws:lb/loadBalancer:LoadBalancer").state.arnSuffix;
    for (const [key, metric] of [
      ["elb-5xx-rate", "HTTPCode_ELB_5XX_Count"],
      ["target-5xx-rate", "HTTPCode_Target_5XX_Count"],
    ]) {
      const a = alarm(dev, key as string);
      assert.equal(a.threshold, 5);
      assert.equal(alarm(tuned, key as string).threshold, 2);
      assert.equal(a.comparisonOperator, "GreaterThanThreshold");
      assert.equal(a.treatMissingData, "notBreaching");
      assert.deepEqual(
        [a.evaluationPeriods, a.datapointsToAlarm],
        [RATE_EVALUATION.evaluationPeriods, RATE_EVALUATION.datapointsToAlarm],
      );
      const queries = a.metricQueries as Json[];
      assert.deepEqual(queries[0].metric, {
        namespace: "AWS/ApplicationELB",
        metricName: metric,
        dimensions: { LoadBalancer: lb },
        stat: "Sum",
        period: ALARM_PERIOD_SECONDS,
      });
      // The requests the ALB routed, and the 503s it answered with no target to route to.
      assert.deepEqual(
        queries.map((q) => [q.id, q.metric?.metricName ?? q.expression, q.returnData]),
        [
          ["failures", metric, false],
          ["requests", "RequestCount", false],
          ["unrouted", "HTTPCode_ELB_503_Count", false],
          ["answered", "FILL(requests, 0) + FILL(unrouted, 0)", false],
          ["rate", `IF(answered >= ${MIN_REQUESTS_FOR_RATE}, 100 * FILL(failures, 0) / answered, 0)`, true],
        ],
      );
    }
  });

  describe("5xx rates over synthetic minutes (tools/alarm-math evaluates the recorded alarm)", () => {
    const MINUTES = 10;
    const every = (value: number | undefined): Series => Array.from({ length: MINUTES }, () => value);
    /** `value` in the last `n` minutes, `before` earlier. */
    const last = (n: number, value: number, before: number | undefined = undefined): Series =>
      Array.from({ length: MINUTES }, (_, i) => (i >= MINUTES - n ? value : before));
    // The ALB's counts per minute; a count that is zero publishes no data point (CloudWatch metrics
    // for your Application Load Balancer: "Reporting criteria: There is a nonzero value").
    const scenarios: Record<
      string,
      { metrics: Record<string, Series>; elb: AlarmState; target: AlarmState }
    > = {
      // Every task gone (stopped, deregistered): the ALB answers every request 503 itself, and
      // RequestCount, which counts only requests routed to a target, has no data point.
      "all targets down, RequestCount missing": {
        metrics: { HTTPCode_ELB_5XX_Count: every(240), HTTPCode_ELB_503_Count: every(240) },
        elb: "ALARM",
        target: "OK",
      },
      "all targets down, RequestCount published as 0": {
        metrics: {
          RequestCount: every(0),
          HTTPCode_ELB_5XX_Count: every(240),
          HTTPCode_ELB_503_Count: every(240),
        },
        elb: "ALARM",
        target: "OK",
      },
      // A bad release: 15 % of 600 requests a minute fail in the app, for the last 4 minutes.
      "a 5xx burst from the targets": {
        metrics: { RequestCount: every(600), HTTPCode_Target_5XX_Count: last(4, 90) },
        elb: "OK",
        target: "ALARM",
      },
      // Targets reset connections: 502s are the ALB's answers to requests it did route.
      "targets refuse connections (ELB 502s)": {
        metrics: { RequestCount: every(600), HTTPCode_ELB_5XX_Count: last(3, 600) },
        elb: "ALARM",
        target: "OK",
      },
      "one bad minute is noise": {
        metrics: { RequestCount: every(600), HTTPCode_Target_5XX_Count: last(1, 600) },
        elb: "OK",
        target: "OK",
      },
      // Under MIN_REQUESTS_FOR_RATE answered requests a minute: 3 failures of 5 is not a 60 % outage.
      "little traffic": {
        metrics: {
          RequestCount: every(5),
          HTTPCode_Target_5XX_Count: every(3),
          HTTPCode_ELB_5XX_Count: every(1),
          HTTPCode_ELB_503_Count: every(1),
        },
        elb: "OK",
        target: "OK",
      },
      "a quiet night (no data point at all)": { metrics: {}, elb: "OK", target: "OK" },
    };

    for (const [name, scenario] of Object.entries(scenarios)) {
      it(name, () => {
        for (const run of [dev, prod]) {
          for (const [key, expected] of [
            ["elb-5xx-rate", scenario.elb],
            ["target-5xx-rate", scenario.target],
          ] as const) {
            const state = evaluateAlarm(alarm(run, key) as AlarmInputs, scenario.metrics, MINUTES);
            assert.equal(state, expected, `${run.stack} ${key}`);
          }
        }
      });
    }

    it("the expression before issue 23 (RequestCount alone) misses the outage: the scenarios catch it", () => {
      const recorded = alarm(dev, "elb-5xx-rate") as AlarmInputs;
      const before: AlarmInputs = {
        ...recorded,
        metricQueries: (recorded.metricQueries ?? []).map((q) =>
          q.id === "rate"
            ? {
                ...q,
                expression: `IF(requests >= ${MIN_REQUESTS_FOR_RATE}, 100 * FILL(failures, 0) / requests, 0)`,
              }
            : q,
        ),
      };
      const down = scenarios["all targets down, RequestCount missing"]?.metrics ?? {};
      assert.equal(evaluateAlarm(before, down, MINUTES), "OK");
      assert.equal(evaluateAlarm(recorded, down, MINUTES), "ALARM");
      // The rest of the table holds for both: only the outage tells them apart.
      for (const scenario of [
        "a quiet night (no data point at all)",
        "targets refuse connections (ELB 502s)",
      ]) {
        const metrics = scenarios[scenario]?.metrics ?? {};
        assert.equal(
          evaluateAlarm(before, metrics, MINUTES),
          evaluateAlarm(recorded, metrics, MINUTES),
          scenario,
        );
      }
    });
  });

  it("p99 latency in seconds from config's milliseconds; target health on the app's target group", () => {
    const p99 = alarm(dev, "p99-latency");
    assert.equal(p99.extendedStatistic, "p99");
    assert.equal(p99.metricName, "TargetResponseTime");
    assert.equal(p99.threshold, 1);
    assert.equal(alarm(tuned, "p99-latency").threshold, 0.25);
    const tg = dev.one("aws:lb/targetGroup:TargetGroup").state.arnSuffix;
    const lb = dev.one("aws:lb/loadBalancer:LoadBalancer").state.arnSuffix;
    const unhealthy = alarm(dev, "unhealthy-targets");
    assert.deepEqual(unhealthy.dimensions, { LoadBalancer: lb, TargetGroup: tg });
    assert.deepEqual([unhealthy.threshold, unhealthy.treatMissingData], [0, "notBreaching"]);
    for (const [run, minCount] of [
      [dev, 1],
      [prod, 3],
    ] as const) {
      const floor = alarm(run, "healthy-targets-below-min");
      assert.deepEqual(
        [floor.metricName, floor.comparisonOperator, floor.threshold, floor.treatMissingData],
        ["HealthyHostCount", "LessThanThreshold", minCount, "breaching"],
      );
      assert.equal(floor.evaluationPeriods, CAPACITY_EVALUATION.evaluationPeriods);
      assert.equal(floor.datapointsToAlarm, CAPACITY_EVALUATION.datapointsToAlarm);
    }
  });

  it("ECS: CPU and memory of the service; task counts only where Container Insights publishes them", () => {
    const service = dev.one("aws:ecs/service:Service").state.name;
    const cluster = dev.one("aws:ecs/cluster:Cluster").state.name;
    for (const [key, metric, threshold] of [
      ["cpu-high", "CPUUtilization", ECS_CPU_ALARM_PERCENT],
      ["memory-high", "MemoryUtilization", ECS_MEMORY_ALARM_PERCENT],
    ] as const) {
      const a = alarm(dev, key);
      assert.deepEqual(
        [a.namespace, a.metricName, a.threshold, a.evaluationPeriods],
        ["AWS/ECS", metric, threshold, SATURATION_EVALUATION.evaluationPeriods],
      );
      assert.deepEqual(a.dimensions, { ClusterName: cluster, ServiceName: service });
    }
    const running = alarm(prodEcsRun, "running-below-desired");
    assert.deepEqual(
      (running.metricQueries as Json[]).map((q) => q.metric?.metricName ?? q.expression),
      ["RunningTaskCount", "DesiredTaskCount", "desired - running"],
    );
    assert.equal(running.metricQueries[0].metric.namespace, "ECS/ContainerInsights");
    assert.equal(running.treatMissingData, "breaching");
  });

  it("ECS deployments roll back when a 5xx-rate or latency alarm fires (next to the circuit breaker)", () => {
    for (const run of [dev, prodEcsRun]) {
      const inputs = run.one("aws:ecs/service:Service").inputs as Json;
      assert.deepEqual(inputs.deploymentCircuitBreaker, { enable: true, rollback: true });
      assert.deepEqual(inputs.alarms, {
        alarmNames: ["elb-5xx-rate", "target-5xx-rate", "p99-latency"].map(
          (key) => run.one(ALARM, `app-${key}`).state.name,
        ),
        enable: true,
        rollback: true,
      });
    }
  });

  it("EKS: the controller's ALB and target group are found by its tags, after the Ingress has its address", () => {
    const calls = (token: string) => prod.calls.filter((c) => c.token === token);
    const [lbCall] = calls("aws:lb/getLoadBalancer:getLoadBalancer");
    const [tgCall] = calls("aws:lb/getTargetGroup:getTargetGroup");
    assert.deepEqual(lbCall?.inputs.tags, {
      "elbv2.k8s.aws/cluster": "fastify-deploy-prod",
      "ingress.k8s.aws/stack": "fastify-app/fastify-app",
      "ingress.k8s.aws/resource": "LoadBalancer",
    });
    assert.deepEqual(tgCall?.inputs.tags, {
      "elbv2.k8s.aws/cluster": "fastify-deploy-prod",
      "ingress.k8s.aws/stack": "fastify-app/fastify-app",
    });
    const ingress = prod.one("kubernetes:networking.k8s.io/v1:Ingress");
    assert.equal(ingress.inputs.metadata && (ingress.inputs.metadata as Json).name, "fastify-app");
    const unhealthy = alarm(prod, "unhealthy-targets");
    assert.match(
      unhealthy.dimensions.LoadBalancer,
      /^app\/k8s-fastify-app-fastify-app-[0-9a-f]+\/[0-9a-f]{16}$/,
    );
    assert.match(
      unhealthy.dimensions.TargetGroup,
      /^targetgroup\/k8s-fastify-app-fastify-app-[0-9a-f]+\/[0-9a-f]{16}$/,
    );
  });

  it("EKS without the address wait: no lookup (the ALB may not exist yet), alarms on a placeholder", async () => {
    // What `up` records (a prod-grade up needs TLS): the ALB's name is still unknown after it.
    const run = await runProgram({
      stack: "prod",
      config: { waitForAddress: false, syntheticCheck: false, certificateArn: CERT },
      mode: "up",
    });
    assert.equal(run.outputValues().loadBalancerDnsName, "");
    assert.equal(run.calls.filter((c) => c.token.startsWith("aws:lb/get")).length, 0);
    const floor = alarm(run, "healthy-targets-below-min");
    assert.deepEqual(floor.dimensions, { LoadBalancer: PENDING_DIMENSION, TargetGroup: PENDING_DIMENSION });
    // The placeholder matches no metric; missing data is breaching, so the operator hears of it.
    assert.equal(floor.treatMissingData, "breaching");
  });

  it("synthetic check: GET /v1/random and /healthz on the ALB every 30 s with latency, HTTPS when the ALB is", () => {
    for (const [run, dnsName, protocol] of [
      [dev, dev.one("aws:lb/loadBalancer:LoadBalancer").state.dnsName, "HTTP"],
      [prod, prod.outputValues().loadBalancerDnsName, "HTTP"],
      [https, https.outputValues().loadBalancerDnsName, "HTTPS"],
    ] as const) {
      const checks = run.ofType(HEALTH_CHECK);
      assert.deepEqual(checks.map((c) => c.inputs.resourcePath).sort(), [LIVENESS_PATH, RANDOM_PATH].sort());
      for (const c of checks) {
        assert.equal(c.inputs.fqdn, dnsName);
        assert.equal(c.inputs.type, protocol);
        assert.equal(c.inputs.port, protocol === "HTTPS" ? 443 : 80);
        assert.equal(c.inputs.enableSni, protocol === "HTTPS" ? true : undefined);
        assert.equal(c.inputs.requestInterval, 30);
        assert.equal(c.inputs.measureLatency, true);
        assert.deepEqual(c.inputs.regions, HEALTH_CHECK_REGIONS);
        const a = run.ofType(ALARM).find((r) => (r.inputs.dimensions as Json)?.HealthCheckId === c.state.id);
        assert.ok(a, `an alarm on ${c.name}`);
        assert.deepEqual(
          [a.inputs.namespace, a.inputs.metricName, a.inputs.comparisonOperator, a.inputs.threshold],
          ["AWS/Route53", "HealthCheckStatus", "LessThanThreshold", 1],
        );
        assert.equal(a.inputs.treatMissingData, "breaching");
        assert.equal(a.inputs.evaluationPeriods, SYNTHETIC_ALARM_EVALUATION.evaluationPeriods);
      }
    }
    assert.equal(quiet.ofType(HEALTH_CHECK).length, 0);
  });

  it("with a domain, the synthetic check calls the public URL's host over HTTPS, once its alias record exists", async () => {
    const domain = { domainName: "api.example.com", hostedZoneId: "Z0123456789ABCDEFGHIJ" };
    for (const stack of ["dev", "prod"]) {
      const run = await runProgram({ stack, config: domain });
      assert.equal(run.outputValues().url, "https://api.example.com");
      const alias = run.one("aws:route53/record:Record", "app-alias");
      const checks = run.ofType(HEALTH_CHECK);
      assert.equal(checks.length, 2);
      for (const c of checks) {
        assert.deepEqual(
          [c.inputs.fqdn, c.inputs.type, c.inputs.port, c.inputs.enableSni],
          ["api.example.com", "HTTPS", 443, true],
          `${stack} ${c.name}`,
        );
        // Created before the name resolves, Route 53 would count the check unhealthy and its alarm
        // would fire on the first deploy (issue 23): both ECS (dev) and EKS (prod) wait for the record.
        assert.ok(c.dependencies?.includes(alias.urn), `${stack} ${c.name} waits for ${alias.urn}`);
      }
    }
  });

  it("ECS: the synthetic check starts once the service is steady, so the ALB's own 503s cannot fail the first deployment", () => {
    // Before the first tasks register, the ALB answers Route 53's checkers 503 itself; elb-5xx-rate
    // counts those and is a deployment alarm of this very service.
    for (const run of [dev, prodEcsRun]) {
      const service = run.one("aws:ecs/service:Service");
      const checks = run.ofType(HEALTH_CHECK);
      assert.equal(checks.length, 2);
      assert.equal(service.inputs.waitForSteadyState, true);
      for (const c of checks) {
        assert.ok(c.dependencies?.includes(service.urn), `${run.stack} ${c.name} waits for the service`);
      }
    }
  });

  it("one dashboard per stack: the golden signals and every regional alarm; its URL is an output", () => {
    for (const run of [dev, prod]) {
      const dashboard = run.one("aws:cloudwatch/dashboard:Dashboard");
      const name = dashboard.inputs.dashboardName as string;
      assert.equal(name, `fastify-deploy-${run === dev ? "dev" : "prod"}-app`);
      const body = JSON.parse(dashboard.inputs.dashboardBody as string);
      const titles = (body.widgets as Json[]).map((w) => w.properties.title);
      for (const signal of ["Traffic", "Errors", "Latency", "Saturation", "Synthetic check", "Alarms"]) {
        assert.ok(
          titles.some((t: string) => t.startsWith(signal)),
          `${signal} in ${titles}`,
        );
      }
      const alarmWidget = (body.widgets as Json[]).find((w) => w.type === "alarm");
      const regional = run.ofType(ALARM).filter((r) => !r.name.includes("synthetic"));
      assert.deepEqual(alarmWidget.properties.alarms.sort(), regional.map((r) => r.state.arn).sort());
      const outputs = run.outputValues();
      assert.equal(
        outputs.dashboardUrl,
        `https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards/dashboard/${name}`,
      );
      assert.equal(outputs.alarmTopicArn, topicArn(run, "app-alarms"));
    }
  });
});
