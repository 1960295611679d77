/** VPC: the awsx Vpc's NAT gateways and their addresses; VPCs, subnets and security groups are free. */
import type { GraphResource, Line } from "../estimate";
import type { Rule } from "./common";
import { arr, charge, free, hourly, num, obj, publicIpv4, rate, str } from "./common";

/** awsx's Vpc defaults, read in pulumi-awsx awsx/ec2/vpc.ts (commit e60adf3c): `natGateways?.strategy ?? "OnePerAz"` and `azCount ?? 3`. */
export const AWSX_VPC_DEFAULTS = { natStrategy: "OnePerAz", availabilityZones: 3 } as const;

export function vpcAzs(vpc: GraphResource): number {
  const names = arr(vpc.inputs.availabilityZoneNames).length;
  return (
    num(vpc.inputs.numberOfAvailabilityZones) ?? (names > 0 ? names : AWSX_VPC_DEFAULTS.availabilityZones)
  );
}

const vpcRule: Rule = (r, ctx) => {
  const azs = vpcAzs(r);
  const strategy = str(obj(r.inputs.natGateways).strategy) ?? AWSX_VPC_DEFAULTS.natStrategy;
  const nats = strategy === "None" ? 0 : strategy === "Single" ? 1 : azs;
  const derived = `natGateways.strategy=${strategy}, ${azs} AZs: created inside the awsx Vpc component, which is opaque under mocks, so derived from its inputs`;
  const lines: Omit<Line, "resource">[] = [
    {
      kind: "free",
      item: "VPC, subnets, route tables, internet gateway",
      monthly: 0,
      monthlyAtMax: 0,
      detail: "no charge for these (NAT gateways and public IPv4 addresses are priced separately)",
      sources: [],
    },
  ];
  if (nats > 0) {
    lines.push(
      charge(ctx, `NAT gateways: ${nats} (${derived})`, "natGatewayHour", nats, nats, (p) =>
        hourly(nats, nats, p),
      ),
      publicIpv4(ctx, `one Elastic IP per NAT gateway, ${derived}`, nats, nats),
      charge(
        ctx,
        `NAT data processing: ${ctx.assumptions.natGbPerMonth} GB/month (assumption natGbPerMonth)`,
        "natGatewayGb",
        ctx.assumptions.natGbPerMonth,
        ctx.assumptions.natGbPerMonth,
        (p) => `${ctx.assumptions.natGbPerMonth} GB × ${rate(p)}`,
        (p) => p.usd,
      ),
    );
  }
  return lines;
};

const SG_FREE = free("security groups and their rules have no charge");

/**
 * A flow log to CloudWatch Logs is billed as vended-log ingestion and storage of its log group (the
 * group's own lines: "Vended Logs" delivered to CloudWatch Logs, $0.50/GB for the first 10 TB in
 * us-east-1, the rate of standard ingestion there; https://aws.amazon.com/cloudwatch/pricing/, read
 * 2026-12-07); the flow log itself has no charge. Its volume is the log group's assumption
 * (logGbPerMonthPerGroup): REJECT-only logs are a small fraction of ALL.
 */
const FLOW_LOG = free(
  "no charge for the flow log itself: its delivery is billed as its log group's ingestion and storage (vended logs)",
);

export const VPC_RULES: Readonly<Record<string, Rule>> = {
  "awsx:ec2:Vpc": vpcRule,
  "aws:ec2/flowLog:FlowLog": FLOW_LOG,
  "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": SG_FREE,
  "aws:ec2/securityGroup:SecurityGroup": SG_FREE,
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": SG_FREE,
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": SG_FREE,
};
