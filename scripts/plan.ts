import * as fs from "node:fs";
import * as path from "node:path";
import { closest } from "../config/suggest";
/**
 * `npm run plan -- <stack | path/to/Pulumi.<stack>.yaml> [--set key=value ...] [--secret key=value ...] [--secret-file key=path ...] [--unset key ...]`
 *
 * Runs the real program for a committed stack under the test harness's mocks (no credentials, no
 * cloud, no Pulumi CLI) and prints the resources it would register as a tree with their key
 * settings, then the stack outputs with secrets masked, then the monthly cost estimate (cost/). `--json`
 * prints only `{ stack, estimate }` as JSON, for machines; `--assume key=value` overrides a cost
 * assumption. `--up` runs it as `pulumi up` would (config refuses what only a real deploy must not do,
 * e.g. a prod-grade stack without TLS); the default is a preview, as CI's. With a hosted zone in another
 * account (hostedZoneRoleArn), it also prints the identity policy that role needs (generated from the
 * records placed on its provider: platforms/aws/edge.ts dnsRolePolicy). Exits non-zero on a config or
 * program error.
 */
import { applyAssumptions, defaultAssumptions } from "../cost/assumptions";
import { estimate } from "../cost/estimate";
import { fold, WIDTH } from "../cost/fold";
import { renderDrivers, renderText } from "../cost/render";
import { DNS_SESSION_NAME, dnsRolePolicy } from "../platforms/aws/edge";
import {
  committedStacks,
  ProgramFailure,
  type ProgramRun,
  type RecordedResource,
  runProgram,
} from "../tools/harness";
import { insideOf } from "./inside-components";
import { renderEcsRollout } from "./rollout-plan";

const USAGE =
  "usage: npm run plan -- <stack> [--set key=value ...] [--secret key=value ...] [--secret-file key=path ...] [--unset key ...] [--assume key=value ...] [--up] [--json]   (<stack>: a Pulumi.<stack>.yaml at the root by name, or any stack file by path)";

