import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import {
  DEFAULT_VPC_CIDR,
  holdsData,
  holdsIdentity,
  type NatStrategy,
  type NetworkSettings,
  type StateProtection,
} from "../../facts";
import { checkComputed } from "../args";
import type { AwsAccount } from "./account";
import { awsxAutoLayout, type SubnetMask } from "./subnet-layout";

/** Our NAT strategy names → awsx's (the one copy of this map). */
export const AWSX_NAT_STRATEGY: Record<NatStrategy, awsx.ec2.NatGatewayStrategy> = {
  none: awsx.ec2.NatGatewayStrategy.None,
  single: awsx.ec2.NatGatewayStrategy.Single,
  onePerAz: awsx.ec2.NatGatewayStrategy.OnePerAz,
};

/** A subnet tier: its size (from subnet-layout.ts) and the tags its subnets get on top of the rule's. */
export interface SubnetTier extends SubnetMask {
  /** "public" makes public subnets; any other name private ones. */
  name: string;
  tags?: Record<string, string>;
}

export interface AwsNetworkArgs {
  network: NetworkSettings;
  /** One per tier, public first: awsx places them in this order inside each AZ's block. */
  subnets: SubnetTier[];
  tags: Record<string, string>;
  /** The platform's account, partition and region: the flow-log role's confused-deputy condition. */
  account: AwsAccount;
  /** protect on the VPC, protect and retainOnDelete on its flow-log group (facts/protection.ts). */
  protection: StateProtection;
}

/**
 * Retention of the VPC flow log: 90 days, the window an incident investigation looks back over (a
 * compromise is often found weeks later); a named constant so the estimate reads the same number.
 */
export const FLOW_LOG_RETENTION_DAYS = 90;

/**
 * The VPC both AWS platforms create: awsx's Vpc (pulumi-awsx awsx/ec2/vpc.ts) with every unsafe or
 * costly default passed explicitly: the NAT strategy (awsx's default is one NAT gateway per AZ), the
 * AZ count, and the subnet sizes from subnet-layout.ts. The layout is checked before awsx is asked:
 * awsx's Auto strategy does not notice a subnet that ends past its AZ block.
 */
export function createNetwork(
  component: string,
  name: string,
  args: AwsNetworkArgs,
  parent: pulumi.Resource,
): awsx.ec2.Vpc {
  const cidrBlock = DEFAULT_VPC_CIDR;
  const azs = args.network.availabilityZones;
  checkSubnetLayout(component, name, azs, args.subnets);

  const vpc = new awsx.ec2.Vpc(
    `${name}-vpc`,
    {
      cidrBlock,
      numberOfAvailabilityZones: azs,
      natGateways: { strategy: AWSX_NAT_STRATEGY[args.network.natGateways] },
      subnetStrategy: awsx.ec2.SubnetAllocationStrategy.Auto,
      subnetSpecs: args.subnets.map(({ name: subnet, cidrMask, tags }) => ({
        type: subnet === "public" ? awsx.ec2.SubnetType.Public : awsx.ec2.SubnetType.Private,
        name: subnet,
        cidrMask,
        ...(tags !== undefined && { tags }),
      })),
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: args.tags,
    },
    { parent, ...holdsIdentity(args.protection) },
  );
  closeDefaultSecurityGroup(name, vpc, args.tags, parent);
  createFlowLog(name, vpc, args, parent);
  return vpc;
}

/**
 * The VPC's default security group with no rules (issue 32 item 8; AWS Config
 * `vpc-default-security-group-closed`). Nothing here uses it, but AWS creates it allowing all traffic
 * between its members and all egress, and anything launched without a group lands in it. The resource
 * adopts the existing group and removes every rule it does not list (terraform-provider-aws
 * website/docs/r/default_security_group.html.markdown: "immediately removes all ingress and egress
 * rules", read 2026-12-07); on destroy it is only forgotten (the VPC deletes it).
 */
function closeDefaultSecurityGroup(
  name: string,
  vpc: awsx.ec2.Vpc,
  tags: Record<string, string>,
  parent: pulumi.Resource,
): aws.ec2.DefaultSecurityGroup {
  return new aws.ec2.DefaultSecurityGroup(
    `${name}-default-sg`,
    { vpcId: vpc.vpcId, ingress: [], egress: [], tags: { ...tags, Name: `${name}-default-closed` } },
    { parent },
  );
}

