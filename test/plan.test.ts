import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { FOLD_SETTING, FOLD_VALUE, main, renderPlan } from "../scripts/plan";
import { ecsTimelineRows } from "../scripts/rollout-plan";
import { ROOT, runProgram } from "../tools/harness";

/**
 * The plan with each resource's folded settings joined back onto its line (a setting's fold becomes the
 * two spaces between settings, a value's fold nothing), so the tests below read one resource per line.
 */
function unfold(text: string): string {
  return text
    .replaceAll(new RegExp(`\n[│ ]*${FOLD_SETTING}`, "g"), "  ")
    .replaceAll(new RegExp(`\n[│ ]*${FOLD_VALUE}`, "g"), "");
}

/** Prose folded at word boundaries (warnings), read as one line. */
const flat = (text: string): string => text.replace(/\n +/g, " ");

async function plan(argv: string[]): Promise<{ code: number; out: string; raw: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(
    argv,
    (t) => out.push(t),
    (t) => err.push(t),
  );
  return { code, out: unfold(out.join("\n")), raw: out.join("\n"), err: err.join("\n") };
}

describe("npm run plan", () => {
  it("renders the resource tree under the stack, key settings, and outputs with secrets masked", async () => {
    const text = unfold(renderPlan(await runProgram({ stack: "dev" })));
    const lines = text.split("\n");
    assert.equal(lines[0], "pulumi:pulumi:Stack  fastify-deploy-dev");
    assert.ok(lines.includes("└─ fastify-deploy:platforms:EcsPlatform  app"));
    assert.ok(
      lines.some((l) => /^ {3}├─ aws:ecs\/service:Service {2}app-service {2}desiredCount=1 /.test(l)),
    );
    assert.ok(
      lines.some((l) => l.includes("docker:index/image:Image  app-image") && l.endsWith("registry=[secret]")),
    );
    assert.doesNotMatch(text, /harness-ecr-password/);
    assert.ok(lines.includes('  platform: "ecs"'));
  });

  it("shows each platform's alarms, topic, dashboard and synthetic client (issue 17)", async () => {
    const expectations: [string[], RegExp[]][] = [
      [
        ["dev"],
        [
          /aws:sns\/topic:Topic {2}app-alarms$/m,
          /aws:cloudwatch\/metricAlarm:MetricAlarm {2}app-target-5xx-rate {2}comparisonOperator=GreaterThanThreshold {2}threshold=5 /m,
          /aws:cloudwatch\/metricAlarm:MetricAlarm {2}app-p99-latency {2}metricName=TargetResponseTime {2}extendedStatistic=p99 .*threshold=1 /m,
          /aws:cloudwatch\/metricAlarm:MetricAlarm {2}app-cpu-high /m,
          /aws:ecs\/service:Service {2}app-service .*alarms\.enable=true {2}alarms\.rollback=true$/m,
          /aws:cloudwatch\/dashboard:Dashboard {2}app-dashboard {2}dashboardName=fastify-deploy-dev-app$/m,
          /aws:route53\/healthCheck:HealthCheck {2}app-synthetic-v1-random {2}type=HTTP {2}port=80 {2}resourcePath=\/v1\/random {2}requestInterval=30 {2}measureLatency=true$/m,
          // Through the stack's provider with pulumi-aws v7's per-resource region (issue 23), not an explicit one.
          /aws:sns\/topic:Topic {2}app-synthetic-alarms {2}region=us-east-1$/m,
          /aws:cloudwatch\/metricAlarm:MetricAlarm {2}app-synthetic-healthz {2}.* {2}region=us-east-1$/m,
          /^ {2}dashboardUrl: "https:\/\/us-east-1\.console\.aws\.amazon\.com\/cloudwatch\/home\?region=us-east-1#dashboards\/dashboard\/fastify-deploy-dev-app"$/m,
          /^ {2}alarmTopicArn: "arn:aws:sns:us-east-1:123456789012:app-alarms-[0-9a-f]{7}"$/m,
        ],
      ],
      [
        ["prod"],
        [
          /aws:cloudwatch\/metricAlarm:MetricAlarm {2}app-healthy-targets-below-min {2}metricName=HealthyHostCount .*threshold=3 /m,
          /aws:route53\/healthCheck:HealthCheck {2}app-synthetic-healthz {2}type=HTTP /m,
          /aws:cloudwatch\/dashboard:Dashboard {2}app-dashboard {2}dashboardName=fastify-deploy-prod-app$/m,
          /^ {2}alarmTopicArn: /m,
        ],
      ],
      [
        ["dev", "--set", "platform=kubernetes", "--secret-file", "kubeconfig=test/fixtures/kubeconfig.yaml"],
        [
          /kubernetes:batch\/v1:CronJob {2}app-synthetic-client-cron {2}spec\.schedule=\* \* \* \* \* {2}spec\.concurrencyPolicy=Forbid$/m,
        ],
      ],
    ];
    for (const [argv, patterns] of expectations) {
      const result = await plan(argv);
      assert.equal(result.code, 0, result.err);
      for (const pattern of patterns) assert.match(result.out, pattern, `${argv.join(" ")}: ${pattern}`);
    }
    const off = await plan(["dev", "--set", "syntheticCheck=false"]);
    assert.doesNotMatch(off.out, /route53|app-synthetic|pulumi:providers:aws/);
    assert.doesNotMatch(off.out, /dashboardUrl: ""/);
  });

  it("prod: protect on every resource that holds state or identity, retainOnDelete on those holding data (issue 27)", async () => {
    const result = await plan(["prod"]);
    assert.equal(result.code, 0, result.err);
    for (const pattern of [
      /aws:ecr\/repository:Repository {2}app-repo .*\[protect\] \[retainOnDelete\]$/m,
      /aws:kms\/key:Key {2}app-secrets-key .*\[protect\] \[retainOnDelete\]$/m,
      /aws:cloudwatch\/logGroup:LogGroup {2}app-control-plane-logs .*\[protect\] \[retainOnDelete\]$/m,
      /aws:cloudwatch\/logGroup:LogGroup {2}app-flow-logs .*\[protect\] \[retainOnDelete\]$/m,
      /aws:s3\/bucket:Bucket {2}app-access-logs .*\[protect\] \[retainOnDelete\]$/m,
      /awsx:ec2:Vpc {2}app-vpc {2}cidrBlock=.* {2}\[protect\]$/m,
      /eks:index:Cluster {2}app-cluster {2}version=.* {2}\[protect\]$/m,
    ]) {
      assert.match(result.out, pattern);
    }
    // dev is not prod-grade: nothing is protected.
    assert.doesNotMatch((await plan(["dev"])).out, /\[protect\]/);
  });

  it("applies --set overrides", async () => {
    const result = await plan([
      "dev",
      "--set",
      "desiredCount=2",
      "--set",
      'allowedCidrs=["198.51.100.0/24"]',
    ]);
    assert.equal(result.code, 0, result.err);
    assert.match(result.out, /app-service {2}desiredCount=2 /);
    const albRules = result.out.split("\n").filter((l) => l.includes("app-alb-in-"));
    assert.equal(albRules.length, 1);
    assert.match(albRules[0] as string, /fromPort=80 .*cidrIpv4=198\.51\.100\.0\/24$/);
  });

  it("prints prod's EKS cluster, nodes and bastion, and warns about the placeholder API endpoint CIDR", async () => {
    const committed = await plan(["prod"]);
    assert.equal(committed.code, 0, committed.err);
    const lines = committed.out.split("\n");
    assert.ok(lines.includes("└─ fastify-deploy:platforms:EksPlatform  app"));
    assert.ok(
      lines.some((l) =>
        /eks:index:Cluster {2}app-cluster {2}version=1\.36 {2}authenticationMode=API {2}endpointPrivateAccess=true {2}endpointPublicAccess=true {2}publicAccessCidrs=\["203\.0\.113\.0\/24"\]/.test(
          l,
        ),
      ),
    );
    // Issue 26: one node group per zone, each in one subnet, the autoscaler balancing them.
    const zoneGroups = lines.filter((l) =>
      /eks:index:ManagedNodeGroup {2}app-general-az[123] {2}instanceTypes=\["m6i\.large"\] .*subnetIds=\["subnet-[0-9a-f]+"\]$/.test(
        l,
      ),
    );
    assert.equal(zoneGroups.length, 3, "three node groups, one subnet each");
    assert.equal(new Set(zoneGroups.map((l) => /subnetIds=(\S+)/.exec(l)?.[1])).size, 3, "three zones");
    assert.ok(
      lines.some((l) =>
        /aws:ec2\/instance:Instance {2}app-bastion-instance .*associatePublicIpAddress=false/.test(l),
      ),
    );
    assert.ok(lines.includes("  kubeconfig: [secret]"));
    // What makes prod scale, ship its logs and upgrade as promised (issue 11), each visible in the plan.
    const has = (pattern: RegExp, what: string) =>
      assert.ok(
        lines.some((l) => pattern.test(l)),
        what,
      );
    has(
      /aws:eks\/addon:Addon {2}app-addon-metrics-server {2}addonName=metrics-server {2}addonVersion=v\d/,
      "metrics-server",
    );
    for (const addon of ["vpc-cni", "kube-proxy", "coredns"]) {
      has(
        new RegExp(`aws:eks/addon:Addon {2}app-addon-${addon} {2}addonName=${addon} {2}addonVersion=v\\d`),
        addon,
      );
    }
    has(
      /eks:index:Cluster {2}app-cluster .*enabledClusterLogTypes=\["audit","authenticator"\] {2}useDefaultVpcCni=true/,
      "floating add-ons off",
    );
    has(
      /kubernetes:helm\.sh\/v3:Release {2}app-cluster-autoscaler-release {2}chart=cluster-autoscaler {2}version=\d+\.\d+\.\d+ {2}values\.image\.tag=v1\.36\./,
      "node autoscaler",
    );
    has(
      /eks:index:ManagedNodeGroup {2}app-general-az1 .*ignoreScalingChanges=true/,
      "desired size left to the autoscaler",
    );
    has(
      /kubernetes:helm\.sh\/v3:Release {2}app-cluster-autoscaler-release .*values\.extraArgs\.balance-similar-node-groups=true/,
      "the autoscaler balances the zones' groups",
    );
    // Issue 26: every workload that calls AWS gets its role through one Pod Identity association.
    for (const [namespace, serviceAccount] of [
      ["fastify-app", "fastify-app"],
      ["kube-system", "aws-load-balancer-controller"],
      ["kube-system", "cluster-autoscaler"],
      ["kube-system", "fluent-bit"],
    ]) {
      has(
        new RegExp(
          `aws:eks/podIdentityAssociation:PodIdentityAssociation {2}\\S+ {2}namespace=${namespace} {2}serviceAccount=${serviceAccount}$`,
        ),
        `${namespace}/${serviceAccount} association`,
      );
    }
    has(
      /app-addon-vpc-cni .*podIdentityAssociations\.0\.serviceAccount=aws-node$/,
      "the VPC CNI's association",
    );
    has(
      /kubernetes:helm\.sh\/v3:Release {2}app-fluent-bit-release {2}chart=fluent-bit .*values\.rbac\.nodeAccess=false/,
      "log shipping, no nodes/proxy grant",
    );
    has(
      /aws:cloudwatch\/logGroup:LogGroup {2}app-control-plane-logs {2}name=\/aws\/eks\/fastify-deploy-prod\/cluster {2}retentionInDays=30 {2}\[protect\] \[retainOnDelete\]$/,
      "control-plane log group",
    );
    has(
      /aws:cloudwatch\/logGroup:LogGroup {2}app-container-logs {2}name=\/aws\/eks\/fastify-deploy-prod\/containers {2}retentionInDays=30 {2}\[protect\] \[retainOnDelete\]$/,
      "container log group",
    );
    has(/app-bastion-instance .*userDataReplaceOnChange=true/, "bastion follows the version");
    assert.ok(
      lines.some((l) => /^ {2}appRoleArn: "arn:aws:iam::\d{12}:role\//.test(l)),
      "appRoleArn output",
    );
    assert.match(
      flat(committed.out),
      /\nwarning: fastify-deploy:endpointPublicAccessCidrs contains 203\.0\.113\.0\/24, a documentation range/,
    );

    const set = await plan([
      "prod",
      "--set",
      "nodeDesiredSize=6",
      "--set",
      'endpointPublicAccessCidrs=["198.18.0.0/15"]',
      "--set",
      "certificateArn=arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000",
    ]);
    assert.equal(set.code, 0, set.err);
    assert.match(set.out, /publicAccessCidrs=\["198\.18\.0\.0\/15"\]/);
    assert.match(set.out, /app-general-az1 .*scalingConfig=\{[^}]*"desiredSize":2/);
    assert.doesNotMatch(set.out, /warning: /);
  });

  it("the README's local-cluster quick start: refresher, in-cluster url, port-forward command, no address wait", async () => {
    const local = await plan([
      "dev",
      "--set",
      "platform=kubernetes",
      "--secret-file",
      "kubeconfig=test/fixtures/kubeconfig.yaml",
    ]);
    assert.equal(local.code, 0, local.err);
    for (const object of [
      "kubernetes:batch/v1:Job  app-app-ecr-pull-initial",
      "kubernetes:batch/v1:CronJob  app-app-ecr-pull-cron",
      "kubernetes:core/v1:Secret  app-app-ecr-pull-image-pull",
      "kubernetes:apps/v1:Deployment  app-app-deployment",
    ]) {
      assert.ok(local.out.includes(object), object);
    }
    assert.ok(local.out.includes('  url: "http://fastify-app.fastify-app.svc.cluster.local"'));
    assert.ok(
      local.out.includes(
        '  portForwardCommand: "kubectl port-forward --namespace fastify-app service/fastify-app 8080:80"',
      ),
    );
    const ingress = await plan([
      "dev",
      "--set",
      "platform=kubernetes",
      "--set",
      "ingressClassName=nginx",
      "--set",
      "ingressHost=app.127.0.0.1.nip.io",
      "--secret-file",
      "kubeconfig=test/fixtures/kubeconfig.yaml",
    ]);
    assert.equal(ingress.code, 0, ingress.err);
    assert.ok(ingress.out.includes('  url: "http://app.127.0.0.1.nip.io"'));
  });

  it("prod-grade means HTTPS: the committed prod's preview warns about TLS; --up refuses it; with a certificate --up passes", async () => {
    const preview = await plan(["prod"]);
    assert.equal(preview.code, 0, preview.err);
    assert.match(
      flat(preview.out),
      /\nwarning: fastify-deploy:prodGrade is true but neither fastify-deploy:certificateArn nor fastify-deploy:domainName is set: this preview plans plain HTTP, and pulumi up will refuse the stack/,
    );
    const up = await plan(["prod", "--up"]);
    assert.equal(up.code, 1);
    assert.equal(
      up.err,
      "error: Invalid stack configuration (1 problem):\n" +
        "  - fastify-deploy:prodGrade: got true without fastify-deploy:certificateArn or fastify-deploy:domainName; expected one of them set (a prod-grade ALB serves HTTPS: pulumi config set certificateArn arn:aws:acm:<region>:<account>:certificate/<id> (same region), or domainName <name> with hostedZoneId <zone> (docs/edge.md); pulumi preview only warns, pulumi up refuses)",
    );
    const cert = "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000";
    const tls = await plan(["prod", "--up", "--set", `certificateArn=${cert}`]);
    assert.equal(tls.code, 0, tls.err);
    assert.doesNotMatch(tls.out, /warning: fastify-deploy:prodGrade/);
    assert.match(tls.out, /alb\.ingress\.kubernetes\.io\/ssl-redirect":"443"/);
  });

  it("prints the generated policy of a hosted zone's role in another account", async () => {
    const result = await plan([
      "dev",
      "--set",
      "domainName=api.example.com",
      "--set",
      "hostedZoneId=Z0123456789ABCDEFGHIJ",
      "--set",
      "hostedZoneRoleArn=arn:aws:iam::210987654321:role/dns-writer",
    ]);
    assert.equal(result.code, 0, result.err);
    const [, after] = result.out.split(
      "The hosted zone's role arn:aws:iam::210987654321:role/dns-writer needs this identity policy (and a trust policy admitting whoever runs pulumi up):\n",
    );
    assert.ok(after, "the policy is printed");
    const policy = JSON.parse(after.slice(0, after.indexOf("\n}\n") + 2));
    assert.deepEqual(policy.Statement[0].Action, [
      "route53:ChangeResourceRecordSets",
      "route53:GetHostedZone",
      "route53:ListResourceRecordSets",
    ]);
    assert.deepEqual(policy.Statement[0].Resource, ["arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ"]);
    assert.doesNotMatch((await plan(["dev"])).out, /hosted zone's role/);
  });

  it("issue 25: shows each platform's secret delivery and the exact ARNs its reader may read", async () => {
    const arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf";
    const secrets = `secrets={"DB_PASSWORD":"${arn}"}`;
    const section = (out: string) => out.slice(out.indexOf("Secrets (references only"));
    const kubeconfig = path.join(ROOT, "test/fixtures/kubeconfig.yaml");
    const ecs = await plan(["dev", "--set", secrets]);
    assert.equal(ecs.code, 0, ecs.err);
    assert.match(section(ecs.out), new RegExp(`ecs app-task container app: DB_PASSWORD <- ${arn}\n`));
    assert.match(
      section(ecs.out),
      new RegExp(`app-execution-secrets may secretsmanager:GetSecretValue on ${arn}\n`),
    );
    const eks = await plan(["prod", "--set", secrets]);
    assert.match(
      section(eks.out),
      /eks SecretProviderClass app-secret-provider-class \(usePodIdentity true\) syncs Secret fastify-app-secrets-[0-9a-f]{10} from:/,
    );
    assert.match(
      section(eks.out),
      new RegExp(
        `app-app-secrets may secretsmanager:GetSecretValue, secretsmanager:DescribeSecret on ${arn}\n`,
      ),
    );
    const k8s = [
      "dev",
      "--set",
      "platform=kubernetes",
      "--secret-file",
      `kubeconfig=${kubeconfig}`,
      "--set",
      secrets,
    ];
    const keyed = section((await plan(k8s)).out);
    assert.match(
      keyed,
      new RegExp(
        `kubernetes refresher app-app-ecr-pull-initial fills Secret fastify-app-secrets-[0-9a-f]{10}: DB_PASSWORD <- ${arn}`,
      ),
    );
    assert.match(
      keyed,
      /2 IAM access keys, replaced on the program's schedule: app-ecr-puller-key generation \d+, app-ecr-puller-key-b generation \d+/,
    );
    const federated = section(
      (await plan([...k8s, "--set", "serviceAccountIssuer=https://oidc.example.com/shop"])).out,
    );
    assert.match(federated, /web identity through https:\/\/oidc.example.com\/shop; no IAM access key/);
    assert.doesNotMatch(federated, /IAM access keys/);
    assert.doesNotMatch(section((await plan(["dev"])).out), /may secretsmanager/);
  });

  it("prints config errors and exits 1", async () => {
    const result = await plan(["dev", "--set", "cpu=300"]);
    assert.equal(result.code, 1);
    assert.equal(result.out, "");
    assert.equal(
      result.err,
      "error: Invalid stack configuration (1 problem):\n" +
        "  - fastify-deploy:cpu: got 300; expected one of 256, 512, 1024, 2048, 4096, 8192, 16384",
    );
  });

  it("rejects malformed arguments with usage and exits 2", async () => {
    const result = await plan(["dev", "--set", "cpu"]);
    assert.equal(result.code, 2);
    assert.match(result.err, /^--set needs key=value, got "cpu"\nusage: npm run plan -- <stack>/);
    assert.equal((await plan([])).code, 2);
  });

  it("ends with the monthly cost estimate, without AWS credentials; --json gives it to machines", async () => {
    const saved = { ...process.env };
    for (const key of Object.keys(process.env)) if (key.startsWith("AWS_")) delete process.env[key];
    process.env.AWS_SHARED_CREDENTIALS_FILE = "/nonexistent";
    process.env.AWS_CONFIG_FILE = "/nonexistent";
    try {
      const text = await plan(["dev"]);
      assert.equal(text.code, 0, text.err);
      const tail = text.out.slice(text.out.indexOf("Monthly cost estimate"));
      assert.match(tail, /^Monthly cost estimate \(us-east-1, 730 h\/month/);
      assert.match(
        tail,
        /^ {2}total \$39\.59\/month \(\$45\.93\/month with every autoscaled resource at its maximum\)$/m,
      );
      const json = await plan(["dev", "--json", "--assume", "albLcuPerHour=0"]);
      assert.equal(json.code, 0, json.err);
      const parsed = JSON.parse(json.out) as { stack: string; estimate: { total: number; region: string } };
      assert.deepEqual(
        [parsed.stack, parsed.estimate.region, parsed.estimate.total],
        ["dev", "us-east-1", 38.42],
      );
    } finally {
      process.env = saved;
    }
  });

  it("a region without a price file: no dollar total in text or --json, what is missing instead (issue 28)", async () => {
    const text = await plan(["dev", "--set", "aws:region=ap-south-1"]);
    assert.equal(text.code, 0, text.err);
    assert.doesNotMatch(text.out, /\$0\.00/);
    assert.doesNotMatch(text.out, /total \$/);
    const totals = text.out.split("\n").filter((l) => /^ {2}total /.test(l));
    assert.deepEqual(totals, [
      "  total unknown: nothing could be priced (add cost/prices/ap-south-1.json to price this region)",
      "  total unknown: nothing could be priced (add cost/prices/ap-south-1.json to price this region)",
    ]);
    const json = await plan(["dev", "--set", "aws:region=ap-south-1", "--json"]);
    assert.equal(json.code, 0, json.err);
    const { estimate } = JSON.parse(json.out) as {
      estimate: { total: unknown; totalAtMax: unknown; totalIs: string; missing: string[] };
    };
    assert.deepEqual([estimate.total, estimate.totalAtMax, estimate.totalIs], [null, null, "unknown"]);
    assert.equal(estimate.missing[0], "add cost/prices/ap-south-1.json to price this region");
    assert.match(
      estimate.missing[1] ?? "",
      /^\d+ line\(s\) not priced: no price file for region ap-south-1 /,
    );
  });

  it("the prod plan opens with its cost drivers, groups the estimate by category with subtotals, lists what components create inside, and folds long lines (issue 28)", async () => {
    const prod = await plan(["prod"]);
    assert.equal(prod.code, 0, prod.err);
    const lines = prod.raw.split("\n");
    // No line over 120 characters (one ran to 1,352: the Ingress annotations).
    assert.deepEqual(
      lines.filter((l) => l.length > 120),
      [],
    );
    // 1. The decision first: the top five lines, largest first, then the headline total, before the tree.
    assert.equal(
      lines[0],
      "Plan for stack prod (offline, under mocks: ids, ARNs and digests are placeholders)",
    );
    assert.equal(lines[2], "Top cost drivers (us-east-1, of the estimate at the end):");
    const tree = lines.indexOf("pulumi:pulumi:Stack  fastify-deploy-prod");
    const head = lines.slice(3, tree);
    const amounts = head
      .filter((l) => /^ +\$\d/.test(l))
      .map((l) => Number(l.trim().split(" ")[0]?.slice(1)));
    assert.equal(amounts.length, 5);
    assert.deepEqual(
      amounts,
      [...amounts].sort((a, b) => b - a),
    );
    // The three zones' node groups are one charge (issue 26): summed into one driver, each group named.
    assert.match(
      flat(head.slice(0, 2).join("\n")),
      /^ {2}\$\d+\.\d{2} {2}EKS managed nodes: 1 × m6i\.large .*, in each of 3 \[eks:index:ManagedNodeGroup app-general-az1, app-general-az2, app-general-az3\]$/,
    );
    const headline = head.find((l) => l.startsWith("  total "));
    assert.equal(
      headline,
      lines.filter((l) => l.startsWith("  total ")).at(-1),
      "the same total opens and closes",
    );
    // 2. The estimate: categories largest first, each subtotal the sum of its lines, all of them the total.
    const estimateAt = lines.findIndex((l) => l.startsWith("Monthly cost estimate"));
    const totalAt = lines.findIndex((l, i) => i > estimateAt && l.startsWith("  total "));
    const categories: { name: string; subtotal: number; lines: number[] }[] = [];
    for (const l of lines.slice(estimateAt, totalAt)) {
      const heading = /^(\S.*): subtotal \$([\d.]+)/.exec(l);
      if (heading) categories.push({ name: heading[1] as string, subtotal: Number(heading[2]), lines: [] });
      const amount = /^ +\$([\d.]+) {2}\S/.exec(l);
      if (amount && categories.length > 0) categories.at(-1)?.lines.push(Number(amount[1]));
    }
    assert.deepEqual(
      categories.map((c) => c.name),
      [
        "Compute (tasks, nodes, bastion)",
        "Network (NAT gateways, public IPv4)",
        "Kubernetes control plane and add-ons",
        "Load balancing and edge (ALB, WAF, DNS, certificates)",
        "Observability (logs, alarms, dashboards, synthetic checks)",
        "Images, storage and keys (ECR, S3, KMS)",
      ],
    );
    for (const c of categories) {
      assert.deepEqual(
        c.lines,
        [...c.lines].sort((a, b) => b - a),
        `${c.name}: largest line first`,
      );
      assert.ok(Math.abs(c.lines.reduce((s, n) => s + n, 0) - c.subtotal) < 0.011, c.name);
    }
    const total = Number(/\$([\d.]+)/.exec(lines[totalAt] ?? "")?.[1]);
    assert.ok(Math.abs(categories.reduce((s, c) => s + c.subtotal, 0) - total) < 0.011);
    // 3. What the remote components create inside themselves, derived from their inputs (prod: 3 AZs, one NAT per AZ).
    const block = (title: string): string[] => {
      const at = lines.findIndex((l) => l.includes(`created inside ${title} `));
      assert.ok(at > 0, title);
      const out: string[] = [];
      for (const l of lines.slice(at + 1)) {
        const m = /^[│ ]+ {4}(\d+ × .*)$/.exec(l);
        if (!m) break;
        out.push(m[1] as string);
      }
      return out;
    };
    const vpc = block("awsx:ec2:Vpc app-vpc");
    for (const expected of [
      "6 × aws:ec2/subnet:Subnet (3 AZs × 2 subnet spec(s) (public, private))",
      "6 × aws:ec2/routeTable:RouteTable (one per subnet)",
      "3 × aws:ec2/natGateway:NatGateway (natGateways.strategy=OnePerAz)",
      "3 × aws:ec2/eip:Eip (one per NAT gateway)",
    ]) {
      assert.ok(vpc.includes(expected), expected);
    }
    const cluster = block("eks:index:Cluster app-cluster");
    for (const expected of [
      "1 × aws:iam/role:Role (the cluster's service role <name>-eksRole)",
      "1 × aws:ec2/securityGroup:SecurityGroup (the cluster security group <name>-eksClusterSecurityGroup)",
    ]) {
      assert.ok(cluster.includes(expected), expected);
    }
    // EKS Pod Identity (issue 26): the component creates no IAM OIDC provider any more.
    assert.ok(!cluster.some((l) => /OpenIdConnectProvider/.test(l)), cluster.join("\n"));
    // The add-ons the program creates itself (kube-proxy, CoreDNS, VPC CNI) are off inside the component.
    assert.ok(!cluster.some((l) => /Addon/.test(l)), cluster.join("\n"));
    const inside = [...prod.raw.matchAll(/created inside \S+ \S+ \((\d+), derived/g)].reduce(
      (n, m) => n + Number(m[1]),
      0,
    );
    assert.match(
      prod.raw,
      new RegExp(`^Resources: \\d+ \\(\\+ the stack\\), and ${inside} more created inside components`, "m"),
    );
    // Derived from the inputs, not a fixed count: one NAT with natGateways=single, none (and no private routes) in dev.
    const single = (await plan(["prod", "--set", "natGateways=single"])).raw;
    assert.match(single, /^[│ ]+1 × aws:ec2\/natGateway:NatGateway \(natGateways\.strategy=Single\)$/m);
    const dev = (await plan(["dev"])).raw;
    assert.match(dev, /^[│ ]+2 × aws:ec2\/subnet:Subnet \(2 AZs × 1 subnet spec\(s\) \(public\)\)$/m);
    assert.doesNotMatch(dev, /aws:ec2\/natGateway:NatGateway/);
  });

  it("rejects a bad --assume with the allowed keys and exits 2", async () => {
    const result = await plan(["dev", "--assume", "traffic=1"]);
    assert.equal(result.code, 2);
    assert.match(result.err, /^unknown assumption "traffic"; allowed: albLcuPerHour, /);
  });

  it("shows the tracing path on each platform (issue 31): off by default, X-Ray through the collector, OTLP with its egress", async () => {
    const section = (out: string) => out.slice(out.indexOf("\nTracing:\n") + 1).split("\n\n")[0];
    const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012";
    const off = await plan(["dev"]);
    assert.equal(section(off.out), "Tracing:\n  ECS task app-task: off");
    const ecs = await plan(["dev", "--set", "tracing=xray"]);
    assert.equal(
      section(ecs.out),
      "Tracing:\n  ECS task app-task: app → http://127.0.0.1:4318/v1/traces → the ADOT collector beside it → https://xray.us-east-1.amazonaws.com/v1/traces (SigV4), role policy app-task-xray-export: xray:PutSpans, xray:PutSpansForIndexing",
    );
    const eks = await plan(["prod", "--set", `certificateArn=${CERT}`, "--set", "tracing=xray"]);
    assert.equal(eks.code, 0, eks.err);
    assert.match(
      section(eks.out),
      /^Tracing:\n {2}Deployment app-app-deployment: app → http:\/\/127\.0\.0\.1:4318\/v1\/traces → the ADOT collector beside it → https:\/\/xray\.us-east-1\.amazonaws\.com\/v1\/traces \(SigV4\), role policy app-app-xray-export: xray:PutSpans, xray:PutSpansForIndexing; NetworkPolicy egress: .* on UDP\/53,TCP\/53; \[\{"ipBlock":\{"cidr":"0\.0\.0\.0\/0"\}\}\] on TCP\/443; \[\{"ipBlock":\{"cidr":"169\.254\.170\.23\/32"\}\}\] on TCP\/80$/,
    );
    const kubernetes = await plan([
      "dev",
      "--set",
      "platform=kubernetes",
      "--secret-file",
      "kubeconfig=test/fixtures/kubeconfig.yaml",
      "--set",
      "tracing=otlp",
      "--set",
      "otlpEndpoint=http://10.96.12.34:4318/v1/traces",
    ]);
    assert.equal(kubernetes.code, 0, kubernetes.err);
    assert.equal(
      section(kubernetes.out),
      'Tracing:\n  Deployment app-app-deployment: app → http://10.96.12.34:4318/v1/traces; NetworkPolicy egress: [{"ipBlock":{"cidr":"10.96.12.34/32"}}] on TCP/4318',
    );
  });
});

describe("npm run plan: your own stack (issue 28)", () => {
  const usage = "\nusage: npm run plan -- <stack> ";

  it("a stack file with an encrypted kubeconfig: refused naming --secret-file and --secret, planned with --secret-file", async () => {
    const stackFile = "test/fixtures/Pulumi.kind-secret.yaml";
    const refused = await plan([stackFile]);
    assert.equal(refused.code, 1);
    assert.equal(
      refused.err,
      "error: fastify-deploy:kubeconfig in test/fixtures/Pulumi.kind-secret.yaml is encrypted (secure:), which an offline run cannot decrypt; give its value with --secret-file kubeconfig=<path> or --secret kubeconfig=<value>",
    );
    const planned = await plan([stackFile, "--secret-file", "kubeconfig=test/fixtures/kubeconfig.yaml"]);
    assert.equal(planned.code, 0, planned.err);
    assert.match(planned.out, /^pulumi:pulumi:Stack {2}fastify-deploy-kind-secret$/m);
    assert.match(planned.out, /^ {2}platform: "kubernetes"$/m);
  });

  it("the committed kind stack: the no-AWS path (digest from a local registry), no ECS keys' warnings, no IAM user, $0", async () => {
    const result = await plan(["kind", "--secret-file", "kubeconfig=test/fixtures/kubeconfig.yaml"]);
    assert.equal(result.code, 0, result.err);
    assert.deepEqual(
      flat(result.out)
        .split("\n")
        .filter((l) => l.startsWith("warning: ")),
      [
        "warning: fastify-deploy:clusterProfile: on kind the resource metrics API is not served out of the box, and the HorizontalPodAutoscaler never scales without it: install metrics-server (kubectl get apiservice v1beta1.metrics.k8s.io shows it)",
      ],
    );
    assert.doesNotMatch(result.out, /^\S*[│├└].*aws:/m);
    // docs/kind.md states the count and the command: held against this plan.
    const doc = readFileSync(path.join(ROOT, "docs/kind.md"), "utf8");
    const stated = /\| (\d+) resources: `npm run plan -- kind --secret-file kubeconfig=<file>` \|/.exec(
      doc,
    )?.[1];
    assert.match(result.out, new RegExp(`^Resources: ${stated} \\(\\+ the stack\\)$`, "m"));
    const run = await runProgram({
      stack: "kind",
      secrets: { kubeconfig: readFileSync(path.join(ROOT, "test/fixtures/kubeconfig.yaml"), "utf8") },
    });
    assert.deepEqual(run.calls, [], "no AWS call: the no-AWS path needs no credentials");
    assert.match(result.out, /^ {2}imageUri: "localhost:5001\/fastify-deploy@sha256:0{64}"$/m);
    // The README's old way (dev switched to kubernetes) inherits dev's ECS keys: the warnings kind avoids.
    const viaDev = await plan([
      "dev",
      "--set",
      "platform=kubernetes",
      "--secret-file",
      "kubeconfig=test/fixtures/kubeconfig.yaml",
    ]);
    assert.match(
      viaDev.out,
      /^warning: fastify-deploy:capacityType is set but has no effect on platform kubernetes/m,
    );
  });

  it("plan -- staging lists the stacks there are", async () => {
    const result = await plan(["staging"]);
    assert.equal(result.code, 2);
    assert.ok(
      result.err.startsWith(
        'no stack "staging": the stacks here are dev, kind, prod (Pulumi.<stack>.yaml at the repository root), or give a stack file\'s path (npm run plan -- path/to/Pulumi.<stack>.yaml)' +
          usage,
      ),
      result.err,
    );
  });

  it("--sett names the unknown flag and the one it resembles", async () => {
    const result = await plan(["dev", "--sett", "cpu=256"]);
    assert.equal(result.code, 2);
    assert.ok(result.err.startsWith(`unknown argument "--sett"; did you mean --set?${usage}`), result.err);
  });

  it("key[0]=value (pulumi config set --path's habit) says lists are given whole, as JSON", async () => {
    const result = await plan(["dev", "--set", "allowedCidrs[0]=10.0.0.0/8"]);
    assert.equal(result.code, 2);
    assert.ok(
      result.err.startsWith(
        `--set allowedCidrs[0]=10.0.0.0/8: plan sets whole values, not one element as pulumi config set --path does; give the list as JSON: --set 'allowedCidrs=["10.0.0.0/8"]'${usage}`,
      ),
      result.err,
    );
  });
});

describe("npm run plan: the rollout section (issue 29)", () => {
  it("dev --set rolloutStrategy=canary shows the native canary, its steps, bakes, resources and rollback alarms", async () => {
    const { code, out } = await plan(["dev", "--set", "rolloutStrategy=canary"]);
    assert.equal(code, 0);
    for (const expected of [
      "Rollout (ECS service app-service): canary",
      "  ECS deploymentConfiguration.strategy CANARY: the new revision starts at full size in the idle target group, then production traffic moves",
      "    step 1: 5 % of production traffic, held 10 min",
      "    step 2: 100 % of production traffic",
      "    final bake: 10 min at 100 % with the old revision still running (an alarm moves all traffic back at once)",
      "  alternate target group: app-tg-alt",
      "  production listener rule: app-rule-production; test listener rule: app-rule-test (ignoreChanges on the weights ECS sets)",
      "  infrastructure role: app-ecs-infrastructure-role (AmazonECSInfrastructureRolePolicyForLoadBalancers only)",
      "  worst case: 20 min of bakes + health checks and drain (≤ 90 s once the new tasks run) ≈ 22 min until the old revision is gone; pulumi up waits up to 40m",
      "    app-tg-alternate-5xx-rate: More than 5 % of the requests routed to target group tg-alternate got a 5xx from the app in 3 of 5 minutes (a canary's own error rate)",
      "    app-p99-latency: The app's p99 response time at the ALB was above 1000 ms in 3 of 5 minutes",
    ]) {
      assert.ok(out.split("\n").includes(expected), `missing: ${expected}`);
    }
  });

  it("rolling (the committed dev) says so, with its alarms; a stack without an ECS service has no section here", async () => {
    const dev = renderPlan(await runProgram({ stack: "dev" })).split("\n");
    assert.ok(dev.includes("Rollout (ECS service app-service): rolling"));
    assert.ok(dev.some((l) => l.startsWith("  tasks replaced in place")));
    assert.ok(!dev.some((l) => l.includes("alternate target group")));
    const prod = renderPlan(await runProgram({ stack: "prod" }));
    assert.doesNotMatch(prod, /^Rollout \(ECS service/m);
  });

  it("docs/rollout.md's ECS timeline rows are the code's numbers", () => {
    const doc = readFileSync(path.join(ROOT, "docs/rollout.md"), "utf8").split("\n");
    for (const row of ecsTimelineRows()) assert.ok(doc.includes(row), `docs/rollout.md lacks: ${row}`);
  });
});
