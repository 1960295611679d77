import {
  ACM_CERTIFICATE_ARN,
  type AwsAssumeRole,
  type AwsProviderSettings,
  arnPartition,
  type LoadBalancerSettings,
  type MonitoringSettings,
  type NetworkSettings,
} from "../facts";
import { stackPartition } from "./aws-provider";
import { isUnset, type RawConfig, type Valid } from "./common";
import { fullKey, type Values } from "./keys";
import { show } from "./schema";
import type { StackIdentity } from "./stack-config";

/** Rules and mapping both AWS platforms share: their own VPC and a public load balancer. */

export function awsProblems(v: Values, raw: RawConfig, stack: StackIdentity): string[] {
  return [
    ...certificateRegionProblems(v, raw),
    ...edgeProblems(v, raw),
    ...(stack.preview ? [] : prodGradeTlsProblems(v)),
    ...stackProvider(raw).problems,
  ];
}

/**
 * A prod-grade stack serves HTTPS: certificateArn or domainName. Refused at `up` only; a preview
 * warns instead (awsWarnings), so CI previews of the committed prod (which commits no certificate:
 * a placeholder ARN would fail every real `up`) stay green while its first real deploy asks for TLS.
 */
const PROD_GRADE_TLS = `a prod-grade ALB serves HTTPS: pulumi config set certificateArn arn:aws:acm:<region>:<account>:certificate/<id> (same region), or domainName <name> with hostedZoneId <zone> (docs/edge.md)`;

function needsTls(v: Values): boolean {
  return v.prodGrade === true && v.certificateArn === undefined && v.domainName === undefined;
}

function prodGradeTlsProblems(v: Values): string[] {
  // Only where both keys are themselves valid (an invalid one has its own message).
  if (!needsTls(v) || !("certificateArn" in v) || !("domainName" in v)) return [];
  return [
    `${fullKey("prodGrade")}: got true without ${fullKey("certificateArn")} or ${fullKey("domainName")}; expected one of them set (${PROD_GRADE_TLS}; pulumi preview only warns, pulumi up refuses)`,
  ];
}

function certificateRegionProblems(v: Values, raw: RawConfig): string[] {
  const region = raw["aws:region"]?.value;
  const certificateRegion = v.certificateArn ? ACM_CERTIFICATE_ARN.exec(v.certificateArn)?.[1] : undefined;
  // A certificate of another partition has its own line (arnPartitionProblems), not this one too.
  const otherPartition =
    v.certificateArn !== undefined && arnPartition(v.certificateArn) !== stackPartition(raw);
  if (region && certificateRegion && certificateRegion !== region && !otherPartition) {
    return [
      `${fullKey("certificateArn")}: got ${show(v.certificateArn)} in region ${certificateRegion}; expected a certificate in aws:region ${region} (a load balancer can only use certificates from its own region)`,
    ];
  }
  return [];
}

/**
 * The edge's rules between keys: a domain comes with its zone (and only then a zone role), the
 * certificate is either issued for the domain or brought (never both: one source of truth for what
 * the listener serves; public ACM certificates cost nothing, so a domain never needs a brought one),
 * and a prod-grade stack keeps access logs, deletion protection and a web ACL on.
 */
