import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  AWS_LOAD_BALANCER_CONTROLLER_IAM_POLICY,
  awsLoadBalancerControllerIamPolicy,
  LBC_UNSCOPED_MUTATIONS,
  type LbcPolicyScope,
} from "./lbc-iam-policy";

type Statement = {
  Action: string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
};
const statements = (policy: object): Statement[] => (policy as { Statement: Statement[] }).Statement;
const VPC = "arn:aws-us-gov:ec2:us-gov-west-1:123456789012:vpc/vpc-0abc";
const scope = (partition: string): LbcPolicyScope => ({
  partition,
  accountId: "123456789012",
  region: "us-gov-west-1",
  vpcArn: VPC,
  clusterName: "prod-cluster",
});
const ours = statements(awsLoadBalancerControllerIamPolicy(scope("aws")));
const resources = (s: Statement): string[] => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]);
const granting = (action: string) => ours.filter((s) => s.Action.includes(action));
const MUTATING =
  /:(Create|Delete|Modify|Set|Add|Remove|Register|Deregister|Authorize|Revoke|Associate|Disassociate)/;

describe("AWS Load Balancer Controller IAM policy", () => {
  for (const partition of ["aws", "aws-cn", "aws-us-gov"]) {
    it(`puts every ARN in the ${partition} partition`, () => {
      const text = JSON.stringify(awsLoadBalancerControllerIamPolicy(scope(partition)));
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
    const ingress = granting("ec2:AuthorizeSecurityGroupIngress");
    assert.equal(ingress.length, 2);
    for (const statement of ingress) assert.ok(statement.Condition, "every ingress grant has a condition");
    const vpcScoped = ingress.find((s) => s.Condition?.ArnEquals !== undefined);
    assert.deepEqual(vpcScoped?.Condition, { ArnEquals: { "ec2:Vpc": VPC } });
    assert.equal(vpcScoped?.Resource, "arn:aws:ec2:us-gov-west-1:123456789012:security-group/*");
  });

  it("matches ownership on THIS cluster's tag value, never on any cluster's tag (aws-load-balancer-controller#1647)", () => {
    const text = JSON.stringify(ours);
    assert.doesNotMatch(text, /"aws:(Resource|Request)Tag\/elbv2\.k8s\.aws\/cluster":"false"/);
    const published = statements(AWS_LOAD_BALANCER_CONTROLLER_IAM_POLICY).filter((s) =>
      JSON.stringify(s.Condition ?? {}).includes('elbv2.k8s.aws/cluster":"false"'),
    );
    assert.ok(published.length >= 6, "the published policy matches any cluster's tag in several statements");
    const deleteLb = granting("elasticloadbalancing:DeleteLoadBalancer")[0];
    assert.deepEqual(deleteLb?.Condition, {
      StringEquals: { "aws:ResourceTag/elbv2.k8s.aws/cluster": "prod-cluster" },
    });
    const create = granting("elasticloadbalancing:CreateLoadBalancer")[0];
    assert.deepEqual(create?.Condition, {
      StringEquals: { "aws:RequestTag/elbv2.k8s.aws/cluster": "prod-cluster" },
    });
    // A "tag must be absent" check stays a Null check.
    const retag = ours.find(
      (s) => s.Action.includes("ec2:DeleteTags") && JSON.stringify(s.Condition).includes("RequestTag"),
    );
    assert.deepEqual(retag?.Condition, {
      StringEquals: { "aws:ResourceTag/elbv2.k8s.aws/cluster": "prod-cluster" },
      Null: { "aws:RequestTag/elbv2.k8s.aws/cluster": "true" },
    });
  });

  it("scopes what the published policy left open: listener, rule, target, SetWebAcl and WAFv2 actions (issue 32 item 3)", () => {
    for (const action of [
      "elasticloadbalancing:CreateListener",
      "elasticloadbalancing:SetWebAcl",
      "elasticloadbalancing:RegisterTargets",
      "elasticloadbalancing:DeregisterTargets",
    ]) {
      for (const s of granting(action)) {
        assert.deepEqual(
          s.Condition,
          { StringEquals: { "aws:ResourceTag/elbv2.k8s.aws/cluster": "prod-cluster" } },
          action,
        );
      }
    }
    for (const action of [
      "elasticloadbalancing:DeleteListener",
      "elasticloadbalancing:ModifyListener",
      "elasticloadbalancing:AddListenerCertificates",
      "elasticloadbalancing:RemoveListenerCertificates",
      "elasticloadbalancing:CreateRule",
      "elasticloadbalancing:DeleteRule",
      "elasticloadbalancing:ModifyRule",
      "elasticloadbalancing:SetRulePriorities",
    ]) {
      const grants = granting(action);
      assert.ok(grants.length > 0, action);
      for (const arn of grants.flatMap(resources)) {
        assert.match(
          arn,
          /^arn:aws:elasticloadbalancing:us-gov-west-1:123456789012:listener(-rule)?\/(app|net)\/k8s-\*\//,
          action,
        );
      }
    }
    for (const arn of granting("wafv2:AssociateWebACL").flatMap(resources)) {
      assert.match(arn, /^arn:aws:(wafv2|elasticloadbalancing):us-gov-west-1:123456789012:/);
    }
    assert.deepEqual(
      granting("iam:CreateServiceLinkedRole")[0]?.Resource,
      "arn:aws:iam::123456789012:role/aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing",
    );
  });

  it("leaves a mutating action on * only with its AWS reason in LBC_UNSCOPED_MUTATIONS", () => {
    const open = ours
      .filter((s) => s.Condition === undefined && resources(s).includes("*"))
      .flatMap((s) => s.Action.filter((a) => MUTATING.test(a)));
    assert.deepEqual(
      open.sort(),
      Object.keys(LBC_UNSCOPED_MUTATIONS)
        .filter((a) => a !== "ec2:CreateSecurityGroup")
        .sort(),
    );
    assert.ok(!JSON.stringify(ours).includes(":*:*:"), "no ARN in any region of any account");
  });

  it("keeps every published action (none lost, none added)", () => {
    const actions = (p: Statement[]) => [...new Set(p.flatMap((s) => s.Action))].sort();
    assert.deepEqual(actions(ours), actions(statements(AWS_LOAD_BALANCER_CONTROLLER_IAM_POLICY)));
  });
});
