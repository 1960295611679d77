import * as fs from "node:fs";
/**
 * `npm run plan -- <stack> [--set key=value ...] [--secret key=value ...] [--secret-file key=path ...] [--unset key ...]`
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
import { renderText } from "../cost/render";
import { DNS_SESSION_NAME, dnsRolePolicy } from "../platforms/aws/edge";
import { ProgramFailure, type ProgramRun, type RecordedResource, runProgram } from "../tools/harness";

const USAGE =
  "usage: npm run plan -- <stack> [--set key=value ...] [--secret key=value ...] [--secret-file key=path ...] [--unset key ...] [--assume key=value ...] [--up] [--json]";

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
  "aws:eks/addon:Addon": ["addonName", "addonVersion"],
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
  ],
  "kubernetes:apps/v1:Deployment": ["spec.replicas"],
  "kubernetes:autoscaling/v2:HorizontalPodAutoscaler": ["spec.minReplicas", "spec.maxReplicas"],
  "kubernetes:batch/v1:CronJob": ["spec.schedule", "spec.concurrencyPolicy"],
};

function parseArgs(argv: string[]) {
  const [stack, ...rest] = argv;
  if (!stack || stack.startsWith("-")) throw new Error(USAGE);
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
    const value = rest[i + 1];
    if (
      value === undefined ||
      !["--set", "--secret", "--secret-file", "--unset", "--assume"].includes(flag ?? "")
    ) {
      throw new Error(USAGE);
    }
    i++;
    if (flag === "--unset") {
      unset.push(value);
      continue;
    }
    const eq = value.indexOf("=");
    if (eq <= 0) throw new Error(`${flag} needs key=value, got ${JSON.stringify(value)}\n${USAGE}`);
    const [key, text] = [value.slice(0, eq), value.slice(eq + 1)];
    if (flag === "--secret-file") secrets[key] = fs.readFileSync(text, "utf8");
    else if (flag === "--assume") assume[key] = text;
    else (flag === "--secret" ? secrets : config)[key] = text;
  }
  return {
    stack,
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

function settings(r: RecordedResource): string {
  const parts: string[] = [];
  for (const key of KEY_SETTINGS[r.type] ?? []) {
    const top = key.split(".")[0] as string;
    const value = r.secretInputs.includes(top) ? "[secret]" : pick(r.inputs, key);
    if (value !== undefined)
      parts.push(`${key}=${typeof value === "string" ? value : JSON.stringify(value)}`);
  }
  return parts.length > 0 ? `  ${parts.join("  ")}` : "";
}

export function renderPlan(run: ProgramRun): string {
  const lines: string[] = [];
  const children = new Map<string | undefined, RecordedResource[]>();
  for (const r of run.resources) {
    const list = children.get(r.parentUrn) ?? [];
    list.push(r);
    children.set(r.parentUrn, list);
  }
  const walk = (parent: string | undefined, prefix: string): void => {
    const list = [...(children.get(parent) ?? [])].sort((a, b) =>
      `${a.type}${a.name}`.localeCompare(`${b.type}${b.name}`),
    );
    list.forEach((r, i) => {
      const last = i === list.length - 1;
      lines.push(
        `${prefix}${parent === undefined ? "" : last ? "└─ " : "├─ "}${r.type}  ${r.name}${settings(r)}`,
      );
      walk(r.urn, parent === undefined ? "" : `${prefix}${last ? "   " : "│  "}`);
    });
  };
  walk(undefined, "");
  lines.push("", `Resources: ${run.resources.length - 1} (+ the stack)`, "", "Outputs:");
  for (const [key, output] of Object.entries(run.outputs)) {
    lines.push(`  ${key}: ${output.secret ? "[secret]" : JSON.stringify(output.value)}`);
  }
  for (const warning of run.warnings) lines.push(`warning: ${warning}`);
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