function edgeProblems(v: Values, raw: RawConfig): string[] {
  const problems: string[] = [];
  const { domainName, hostedZoneId } = v;
  // Unset, not merely invalid (an invalid id has its own message).
  const zoneUnset = (raw[fullKey("hostedZoneId")]?.value ?? "") === "";
  if (domainName !== undefined && zoneUnset) {
    problems.push(
      `${fullKey("hostedZoneId")}: got "" with domainName ${show(domainName)}; expected the id of the Route 53 hosted zone that holds ${domainName} (e.g. Z0123456789ABCDEFGHIJ), where the certificate's validation record and the alias go`,
    );
  }
  if (isUnset(v, "domainName") && hostedZoneId !== undefined) {
    problems.push(
      `${fullKey("hostedZoneId")}: got ${show(hostedZoneId)} without domainName; expected "" (the zone is used only for domainName's records) or set domainName`,
    );
  }
  if (isUnset(v, "domainName") && v.hostedZoneRoleArn !== undefined) {
    problems.push(
      `${fullKey("hostedZoneRoleArn")}: got ${show(v.hostedZoneRoleArn)} without domainName; expected "" (the role only writes domainName's records in another account's zone)`,
    );
  }
  if (domainName !== undefined && v.certificateArn !== undefined) {
    problems.push(
      `${fullKey("certificateArn")}: got ${show(v.certificateArn)} with domainName ${show(domainName)}; expected "" (with domainName the stack issues and validates its own certificate for it; certificateArn is for a load balancer without domainName)`,
    );
  }
  if (v.prodGrade === true) {
    for (const key of ["accessLogs", "deletionProtection"] as const) {
      if (v[key] === false) {
        // Turning protection off is the first step of destroying a stack: say the whole recipe (issue 28).
        const destroy =
          key === "deletionProtection"
            ? "; to destroy the stack: pulumi config set prodGrade false, pulumi config set deletionProtection false, pulumi up, then pulumi destroy (docs/edge.md#deletion-protection-and-how-to-destroy)"
            : "";
        problems.push(
          `${fullKey(key)}: got false with prodGrade true; expected true (a prod-grade stack keeps ${key === "accessLogs" ? "ALB access logs" : "deletion protection on its ALB"}; the policy pack requires it too)${destroy}`,
        );
      }
    }
    if (v.wafMode === "off") {
      problems.push(
        `${fullKey("wafMode")}: got "off" with prodGrade true; expected count or block (a prod-grade stack keeps a web ACL on its ALB; the policy pack requires it too)`,
      );
    }
  }
  return problems;
}

export function networkSettings(v: Valid): NetworkSettings {
  return {
    availabilityZones: v.availabilityZones,
    natGateways: v.natGateways,
    flowLogTraffic: v.vpcFlowLogTraffic,
  };
}

export function loadBalancerSettings(v: Valid, raw: RawConfig): LoadBalancerSettings {
  return {
    allowedCidrs: v.allowedCidrs,
    ...(v.certificateArn !== undefined && { certificateArn: v.certificateArn }),
    ...(v.domainName !== undefined && {
      domain: {
        name: v.domainName,
        hostedZoneId: v.hostedZoneId as string,
        ...(v.hostedZoneRoleArn !== undefined && { hostedZoneRoleArn: v.hostedZoneRoleArn }),
        stackProvider: stackProvider(raw).settings,
      },
    }),
    ...(v.accessLogs && { accessLogs: { retentionDays: v.accessLogRetentionDays } }),
    deletionProtection: v.deletionProtection,
    ...(v.wafMode !== "off" && { webAcl: { mode: v.wafMode, rateLimit: v.wafRateLimit } }),
    prodGrade: v.prodGrade,
  };
}

export function monitoringSettings(v: Valid): MonitoringSettings {
  return {
    ...(v.alarmEmail !== undefined && { alarmEmail: v.alarmEmail }),
    syntheticCheck: v.syntheticCheck,
    error5xxRatePercent: v.alarm5xxRatePercent,
    p99LatencyMs: v.alarmP99LatencyMs,
  };
}

/**
 * The synthetic check calls the ALB from Route 53's health checkers, which come from AWS's published
 * ROUTE53_HEALTHCHECKS ranges (https://ip-ranges.amazonaws.com/ip-ranges.json): an ALB open only to
 * narrower CIDRs turns away every check and the alarm fires from the first minute.
 */
