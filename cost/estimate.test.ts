import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { EKS_CLUSTER_HOUR, EKS_EXTENDED_SUPPORT_EXTRA_PER_MONTH, EKS_VERSION_DATES } from "../facts";
import { type ProgramRun, ROOT, runProgram, stackPlatformCases } from "../tools/harness";
import { applyAssumptions, defaultAssumptions, lcuForRequests } from "./assumptions";
import {
  AWSX_VPC_DEFAULTS,
  type Estimate,
  estimate,
  type Graph,
  gatherRules,
  type Line,
  ruleFor,
} from "./estimate";
import { loadEksSupport, loadRegionPrices, PRICE_KEYS, pricedRegions } from "./prices";
import { renderText } from "./render";

/** Fixed so the pinned totals do not move with the calendar (the day the prices were read). */
const ASSUMPTIONS = applyAssumptions(defaultAssumptions(), { asOf: "2026-12-02" });

const cases = stackPlatformCases();
const runs = new Map<string, ProgramRun>();
before(async () => {
  for (const c of cases) runs.set(`${c.stack}/${c.platform}`, await runProgram(c.options));
});
const runOf = (stack: string, platform: string): ProgramRun => runs.get(`${stack}/${platform}`) as ProgramRun;

/** Recorded types no rule names: each would be "not priced" by default, which the project does not accept. */
function typesWithoutRule(graph: Graph): string[] {
  return [...new Set(graph.resources.map((r) => r.type))].filter((t) => ruleFor(t) === undefined).sort();
}

const graph = (resources: Graph["resources"], region = "us-east-1"): Graph => ({
  config: { values: { "aws:region": region } },
  resources,
});
const lines = (e: Estimate, kind: Line["kind"]): Line[] => e.lines.filter((l) => l.kind === kind);

