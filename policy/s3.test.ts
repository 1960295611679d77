import { describe } from "node:test";
import * as s3 from "./s3";
import { describeMutations, describeRejections, fixture, type Mutation, type Rejection } from "./testing";

const bucket = () => fixture("aws:s3/bucket:Bucket", "logs", {});
const on = (type: string, name: string, inputs: Record<string, unknown>) => ({
  ...fixture(type, name, inputs),
  dependencies: [bucket().urn],
});

const rejections: Rejection[] = [
  {
    policy: s3.s3BucketHardened,
    resources: () => [
      bucket(),
      on("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "logs-pab", {
        blockPublicAcls: true,
        blockPublicPolicy: false,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      }),
      on("aws:s3/bucketPolicy:BucketPolicy", "logs-policy", {
        policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "s3:PutObject", Resource: "*" }] }),
      }),
      on("aws:s3/bucketVersioning:BucketVersioning", "logs-versioning", {
        versioningConfiguration: { status: "Suspended" },
      }),
    ],
    messages: [
      "Bucket logs: public access is not blocked. Add an aws.s3.BucketPublicAccessBlock with blockPublicAcls, blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets all true.",
      "Bucket logs: no default encryption. Add an aws.s3.BucketServerSideEncryptionConfiguration (AES256 or aws:kms).",
      "Bucket logs: requests without TLS are not denied. Add a bucket policy statement that denies s3:* when aws:SecureTransport is false.",
      "Bucket logs: versioning is off. Add an aws.s3.BucketVersioning with status Enabled (and expire noncurrent versions in the lifecycle).",
    ],
  },
];

const bucketMutation = (setting: string, type: string, mutate: Mutation["mutate"]): Mutation => ({
  policy: s3.s3BucketHardened,
  setting,
  from: "prod/ecs",
  type,
  mutate,
});

const mutations: Mutation[] = [
  bucketMutation("versioning", "aws:s3/bucketVersioning:BucketVersioning", (i) => {
    i.versioningConfiguration = { status: "Suspended" };
  }),
  bucketMutation("public access block", "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", (i) => {
    i.restrictPublicBuckets = false;
  }),
  bucketMutation("TLS-only policy", "aws:s3/bucketPolicy:BucketPolicy", (i) => {
    const document = JSON.parse(i.policy);
    document.Statement = document.Statement.filter((s: { Effect: string }) => s.Effect !== "Deny");
    i.policy = JSON.stringify(document);
  }),
];

describe("S3 policies", () => {
  describeRejections(s3, rejections);
  describeMutations(s3, mutations);
});