/** The settings worth seeing per resource type (a reviewer's view, not every input). */
const KEY_SETTINGS: Record<string, string[]> = {
  "awsx:ec2:Vpc": ["cidrBlock", "numberOfAvailabilityZones", "natGateways", "subnetSpecs"],
  "aws:ecr/repository:Repository": ["imageTagMutability", "imageScanningConfiguration", "forceDelete"],
  "docker:index/image:Image": ["imageName", "build.platform", "registry"],
  "aws:ec2/securityGroup:SecurityGroup": ["description"],
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": [
    "ipProtocol",
    "fromPort",
    "toPort",
    "cidrIpv4",
    "referencedSecurityGroupId",
  ],
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": [
    "ipProtocol",
    "fromPort",
    "toPort",
    "cidrIpv4",
    "referencedSecurityGroupId",
  ],
  "aws:lb/loadBalancer:LoadBalancer": [
    "internal",
    "idleTimeout",
    "dropInvalidHeaderFields",
    "enableDeletionProtection",
    "accessLogs",
  ],
  "aws:lb/targetGroup:TargetGroup": ["port", "deregistrationDelay", "healthCheck"],
  "aws:lb/listener:Listener": ["port", "protocol", "sslPolicy", "certificateArn", "defaultActions.0.type"],
  "aws:acm/certificate:Certificate": ["domainName", "validationMethod"],
  "aws:acm/certificateValidation:CertificateValidation": ["validationRecordFqdns"],
  "aws:route53/record:Record": ["zoneId", "name", "type", "records", "aliases.0.name", "aliases.0.zoneId"],
  "aws:s3/bucket:Bucket": ["forceDestroy"],
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": ["rules.0.expiration.days"],
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": [
    "rules.0.applyServerSideEncryptionByDefault.sseAlgorithm",
  ],
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls": ["rule.objectOwnership"],
  "aws:wafv2/webAcl:WebAcl": [
    "scope",
    "rules.0.action",
    "rules.1.overrideAction",
    "rules.0.statement.rateBasedStatement.limit",
  ],
  "aws:wafv2/webAclAssociation:WebAclAssociation": ["webAclArn"],
  "kubernetes:networking.k8s.io/v1:Ingress": ["spec.ingressClassName", "metadata.annotations"],
  "aws:cloudwatch/logGroup:LogGroup": ["name", "retentionInDays"],
  "aws:eks/addon:Addon": ["addonName", "addonVersion", "podIdentityAssociations.0.serviceAccount"],
  // Which service account gets a role through EKS Pod Identity (issue 26).
  "aws:eks/podIdentityAssociation:PodIdentityAssociation": ["namespace", "serviceAccount"],
  "aws:ecs/cluster:Cluster": ["settings"],
  "aws:ecs/taskDefinition:TaskDefinition": ["cpu", "memory", "runtimePlatform.cpuArchitecture"],
  "aws:ecs/service:Service": [
    "desiredCount",
    "deploymentCircuitBreaker",
    "healthCheckGracePeriodSeconds",
    "networkConfiguration.assignPublicIp",
    "alarms.enable",
    "alarms.rollback",
  ],
  // Observability (issue 17).
  "aws:cloudwatch/metricAlarm:MetricAlarm": [
    "metricName",
    "extendedStatistic",
    "comparisonOperator",
    "threshold",
    "datapointsToAlarm",
    "evaluationPeriods",
    "treatMissingData",
    // pulumi-aws v7's per-resource region: the synthetic check's alarms and topic are in us-east-1.
    "region",
  ],
  "aws:sns/topic:Topic": ["region"],
  "aws:route53/healthCheck:HealthCheck": [
    "type",
    "port",
    "resourcePath",
    "requestInterval",
    "measureLatency",
  ],
  "aws:cloudwatch/dashboard:Dashboard": ["dashboardName"],
  "aws:sns/topicSubscription:TopicSubscription": ["protocol"],
  "pulumi:providers:aws": ["region"],
  "aws:appautoscaling/target:Target": ["minCapacity", "maxCapacity"],
  "aws:appautoscaling/policy:Policy": ["targetTrackingScalingPolicyConfiguration.targetValue"],
  "eks:index:Cluster": [
    "version",
    "authenticationMode",
    "endpointPrivateAccess",
    "endpointPublicAccess",
    "publicAccessCidrs",
    "enabledClusterLogTypes",
    "useDefaultVpcCni",
  ],
  "eks:index:ManagedNodeGroup": [
    "instanceTypes",
    "capacityType",
    "amiType",
    "scalingConfig",
    "ignoreScalingChanges",
    // One zone's private subnet per group (issue 26).
    "subnetIds",
  ],
  "aws:ec2/launchTemplate:LaunchTemplate": [
    "metadataOptions.httpTokens",
    "metadataOptions.httpPutResponseHopLimit",
    "blockDeviceMappings.0.ebs.volumeSize",
    "blockDeviceMappings.0.ebs.encrypted",
  ],
  "aws:kms/key:Key": ["enableKeyRotation"],
  "aws:ec2/instance:Instance": [
    "instanceType",
    "associatePublicIpAddress",
    "metadataOptions.httpTokens",
    "userDataReplaceOnChange",
  ],
  "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": ["policyArn", "accessScope"],
  "kubernetes:helm.sh/v3:Release": [
    "chart",
    "version",
    "values.image.tag",
    // Fluent Bit's cluster-wide nodes/proxy grant (off: issue 32 item 2).
    "values.rbac.nodeAccess",
    // The Cluster Autoscaler keeping the zones' node groups the same size (issue 26).
    "values.extraArgs.balance-similar-node-groups",
  ],
  "kubernetes:apps/v1:Deployment": ["spec.replicas"],
  "kubernetes:autoscaling/v2:HorizontalPodAutoscaler": ["spec.minReplicas", "spec.maxReplicas"],
  "kubernetes:batch/v1:CronJob": ["spec.schedule", "spec.concurrencyPolicy"],
  // Progressive delivery on eks / kubernetes (issue 29): the strategy, its steps, its traffic router,
  // and the analysis that aborts it (each metric's condition, limits and query).
  "kubernetes:argoproj.io/v1alpha1:Rollout": [
    "spec.workloadRef.name",
    "spec.strategy.canary.steps",
    "spec.strategy.canary.trafficRouting",
    "spec.strategy.canary.analysis.templates",
    "spec.strategy.blueGreen",
  ],
  "kubernetes:argoproj.io/v1alpha1:AnalysisTemplate": ["spec.metrics"],
};

