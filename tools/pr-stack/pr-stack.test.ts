import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { parse as parseYaml } from "yaml";
import { defaultAssumptions } from "../../cost/assumptions";
import { main as compare } from "../../cost/compare";
import { estimate } from "../../cost/estimate";
import { type ProgramRun, ROOT, readStackConfig, runProgram } from "../harness";
import { main } from "./cli";
import { expiredStacks, prStackConfig, prStackName } from "./index";

const dev = readStackConfig("dev");
const KUBECONFIG = fs.readFileSync(path.join(ROOT, "test/fixtures/kubeconfig.yaml"), "utf8");

let ecsRun: Promise<ProgramRun> | undefined;
/** The pr-123 stack as `pulumi up` would run it: the derived file, nothing else. */
const pr123 = (): Promise<ProgramRun> => {
  ecsRun ??= runProgram({ stack: "pr-123", stackConfig: prStackConfig(123, "ecs", dev), mode: "up" });
  return ecsRun;
};

describe("pr-<n> stacks: the derived config (tools/pr-stack)", () => {
  it("names: pr-<n> for a positive integer only", () => {
    assert.equal(prStackName(123), "pr-123");
    assert.equal(prStackName("7"), "pr-7");
    for (const bad of [0, -1, 1.5, "12a", "", "0x10", " 1e3"]) {
      assert.throws(() => prStackName(bad), /expected a positive integer/, String(bad));
    }
  });

  it("pr-123 (ecs): the cheapest sound ECS profile, in dev's region", () => {
    assert.deepEqual(prStackConfig(123, "ecs", dev), {
      "aws:region": dev["aws:region"],
      "fastify-deploy:desiredCount": 1,
      "fastify-deploy:minCount": 1,
      "fastify-deploy:maxCount": 1,
      "fastify-deploy:syntheticCheck": false,
      "fastify-deploy:retainImageRepository": false,
      "fastify-deploy:imageBuildCache": false,
      "fastify-deploy:logLevel": "debug",
      "fastify-deploy:platform": "ecs",
      "fastify-deploy:availabilityZones": 2,
      "fastify-deploy:natGateways": "none",
      "fastify-deploy:vpcFlowLogTraffic": "REJECT",
      "fastify-deploy:capacityType": "SPOT",
      "fastify-deploy:cpu": 256,
      "fastify-deploy:memory": 512,
      "fastify-deploy:logRetentionDays": 1,
      "fastify-deploy:containerInsights": false,
      "fastify-deploy:wafMode": "off",
      "fastify-deploy:accessLogs": false,
      "fastify-deploy:deletionProtection": false,
      "fastify-deploy:prodGrade": false,
    });
  });

  it("pr-123 under mocks as `pulumi up`: one Spot task, no NAT, no WAF, short retention, nothing kept or protected", async () => {
    const run = await pr123();
    assert.deepEqual(run.warnings, []);
    const service = run.one("aws:ecs/service:Service", "app-service");
    assert.equal(service.inputs.desiredCount, 1);
    assert.deepEqual(
      (service.inputs.capacityProviderStrategies as { capacityProvider: string }[]).map(
        (s) => s.capacityProvider,
      ),
      ["FARGATE_SPOT"],
    );
    assert.deepEqual(run.one("aws:appautoscaling/target:Target").inputs.maxCapacity, 1);
    assert.deepEqual(run.one("awsx:ec2:Vpc").inputs.natGateways, { strategy: "None" });
    for (const absent of [
      "aws:wafv2/webAcl:WebAcl",
      "aws:s3/bucket:Bucket",
      "aws:route53/healthCheck:HealthCheck",
      "aws:ec2/natGateway:NatGateway",
    ]) {
      assert.deepEqual(run.ofType(absent), [], absent);
    }
    assert.equal(run.one("aws:cloudwatch/logGroup:LogGroup", "app-logs").inputs.retentionInDays, 1);
    const repo = run.one("aws:ecr/repository:Repository", "app-repo");
    assert.equal(repo.inputs.forceDelete, true, "destroy deletes the repository with its images");
    assert.equal(repo.inputs.tags && (repo.inputs.tags as Record<string, string>).stack, "pr-123");
    assert.deepEqual(
      run.resources.filter((r) => r.protect || r.retainOnDelete).map((r) => r.name),
      [],
      "a PR stack must destroy completely",
    );
    assert.match(String(run.outputs.url?.value ?? ""), /^http:\/\//);
  });

  it("pr-123's monthly cost: cheaper than dev, the Spot task at its maximum, and the PR comment's text", async () => {
    const assumptions = defaultAssumptions();
    const cost = estimate(await pr123(), { assumptions });
    const devCost = estimate(await runProgram({ stack: "dev" }), { assumptions });
    assert.deepEqual([cost.totalIs, devCost.totalIs], ["exact", "exact"]);
    const total = cost.total ?? Number.NaN;
    assert.ok(total > 0 && total < (devCost.total ?? Number.NaN), `pr-123 $${total} < dev $${devCost.total}`);
    assert.equal(cost.totalAtMax, cost.total, "one task at most: nothing scales");
    // docs/day-two.md quotes it; the docs-figures test leaves this one to here.
    const doc = fs.readFileSync(path.join(ROOT, "docs/day-two.md"), "utf8");
    assert.ok(doc.includes(`**$${total.toFixed(2)}<!--`), `docs/day-two.md should say $${total.toFixed(2)}`);
    const items = cost.lines.map((l) => l.item);
    assert.ok(
      items.includes(
        "Fargate vCPU: 1 task(s) × 0.25 vCPU (Linux/x86, Fargate Spot: a variable price, see the price file's note)",
      ),
    );
    assert.ok(
      !items.some((i) => /NAT|WAF|Route 53 health check|Container Insights/.test(i)),
      items.join("\n"),
    );
    // The same comment preview.yml posts (cost/compare.ts), for this stack.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pr-cost-"));
    const head = path.join(dir, "head.json");
    fs.writeFileSync(head, JSON.stringify({ stack: "pr-123", estimate: cost }));
    const out: string[] = [];
    assert.equal(
      compare(["--title", "pr-123", "--head", head], (t) => out.push(t)),
      0,
    );
    const comment = out.join("\n");
    assert.match(comment, /^### Monthly cost estimate: pr-123$/m);
    assert.ok(comment.includes(`**$${total.toFixed(2)}/month**`), comment);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("pr-123 (kubernetes): a namespace pr-123 on a shared cluster, one replica, the kubeconfig a secret", async () => {
    const config = prStackConfig(123, "kubernetes", dev);
    assert.equal(config["fastify-deploy:namespace"], "pr-123");
    assert.ok(!Object.keys(config).some((k) => /kubeconfig/.test(k)), "the kubeconfig is never in the file");
    const run = await runProgram({
      stack: "pr-123",
      stackConfig: config,
      secrets: { kubeconfig: KUBECONFIG },
      mode: "up",
    });
    assert.deepEqual(run.warnings, []);
    const namespace = run.one("kubernetes:core/v1:Namespace");
    assert.equal((namespace.inputs.metadata as { name: string }).name, "pr-123");
    const deployment = run.one("kubernetes:apps/v1:Deployment");
    assert.equal((deployment.inputs.spec as { replicas: number }).replicas, 1);
    assert.deepEqual(
      run
        .ofType("kubernetes:batch/v1:CronJob")
        .map((r) => r.name)
        .filter((n) => /synthetic/.test(n)),
      [],
    );
  });

  it("the CLI writes Pulumi.pr-<n>.yaml from Pulumi.dev.yaml's region; bad input exits 2", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "pr-stack-"));
    fs.copyFileSync(path.join(ROOT, "Pulumi.dev.yaml"), path.join(root, "Pulumi.dev.yaml"));
    const out: string[] = [];
    assert.equal(
      main(["write", "123"], (t) => out.push(t), root),
      0,
    );
    assert.deepEqual(out, ["pr-123"]);
    const file = fs.readFileSync(path.join(root, "Pulumi.pr-123.yaml"), "utf8");
    assert.deepEqual((parseYaml(file) as { config: unknown }).config, prStackConfig(123, "ecs", dev));
    assert.equal(
      main(["write", "12; rm -rf /"], () => {}, root),
      2,
    );
    assert.equal(
      main(["write", "5", "fly"], () => {}, root),
      2,
    );
    assert.equal(
      main(["nothing"], () => {}, root),
      2,
    );
    fs.rmSync(root, { recursive: true, force: true });
  });
});

describe("the TTL sweep's choice (pulumi stack ls --json)", () => {
  const now = new Date("2026-12-07T10:00:00.000Z");
  const stacks = [
    { name: "dev", current: false, lastUpdate: "2026-11-01T00:00:00.000Z" },
    { name: "prod", current: false, lastUpdate: "2026-10-01T00:00:00.000Z" },
    { name: "acme/pr-1", current: false, lastUpdate: "2026-12-04T09:59:59.000Z" },
    { name: "acme/fastify-deploy/pr-2", current: false, lastUpdate: "2026-12-06T12:00:00.000Z" },
    { name: "pr-3", current: false },
    { name: "pr-4", current: false, updateInProgress: true },
    { name: "pr-5", current: false, lastUpdate: "2026-12-04T10:00:00.000Z" },
    { name: "pr-final", current: false },
    { name: "preview-9", current: false },
  ];

  it("older than the TTL or never updated; never a running update, never a stack that is not pr-<n>", () => {
    assert.deepEqual(expiredStacks(stacks, now, 72), ["pr-1", "pr-3", "pr-5"]);
    assert.deepEqual(expiredStacks(stacks, now, 12), ["pr-1", "pr-2", "pr-3", "pr-5"]);
    assert.throws(() => expiredStacks(stacks, now, 0), /positive number of hours/);
    assert.throws(() => expiredStacks([{ name: "pr-1", lastUpdate: "yesterday" }], now, 1), /not a date/);
  });

  it("the CLI prints one stack per line", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweep-"));
    const file = path.join(dir, "stacks.json");
    fs.writeFileSync(file, JSON.stringify(stacks));
    const out: string[] = [];
    assert.equal(
      main(["expired", file, "72"], (t) => out.push(t), ROOT, now),
      0,
    );
    assert.deepEqual(out, ["pr-1", "pr-3", "pr-5"]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
