/**
 * What the estimate cannot read from the graph: traffic, log volume, stored images, and the date that
 * decides an EKS version's support tier. Each has a stated default; `npm run plan -- <stack> --assume
 * key=value` overrides one (see docs/cost.md).
 */
import { HOURS_PER_MONTH } from "../facts/eks-versions";

export interface Assumptions {
  /** Average Load Balancer Capacity Units per hour per ALB (the highest of its four dimensions). */
  albLcuPerHour: number;
  /** GB per month processed by all NAT gateways together (image pulls, log shipping, API calls). */
  natGbPerMonth: number;
  /** GB per month ingested into each CloudWatch log group. */
  logGbPerMonthPerGroup: number;
  /** GB per month a VPC flow log of ALL traffic writes (vended logs into its CloudWatch log group). */
  flowLogGbPerMonth: number;
  /** GB per month a VPC flow log of REJECT traffic only writes. */
  rejectedFlowLogGbPerMonth: number;
  /** Months of logs a group without retention holds when the estimate is made (it grows forever). */
  logMonthsWithoutRetention: number;
  /** GB stored in each ECR repository (images and build cache). */
  ecrGbPerRepository: number;
  /** Millions of requests a month reaching each load balancer (what a web ACL inspects and bills). */
  millionRequestsPerMonth: number;
  /** GB written to each S3 bucket a month (the program's only bucket holds ALB access logs, gzip-compressed). */
  s3GbPerMonthPerBucket: number;
  /** KB each span takes as ingested into CloudWatch Logs (tracing xray: one span per request). */
  spanKb: number;
  /** The day the estimate is for (YYYY-MM-DD): decides standard vs extended EKS support. */
  asOf: string;
}

/** Hours in the month every hourly price is multiplied by: one fact, in facts/ (config's $365 uses it too). */
export { HOURS_PER_MONTH };

export const ASSUMPTION_DOCS: Record<keyof Assumptions, string> = {
  albLcuPerHour:
    "1 LCU = 25 new connections/s, 3,000 active connections/min, 1 GB/h processed or 1,000 rule evaluations/s, whichever is highest; by default derived from millionRequestsPerMonth with every request on a new connection (the highest dimension at this traffic), rounded up to a tenth",
  natGbPerMonth: "image pulls by nodes, log shipping and AWS API calls from private subnets",
  logGbPerMonthPerGroup: "app JSON logs at info level for a small service, or EKS audit + authenticator logs",
  flowLogGbPerMonth:
    "every flow of the ALB, tasks or nodes and NAT at millionRequestsPerMonth: ~130-byte records, one per flow per minute of aggregation",
  rejectedFlowLogGbPerMonth:
    "internet scans and probes the security groups drop: a tenth of ALL at this traffic",
  logMonthsWithoutRetention: "a group kept forever is priced as a year's logs",
  ecrGbPerRepository: "a few image versions (the lifecycle policy expires old ones) or the build cache",
  millionRequestsPerMonth:
    "about 4 requests/s on average; well inside 1 LCU (10 M requests of ~2 KB are ~0.03 GB/h processed)",
  s3GbPerMonthPerBucket:
    "ALB access logs of millionRequestsPerMonth requests: ~500 bytes an entry, gzip-compressed about 10×",
  spanKb:
    "one SERVER span per request with its HTTP attributes and resource, stored as a JSON span in aws/spans: about 1.5 KB",
  asOf: "today (UTC) unless given",
};

const DEFAULT_MILLION_REQUESTS_PER_MONTH = 10;

/**
 * The LCUs a month of `millionRequests` requests needs, one traffic figure rather than two that could
 * disagree: the average request rate over 730 hours, each request on a new connection (25 new
 * connections/s per LCU: the highest of the four dimensions at this traffic; 10 M requests of ~2 KB are
 * ~0.03 GB/h processed), rounded up to a tenth of an LCU.
 */
export function lcuForRequests(millionRequests: number): number {
  const perSecond = (millionRequests * 1e6) / (HOURS_PER_MONTH * 3600);
  return Math.ceil((perSecond / 25) * 10) / 10;
}

export function defaultAssumptions(now: Date = new Date()): Assumptions {
  return {
    albLcuPerHour: lcuForRequests(DEFAULT_MILLION_REQUESTS_PER_MONTH),
    natGbPerMonth: 20,
    logGbPerMonthPerGroup: 1,
    flowLogGbPerMonth: 2,
    rejectedFlowLogGbPerMonth: 0.2,
    logMonthsWithoutRetention: 12,
    ecrGbPerRepository: 1,
    millionRequestsPerMonth: DEFAULT_MILLION_REQUESTS_PER_MONTH,
    s3GbPerMonthPerBucket: 0.5,
    spanKb: 1.5,
    asOf: now.toISOString().slice(0, 10),
  };
}

type NumericKey = Exclude<keyof Assumptions, "asOf">;

/**
 * Applies `key=value` overrides; every bad one is reported at once, naming the key, the value and what
 * is allowed.
 */
export function applyAssumptions(base: Assumptions, overrides: Record<string, string>): Assumptions {
  const result: Assumptions = { ...base };
  const errors: string[] = [];
  const keys = Object.keys(ASSUMPTION_DOCS);
  for (const [key, text] of Object.entries(overrides)) {
    if (!keys.includes(key)) {
      errors.push(`unknown assumption ${JSON.stringify(key)}; allowed: ${keys.join(", ")}`);
    } else if (key === "asOf") {
      const date = new Date(`${text}T00:00:00Z`);
      // A round trip rejects what Date would silently roll over (2026-02-31 → March 3rd).
      if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== text) {
        errors.push(`assumption asOf must be a date YYYY-MM-DD, got ${JSON.stringify(text)}`);
      } else result.asOf = text;
    } else {
      const value = Number(text);
      if (text.trim() === "" || !Number.isFinite(value) || value < 0) {
        errors.push(`assumption ${key} must be a number ≥ 0, got ${JSON.stringify(text)}`);
      } else result[key as NumericKey] = value;
    }
  }
  if (errors.length > 0) throw new Error(errors.join("\n"));
  // A different request volume moves the LCUs with it, unless they are given too.
  if ("millionRequestsPerMonth" in overrides && !("albLcuPerHour" in overrides)) {
    result.albLcuPerHour = lcuForRequests(result.millionRequestsPerMonth);
  }
  return result;
}