const FLAGS = ["--set", "--secret", "--secret-file", "--unset", "--assume", "--up", "--json"];

/**
 * The stack argument: a stack at the repository root by name, or any stack file by path (a stack of
 * one's own, kept elsewhere), named after its `Pulumi.<stack>.yaml`.
 */
function stackArgument(arg: string): { stack: string; stackFile?: string } {
  if (arg.endsWith(".yaml") || arg.endsWith(".yml")) {
    if (!fs.existsSync(arg)) throw new Error(`no stack file ${arg}\n${USAGE}`);
    const name = path
      .basename(arg)
      .replace(/^Pulumi\./, "")
      .replace(/\.ya?ml$/, "");
    return { stack: name, stackFile: path.resolve(arg) };
  }
  const stacks = committedStacks();
  if (!stacks.includes(arg)) {
    throw new Error(
      `no stack ${JSON.stringify(arg)}: the stacks here are ${stacks.join(", ")} (Pulumi.<stack>.yaml at the repository root), or give a stack file's path (npm run plan -- path/to/Pulumi.<stack>.yaml)\n${USAGE}`,
    );
  }
  return { stack: arg };
}

/** A flag's name checked before its value: an unknown one named (with the flag it resembles). */
function checkFlag(flag: string | undefined): void {
  if (flag !== undefined && FLAGS.includes(flag)) return;
  const near = flag === undefined ? undefined : closest(flag, FLAGS);
  throw new Error(
    `unknown argument ${JSON.stringify(flag)}${near ? `; did you mean ${near}?` : ""}\n${USAGE}`,
  );
}

/**
 * `pulumi config set --path 'allowedCidrs[0]' x` edits one element in place; plan has no stack state
 * to edit, so a list is given whole, as JSON (what Pulumi passes the program).
 */
function checkWholeKey(flag: string, key: string, text: string): void {
  const element = /^(.+?)\[\d+\]/.exec(key);
  if (element === null) return;
  throw new Error(
    `${flag} ${key}=${text}: plan sets whole values, not one element as pulumi config set --path does; give the list as JSON: ${flag} '${element[1]}=${JSON.stringify([text])}'\n${USAGE}`,
  );
}

function parseArgs(argv: string[]) {
  const [first, ...rest] = argv;
  if (!first || first.startsWith("-")) throw new Error(USAGE);
  const { stack, stackFile } = stackArgument(first);
  const config: Record<string, string> = {};
  const secrets: Record<string, string> = {};
  const unset: string[] = [];
  const assume: Record<string, string> = {};
  let json = false;
  let mode: "preview" | "up" = "preview";
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i];
    if (flag === "--json") {
      json = true;
      continue;
    }
    if (flag === "--up") {
      mode = "up";
      continue;
    }
    checkFlag(flag);
    const value = rest[i + 1];
    if (value === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
    i++;
    if (flag === "--unset") {
      unset.push(value);
      continue;
    }
    const eq = value.indexOf("=");
    if (eq <= 0) throw new Error(`${flag} needs key=value, got ${JSON.stringify(value)}\n${USAGE}`);
    const [key, text] = [value.slice(0, eq), value.slice(eq + 1)];
    if (flag !== "--assume") checkWholeKey(flag ?? "", key, text);
    if (flag === "--secret-file") secrets[key] = fs.readFileSync(text, "utf8");
    else if (flag === "--assume") assume[key] = text;
    else (flag === "--secret" ? secrets : config)[key] = text;
  }
  return {
    stack,
    ...(stackFile !== undefined && { stackFile }),
    config,
    secrets,
    unset,
    mode,
    json,
    assumptions: applyAssumptions(defaultAssumptions(), assume),
  };
}

