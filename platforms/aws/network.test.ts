import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { type ProgramRun, prodEcs, runProgram } from "../../tools/harness";
import { checkSubnetLayout, FLOW_LOG_RETENTION_DAYS, flowLogTrustPolicy } from "./network";
import { ecsSubnetMasks, eksSubnetMasks } from "./subnet-layout";

describe("aws-network: the component's check on the subnet layout it computes", () => {
  it("passes for every AZ count config allows (2..6), on both platforms' tiers", () => {
    for (let azs = 2; azs <= 6; azs++) {
      assert.doesNotThrow(() => checkSubnetLayout("EksPlatform", "app", azs, eksSubnetMasks(azs)));
      for (const privateSubnets of [true, false]) {
        assert.doesNotThrow(() =>
          checkSubnetLayout("EcsPlatform", "app", azs, ecsSubnetMasks(privateSubnets)),
        );
      }
    }
  });

  it("refuses a layout awsx could not allocate, naming the component and the reason", () => {
    // 32 AZ blocks of a /16 are /21 (2048 addresses): a /20 private tier does not fit in one.
    assert.throws(
      () => checkSubnetLayout("EcsPlatform", "app", 32, ecsSubnetMasks(true)),
      new Error(
        "EcsPlatform app: 32 availability zones cannot be laid out: Subnets are too large for VPC. VPC has 2048 addresses, but subnets require 4352 addresses.",
      ),
    );
  });
});

describe("aws-network: flow logs on, the default security group closed (issue 32 item 8)", () => {
  const runs: Record<string, ProgramRun> = {};
  before(async () => {
    runs["dev ecs"] = await runProgram({ stack: "dev" });
    runs["prod ecs"] = await runProgram(prodEcs());
    runs["prod eks"] = await runProgram({ stack: "prod" });
  });

  for (const [label, traffic] of [
    ["dev ecs", "REJECT"],
    ["prod ecs", "ALL"],
    ["prod eks", "ALL"],
  ] as const) {
    it(`${label}: a flow log of ${traffic} flows into a log group with retention, through a role only this account's flow logs can assume`, () => {
      const run = runs[label] as ProgramRun;
      const vpc = run.one("awsx:ec2:Vpc");
      const flowLog = run.one("aws:ec2/flowLog:FlowLog");
      const group = run.one("aws:cloudwatch/logGroup:LogGroup", "app-flow-logs");
      const role = run.one("aws:iam/role:Role", "app-flow-logs-role");
      assert.equal(flowLog.inputs.vpcId, vpc.state.vpcId);
      assert.equal(flowLog.inputs.trafficType, traffic);
      assert.equal(flowLog.inputs.logDestinationType, "cloud-watch-logs");
      assert.equal(flowLog.inputs.logDestination, group.state.arn);
      assert.equal(flowLog.inputs.iamRoleArn, role.state.arn);
      assert.equal(group.inputs.retentionInDays, FLOW_LOG_RETENTION_DAYS);
      assert.deepEqual(
        JSON.parse(role.inputs.assumeRolePolicy as string),
        flowLogTrustPolicy("aws", "us-east-1", "123456789012"),
      );
      const trust = flowLogTrustPolicy("aws", "us-east-1", "123456789012") as {
        Statement: { Condition: Record<string, Record<string, string>> }[];
      };
      assert.deepEqual(trust.Statement[0]?.Condition, {
        StringEquals: { "aws:SourceAccount": "123456789012" },
        ArnLike: { "aws:SourceArn": "arn:aws:ec2:us-east-1:123456789012:vpc-flow-log/*" },
      });
      const delivery = JSON.parse(
        run.one("aws:iam/rolePolicy:RolePolicy", "app-flow-logs-delivery").inputs.policy as string,
      );
      assert.deepEqual(delivery.Statement[0].Resource, [group.state.arn, `${group.state.arn}:log-stream:*`]);
    });

    it(`${label}: the VPC's default security group is adopted with no rules`, () => {
      const run = runs[label] as ProgramRun;
      const sg = run.one("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup");
      assert.equal(sg.inputs.vpcId, run.one("awsx:ec2:Vpc").state.vpcId);
      assert.deepEqual(sg.inputs.ingress, []);
      assert.deepEqual(sg.inputs.egress, []);
    });
  }
});