/**
 * VPC flow logs to a CloudWatch log group (issue 32 item 8; AWS Config `vpc-flow-logs-enabled`), ALL
 * or REJECT flows per stack (docs/security.md). The delivery role trusts vpc-flow-logs.amazonaws.com
 * only for this account's flow logs (aws:SourceAccount + aws:SourceArn, the confused-deputy condition
 * of "IAM role for publishing flow logs to CloudWatch Logs",
 * https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html, read 2026-12-07) and may
 * write to this one log group only.
 */
function createFlowLog(
  name: string,
  vpc: awsx.ec2.Vpc,
  args: AwsNetworkArgs,
  parent: pulumi.Resource,
): aws.ec2.FlowLog {
  const { tags } = args;
  const { partition, region, accountId } = args.account;
  const logGroup = new aws.cloudwatch.LogGroup(
    `${name}-flow-logs`,
    { retentionInDays: FLOW_LOG_RETENTION_DAYS, tags },
    { parent, ...holdsData(args.protection) },
  );
  const role = new aws.iam.Role(
    `${name}-flow-logs-role`,
    {
      description: "VPC flow logs: delivery to the stack's flow-log group",
      assumeRolePolicy: pulumi
        .all([partition, region, accountId])
        .apply(([p, r, account]) => JSON.stringify(flowLogTrustPolicy(p, r, account))),
      tags,
    },
    { parent },
  );
  new aws.iam.RolePolicy(
    `${name}-flow-logs-delivery`,
    {
      role: role.name,
      policy: logGroup.arn.apply((arn) =>
        JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
              Resource: [arn, `${arn}:log-stream:*`],
            },
            // DescribeLogGroups is a List action on "*" only (Service Authorization Reference,
            // list_amazoncloudwatchlogs.html, read 2026-12-07); the service checks the group exists.
            { Effect: "Allow", Action: "logs:DescribeLogGroups", Resource: "*" },
          ],
        }),
      ),
    },
    { parent },
  );
  return new aws.ec2.FlowLog(
    `${name}-flow-log`,
    {
      vpcId: vpc.vpcId,
      trafficType: args.network.flowLogTraffic,
      logDestinationType: "cloud-watch-logs",
      logDestination: logGroup.arn,
      iamRoleArn: role.arn,
      // One-minute aggregation: flows show up in the log as an incident unfolds (the default is 10).
      maxAggregationInterval: 60,
      tags,
    },
    { parent },
  );
}

/** Who may assume the flow-log role: the VPC Flow Logs service, for this account's flow logs only. */
export function flowLogTrustPolicy(partition: string, region: string, accountId: string): object {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: "vpc-flow-logs.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: {
          StringEquals: { "aws:SourceAccount": accountId },
          ArnLike: { "aws:SourceArn": `arn:${partition}:ec2:${region}:${accountId}:vpc-flow-log/*` },
        },
      },
    ],
  };
}

/**
 * The component's check on the layout it computes: the subnet tiers fit awsx's Auto allocation of
 * {@link DEFAULT_VPC_CIDR} for this AZ count (subnet-layout.ts reproduces awsx's arithmetic), else
 * `<component> <name>: <n> availability zones cannot be laid out: <reason>`.
 */
export function checkSubnetLayout(component: string, name: string, azs: number, subnets: SubnetMask[]): void {
  let problem: string | undefined;
  try {
    awsxAutoLayout(DEFAULT_VPC_CIDR, azs, subnets);
  } catch (error) {
    problem = (error as Error).message;
  }
  checkComputed(
    component,
    name,
    problem === undefined,
    `${azs} availability zones cannot be laid out: ${problem}`,
  );
}

/** The CIDR of each public subnet (one per AZ), read from the subnets the VPC created. */
export function publicSubnetCidrs(
  vpc: awsx.ec2.Vpc,
  availabilityZones: number,
  parent: pulumi.Resource,
): pulumi.Output<string>[] {
  return Array.from(
    { length: availabilityZones },
    (_, i) =>
      aws.ec2.getSubnetOutput({ id: vpc.publicSubnetIds.apply((ids) => ids[i] ?? "") }, { parent }).cidrBlock,
  );
}
