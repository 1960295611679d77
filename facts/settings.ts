import type { TracingSettings } from "./tracing";
import type { FlowLogTraffic, LogLevel, NatStrategy, WafMode } from "./values";

/**
 * The shapes every platform component takes under the same name (`app`, `scaling`, `network`,
 * `loadBalancer`), so sibling components read alike and config builds each once.
 */

/** What the app is told about itself (its environment). */
export interface AppSettings {
  logLevel: LogLevel;
  /** The commit the image was built from, reported by `GET /version`. */
  commit: string;
  /** OpenTelemetry spans: off, to X-Ray through a collector beside the app (ecs, eks), or to an OTLP endpoint. */
  tracing: TracingSettings;
}

/** How many copies run; autoscaling keeps the count within [minCount, maxCount]. */
export interface ScalingSettings {
  /** Copies at creation; the autoscaler owns the count afterwards. */
  desiredCount: number;
  minCount: number;
  maxCount: number;
  /** Average CPU (%) the autoscaler holds. */
  targetCpuUtilization: number;
}

/** The VPC an AWS platform creates. */
export interface NetworkSettings {
  availabilityZones: number;
  natGateways: NatStrategy;
  /** VPC flow logs to CloudWatch Logs: every flow, or rejected ones only (docs/security.md). */
  flowLogTraffic: FlowLogTraffic;
}

/** The internet-facing load balancer in front of the app on the AWS platforms. */
export interface LoadBalancerSettings {
  /** IPv4 CIDRs admitted on the listener ports. */
  allowedCidrs: string[];
  /** ACM certificate: HTTPS on 443 with the ALB TLS policy, and port 80 only redirects. Unset: HTTP on 80. */
  certificateArn?: string;
  /** A domain served over HTTPS with a certificate this stack issues (never with certificateArn). */
  domain?: DomainSettings;
  /** Access logs to an S3 bucket this stack owns. Unset: off. */
  accessLogs?: AccessLogSettings;
  /** The ALB refuses deletion (and the log bucket keeps its objects on destroy). */
  deletionProtection: boolean;
  /** A WAFv2 web ACL on the ALB. Unset: none. */
  webAcl?: WebAclSettings;
  /**
   * The stack declares itself prod-grade: the ALB carries the PROD_GRADE_TAG so the policy pack can
   * require access logs and deletion protection on it (policies see resources, not config).
   */
  prodGrade: boolean;
}

/** A domain name in a Route 53 hosted zone: ACM certificate validated there, alias to the ALB. */
export interface DomainSettings {
  name: string;
  hostedZoneId: string;
  /** A role in the zone's account that the DNS records are written with (a zone in another account). */
  hostedZoneRoleArn?: string;
  /** The stack's own aws:* provider settings, repeated on the zone role's provider (explicit providers read none). */
  stackProvider: AwsProviderSettings;
}

/** A role an AWS provider assumes (the fields of aws:assumeRoles items this program repeats). */
export interface AwsAssumeRole {
  roleArn: string;
  sessionName?: string;
  externalId?: string;
}

/**
 * The stack's aws:* settings that decide which credentials an AWS provider starts from: an explicit
 * aws.Provider reads none of them from stack config (pulumi/pulumi-aws#1307), so config hands them over.
 */
export interface AwsProviderSettings {
  profile?: string;
  sharedConfigFiles?: string[];
  sharedCredentialsFiles?: string[];
  /** Roles the stack's own provider assumes, in order; another role is assumed after them (chaining). */
  assumeRoles: AwsAssumeRole[];
  /** Static keys from stack config (secrets there; the component keeps them secret). */
  accessKey?: string;
  secretKey?: string;
  token?: string;
}

export interface AccessLogSettings {
  /** Days the bucket keeps each log object. */
  retentionDays: number;
}

export interface WebAclSettings {
  /** count: rules only count matches (CloudWatch metrics, sampled requests); block: they block. */
  mode: Exclude<WafMode, "off">;
  /** Requests per client IP in any 5-minute window above which the rate rule matches. */
  rateLimit: number;
}

/** Who may reach the app pods; both empty means the platform's defaults. */
export interface NetworkPolicySources {
  namespaces: string[];
  cidrs: string[];
}

/**
 * Observability on the AWS platforms (alarms, their SNS topic, the dashboard, the synthetic check):
 * what a user chooses. Every other threshold is a named constant in platforms/aws/monitoring.ts.
 */
export interface MonitoringSettings {
  /** Subscribed to the alarm topic(s) by email (AWS sends a confirmation first); unset: no subscription. */
  alarmEmail?: string;
  /** Route 53 health checks of `GET /v1/random` and `GET /healthz` from outside, with their alarms. */
  syntheticCheck: boolean;
  /** Alarm when more than this percentage of requests end in a 5xx (ALB-generated or the app's). */
  error5xxRatePercent: number;
  /** Alarm when the app's p99 response time at the ALB is above this many milliseconds. */
  p99LatencyMs: number;
}

/**
 * How a new revision reaches users (issue 29), the same four words on every platform: `rolling`
 * replaces tasks/pods in place (today's behaviour); `canary` shifts `canaryPercent` of traffic, holds
 * it `bakeMinutes`, then the rest; `linear` shifts `linearStepPercent` per step, holding each step
 * `bakeMinutes`; `blueGreen` starts the whole new revision beside the old one, then shifts all traffic
 * at once. The limits are facts/rollout.ts's (the ECS API's, with their source and date).
 */
export type RolloutStrategy = "rolling" | "canary" | "linear" | "blueGreen";
export interface RolloutSettings {
  strategy: RolloutStrategy;
  /** canary: percentage of production traffic the new revision gets during the canary phase. */
  canaryPercent: number;
  /** linear: percentage of production traffic shifted per step. */
  linearStepPercent: number;
  /**
   * Minutes each traffic step is held with the rollback alarms watching (canary phase, every linear
   * step) and, after the full shift, the minutes the old revision is kept for an instant rollback.
   */
  bakeMinutes: number;
}
