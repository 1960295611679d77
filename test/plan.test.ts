import assert from "node:assert/strict";
import * as path from "node:path";
import { describe, it } from "node:test";
import { main, renderPlan } from "../scripts/plan";
import { ROOT, runProgram } from "../tools/harness";

async function plan(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(
    argv,
    (t) => out.push(t),
    (t) => err.push(t),
  );
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("npm run plan", () => {
  it("renders the resource tree under the stack, key settings, and outputs with secrets masked", async () => {
    const text = renderPlan(await runProgram({ stack: "dev" }));
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
      for (const pattern of patterns) assert.match(result.out, pattern, argv.join(" "));
    }
    const off = await plan(["dev", "--set", "syntheticCheck=false"]);
    assert.doesNotMatch(off.out, /route53|app-synthetic|pulumi:providers:aws/);
    assert.doesNotMatch(off.out, /dashboardUrl: ""/);
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
    assert.ok(
      lines.some((l) =>
        /eks:index:ManagedNodeGroup {2}app-general {2}instanceTypes=\["m6i\.large"\]/.test(l),
      ),
    );
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
      /eks:index:ManagedNodeGroup {2}app-general .*ignoreScalingChanges=true/,
      "desired size left to the autoscaler",
    );
    has(
      /kubernetes:helm\.sh\/v3:Release {2}app-fluent-bit-release {2}chart=fluent-bit .*values\.rbac\.nodeAccess=false/,
      "log shipping, no nodes/proxy grant",
    );
    has(
      /aws:cloudwatch\/logGroup:LogGroup {2}app-control-plane-logs {2}name=\/aws\/eks\/fastify-deploy-prod\/cluster {2}retentionInDays=30$/,
      "control-plane log group",
    );
    has(
      /aws:cloudwatch\/logGroup:LogGroup {2}app-container-logs {2}name=\/aws\/eks\/fastify-deploy-prod\/containers {2}retentionInDays=30$/,
      "container log group",
    );
    has(/app-bastion-instance .*userDataReplaceOnChange=true/, "bastion follows the version");
    assert.ok(
      lines.some((l) => /^ {2}appRoleArn: "arn:aws:iam::\d{12}:role\//.test(l)),
      "appRoleArn output",
    );
    assert.match(
      committed.out,
      /\nwarning: fastify-deploy:endpointPublicAccessCidrs contains 203\.0\.113\.0\/24, a documentation range/,
    );

    const set = await plan([
      "prod",
      "--set",
      "nodeDesiredSize=4",
      "--set",
      'endpointPublicAccessCidrs=["198.18.0.0/15"]',
      "--set",
      "certificateArn=arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000",
    ]);
    assert.equal(set.code, 0, set.err);
    assert.match(set.out, /publicAccessCidrs=\["198\.18\.0\.0\/15"\]/);
    assert.match(set.out, /app-general .*scalingConfig=\{[^}]*"desiredSize":4/);
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
      preview.out,
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
      /eks SecretProviderClass app-secret-provider-class \(usePodIdentity false\) syncs Secret fastify-app-secrets-[0-9a-f]{10} from:/,
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

  it("rejects a bad --assume with the allowed keys and exits 2", async () => {
    const result = await plan(["dev", "--assume", "traffic=1"]);
    assert.equal(result.code, 2);
    assert.match(result.err, /^unknown assumption "traffic"; allowed: albLcuPerHour, /);
  });
});