describe("cost estimate of every committed stack × platform", () => {
  it("every recorded resource type has a rule: priced, free with a reason, or not priced with a reason", () => {
    for (const c of cases) {
      const run = runOf(c.stack, c.platform);
      assert.deepEqual(typesWithoutRule(run), [], `${c.stack} on ${c.platform}`);
      const e = estimate(run, { assumptions: ASSUMPTIONS });
      const covered = new Set(e.lines.map((l) => l.resource));
      for (const r of run.resources)
        assert.ok(covered.has(`${r.type} ${r.name}`), `${r.type} ${r.name} has a line`);
      for (const l of e.lines) {
        assert.ok(l.detail.length > 0, `${l.resource}: a reason or a computation`);
        if (l.kind === "free") assert.equal(l.monthly, 0);
        if (l.kind === "not-priced") assert.equal(l.monthly, null, `${l.resource}: not priced is never $0`);
        if (l.kind === "priced") assert.ok((l.monthly ?? -1) >= 0 && l.sources.length > 0, l.resource);
      }
    }
  });

  it("the coverage check is not vacuous: a type without a rule is found, and listed as not priced, never $0", () => {
    const g = graph([
      { type: "aws:rds/instance:Instance", name: "db", inputs: { instanceClass: "db.t4g.micro" } },
    ]);
    assert.deepEqual(typesWithoutRule(g), ["aws:rds/instance:Instance"]);
    const e = estimate(g, { assumptions: ASSUMPTIONS });
    assert.equal(e.lines.length, 1);
    assert.equal(e.lines[0]?.kind, "not-priced");
    assert.equal(e.lines[0]?.monthly, null);
    assert.equal(e.lines[0]?.unknownType, true);
    // Issue 28: nothing priced is no $0 total.
    assert.deepEqual([e.total, e.totalIs], [null, "unknown"]);
  });

  // Totals in USD per month (us-east-1, the committed stacks' region), as of the day the prices were
  // read. They move when a price, an assumption's default or the program changes: update with the reason.
  const PINNED: Record<string, { total: number; totalAtMax: number }> = {
    // Issue 17's observability adds $7.10 on ECS, $6.90 on EKS (alarms, dashboard, health checks);
    // issue 16's web ACL and log bucket $14.03 on prod; dev on ECS runs on Fargate Spot. Issue 23's 5xx
    // rates count the ALB's own 503s (HTTPCode_ELB_503_Count): one more metric on each, $0.20 on ECS and EKS.
    // Issue 32: VPC flow logs on every AWS stack (dev REJECT only, +$0.12; prod ALL, +$1.18), and on EKS
    // the bastion's session logs (a log group + its KMS key, +$1.53).
    "dev/ecs": { total: 39.59, totalAtMax: 45.93 },
    // Issue 23: EKS defaults to 1.36 (standard support until 2027-08-02) with upgradePolicy STANDARD, so
    // the control plane bills $0.10/h, not 1.34's extended $0.60/h: $365 less on both EKS stacks.
    "dev/eks": { total: 218.42, totalAtMax: 282.36 },
    "dev/kubernetes": { total: 0.2, totalAtMax: 0.2 },
    // Issue 32 item 4: prod builds without the mutable cache repository (imageBuildCache off), -$0.10.
    "prod/ecs": { total: 189.32, totalAtMax: 270.41 },
    "prod/eks": { total: 468.42, totalAtMax: 690.66 },
    "prod/kubernetes": { total: 0.1, totalAtMax: 0.1 },
  };
  for (const c of cases) {
    it(`${c.stack} on ${c.platform}: total pinned`, () => {
      const e = estimate(runOf(c.stack, c.platform), { assumptions: ASSUMPTIONS });
      assert.deepEqual({ total: e.total, totalAtMax: e.totalAtMax }, PINNED[`${c.stack}/${c.platform}`]);
      const sum = lines(e, "priced").reduce((s, l) => s + (l.monthly ?? 0), 0);
      assert.ok(Math.abs(sum - (e.total ?? Number.NaN)) < 0.01, "the total is the sum of its lines");
      assert.equal(e.totalIs, "exact", e.missing.join("; "));
    });
  }

  it("dev on ECS: what each part costs; within $40 as committed, above it on demand or at 1 LCU", async () => {
    const e = estimate(runOf("dev", "ecs"), { assumptions: ASSUMPTIONS });
    const by = (re: RegExp): number =>
      Math.round(
        lines(e, "priced")
          .filter((l) => re.test(l.item))
          .reduce((s, l) => s + (l.monthly ?? 0), 0) * 100,
      ) / 100;
    assert.equal(by(/^Application Load Balancer: hours/), 16.43);
    // 10 M requests a month (3.8/s), each on a new connection: 0.15 LCU, rounded up to 0.2.
    assert.equal(by(/^Application Load Balancer: 0\.2 LCU/), 1.17);
    assert.equal(by(/^public IPv4/), 10.95); // 2 for the ALB, 1 for the task
    assert.equal(by(/^Fargate .*Fargate Spot/), 2.71); // 0.25 vCPU + 0.5 GB on Spot
    // Observability (issues 17, 23): 11 alarm metrics of the ALB/ECS alarms (each 5xx rate watches 3) +
    // 2 synthetic alarms ($1.30), the dashboard ($3), two Route 53 checks with latency measurement ($3).
    assert.equal(by(/^CloudWatch alarm:/), 1.3);
    assert.equal(by(/^CloudWatch dashboard/), 3);
    assert.equal(by(/^Route 53 health check/), 3);
    // Issue 32: the VPC flow log of rejected flows, 0.2 GB a month (assumption rejectedFlowLogGbPerMonth).
    assert.equal(by(/^CloudWatch Logs ingestion \(VPC flow log, vended logs\): 0\.2 GB/), 0.1);
    assert.equal(e.total, 39.59);
    // On demand (the capacityType default) dev costs $45.89: Spot saves $6.30.
    const onDemand = await runProgram({ stack: "dev", config: { capacityType: "ON_DEMAND" } });
    assert.equal(estimate(onDemand, { assumptions: ASSUMPTIONS }).total, 45.89);
    // At a full LCU on average (about 25 new connections every second, all month) dev is above $40.
    const busy = estimate(runOf("dev", "ecs"), {
      assumptions: applyAssumptions(ASSUMPTIONS, { albLcuPerHour: "1" }),
    });
    assert.equal(busy.total, 44.26);
    // An idle ALB bills no LCU.
    const idle = estimate(runOf("dev", "ecs"), {
      assumptions: applyAssumptions(ASSUMPTIONS, { albLcuPerHour: "0" }),
    });
    assert.equal(idle.total, 38.42);
  });

  it("canary on ECS (issue 29): the second target group and the rules are free; the per-group alarms cost $0.80", async () => {
    const canary = await runProgram({ stack: "dev", config: { rolloutStrategy: "canary" } });
    assert.deepEqual(typesWithoutRule(canary), []);
    const e = estimate(canary, { assumptions: ASSUMPTIONS });
    const line = (name: string) => e.lines.find((l) => l.resource.endsWith(` ${name}`));
    for (const name of [
      "app-tg-alt",
      "app-rule-production",
      "app-rule-test",
      "app-ecs-infrastructure-role",
    ]) {
      assert.equal(line(name)?.kind, "free", name);
    }
    // Two 5xx rates on 3 metrics each and two p99s on one: 8 alarm metrics at $0.10.
    const base = estimate(runOf("dev", "ecs"), { assumptions: ASSUMPTIONS });
    assert.equal(Math.round(((e.total ?? Number.NaN) - (base.total ?? Number.NaN)) * 100) / 100, 0.8);
  });

  it("a domain (certificate, validation record, alias, another account's zone) adds types with rules, all free", async () => {
    const run = await runProgram({
      stack: "dev",
      config: {
        domainName: "api.example.com",
        hostedZoneId: "Z0123456789ABCDEFGHIJ",
        hostedZoneRoleArn: "arn:aws:iam::210987654321:role/dns-writer",
      },
    });
    assert.deepEqual(typesWithoutRule(run), []);
    const e = estimate(run, { assumptions: ASSUMPTIONS });
    const edge = e.lines.filter((l) => /^aws:(acm\/|route53\/record:)/.test(l.resource));
    assert.deepEqual(
      edge.map((l) => [l.resource.split(" ")[0], l.kind]).sort(),
      [
        ["aws:acm/certificate:Certificate", "free"],
        ["aws:route53/record:Record", "free"],
        ["aws:acm/certificateValidation:CertificateValidation", "free"],
        ["aws:route53/record:Record", "free"],
      ].sort(),
    );
    assert.ok(edge.some((l) => /alias queries/.test(l.detail)));
    // The synthetic check (issue 17) now calls the domain over HTTPS: the alias makes it an AWS
    // endpoint ($0.50), with two options, HTTPS and latency ($2): $1 more per check than over HTTP.
    const checks = e.lines.filter((l) => l.resource.startsWith("aws:route53/healthCheck:"));
    assert.deepEqual(
      checks.map((l) => l.monthly),
      [0.5, 2, 0.5, 2],
    );
    assert.ok(checks.every((l) => /AWS endpoint/.test(l.item) && !/non-AWS/.test(l.item)));
    // Nothing else in the domain is billed to this stack.
    assert.equal(
      e.total,
      (estimate(runOf("dev", "ecs"), { assumptions: ASSUMPTIONS }).total ?? Number.NaN) + 2,
    );
  });

  it("kubernetes: only what the stack owns in AWS is priced; the cluster's objects are listed as not priced", () => {
    const e = estimate(runOf("prod", "kubernetes"), { assumptions: ASSUMPTIONS });
    assert.deepEqual(
      [...new Set(lines(e, "priced").map((l) => l.resource.split(" ")[0]))],
      ["aws:ecr/repository:Repository"],
    );
    const notPriced = lines(e, "not-priced");
    assert.ok(notPriced.some((l) => l.resource.startsWith("kubernetes:apps/v1:Deployment ")));
    assert.ok(notPriced.every((l) => /cluster/.test(l.detail)));
  });

  it("the text lists not-priced resources grouped by reason, with their total and no $0 for them", () => {
    const text = renderText(estimate(runOf("prod", "kubernetes"), { assumptions: ASSUMPTIONS }));
    assert.match(
      text,
      // 14 objects of the app and the refresher, 4 of the synthetic client (issue 17).
      /^Not priced \(19; never counted as \$0\):\n {2}19 × Kubernetes object on an existing cluster: /m,
    );
    // One ECR repository (prod builds without a cache repository: issue 32 item 4).
    assert.match(text, /^ {2}total \$0\.10\/month$/m);
  });

  it("EKS: the load balancer the controller creates for the Ingress is priced, derived from the Ingress and the VPC", () => {
    const e = estimate(runOf("prod", "eks"), { assumptions: ASSUMPTIONS });
    const ingress = lines(e, "priced").filter((l) =>
      l.resource.startsWith("kubernetes:networking.k8s.io/v1:Ingress"),
    );
    assert.deepEqual(
      ingress.map((l) => l.monthly),
      [16.43, 1.17, 10.95],
    );
    assert.match(ingress[0]?.item ?? "", /derived from ingressClassName=alb/);
  });
});

