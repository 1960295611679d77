import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  AWS_LOAD_BALANCER_CONTROLLER_IAM_POLICY,
  awsLoadBalancerControllerIamPolicy,
} from "./lbc-iam-policy";

type Statement = {
  Action: string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
};
const statements = (policy: object): Statement[] => (policy as { Statement: Statement[] }).Statement;
const VPC = "arn:aws-us-gov:ec2:us-gov-west-1:123456789012:vpc/vpc-0abc";

describe("AWS Load Balancer Controller IAM policy", () => {
  for (const partition of ["aws", "aws-cn", "aws-us-gov"]) {
    it(`puts every ARN in the ${partition} partition`, () => {
      const text = JSON.stringify(awsLoadBalancerControllerIamPolicy(partition, VPC));
      const arns = text.match(/arn:[a-z-]+:(?!ec2:us-gov-west-1:123456789012:vpc)/g) ?? [];
      assert.ok(arns.length > 10);
      for (const arn of arns) assert.equal(arn.split(":")[1], partition, arn);
    });
  }

  it("confines adding and removing ingress rules on untagged security groups to this VPC", () => {
    const published = statements(AWS_LOAD_BALANCER_CONTROLLER_IAM_POLICY).filter(
      (s) => s.Action.includes("ec2:AuthorizeSecurityGroupIngress") && s.Condition === undefined,
    );
    assert.equal(published.length, 1, "the published policy has one unconditioned ingress statement");
    const ours = statements(awsLoadBalancerControllerIamPolicy("aws", VPC)).filter((s) =>
      s.Action.includes("ec2:AuthorizeSecurityGroupIngress"),
    );
    assert.equal(ours.length, 2);
    for (const statement of ours) {
      assert.ok(statement.Condition, "every ingress grant has a condition");
    }
    const vpcScoped = ours.find((s) => s.Condition?.ArnEquals !== undefined);
    assert.deepEqual(vpcScoped?.Condition, { ArnEquals: { "ec2:Vpc": VPC } });
    assert.equal(vpcScoped?.Resource, "arn:aws:ec2:*:*:security-group/*");
    // Nothing else changed: same statement count and actions as published.
    assert.deepEqual(
      statements(awsLoadBalancerControllerIamPolicy("aws", VPC)).map((s) => s.Action),
      statements(AWS_LOAD_BALANCER_CONTROLLER_IAM_POLICY).map((s) => s.Action),
    );
  });
});
