import {
  AWS_PROVIDER_CONFIG_KEYS,
  type AwsPartition,
  arnPartition,
  KNOWN_AWS_REGIONS,
  regionPartition,
} from "../facts";
import { fullKey, type Values } from "./keys";
import { show } from "./schema";
import { closest } from "./suggest";

/**
 * The stack's `aws:*` keys as far as this program can judge them before the provider starts: the
 * region (every platform that builds into ECR or runs on AWS uses it), typos among the provider's own
 * keys, and every ARN this project's config takes against the region's partition.
 */

type Raw = Readonly<Record<string, { value: string } | undefined>>;

const regionText = (raw: Raw): string | undefined => {
  const value = raw["aws:region"]?.value;
  return value === undefined || value === "" ? undefined : value;
};

/** Whether the stack turned the provider's own region check off (then an unlisted region only warns). */
const skipsRegionValidation = (raw: Raw): boolean => raw["aws:skipRegionValidation"]?.value === "true";

/**
 * `aws:region` must be a region, not an Availability Zone (`us-east-1a`) nor a half name
 * (`eu-central`): the provider refuses neither until it first calls AWS, minutes into `up`. A
 * region-shaped name the table does not list yet warns instead (regionWarnings): it may be newer than
 * the table.
 */
export function regionProblems(raw: Raw): string[] {
  const region = regionText(raw);
  if (region === undefined || regionPartition(region) !== undefined || skipsRegionValidation(raw)) return [];
  const suggestion = closest(region, KNOWN_AWS_REGIONS);
  return [
    `aws:region: got ${show(region)}; expected an AWS region such as us-east-1 or eu-central-1 (not an Availability Zone)${suggestion ? `; did you mean ${suggestion}?` : ""}`,
  ];
}

export function regionWarnings(raw: Raw): string[] {
  const region = regionText(raw);
  if (region === undefined) return [];
  const found = regionPartition(region);
  if (found?.known === true || (found === undefined && !skipsRegionValidation(raw))) return [];
  return [
    `aws:region ${show(region)} is not in the region table (facts/aws-regions.ts, the AWS SDK's partitions as of 2026-12-07): if it is a new region, add it there; if not, pulumi up fails at its first AWS call`,
  ];
}

/** `aws:*` keys the provider does not read: a typo leaves the real setting at its default, silently. */
export function awsKeyWarnings(raw: Raw): string[] {
  const known: readonly string[] = AWS_PROVIDER_CONFIG_KEYS;
  const warnings: string[] = [];
  for (const key of Object.keys(raw).sort()) {
    if (!key.startsWith("aws:")) continue;
    const short = key.slice("aws:".length);
    if (known.includes(short)) continue;
    const suggestion = closest(short, known);
    warnings.push(
      `${key} is not a setting of the AWS provider (@pulumi/aws 7.48.0 reads ${known.length} aws: keys; facts/aws-regions.ts), so nothing reads it${suggestion ? `; did you mean aws:${suggestion}?` : ""}`,
    );
  }
  return warnings;
}

/**
 * Every ARN-valued key of this project, each naming resources in one partition: a stack in us-east-1
 * (partition aws) cannot use an aws-cn role or an aws-us-gov certificate, and AWS says so only when the
 * resource is created. New ARN keys join this list; the provider's `aws:assumeRoles` is checked beside it.
 */
export const ARN_KEYS = ["certificateArn", "hostedZoneRoleArn", "deployerRoleArn", "adminRoleArns"] as const;

/** The partition of the stack's region, when the region is set and known to a partition. */
export function stackPartition(raw: Raw): AwsPartition | undefined {
  const region = regionText(raw);
  return region === undefined ? undefined : regionPartition(region)?.partition;
}

/** Each valid ARN (an invalid one has its own message) against the partition of `aws:region`. */
export function arnPartitionProblems(v: Values, raw: Raw): string[] {
  const partition = stackPartition(raw);
  if (partition === undefined) return [];
  const problems: string[] = [];
  const check = (key: string, arns: readonly string[]) => {
    for (const arn of arns) {
      const own = arnPartition(arn);
      if (own === undefined || own === partition) continue;
      problems.push(
        `${key}: got ${show(arn)} in partition ${own}; expected an ARN in partition ${partition}, the partition of aws:region ${regionText(raw)} (AWS partitions are separate: a stack's resources can use no ARN of another)`,
      );
    }
  };
  for (const key of ARN_KEYS) {
    const value: string | readonly string[] | undefined = v[key];
    check(fullKey(key), typeof value === "string" ? [value] : (value ?? []));
  }
  // The provider's own ARN key: the roles it assumes (a malformed value is aws.ts stackProvider's to report).
  check("aws:assumeRoles", assumedRoleArns(raw["aws:assumeRoles"]?.value));
  return problems;
}

function assumedRoleArns(text: string | undefined): string[] {
  if (text === undefined || text === "") return [];
  try {
    const roles = JSON.parse(text) as unknown;
    if (!Array.isArray(roles)) return [];
    return roles.flatMap((r) => (typeof r?.roleArn === "string" ? [r.roleArn as string] : []));
  } catch {
    return [];
  }
}