describe("cost rules", () => {
  const vpc = (inputs: Record<string, unknown>) =>
    estimate(graph([{ type: "awsx:ec2:Vpc", name: "vpc", inputs }]), { assumptions: ASSUMPTIONS });
  const natCount = (e: Estimate): number =>
    Number(/NAT gateways: (\d+)/.exec(lines(e, "priced")[0]?.item ?? "")?.[1] ?? 0);

  it("the services' tables are gathered into one; a type two modules both claim throws, naming it", () => {
    const rule = ruleFor("aws:ecs/cluster:Cluster");
    assert.ok(rule);
    assert.deepEqual(Object.keys(gatherRules({ a: rule }, { b: rule })), ["a", "b"]);
    assert.throws(
      () => gatherRules({ "aws:x/y:Y": rule }, { "aws:x/y:Y": rule }),
      new Error("cost: aws:x/y:Y has a rule in two modules of cost/rules/; keep it in one"),
    );
  });

  it("NAT gateways follow awsx's defaults when the program passes nothing: one per AZ, three AZs", () => {
    assert.deepEqual(AWSX_VPC_DEFAULTS, { natStrategy: "OnePerAz", availabilityZones: 3 });
    const e = vpc({});
    assert.equal(natCount(e), 3);
    assert.match(lines(e, "priced")[0]?.item ?? "", /opaque under mocks, so derived from its inputs/);
    assert.equal(natCount(vpc({ natGateways: { strategy: "Single" }, numberOfAvailabilityZones: 3 })), 1);
    assert.equal(natCount(vpc({ natGateways: { strategy: "OnePerAz" }, numberOfAvailabilityZones: 2 })), 2);
    assert.equal(lines(vpc({ natGateways: { strategy: "None" } }), "priced").length, 0);
  });

  it("awsx's defaults cost $109.50 a month in NAT gateways and their addresses alone (us-east-1)", () => {
    const e = estimate(graph([{ type: "awsx:ec2:Vpc", name: "vpc", inputs: {} }]), {
      assumptions: applyAssumptions(ASSUMPTIONS, { natGbPerMonth: "0" }),
    });
    assert.equal(e.total, 109.5);
  });

  it("EKS control plane: standard support until the end date, extended ($0.60/h) from it", () => {
    const cluster = (asOf: string, version = "1.34") =>
      estimate(
        graph([{ type: "eks:index:Cluster", name: "c", inputs: { version, skipDefaultNodeGroup: true } }]),
        { assumptions: applyAssumptions(ASSUMPTIONS, { asOf }) },
      );
    assert.equal(cluster("2026-12-01").total, 73);
    assert.equal(cluster("2026-12-02").total, 438);
    assert.equal(cluster("2026-12-02", "1.35").total, 73);
    const unknown = cluster("2026-12-02", "1.99");
    assert.equal(lines(unknown, "not-priced").length, 1);
    const defaultGroup = estimate(
      graph([{ type: "eks:index:Cluster", name: "c", inputs: { version: "1.35" } }]),
      {
        assumptions: ASSUMPTIONS,
      },
    );
    assert.match(lines(defaultGroup, "not-priced")[0]?.item ?? "", /default node group/);
  });

  it("EKS control plane: the dates are facts/eks-versions.ts's, the price facts' too; STANDARD never bills extended", () => {
    // One table: the estimate reads the very object config validates against (cost/eks-support.json is gone).
    assert.equal(loadEksSupport().versions, EKS_VERSION_DATES);
    for (const region of pricedRegions()) {
      const prices = loadRegionPrices(region)?.prices;
      assert.equal(prices?.eksClusterHourStandard, EKS_CLUSTER_HOUR.standard, region);
      assert.equal(prices?.eksClusterHourExtended, EKS_CLUSTER_HOUR.extended, region);
    }
    assert.equal(EKS_EXTENDED_SUPPORT_EXTRA_PER_MONTH, 365);
    const cluster = (asOf: string, version: string, supportType?: string) =>
      estimate(
        graph([
          {
            type: "eks:index:Cluster",
            name: "c",
            inputs: {
              version,
              skipDefaultNodeGroup: true,
              ...(supportType ? { upgradePolicy: { supportType } } : {}),
            },
          },
        ]),
        { assumptions: applyAssumptions(ASSUMPTIONS, { asOf }) },
      );
    // 1.36, the new default: released on EKS 2026-06-02, standard support until 2027-08-02.
    assert.equal(cluster("2026-12-07", "1.36", "STANDARD").total, 73);
    assert.equal(cluster("2027-08-02", "1.36", "EXTENDED").total, 438);
    // STANDARD: EKS upgrades the cluster at the end of standard support instead of billing extended.
    const upgraded = cluster("2027-08-02", "1.36", "STANDARD");
    assert.equal(upgraded.total, 73);
    assert.match(
      lines(upgraded, "priced")[0]?.item ?? "",
      /upgradePolicy STANDARD: EKS upgrades it from 2027-08-02/,
    );
    // Past the end of extended support EKS runs no cluster on the version: not priced, never $0.
    const ended = cluster("2026-12-07", "1.31", "EXTENDED");
    assert.equal(lines(ended, "priced").length, 0);
    assert.match(lines(ended, "not-priced")[0]?.detail ?? "", /extended support ended 2026-11-26/);
    assert.match(
      lines(cluster("2026-12-07", "1.34", "EXTENDED"), "priced")[0]?.detail ?? "",
      /read 2026-12-07/,
    );
  });

  it("nodes: desired and max from the scaling config; spot and unknown instance types are not priced", () => {
    const group = (inputs: Record<string, unknown>) =>
      estimate(graph([{ type: "eks:index:ManagedNodeGroup", name: "g", inputs }]), {
        assumptions: ASSUMPTIONS,
      });
    const onDemand = group({ instanceTypes: ["m6i.large"], scalingConfig: { desiredSize: 2, maxSize: 4 } });
    assert.equal(lines(onDemand, "priced")[0]?.monthly, 140.16);
    assert.equal(lines(onDemand, "priced")[0]?.monthlyAtMax, 280.32);
    assert.equal(lines(onDemand, "priced")[1]?.monthly, 3.2); // 2 × 20 GiB (EKS's default disk) × $0.08
    const spot = group({
      instanceTypes: ["m6i.large"],
      capacityType: "SPOT",
      scalingConfig: { desiredSize: 2 },
    });
    assert.match(lines(spot, "not-priced")[0]?.detail ?? "", /spot/);
    const unknown = group({ instanceTypes: ["x2iedn.32xlarge"], scalingConfig: { desiredSize: 1 } });
    assert.match(
      lines(unknown, "not-priced")[0]?.detail ?? "",
      /no price for instance type x2iedn\.32xlarge/,
    );
  });

  it("per-zone node groups cost what the one group before issue 26 cost; Pod Identity adds nothing", () => {
    // test/fixtures/eks-before-issue-26.json: prod's one node group over three zones (3 / 3 / 6).
    const before = (
      JSON.parse(readFileSync(join(ROOT, "test/fixtures/eks-before-issue-26.json"), "utf8")) as {
        resources: Graph["resources"];
      }
    ).resources;
    const nodeCost = (resources: Graph["resources"]) => {
      const e = estimate(
        graph(
          resources.filter((r) =>
            ["eks:index:ManagedNodeGroup", "aws:ec2/launchTemplate:LaunchTemplate"].includes(r.type),
          ),
        ),
        { assumptions: ASSUMPTIONS },
      );
      const sum = (k: "monthly" | "monthlyAtMax") =>
        Math.round(lines(e, "priced").reduce((t, l) => t + (l[k] ?? 0), 0) * 100) / 100;
      return { monthly: sum("monthly"), atMax: sum("monthlyAtMax") };
    };
    const prod = runOf("prod", "eks");
    assert.equal(prod.ofType("eks:index:ManagedNodeGroup").length, 3);
    // 3 × m6i.large × 730 h × $0.096 + 3 × 50 GiB × $0.08, and twice the nodes at max.
    assert.deepEqual(nodeCost(prod.resources), { monthly: 222.24, atMax: 444.48 });
    assert.deepEqual(nodeCost(prod.resources), nodeCost(before));
    const identity = estimate(prod, { assumptions: ASSUMPTIONS }).lines.filter(
      (l) =>
        l.resource.startsWith("aws:eks/podIdentityAssociation:PodIdentityAssociation ") ||
        l.resource === "aws:eks/addon:Addon app-addon-eks-pod-identity-agent",
    );
    assert.equal(identity.length, 5, "four associations and the agent");
    for (const l of identity) assert.equal(l.kind, "free", l.resource);
  });

  const one = (type: string, inputs: Record<string, unknown>, more: Graph["resources"] = []) =>
    estimate(graph([{ type, name: "r", id: "r-id", inputs }, ...more]), { assumptions: ASSUMPTIONS });
  const monthlies = (e: Estimate) => lines(e, "priced").map((l) => l.monthly);

  it("WAF: the web ACL, one fee per rule (a managed group is one) and the requests of the traffic assumption", () => {
    const acl = one("aws:wafv2/webAcl:WebAcl", { rules: [{}, {}, {}] });
    assert.deepEqual(monthlies(acl), [5, 3, 6]); // 10 million requests × $0.60
    const busier = estimate(graph([{ type: "aws:wafv2/webAcl:WebAcl", name: "a", inputs: { rules: [] } }]), {
      assumptions: applyAssumptions(ASSUMPTIONS, { millionRequestsPerMonth: "100" }),
    });
    assert.deepEqual(monthlies(busier), [5, 0, 60]);
  });

  it("S3: what the assumption writes a month, held until the bucket's lifecycle expires it", () => {
    const lifecycle = (days: number) => ({
      type: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
      name: "l",
      inputs: { bucket: "r-id", rules: [{ status: "Enabled", filter: {}, expiration: { days } }] },
    });
    const held = (e: Estimate) => /([\d.]+) GB held/.exec(lines(e, "priced")[0]?.item ?? "")?.[1];
    assert.equal(held(one("aws:s3/bucket:Bucket", {}, [lifecycle(90)])), "1.5"); // 0.5 GB × 3 months
    assert.equal(held(one("aws:s3/bucket:Bucket", {}, [lifecycle(30)])), "0.5");
    assert.equal(held(one("aws:s3/bucket:Bucket", {})), "6"); // no expiration: a year's logs
  });

  it("Route 53 health checks: AWS vs non-AWS endpoint, one fee per optional feature", () => {
    const alb = "app-alb-123.us-east-1.elb.amazonaws.com";
    const check = (inputs: Record<string, unknown>, more: Graph["resources"] = []) =>
      one("aws:route53/healthCheck:HealthCheck", inputs, more);
    assert.deepEqual(monthlies(check({ type: "HTTP", fqdn: alb })), [0.5]);
    assert.deepEqual(monthlies(check({ type: "HTTP", fqdn: alb, measureLatency: true })), [0.5, 1]);
    assert.deepEqual(
      monthlies(check({ type: "HTTPS_STR_MATCH", fqdn: alb, measureLatency: true, requestInterval: 10 })),
      [0.5, 4],
    );
    // A name this graph aliases to the ALB is an AWS endpoint; any other name is priced as non-AWS.
    const alias = {
      type: "aws:route53/record:Record",
      name: "alias",
      inputs: { name: "api.example.com", type: "A", aliases: [{ name: alb, zoneId: "Z35SXDOTRQ7X7K" }] },
    };
    assert.deepEqual(monthlies(check({ type: "HTTPS", fqdn: "api.example.com" }, [alias])), [0.5, 1]);
    assert.deepEqual(monthlies(check({ type: "HTTPS", fqdn: "api.example.com" })), [0.75, 2]);
    assert.equal(lines(check({ type: "CALCULATED" }), "not-priced").length, 1);
  });

  it("CloudWatch: an alarm per metric it watches (metric math: each metric), a dashboard at $3", () => {
    assert.deepEqual(monthlies(one("aws:cloudwatch/metricAlarm:MetricAlarm", { period: 60 })), [0.1]);
    const math = one("aws:cloudwatch/metricAlarm:MetricAlarm", {
      metricQueries: [
        { id: "a", metric: { period: 60 } },
        { id: "b", metric: { period: 60 } },
        { id: "rate", expression: "100*a/b" },
      ],
    });
    assert.deepEqual(monthlies(math), [0.2]);
    const fast = one("aws:cloudwatch/metricAlarm:MetricAlarm", { period: 10 });
    assert.match(lines(fast, "not-priced")[0]?.detail ?? "", /under 60 s/);
    const dashboard = one("aws:cloudwatch/dashboard:Dashboard", {});
    assert.deepEqual(monthlies(dashboard), [3]);
    assert.match(lines(dashboard, "priced")[0]?.item ?? "", /first 3 are free/);
  });

  it("ECS on Fargate Spot: the Spot prices, X86_64 and ARM64; mixed strategies are not priced", () => {
    const service = (strategies: string[], arch = "X86_64", region = "us-east-1") =>
      estimate(
        graph(
          [
            {
              type: "aws:ecs/taskDefinition:TaskDefinition",
              name: "t",
              inputs: { family: "f", cpu: "256", memory: "512", runtimePlatform: { cpuArchitecture: arch } },
            },
            {
              type: "aws:ecs/service:Service",
              name: "s",
              inputs: {
                desiredCount: 1,
                capacityProviderStrategies: strategies.map((capacityProvider) => ({
                  capacityProvider,
                  weight: 1,
                })),
              },
            },
          ],
          region,
        ),
        { assumptions: ASSUMPTIONS },
      );
    const spot = service(["FARGATE_SPOT"]);
    assert.deepEqual(monthlies(spot), [2.22, 0.49]); // 0.25 × 730 × $0.01214; 0.5 × 730 × $0.00133
    assert.match(lines(spot, "priced")[0]?.item ?? "", /Fargate Spot: a variable price/);
    assert.deepEqual(monthlies(service(["FARGATE"])), [7.39, 1.62]);
    assert.deepEqual(monthlies(service(["FARGATE"], "ARM64")), [5.91, 1.3]); // $0.03238; $0.00356
    // FARGATE_SPOT runs ARM64 tasks since 2024-09 (ECS API reference, CapacityProviderStrategyItem, read
    // 2026-12-07): priced at the derived Spot Linux/ARM prices, $0.009711 and $0.0010652 in us-east-1.
    const armSpot = service(["FARGATE_SPOT"], "ARM64");
    assert.deepEqual(lines(armSpot, "not-priced"), []);
    assert.deepEqual(monthlies(armSpot), [1.77, 0.39]);
    assert.match(lines(armSpot, "priced")[0]?.item ?? "", /Linux\/ARM, Fargate Spot/);
    // eu-west-1's Fargate on demand is us-east-1's ($0.04048, $0.004445), not the ~10% more it was.
    assert.deepEqual(monthlies(service(["FARGATE"], "X86_64", "eu-west-1")), [7.39, 1.62]);
    assert.deepEqual(monthlies(service(["FARGATE"], "ARM64", "eu-west-1")), [5.91, 1.3]);
    assert.deepEqual(monthlies(service(["FARGATE_SPOT"], "ARM64", "eu-west-1")), [1.95, 0.43]);
    assert.match(
      lines(service(["FARGATE", "FARGATE_SPOT"]), "not-priced")[0]?.detail ?? "",
      /only a single FARGATE or FARGATE_SPOT/,
    );
  });

  it("a region without a price file prices nothing (never $0 for something that costs)", () => {
    const e = estimate(runOf("dev", "ecs"), { assumptions: ASSUMPTIONS, region: "ap-south-2" });
    assert.equal(lines(e, "priced").length, 0);
    assert.ok(lines(e, "not-priced").length > 5);
    assert.match(lines(e, "not-priced")[0]?.detail ?? "", /no price file for region ap-south-2/);
    // Issue 28: no $0.00 total for it; what is missing instead.
    assert.deepEqual([e.total, e.totalAtMax, e.totalIs], [null, null, "unknown"]);
    assert.equal(e.missing[0], "add cost/prices/ap-south-2.json to price this region");
  });

  it("with some lines priced and some not, the total is a lower bound that says what is missing", () => {
    const run = runOf("prod", "eks");
    const graph = {
      ...run,
      resources: [...run.resources, { type: "aws:example/unknown:Unknown", name: "x", inputs: {} }],
    };
    const e = estimate(graph, { assumptions: ASSUMPTIONS });
    const exact = estimate(run, { assumptions: ASSUMPTIONS });
    assert.deepEqual([e.totalIs, e.total, e.totalAtMax], ["at-least", exact.total, exact.totalAtMax]);
    assert.deepEqual(e.missing, [
      "1 line(s) not priced: no price rule for this resource type (cost/estimate.ts RULES)",
    ]);
  });

  it("other regions have their own prices (eu-west-1 costs more than us-east-1 for dev)", () => {
    const run = runOf("dev", "ecs");
    assert.equal(estimate(run, { assumptions: ASSUMPTIONS, region: "eu-west-1" }).total, 41.89);
    assert.equal(estimate(run, { assumptions: ASSUMPTIONS, region: "us-west-2" }).total, 39.59);
  });
});