function pick(value: unknown, dotted: string): unknown {
  return dotted
    .split(".")
    .reduce<unknown>(
      (v, k) => (v !== null && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined),
      value,
    );
}

function settings(r: RecordedResource): string[] {
  const parts: string[] = [];
  for (const key of KEY_SETTINGS[r.type] ?? []) {
    const top = key.split(".")[0] as string;
    const value = r.secretInputs.includes(top) ? "[secret]" : pick(r.inputs, key);
    if (value !== undefined)
      parts.push(`${key}=${typeof value === "string" ? value : JSON.stringify(value)}`);
  }
  return parts;
}

/** Where a folded line goes on: a further setting, or the rest of a value cut at the width. */
export const FOLD_SETTING = "  · ";
export const FOLD_VALUE = "  ┆ ";

/**
 * A resource's line with its settings, folded at WIDTH (issue 28: one line ran to 1,352 characters):
 * settings that fit stay on the line; the others go on lines under the resource that start with
 * FOLD_SETTING, and a value longer than the room is cut, losslessly, onto FOLD_VALUE lines.
 */
function resourceLines(head: string, parts: string[], under: string): string[] {
  const lines: string[] = [];
  let line = head;
  for (const part of parts) {
    if (line.length + 2 + part.length <= WIDTH) {
      line = `${line}  ${part}`;
      continue;
    }
    lines.push(...cut(line, under));
    line = `${under}${FOLD_SETTING}${part}`;
  }
  lines.push(...cut(line, under));
  return lines;
}

/** A line cut at WIDTH, the rest on FOLD_VALUE lines under `under`: nothing lost, nothing added. */
function cut(line: string, under: string): string[] {
  const lines = [line.slice(0, WIDTH)];
  const prefix = `${under}${FOLD_VALUE}`;
  const room = Math.max(WIDTH - prefix.length, 20);
  for (let at = WIDTH; at < line.length; at += room) lines.push(`${prefix}${line.slice(at, at + room)}`);
  return lines;
}

/** The "created inside" block under a remote component (scripts/inside-components.ts derives it). */
function insideLines(r: RecordedResource, under: string): { lines: string[]; count: number } {
  const groups = insideOf(r);
  if (groups === undefined) return { lines: [], count: 0 };
  const count = groups.reduce((n, g) => n + g.count, 0);
  const lines = [`${under}  created inside ${r.type} ${r.name} (${count}, derived from its inputs):`];
  for (const g of groups) {
    lines.push(...fold(`${g.count} × ${g.type} (${g.because})`, `${under}    `, `${under}        `));
  }
  return { lines, count };
}

/**
 * The options that keep a resource through `pulumi destroy` or a replacement (issue 27): `[protect]`
 * (the engine refuses to delete it) and `[retainOnDelete]` (a delete only forgets it), at the line's end.
 */
function guards(r: RecordedResource): string[] {
  const marks = [r.protect && "[protect]", r.retainOnDelete && "[retainOnDelete]"].filter(Boolean);
  return marks.length > 0 ? [marks.join(" ")] : [];
}

