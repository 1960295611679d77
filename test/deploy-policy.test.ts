/**
 * The deploy role's policy in docs/ci.md is generated from the recorded graphs (scripts/deploy-policy.ts,
 * issue 28): it equals the generator's output, every recorded resource type (and what the awsx/EKS
 * components create inside themselves) has its actions, no row is dead, and no action is a wildcard.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { before, describe, it } from "node:test";
import { ACTIONS_BY_TYPE, CI_DOC, deployPolicy, recordedTypes, withBlock } from "../scripts/deploy-policy";

let types: string[] = [];
before(async () => {
  types = await recordedTypes();
});

describe("the deploy role's policy (docs/ci.md, scripts/deploy-policy.ts)", () => {
  it("docs/ci.md holds exactly the generated policy", () => {
    const doc = readFileSync(CI_DOC, "utf8");
    assert.equal(
      doc,
      withBlock(doc, deployPolicy(types)),
      "docs/ci.md is stale: run npx tsx scripts/deploy-policy.ts",
    );
  });

  it("covers what the components create inside themselves, and refuses a type without actions, naming it", () => {
    // Derived from the inputs (scripts/inside-components.ts), never recorded as resources under mocks.
    for (const inside of ["aws:ec2/natGateway:NatGateway", "aws:eks/cluster:Cluster"]) {
      assert.ok(types.includes(inside), inside);
    }
    const actions = deployPolicy(types).Statement.flatMap((s) => s.Action);
    for (const needed of [
      "ec2:CreateNatGateway",
      "eks:CreateCluster",
      "eks:CreatePodIdentityAssociation",
      "ecr:PutImage",
      "wafv2:AssociateWebACL",
    ]) {
      assert.ok(actions.includes(needed), needed);
    }
    assert.throws(
      () => deployPolicy([...types, "aws:rds/instance:Instance"]),
      /no IAM actions for aws:rds\/instance:Instance/,
    );
  });

  it("least privilege by action: no wildcard, every action service:Operation, no row for a type the program does not record", () => {
    const actions = deployPolicy(types).Statement.flatMap((s) => s.Action);
    assert.deepEqual(
      actions.filter((a) => !/^[a-z0-9-]+:[A-Za-z0-9]+$/.test(a)),
      [],
    );
    assert.deepEqual(
      Object.keys(ACTIONS_BY_TYPE).filter((t) => !types.includes(t)),
      [],
    );
  });
});
