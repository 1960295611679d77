import {
  ACM_CERTIFICATE_ARN,
  type LoadBalancerSettings,
  type MonitoringSettings,
  type NetworkSettings,
} from "../facts";
import type { RawConfig, Valid } from "./common";
import { fullKey, type Values } from "./keys";
import { show } from "./schema";

/** Rules and mapping both AWS platforms share: their own VPC and a public load balancer. */

export function awsProblems(v: Values, raw: RawConfig): string[] {
  return [...certificateRegionProblems(v, raw), ...edgeProblems(v, raw)];
}

function certificateRegionProblems(v: Values, raw: RawConfig): string[] {
  const region = raw["aws:region"]?.value;
  const certificateRegion = v.certificateArn ? ACM_CERTIFICATE_ARN.exec(v.certificateArn)?.[1] : undefined;
  if (region && certificateRegion && certificateRegion !== region) {
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
  if (domainName === undefined && hostedZoneId !== undefined) {
    problems.push(
      `${fullKey("hostedZoneId")}: got ${show(hostedZoneId)} without domainName; expected "" (the zone is used only for domainName's records) or set domainName`,
    );
  }
  if (domainName === undefined && v.hostedZoneRoleArn !== undefined) {
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
        problems.push(
          `${fullKey(key)}: got false with prodGrade true; expected true (a prod-grade stack keeps ${key === "accessLogs" ? "ALB access logs" : "deletion protection on its ALB"}; the policy pack requires it too)`,
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
  return { availabilityZones: v.availabilityZones, natGateways: v.natGateways };
}

export function loadBalancerSettings(v: Valid): LoadBalancerSettings {
  return {
    allowedCidrs: v.allowedCidrs,
    ...(v.certificateArn !== undefined && { certificateArn: v.certificateArn }),
    ...(v.domainName !== undefined && {
      domain: {
        name: v.domainName,
        hostedZoneId: v.hostedZoneId as string,
        ...(v.hostedZoneRoleArn !== undefined && { hostedZoneRoleArn: v.hostedZoneRoleArn }),
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
export function awsWarnings(v: Valid): string[] {
  if (v.syntheticCheck && !v.allowedCidrs.includes("0.0.0.0/0")) {
    return [
      `${fullKey("syntheticCheck")} is true but ${fullKey("allowedCidrs")} does not include 0.0.0.0/0: Route 53 health checkers (the ROUTE53_HEALTHCHECKS ranges of https://ip-ranges.amazonaws.com/ip-ranges.json) must reach the ALB, or the synthetic check alarms at once; add those ranges or set syntheticCheck false`,
    ];
  }
  return [];
}