export function renderPlan(run: ProgramRun): string {
  const lines: string[] = [];
  const children = new Map<string | undefined, RecordedResource[]>();
  for (const r of run.resources) {
    const list = children.get(r.parentUrn) ?? [];
    list.push(r);
    children.set(r.parentUrn, list);
  }
  let inside = 0;
  const walk = (parent: string | undefined, prefix: string): void => {
    const list = [...(children.get(parent) ?? [])].sort((a, b) =>
      `${a.type}${a.name}`.localeCompare(`${b.type}${b.name}`),
    );
    list.forEach((r, i) => {
      const last = i === list.length - 1;
      const under = parent === undefined ? "" : `${prefix}${last ? "   " : "│  "}`;
      const head = `${prefix}${parent === undefined ? "" : last ? "└─ " : "├─ "}${r.type}  ${r.name}`;
      lines.push(...resourceLines(head, [...settings(r), ...guards(r)], under));
      const created = insideLines(r, under);
      lines.push(...created.lines);
      inside += created.count;
      walk(r.urn, under);
    });
  };
  walk(undefined, "");
  lines.push(
    "",
    `Resources: ${run.resources.length - 1} (+ the stack)${inside > 0 ? `, and ${inside} more created inside components (listed under each)` : ""}`,
    "",
    "Outputs:",
  );
  for (const [key, output] of Object.entries(run.outputs)) {
    // Cut, not word-wrapped: a URL or a command is copied whole once the FOLD_VALUE marks are removed.
    lines.push(...cut(`  ${key}: ${output.secret ? "[secret]" : JSON.stringify(output.value)}`, ""));
  }
  lines.push(...renderEcsRollout(run));
  for (const warning of run.warnings) lines.push(...fold(`warning: ${warning}`, "", "  "));
  lines.push("", ...tracingPaths(run));
  const secrets = secretDeliveries(run);
  if (secrets.length > 0)
    lines.push(
      "",
      "Secrets (references only; values are read at run time, never by the program):",
      ...secrets,
    );
  for (const { roleArn, policy } of dnsRolePolicies(run)) {
    lines.push(
      "",
      `The hosted zone's role ${roleArn} needs this identity policy (and a trust policy admitting whoever runs pulumi up):`,
      JSON.stringify(policy, null, 2),
    );
  }
  return lines.join("\n");
}

const parsed = (value: unknown): Record<string, unknown> =>
  (typeof value === "string" ? JSON.parse(value) : (value ?? {})) as Record<string, unknown>;
const asList = (value: unknown): unknown[] =>
  Array.isArray(value) ? value : value === undefined ? [] : [value];

/**
 * How each platform delivers the declared secrets, read back from the recorded graph (issue 25): ECS's
 * task `secrets`, EKS's SecretProviderClass, the `kubernetes` refresher's references and identity, and
 * every identity policy that may read a secret, with exactly the resources it names.
 */
