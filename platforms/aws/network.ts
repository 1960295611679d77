import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import type * as pulumi from "@pulumi/pulumi";
import { DEFAULT_VPC_CIDR, type NatStrategy, type NetworkSettings } from "../../facts";
import { checkComputed } from "../args";
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
}

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

  return new awsx.ec2.Vpc(
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
    { parent },
  );
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
