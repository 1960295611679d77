/** S3: a bucket's Standard storage, held as long as its lifecycle keeps it; bucket settings are free. */
import type { GraphResource } from "../estimate";
import type { Context, Rule } from "./common";
import { arr, cents, charge, free, num, obj, rate } from "./common";

/** Days after which the bucket's lifecycle configuration expires every object, if one does. */
function bucketExpirationDays(r: GraphResource, ctx: Context): number | undefined {
  const lifecycle = ctx
    .ofType("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")
    .find((l) => l.inputs.bucket === r.id || l.inputs.bucket === r.inputs.bucket);
  const days = arr(lifecycle?.inputs.rules)
    .map(obj)
    .filter((rule) => rule.status === "Enabled" && Object.keys(obj(rule.filter)).length === 0)
    .map((rule) => num(obj(rule.expiration).days))
    .filter((d): d is number => d !== undefined);
  return days.length > 0 ? Math.min(...days) : undefined;
}

/** S3 Standard storage: what the assumption writes a month, held until the lifecycle expires it. */
const bucketRule: Rule = (r, ctx) => {
  const gb = ctx.assumptions.s3GbPerMonthPerBucket;
  const days = bucketExpirationDays(r, ctx);
  const months = days === undefined ? ctx.assumptions.logMonthsWithoutRetention : days / 30;
  const stored = cents(gb * months);
  const held =
    days === undefined
      ? `no expiration: ${months} months, assumption logMonthsWithoutRetention`
      : `objects expire after ${days} days`;
  return [
    charge(
      ctx,
      `S3 Standard storage: ${stored} GB held (${gb} GB/month, assumption s3GbPerMonthPerBucket; ${held})`,
      "s3StandardGbMonth",
      stored,
      stored,
      (p) => `${stored} GB × ${rate(p)} (log delivery's PUT requests, a few cents a month, are not included)`,
      (p) => p.usd,
    ),
  ];
};

const S3_SETTING_FREE = free(
  "a bucket setting has no charge (the bucket's storage is priced on its own line)",
);

export const S3_RULES: Readonly<Record<string, Rule>> = {
  "aws:s3/bucket:Bucket": bucketRule,
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": S3_SETTING_FREE,
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls": S3_SETTING_FREE,
  "aws:s3/bucketPolicy:BucketPolicy": S3_SETTING_FREE,
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": S3_SETTING_FREE,
  // Versioning itself is free; noncurrent versions are storage, but ALB access logs are written once
  // and never overwritten, so only deleted ones linger (for the retention period): within the bucket's line.
  "aws:s3/bucketVersioning:BucketVersioning": free(
    "versioning has no charge of its own; access logs are never overwritten, so noncurrent versions are only deleted logs, kept no longer than the retention",
  ),
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": free(
    "SSE-S3 (AES256) encryption has no charge",
  ),
};