export function secretDeliveries(run: ProgramRun): string[] {
  const out: string[] = [];
  for (const task of run.ofType("aws:ecs/taskDefinition:TaskDefinition")) {
    for (const c of JSON.parse(String(task.inputs.containerDefinitions)) as {
      name: string;
      secrets?: { name: string; valueFrom: string }[];
    }[]) {
      for (const s of c.secrets ?? [])
        out.push(`  ecs ${task.name} container ${c.name}: ${s.name} <- ${s.valueFrom}`);
    }
  }
  for (const spc of run.ofType("kubernetes:secrets-store.csi.x-k8s.io/v1:SecretProviderClass")) {
    const spec = (
      spc.inputs as { spec: { parameters: Record<string, string>; secretObjects: { secretName: string }[] } }
    ).spec;
    out.push(
      `  eks SecretProviderClass ${spc.name} (usePodIdentity ${spec.parameters.usePodIdentity}) syncs Secret ${spec.secretObjects.map((o) => o.secretName).join(", ")} from:`,
      ...String(spec.parameters.objects)
        .trimEnd()
        .split("\n")
        .map((line) => `    ${line}`),
    );
  }
  for (const job of run.ofType("kubernetes:batch/v1:Job")) {
    const env = ((
      job.inputs as {
        spec?: { template?: { spec?: { containers?: { env?: { name: string; value?: unknown }[] }[] } } };
      }
    ).spec?.template?.spec?.containers?.[0]?.env ?? []) as { name: string; value?: unknown }[];
    const value = (name: string) => env.find((e) => e.name === name)?.value;
    if (value("APP_SECRET_REFS") !== undefined) {
      for (const s of JSON.parse(String(value("APP_SECRET_REFS"))) as { name: string; valueFrom: string }[]) {
        out.push(
          `  kubernetes refresher ${job.name} fills Secret ${String(value("APP_SECRET_NAME"))}: ${s.name} <- ${s.valueFrom}`,
        );
      }
    }
  }
  const oidc = run.ofType("aws:iam/openIdConnectProvider:OpenIdConnectProvider");
  const keys = run.ofType("aws:iam/accessKey:AccessKey");
  if (oidc.length > 0)
    out.push(
      `  kubernetes refresher identity: web identity through ${oidc.map((o) => String(o.inputs.url)).join(", ")}; no IAM access key`,
    );
  if (keys.length > 0) {
    out.push(
      `  kubernetes refresher identity: ${keys.length} IAM access keys, replaced on the program's schedule: ${keys.map((k) => `${k.name} generation ${String(k.replacementTrigger)}`).join(", ")}`,
    );
  }
  for (const policy of run.resources.filter((r) =>
    /^aws:iam\/(rolePolicy|userPolicy|policy):/.test(r.type),
  )) {
    for (const st of asList(parsed(policy.inputs.policy).Statement) as Record<string, unknown>[]) {
      const actions = asList(st.Action).map(String);
      if (!actions.some((a) => /^(secretsmanager:GetSecretValue|ssm:GetParameters?|kms:Decrypt)$/.test(a)))
        continue;
      out.push(`  ${policy.name} may ${actions.join(", ")} on ${asList(st.Resource).map(String).join(", ")}`);
    }
  }
  return out;
}

type Env = Array<{ name: string; value: string }>;
const envValue = (env: unknown, name: string): string | undefined =>
  ((env ?? []) as Env).find((e) => e.name === name)?.value;

/**
 * Where each workload's spans go (issue 31): off, straight to an OTLP endpoint (and what the NetworkPolicy
 * admits for it), or through the collector beside it to X-Ray with the role policy that lets it.
 */
export function tracingPaths(run: ProgramRun): string[] {
  const exporters = run
    .ofType("aws:iam/rolePolicy:RolePolicy")
    .filter((p) => p.name.endsWith("-xray-export"))
    .map((p) => {
      const actions = (
        JSON.parse(String(p.inputs.policy)) as { Statement: { Action: string[] }[] }
      ).Statement.flatMap((st) => st.Action);
      return `role policy ${p.name}: ${actions.join(", ")}`;
    });
  const collectorPath = (config: string | undefined) =>
    `the ADOT collector beside it → ${/traces_endpoint: (\S+)/.exec(config ?? "")?.[1] ?? "?"} (SigV4), ${exporters.join("; ") || "NO exporter policy"}`;
  const lines: string[] = [];
  for (const td of run.ofType("aws:ecs/taskDefinition:TaskDefinition")) {
    const defs = JSON.parse(String(td.inputs.containerDefinitions)) as { name: string; environment: Env }[];
    const app = defs[0];
    const collector = defs.find((c) => c.name === "otel-collector");
    const endpoint = envValue(app?.environment, "OTLP_TRACES_ENDPOINT");
    lines.push(
      `  ECS task ${td.name}: ${
        envValue(app?.environment, "TRACING") !== "otlp"
          ? "off"
          : collector
            ? `app → ${endpoint} → ${collectorPath(envValue(collector.environment, "AOT_CONFIG_CONTENT"))}`
            : `app → ${endpoint}`
      }`,
    );
  }
  for (const deployment of run.ofType("kubernetes:apps/v1:Deployment")) {
    const pod = (deployment.inputs as { spec: { template: { spec: Record<string, unknown> } } }).spec.template
      .spec;
    const [app] = (pod.containers ?? []) as { env: Env }[];
    const collector = ((pod.initContainers ?? []) as { name: string; env: Env }[]).find(
      (c) => c.name === "otel-collector",
    );
    const endpoint = envValue(app?.env, "OTLP_TRACES_ENDPOINT");
    const policy = run
      .ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy")
      .find(
        (p) =>
          (p.inputs.metadata as { name: string }).name ===
          (deployment.inputs.metadata as { name: string }).name,
      );
    const egress = (
      (policy?.inputs.spec as { egress?: { to: unknown[]; ports: { port: number; protocol: string }[] }[] })
        ?.egress ?? []
    )
      .map(
        (rule) =>
          `${JSON.stringify(rule.to)} on ${rule.ports.map((p) => `${p.protocol}/${p.port}`).join(",")}`,
      )
      .join("; ");
    lines.push(
      `  Deployment ${deployment.name}: ${
        envValue(app?.env, "TRACING") !== "otlp"
          ? "off"
          : collector
            ? `app → ${endpoint} → ${collectorPath(envValue(collector.env, "AOT_CONFIG_CONTENT"))}`
            : `app → ${endpoint}`
      }${envValue(app?.env, "TRACING") === "otlp" ? `; NetworkPolicy egress: ${egress || "none"}` : ""}`,
    );
  }
  return ["Tracing:", ...lines];
}

