import type { LogLevel, NatStrategy } from "./values";

/**
 * The shapes every platform component takes under the same name (`app`, `scaling`, `network`,
 * `loadBalancer`), so sibling components read alike and config builds each once.
 */

/** What the app is told about itself (its environment). */
export interface AppSettings {
  logLevel: LogLevel;
  /** The commit the image was built from, reported by `GET /version`. */
  commit: string;
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
}

/** The internet-facing load balancer in front of the app on the AWS platforms. */
export interface LoadBalancerSettings {
  /** IPv4 CIDRs admitted on the listener ports. */
  allowedCidrs: string[];
  /** ACM certificate: HTTPS on 443 with the ALB TLS policy, and port 80 only redirects. Unset: HTTP on 80. */
  certificateArn?: string;
}

/** Who may reach the app pods; both empty means the platform's defaults. */
export interface NetworkPolicySources {
  namespaces: string[];
  cidrs: string[];
}
