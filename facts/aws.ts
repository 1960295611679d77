/** AWS facts shared by config (what a stack may choose) and both AWS platforms (what they build). */
import { instanceTypeInfo } from "./instance-catalog";

/** Fargate task sizes: CPU units → allowed memory (MiB). */
export const FARGATE_MEMORY_BY_CPU: Readonly<Record<number, readonly number[]>> = {
  256: [512, 1024, 2048],
  512: range(1024, 4096, 1024),
  1024: range(2048, 8192, 1024),
  2048: range(4096, 16384, 1024),
  4096: range(8192, 30720, 1024),
  8192: range(16384, 61440, 4096),
  16384: range(32768, 122880, 8192),
};

/** The retention periods CloudWatch Logs accepts (0, "never expire", is deliberately not offered). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** The VPC both AWS platforms create. */
export const DEFAULT_VPC_CIDR = "10.0.0.0/16";

/** ALB listener policy with a certificate: TLS 1.3 and 1.2 only, forward-secret ciphers (AWS's recommended policy). */
export const ALB_TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";
/** The ALB's idle timeout; the app's keep-alive timeout is above it. */
export const ALB_IDLE_TIMEOUT_SECONDS = 60;

/**
 * Graviton (arm64) types: the catalog's architecture (facts/instance-catalog.ts, which also knows the a1
 * family the naming rule misses), else the naming rule of the Graviton families: t4g, m7g, c7gn, r8g,
 * x2gd, im4gn, …
 */
export function isArmInstanceType(instanceType: string): boolean {
  const known = instanceTypeInfo(instanceType);
  return known ? known.architecture === "arm64" : /^[a-z]+\d+g/.test(instanceType);
}

/** An EC2 instance type name (family.size). */
export const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9-]+$/;
/** An IAM role ARN in any partition; the role name is at most 64 characters. */
export const IAM_ROLE_ARN = /^arn:aws(?:-cn|-us-gov)?:iam::\d{12}:role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;
/** An ACM certificate ARN in any partition; the first group is its region. */
export const ACM_CERTIFICATE_ARN =
  /^arn:aws(?:-cn|-us-gov)?:acm:([a-z]{2}(?:-[a-z]+)+-\d):\d{12}:certificate\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A Route 53 hosted zone id as the console and `aws route53 list-hosted-zones` show it (without /hostedzone/). */
export const ROUTE53_ZONE_ID = /^Z[A-Z0-9]{1,31}$/;

/**
 * The tag (ALB) / `alb.ingress.kubernetes.io/tags` entry (Ingress) that marks a prod-grade stack's load
 * balancer: the policy pack sees resources, not config, so the stack's declaration travels on the
 * resource it governs.
 */
export const PROD_GRADE_TAG = { key: "prod-grade", value: "true" } as const;

/**
 * Who writes ALB access logs into the bucket. Regions available before August 2022 deliver from a
 * regional Elastic Load Balancing account (the bucket policy names `arn:aws:iam::<account>:root`);
 * later regions from the service principal `logdelivery.elasticloadbalancing.amazonaws.com` (Elastic
 * Load Balancing User Guide, "Enable access logs for your Application Load Balancer", step 2 "Attach
 * a policy to your S3 bucket"). The accounts are those of terraform-provider-aws
 * internal/service/elb/service_account_data_source.go (AccountIdPerRegionMap), the table behind
 * aws.elb.getServiceAccount; that function is not called because it fails with "Unknown region" in
 * every newer region, where the service principal is the answer.
 */
export const ELB_LOG_DELIVERY_ACCOUNTS: Readonly<Record<string, string>> = {
  "af-south-1": "098369216593",
  "ap-east-1": "754344448648",
  "ap-northeast-1": "582318560864",
  "ap-northeast-2": "600734575887",
  "ap-northeast-3": "383597477331",
  "ap-south-1": "718504428378",
  "ap-southeast-1": "114774131450",
  "ap-southeast-2": "783225319266",
  "ap-southeast-3": "589379963580",
  "ca-central-1": "985666609251",
  "cn-north-1": "638102146993",
  "cn-northwest-1": "037604701340",
  "eu-central-1": "054676820928",
  "eu-north-1": "897822967062",
  "eu-south-1": "635631232127",
  "eu-west-1": "156460612806",
  "eu-west-2": "652711504416",
  "eu-west-3": "009996457667",
  "me-south-1": "076674570225",
  "sa-east-1": "507241528517",
  "us-east-1": "127311923021",
  "us-east-2": "033677994240",
  "us-gov-east-1": "190560391635",
  "us-gov-west-1": "048591011584",
  "us-west-1": "027434742980",
  "us-west-2": "797873946194",
};
export const ELB_LOG_DELIVERY_SERVICE = "logdelivery.elasticloadbalancing.amazonaws.com";

/** The bucket-policy principal that delivers ALB access logs in `region` (see ELB_LOG_DELIVERY_ACCOUNTS). */
export function albLogDeliveryPrincipal(
  region: string,
  partition: string,
): { AWS: string } | { Service: string } {
  const account = ELB_LOG_DELIVERY_ACCOUNTS[region];
  return account ? { AWS: `arn:${partition}:iam::${account}:root` } : { Service: ELB_LOG_DELIVERY_SERVICE };
}

/** The trust policy of a role EC2 instances assume (the bastion's, the EKS nodes'). */
export const EC2_ASSUME_ROLE_POLICY = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
} as const;

function range(from: number, to: number, step: number): number[] {
  const values: number[] = [];
  for (let v = from; v <= to; v += step) values.push(v);
  return values;
}