describe("price files", () => {
  it("at least us-east-1, eu-west-1 and a third region; every price has its source page and read date", () => {
    const regions = pricedRegions();
    assert.ok(regions.includes("us-east-1") && regions.includes("eu-west-1") && regions.length >= 3);
    for (const region of regions) {
      const prices = loadRegionPrices(region);
      assert.ok(prices !== undefined);
      assert.deepEqual(Object.keys(prices.prices).sort(), [...PRICE_KEYS].sort());
      for (const p of [...Object.values(prices.prices), ...Object.values(prices.ec2InstanceHour)]) {
        assert.match(p.source, /^https:\/\//);
        assert.match(p.read, /^\d{4}-\d{2}-\d{2}$/);
        if (p.evidence !== "page") assert.ok(p.note, `${region}: a recalled or derived price says so`);
      }
      // Fargate Spot Linux/ARM has no stored source: it is derived as its note says, the region's ARM
      // on-demand price at the discount the region's x86 Spot price shows. Recomputed here so it cannot
      // drift from its inputs.
      const f = prices.prices;
      for (const [spotArm, arm, spotX86, x86] of [
        [f.fargateSpotVcpuHourArm, f.fargateVcpuHourArm, f.fargateSpotVcpuHourX86, f.fargateVcpuHourX86],
        [f.fargateSpotGbHourArm, f.fargateGbHourArm, f.fargateSpotGbHourX86, f.fargateGbHourX86],
      ] as const) {
        assert.equal(spotArm.evidence, "derived", region);
        const expected = (arm.usd * spotX86.usd) / x86.usd;
        assert.ok(
          Math.abs(spotArm.usd - expected) / expected < 0.001,
          `${region}: ${spotArm.usd} vs ${expected}`,
        );
        assert.ok(spotArm.usd < arm.usd, `${region}: Spot is a discount on the ARM price`);
      }
      // Every instance type the committed stacks use has a price in every region.
      for (const type of ["t3.micro", "t3.medium", "m6i.large"])
        assert.ok(prices.ec2InstanceHour[type], `${region} ${type}`);
    }
  });
});

describe("assumptions", () => {
  const table: Array<[Record<string, string>, string]> = [
    [
      { lcu: "1" },
      'unknown assumption "lcu"; allowed: albLcuPerHour, natGbPerMonth, logGbPerMonthPerGroup, flowLogGbPerMonth, rejectedFlowLogGbPerMonth, logMonthsWithoutRetention, ecrGbPerRepository, millionRequestsPerMonth, s3GbPerMonthPerBucket, spanKb, asOf',
    ],
    [{ albLcuPerHour: "-1" }, 'assumption albLcuPerHour must be a number ≥ 0, got "-1"'],
    [{ natGbPerMonth: "lots" }, 'assumption natGbPerMonth must be a number ≥ 0, got "lots"'],
    [{ asOf: "2026-13-45" }, 'assumption asOf must be a date YYYY-MM-DD, got "2026-13-45"'],
    [{ asOf: "2026-02-31" }, 'assumption asOf must be a date YYYY-MM-DD, got "2026-02-31"'],
    [
      { asOf: "tomorrow", ecrGbPerRepository: "" },
      'assumption asOf must be a date YYYY-MM-DD, got "tomorrow"\nassumption ecrGbPerRepository must be a number ≥ 0, got ""',
    ],
  ];
  for (const [overrides, message] of table) {
    it(`rejects ${JSON.stringify(overrides)}`, () => {
      assert.throws(() => applyAssumptions(defaultAssumptions(), overrides), { message });
    });
  }
  it("applies valid overrides", () => {
    const a = applyAssumptions(defaultAssumptions(new Date("2030-01-02T10:00:00Z")), {
      albLcuPerHour: "2.5",
    });
    assert.equal(a.albLcuPerHour, 2.5);
    assert.equal(a.asOf, "2030-01-02");
  });
  it("derives the LCUs from the request volume, one traffic figure: 10 M requests a month → 0.2 LCU", () => {
    // 10e6 / (730 × 3600) = 3.8 requests/s, each a new connection: 3.8 / 25 = 0.15, up to a tenth.
    assert.equal(lcuForRequests(10), 0.2);
    assert.equal(lcuForRequests(0), 0);
    assert.equal(lcuForRequests(65.7), 1); // exactly 25 new connections/s
    assert.equal(
      defaultAssumptions().albLcuPerHour,
      lcuForRequests(defaultAssumptions().millionRequestsPerMonth),
    );
    // Another volume moves the LCUs with it, unless they are given too.
    assert.equal(
      applyAssumptions(defaultAssumptions(), { millionRequestsPerMonth: "100" }).albLcuPerHour,
      1.6,
    );
    assert.equal(
      applyAssumptions(defaultAssumptions(), { millionRequestsPerMonth: "100", albLcuPerHour: "3" })
        .albLcuPerHour,
      3,
    );
  });
});

describe("tracing xray (issue 31): spans priced as CloudWatch Logs ingestion, with an overridable size", () => {
  it("one span per request × spanKb, at the region's Logs ingestion price, on the exporter's policy only", async () => {
    const off = estimate(runOf("dev", "ecs"), { assumptions: ASSUMPTIONS });
    const xray = estimate(await runProgram({ stack: "dev", config: { tracing: "xray" } }), {
      assumptions: ASSUMPTIONS,
    });
    const ingest = loadRegionPrices("us-east-1")?.prices.logsIngestGb?.usd;
    assert.ok(ingest);
    const spanLines = lines(xray, "priced").filter((l) => l.item.startsWith("X-Ray spans"));
    assert.equal(spanLines.length, 1);
    // 10 M requests × 1 span × 1.5 KB = 15 GB a month.
    assert.match(spanLines[0]?.item ?? "", /: 15 GB\/month \(10 M requests × 1 span × 1\.5 KB/);
    assert.equal(spanLines[0]?.monthly, Math.round(15 * ingest * 100) / 100);
    assert.equal(
      Math.round(((xray.total ?? Number.NaN) - (off.total ?? Number.NaN)) * 100) / 100,
      spanLines[0]?.monthly,
    );
    assert.deepEqual(
      lines(off, "priced").filter((l) => l.item.startsWith("X-Ray spans")),
      [],
    );
    const bigger = estimate(await runProgram({ stack: "dev", config: { tracing: "xray" } }), {
      assumptions: applyAssumptions(ASSUMPTIONS, { spanKb: "3" }),
    });
    const doubled = lines(bigger, "priced").find((l) => l.item.startsWith("X-Ray spans"));
    assert.equal(doubled?.monthly, Math.round(30 * ingest * 100) / 100);
  });
});
