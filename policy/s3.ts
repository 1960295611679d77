/**
 * S3: every bucket blocks public access, is encrypted at rest, accepts only TLS, and is versioned.
 * Each is its own resource in pulumi-aws v7, so this is a stack policy that finds them by their
 * dependency on the bucket (the engine passes each resource's input sources to stack policies).
 */
import type { PolicyResource } from "@pulumi/policy";
import { stackPolicy } from "./define";
import { asArray, asObject, isObject } from "./rules";

const BUCKET = "aws:s3/bucket:Bucket";
const PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
const ENCRYPTION = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration";
const VERSIONING = "aws:s3/bucketVersioning:BucketVersioning";
const BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy";

const PUBLIC_ACCESS_SETTINGS = [
  "blockPublicAcls",
  "blockPublicPolicy",
  "ignorePublicAcls",
  "restrictPublicBuckets",
];

/** The resources of `type` that take `bucket` as an input. */
const of = (all: PolicyResource[], bucket: PolicyResource, type: string): PolicyResource[] =>
  all.filter((r) => r.type === type && r.dependencies.some((d) => d.urn === bucket.urn));

/** A bucket policy statement that denies every request without TLS (aws:SecureTransport false). */
function deniesInsecureTransport(policy: unknown): boolean {
  let parsed: unknown = policy;
  if (typeof policy === "string") {
    try {
      parsed = JSON.parse(policy);
    } catch {
      return false;
    }
  }
  return asArray(asObject(parsed).Statement)
    .filter(isObject)
    .some(
      (s) =>
        s.Effect === "Deny" &&
        String(asObject(asObject(s.Condition).Bool)["aws:SecureTransport"]) === "false",
    );
}

export const s3BucketHardened = stackPolicy(
  "s3-bucket-hardened",
  "Every S3 bucket has a public access block (all four settings), default encryption, a policy that denies non-TLS requests, and versioning enabled.",
  (args) => {
    const out: Array<[string, string | undefined]> = [];
    for (const bucket of args.resources.filter((r) => r.type === BUCKET)) {
      const name = bucket.name;
      const block = of(args.resources, bucket, PUBLIC_ACCESS_BLOCK);
      if (!block.some((b) => PUBLIC_ACCESS_SETTINGS.every((k) => b.props[k] === true))) {
        out.push([
          `Bucket ${name}: public access is not blocked. Add an aws.s3.BucketPublicAccessBlock with ${PUBLIC_ACCESS_SETTINGS.join(", ")} all true.`,
          bucket.urn,
        ]);
      }
      if (of(args.resources, bucket, ENCRYPTION).length === 0) {
        out.push([
          `Bucket ${name}: no default encryption. Add an aws.s3.BucketServerSideEncryptionConfiguration (AES256 or aws:kms).`,
          bucket.urn,
        ]);
      }
      if (!of(args.resources, bucket, BUCKET_POLICY).some((p) => deniesInsecureTransport(p.props.policy))) {
        out.push([
          `Bucket ${name}: requests without TLS are not denied. Add a bucket policy statement that denies s3:* when aws:SecureTransport is false.`,
          bucket.urn,
        ]);
      }
      const versioned = of(args.resources, bucket, VERSIONING).some(
        (v) => asObject(v.props.versioningConfiguration).status === "Enabled",
      );
      if (!versioned) {
        out.push([
          `Bucket ${name}: versioning is off. Add an aws.s3.BucketVersioning with status Enabled (and expire noncurrent versions in the lifecycle).`,
          bucket.urn,
        ]);
      }
    }
    return out;
  },
);
