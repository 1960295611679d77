/** AWS facts shared by config (what a stack may choose) and both AWS platforms (what they build). */

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

/** Graviton (arm64) families: t4g, m7g, c7gn, r8g, x2gd, im4gn, … */
export function isArmInstanceType(instanceType: string): boolean {
  return /^[a-z]+\d+g/.test(instanceType);
}

/** An EC2 instance type name (family.size). */
export const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9-]+$/;
/** An IAM role ARN in any partition; the role name is at most 64 characters. */
export const IAM_ROLE_ARN = /^arn:aws(?:-cn|-us-gov)?:iam::\d{12}:role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;
/** An ACM certificate ARN in any partition; the first group is its region. */
export const ACM_CERTIFICATE_ARN =
  /^arn:aws(?:-cn|-us-gov)?:acm:([a-z]{2}(?:-[a-z]+)+-\d):\d{12}:certificate\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

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