export function awsWarnings(v: Valid, stack: StackIdentity): string[] {
  const warnings: string[] = [];
  if (v.syntheticCheck && !v.allowedCidrs.includes("0.0.0.0/0")) {
    warnings.push(
      `${fullKey("syntheticCheck")} is true but ${fullKey("allowedCidrs")} does not include 0.0.0.0/0: Route 53 health checkers (the ROUTE53_HEALTHCHECKS ranges of https://ip-ranges.amazonaws.com/ip-ranges.json) must reach the ALB, or the synthetic check alarms at once; add those ranges or set syntheticCheck false`,
    );
  }
  if (stack.preview && needsTls(v)) {
    warnings.push(
      `${fullKey("prodGrade")} is true but neither ${fullKey("certificateArn")} nor ${fullKey("domainName")} is set: this preview plans plain HTTP, and pulumi up will refuse the stack until one is set (${PROD_GRADE_TLS})`,
    );
  }
  return warnings;
}

/**
 * The stack's aws:* settings that pick the credentials an AWS provider starts from. An explicit
 * aws.Provider reads none of them from stack config (pulumi/pulumi-aws#1307, "explicit providers do not
 * inherit the stack's aws config", by design; read 2026-12-07), so the edge's provider for another
 * account's zone would otherwise run with whatever the environment holds, not what `aws:profile` or
 * `aws:assumeRoles` says. Repeated: the credential source (profile, shared files, static keys) and the
 * roles the stack assumes (the zone's role is assumed after them: role chaining). Not repeated:
 * `aws:allowedAccountIds`/`forbiddenAccountIds` name the stack's account and would refuse the zone's by
 * design (the edge pins that provider to the role's own account instead); `aws:defaultTags`/`ignoreTags`
 * (Route 53 records take no tags); the region (the edge uses the account lookup's, the stack's).
 */
export function stackProvider(raw: RawConfig): { settings: AwsProviderSettings; problems: string[] } {
  const problems: string[] = [];
  const text = (key: string): string | undefined => {
    const value = raw[`aws:${key}`]?.value;
    return value === undefined || value === "" ? undefined : value;
  };
  const json = (key: string): unknown => {
    const value = text(key);
    if (value === undefined) return undefined;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  };
  const stringList = (key: string): string[] | undefined => {
    const value = json(key);
    if (value === undefined) return undefined;
    if (Array.isArray(value) && value.every((x) => typeof x === "string")) return value;
    problems.push(`aws:${key}: got ${show(text(key))}; expected a JSON list of file paths`);
    return undefined;
  };
  const roles = json("assumeRoles") ?? [];
  const assumeRoles: AwsAssumeRole[] = [];
  if (Array.isArray(roles) && roles.every(isAssumeRole)) {
    for (const r of roles) {
      assumeRoles.push({
        roleArn: r.roleArn,
        ...(r.sessionName !== undefined && { sessionName: r.sessionName }),
        ...(r.externalId !== undefined && { externalId: r.externalId }),
      });
    }
  } else {
    problems.push(
      `aws:assumeRoles: got ${show(text("assumeRoles"))}; expected a JSON list of objects each with a roleArn string (and optionally sessionName, externalId), e.g. [{"roleArn":"arn:aws:iam::123456789012:role/deployer"}]`,
    );
  }
  const settings: AwsProviderSettings = { assumeRoles };
  const profile = text("profile");
  if (profile !== undefined) settings.profile = profile;
  const sharedConfigFiles = stringList("sharedConfigFiles");
  if (sharedConfigFiles !== undefined) settings.sharedConfigFiles = sharedConfigFiles;
  const sharedCredentialsFiles = stringList("sharedCredentialsFiles");
  if (sharedCredentialsFiles !== undefined) settings.sharedCredentialsFiles = sharedCredentialsFiles;
  for (const key of ["accessKey", "secretKey", "token"] as const) {
    const value = text(key);
    if (value !== undefined) settings[key] = value;
  }
  return { settings, problems };
}

function isAssumeRole(x: unknown): x is AwsAssumeRole {
  if (typeof x !== "object" || x === null) return false;
  const r = x as Record<string, unknown>;
  return (
    typeof r.roleArn === "string" &&
    r.roleArn !== "" &&
    ["sessionName", "externalId"].every((k) => r[k] === undefined || typeof r[k] === "string")
  );
}
