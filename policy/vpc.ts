/**
 * VPC: flow logs on and the default security group closed, on every awsx VPC (AWS Config managed rules
 * `vpc-flow-logs-enabled` and `vpc-default-security-group-closed`,
 * https://docs.aws.amazon.com/config/latest/developerguide/managed-rules-by-aws-config.html, read
 * 2026-12-07). Both are resources of their own that take the VPC's id: found by their dependency on it.
 */
import type { PolicyResource } from "@pulumi/policy";
import { stackPolicy } from "./define";
import { asArray } from "./rules";

const VPC = "awsx:ec2:Vpc";
const FLOW_LOG = "aws:ec2/flowLog:FlowLog";
const DEFAULT_SG = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup";

const of = (all: PolicyResource[], vpc: PolicyResource, type: string): PolicyResource[] =>
  all.filter((r) => r.type === type && r.dependencies.some((d) => d.urn === vpc.urn));

export const vpcFlowLogsEnabled = stackPolicy(
  "vpc-flow-logs-enabled",
  "Every VPC has a flow log (ALL or REJECT traffic) to CloudWatch Logs or S3.",
  (args) =>
    args.resources
      .filter((r) => r.type === VPC)
      .filter(
        (vpc) =>
          !of(args.resources, vpc, FLOW_LOG).some(
            (f) => f.props.trafficType === "ALL" || f.props.trafficType === "REJECT",
          ),
      )
      .map((vpc): [string, string] => [
        `VPC ${vpc.name}: no flow log. Add an aws.ec2.FlowLog on its vpcId with trafficType ALL or REJECT.`,
        vpc.urn,
      ]),
);

export const vpcDefaultSecurityGroupClosed = stackPolicy(
  "vpc-default-security-group-closed",
  "Every VPC's default security group is adopted with no ingress and no egress rules.",
  (args) =>
    args.resources
      .filter((r) => r.type === VPC)
      .filter(
        (vpc) =>
          !of(args.resources, vpc, DEFAULT_SG).some(
            (sg) => asArray(sg.props.ingress).length === 0 && asArray(sg.props.egress).length === 0,
          ),
      )
      .map((vpc): [string, string] => [
        `VPC ${vpc.name}: its default security group keeps AWS's rules (all traffic between members, all egress). Add an aws.ec2.DefaultSecurityGroup on its vpcId with ingress: [] and egress: [].`,
        vpc.urn,
      ]),
);
