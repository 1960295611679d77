/**
 * AWS partitions, their regions, and the `aws:` provider config keys: what config holds `aws:region`,
 * every ARN and every `aws:*` key against (no SDK import).
 */

/**
 * Each partition's regions and the pattern its future regions follow. Copied from the AWS SDK's own
 * partition table, `@aws-sdk/core` 3.981.0 `dist-es/submodules/client/util-endpoints/lib/aws/partitions.js`
 * (`partitionsInfo.partitions[].regions` without the `*-global` pseudo-regions, and `regionRegex`),
 * read 2026-12-07 from this repository's node_modules; `facts/aws-regions.test.ts` compares it with the
 * installed SDK's table, so a dependency update that adds a region fails that test until it is added here.
 */
export const AWS_PARTITIONS = {
  aws: {
    regionRegex: /^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$/,
    regions: [
      "af-south-1",
      "ap-east-1",
      "ap-east-2",
      "ap-northeast-1",
      "ap-northeast-2",
      "ap-northeast-3",
      "ap-south-1",
      "ap-south-2",
      "ap-southeast-1",
      "ap-southeast-2",
      "ap-southeast-3",
      "ap-southeast-4",
      "ap-southeast-5",
      "ap-southeast-6",
      "ap-southeast-7",
      "ca-central-1",
      "ca-west-1",
      "eu-central-1",
      "eu-central-2",
      "eu-north-1",
      "eu-south-1",
      "eu-south-2",
      "eu-west-1",
      "eu-west-2",
      "eu-west-3",
      "il-central-1",
      "me-central-1",
      "me-south-1",
      "me-west-1",
      "mx-central-1",
      "sa-east-1",
      "sa-west-1",
      "us-east-1",
      "us-east-2",
      "us-west-1",
      "us-west-2",
    ],
  },
  "aws-cn": { regionRegex: /^cn-\w+-\d+$/, regions: ["cn-north-1", "cn-northwest-1"] },
  "aws-eusc": { regionRegex: /^eusc-(de)-\w+-\d+$/, regions: ["eusc-de-east-1"] },
  "aws-iso": { regionRegex: /^us-iso-\w+-\d+$/, regions: ["us-iso-east-1", "us-iso-west-1"] },
  "aws-iso-b": { regionRegex: /^us-isob-\w+-\d+$/, regions: ["us-isob-east-1", "us-isob-west-1"] },
  "aws-iso-e": { regionRegex: /^eu-isoe-\w+-\d+$/, regions: ["eu-isoe-west-1"] },
  "aws-iso-f": { regionRegex: /^us-isof-\w+-\d+$/, regions: ["us-isof-east-1", "us-isof-south-1"] },
  "aws-us-gov": { regionRegex: /^us-gov-\w+-\d+$/, regions: ["us-gov-east-1", "us-gov-west-1"] },
} as const satisfies Record<string, { regionRegex: RegExp; regions: readonly string[] }>;

export type AwsPartition = keyof typeof AWS_PARTITIONS;

/** Every region the table knows, in table order. */
export const KNOWN_AWS_REGIONS: readonly string[] = Object.values(AWS_PARTITIONS).flatMap((p) => p.regions);

/**
 * Where `region` stands: a known region of a partition, a region-shaped name a partition's pattern
 * admits but the table does not list yet (a region newer than the table: the SDK resolves it by the
 * same pattern), or nothing AWS would accept.
 */
export function regionPartition(region: string): { partition: AwsPartition; known: boolean } | undefined {
  const entries = Object.entries(AWS_PARTITIONS) as [AwsPartition, (typeof AWS_PARTITIONS)[AwsPartition]][];
  for (const [partition, { regions }] of entries) {
    if ((regions as readonly string[]).includes(region)) return { partition, known: true };
  }
  // The SDK tests the patterns in table order; the more specific ones (us-gov-, us-iso-) come after
  // aws's `us-\w+-\d+`, which cannot match them (\w has no "-"), so the first match is the partition.
  for (const [partition, { regionRegex }] of entries) {
    if (regionRegex.test(region)) return { partition, known: false };
  }
  return undefined;
}

/** The partition an ARN names (`arn:<partition>:…`), or undefined for text that is not an ARN. */
export function arnPartition(arn: string): string | undefined {
  return /^arn:([a-z-]+):/.exec(arn)?.[1];
}

/**
 * The `aws:` keys the provider reads from stack config: the exports of `@pulumi/aws` 7.48.0
 * `config/vars.d.ts` (each a `new pulumi.Config("aws")` getter in `config/vars.js`), read 2026-12-07
 * from this repository's node_modules; `facts/aws-regions.test.ts` compares the list with the
 * installed SDK, so a provider upgrade that adds a key fails until it is listed. Any other `aws:` key is
 * read by nothing: a typo (`aws:regoin`) silently leaves the setting at its default.
 */
export const AWS_PROVIDER_CONFIG_KEYS = [
  "accessKey",
  "allowedAccountIds",
  "assumeRoleWithWebIdentity",
  "assumeRoles",
  "customCaBundle",
  "defaultTags",
  "ec2MetadataServiceEndpoint",
  "ec2MetadataServiceEndpointMode",
  "endpoints",
  "forbiddenAccountIds",
  "httpProxy",
  "httpsProxy",
  "ignoreTags",
  "insecure",
  "maxRetries",
  "noProxy",
  "profile",
  "region",
  "retryMode",
  "s3UsEast1RegionalEndpoint",
  "s3UsePathStyle",
  "secretKey",
  "sharedConfigFiles",
  "sharedCredentialsFiles",
  "skipCredentialsValidation",
  "skipMetadataApiCheck",
  "skipRegionValidation",
  "skipRequestingAccountId",
  "stsRegion",
  "tagPolicyCompliance",
  "token",
  "tokenBucketRateLimiterCapacity",
  "useDualstackEndpoint",
  "useFipsEndpoint",
  "userAgents",
] as const;