/** The role an edge DNS provider assumes last (its own session name marks it), from its recorded inputs. */
function zoneRoleArn(provider: RecordedResource): string | undefined {
  const text = provider.inputs.assumeRoles;
  const roles = (typeof text === "string" ? JSON.parse(text) : (text ?? [])) as {
    roleArn: string;
    sessionName?: string;
  }[];
  const last = roles.at(-1);
  return last?.sessionName === DNS_SESSION_NAME ? last.roleArn : undefined;
}

/**
 * The policy each hosted zone role needs, from the resources the run places on that role's provider:
 * their types choose the actions (edge.ts DNS_PROVIDER_ACTIONS) and their zones the resources.
 */
export function dnsRolePolicies(
  run: ProgramRun,
): { roleArn: string; policy: ReturnType<typeof dnsRolePolicy> }[] {
  return run.ofType("pulumi:providers:aws").flatMap((provider) => {
    const roleArn = zoneRoleArn(provider);
    if (roleArn === undefined) return [];
    const placed = run.resources.filter((r) => r.provider?.startsWith(`${provider.urn}::`));
    const partition = roleArn.split(":")[1] ?? "aws";
    const zones = placed.map((r) => String(r.inputs.zoneId));
    return [
      {
        roleArn,
        policy: dnsRolePolicy(
          partition,
          zones,
          placed.map((r) => r.type),
        ),
      },
    ];
  });
}

/** The CLI: returns the exit code (2 for bad arguments, 1 for a config or program error). */
export async function main(
  argv: string[],
  out: (text: string) => void = console.log,
  err: (text: string) => void = console.error,
): Promise<number> {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(argv);
  } catch (error) {
    err((error as Error).message);
    return 2;
  }
  try {
    const run = await runProgram(args);
    const cost = estimate(run, { assumptions: args.assumptions });
    if (args.json) {
      out(JSON.stringify({ stack: args.stack, estimate: cost }, null, 2));
      return 0;
    }
    out(`Plan for stack ${args.stack} (offline, under mocks: ids, ARNs and digests are placeholders)\n`);
    // The decision first (issue 28): what costs most, and the total, before 80 resources of detail.
    out(`${renderDrivers(cost)}\n`);
    out(renderPlan(run));
    out(`\n${renderText(cost)}`);
    return 0;
  } catch (error) {
    const message = error instanceof ProgramFailure || error instanceof Error ? error.message : String(error);
    err(`error: ${message}`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
