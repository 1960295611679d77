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
  const region = raw["aws:region"]?.value;
  const certificateRegion = v.certificateArn ? ACM_CERTIFICATE_ARN.exec(v.certificateArn)?.[1] : undefined;
  if (region && certificateRegion && certificateRegion !== region) {
    return [
      `${fullKey("certificateArn")}: got ${show(v.certificateArn)} in region ${certificateRegion}; expected a certificate in aws:region ${region} (a load balancer can only use certificates from its own region)`,
    ];
  }
  return [];
}

export function networkSettings(v: Valid): NetworkSettings {
  return { availabilityZones: v.availabilityZones, natGateways: v.natGateways };
}

export function loadBalancerSettings(v: Valid): LoadBalancerSettings {
  return {
    allowedCidrs: v.allowedCidrs,
    ...(v.certificateArn !== undefined && { certificateArn: v.certificateArn }),
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
