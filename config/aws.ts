import { ACM_CERTIFICATE_ARN, type LoadBalancerSettings, type NetworkSettings } from "../facts";
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
