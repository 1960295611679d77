import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { STATEFUL_RESOURCES } from "../facts/protection";
import type { RecordedResource } from "../tools/harness";
import * as protection from "./protection";
import {
  check,
  describeMutations,
  describeRejections,
  fixture,
  type Mutation,
  type Rejection,
  recorded,
} from "./testing";

const KEY = "aws:kms/key:Key";
const ALB = "aws:lb/loadBalancer:LoadBalancer";
const prodGradeAlb = () => fixture(ALB, "alb", { tags: { "prod-grade": "true" } });
const protectedAs = (r: RecordedResource): RecordedResource => ({ ...r, protect: true });

const rejections: Rejection[] = [
  {
    policy: protection.statefulResourcesProtected,
    resources: () => [
      prodGradeAlb(),
      fixture(KEY, "secrets-key", { enableKeyRotation: true }),
      protectedAs(fixture("awsx:ec2:Vpc", "vpc", {})),
      // A build cache always goes with the stack (image.ts): not held.
      fixture("aws:ecr/repository:Repository", "app-cache-repo", { imageTagMutability: "MUTABLE" }),
    ],
    messages: [
      "aws:kms/key:Key secrets-key: holds data of a prod-grade stack but is not protected, so pulumi destroy or a replacement would delete it. Create it with the protect option (facts/protection.ts: holdsData or holdsIdentity with the stack's StateProtection); to delete it on purpose, follow docs/day-two.md.",
    ],
  },
];

const unprotect = (from: Mutation["from"], type: string, name: RegExp): Mutation => ({
  policy: protection.statefulResourcesProtected,
  setting: `protect on ${name.source}`,
  from,
  type,
  name,
  mutate: () => {},
  options: { protect: false },
});

const mutations: Mutation[] = [
  unprotect("prod/eks", KEY, /^app-secrets-key$/),
  unprotect("prod/eks", "eks:index:Cluster", /^app-cluster$/),
  unprotect("prod/eks", "aws:cloudwatch/logGroup:LogGroup", /^app-control-plane-logs$/),
  unprotect("prod/ecs", "awsx:ec2:Vpc", /^app-vpc$/),
  unprotect("prod/ecs", "aws:s3/bucket:Bucket", /^app-access-logs$/),
  unprotect("prod/ecs", "aws:ecr/repository:Repository", /^app-repo$/),
];

describe("protection policies", () => {
  describeRejections(protection, rejections);
  describeMutations(protection, mutations);

  it("a stack that is not prod-grade is not held (dev keeps everything deletable)", async () => {
    const dev = await recorded("dev/ecs");
    assert.deepEqual(await check(protection.statefulResourcesProtected, dev), []);
    assert.deepEqual(
      dev.filter((r) => r.protect === true).map((r) => r.name),
      [],
    );
    // The same unprotected key next to a load balancer without the tag: no violation.
    assert.deepEqual(
      await check(protection.statefulResourcesProtected, [
        fixture(ALB, "alb", { tags: {} }),
        fixture(KEY, "secrets-key", {}),
      ]),
      [],
    );
  });

  // retainOnDelete is not among the options the analyzer receives (analyzer.proto AnalyzerResourceOptions
  // has protect, ignoreChanges, deleteBeforeReplace, aliases, customTimeouts, additionalSecretOutputs,
  // parent; read 2026-12-07), so the recorded graph holds it: on a prod-grade stack every resource of a
  // STATEFUL_RESOURCES type is protected, and those that hold data are also retained on delete (the
  // engine forgets instead of deleting them, https://www.pulumi.com/docs/iac/concepts/resources/options/retainondelete/).
  for (const from of ["prod/eks", "prod/ecs"] as const) {
    it(`${from}: every resource that holds state is protected, every one that holds data retained`, async () => {
      const resources = await recorded(from);
      const stateful = resources.filter((r) => r.type in STATEFUL_RESOURCES && !/-cache-repo$/.test(r.name));
      const types = new Set(stateful.map((r) => r.type));
      // What each platform builds: the ECR repository, log groups and VPC on both; the access-log
      // bucket (prod keeps access logs); on EKS the KMS keys and the cluster.
      for (const type of [
        "aws:ecr/repository:Repository",
        "aws:cloudwatch/logGroup:LogGroup",
        "aws:s3/bucket:Bucket",
        "awsx:ec2:Vpc",
        ...(from === "prod/eks" ? [KEY, "eks:index:Cluster"] : []),
      ]) {
        assert.ok(types.has(type), `${from} records a ${type}`);
      }
      for (const r of stateful) {
        assert.equal(r.protect, true, `${r.name} protected`);
        const kind = STATEFUL_RESOURCES[r.type as keyof typeof STATEFUL_RESOURCES];
        assert.equal(r.retainOnDelete === true, kind === "data", `${r.name} (${kind}) retainOnDelete`);
      }
    });
  }
});
