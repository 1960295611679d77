/** EC2: on-demand instance hours and gp3 volumes (also what the EKS node groups are made of). */
import type { Price } from "../prices";
import type { Context, Rule } from "./common";
import { charge, free, hourly, notPriced, num, obj, publicIpv4, rate, str } from "./common";

function ec2Price(ctx: Context, instanceType: string): Price | undefined {
  return ctx.prices?.ec2InstanceHour[instanceType];
}

export function gp3Lines(
  ctx: Context,
  what: string,
  volumes: number,
  atMax: number,
  gib: number,
  volumeType: string,
) {
  if (volumeType !== "gp3")
    return [notPriced(`${what} (${volumeType})`, "only gp3 volumes have a price rule")];
  return [
    charge(
      ctx,
      `EBS gp3: ${volumes} × ${gib} GiB (${what})`,
      "ebsGp3GbMonth",
      volumes * gib,
      atMax * gib,
      (p) => `${volumes} (max ${atMax}) × ${gib} GiB × ${rate(p)} (baseline 3,000 IOPS / 125 MB/s included)`,
      (p) => p.usd,
    ),
  ];
}

export function instanceHours(
  ctx: Context,
  instanceType: string,
  count: number,
  atMax: number,
  what: string,
) {
  const price = ec2Price(ctx, instanceType);
  if (price === undefined && ctx.prices !== undefined) {
    return notPriced(
      `${what}: ${count} × ${instanceType}`,
      `no price for instance type ${instanceType} in cost/prices/${ctx.region}.json`,
    );
  }
  return charge(ctx, `${what}: ${count} × ${instanceType} (on-demand, Linux)`, price, count, atMax, (p) =>
    hourly(count, atMax, p),
  );
}

const instanceRule: Rule = (r, ctx) => {
  const type = str(r.inputs.instanceType) ?? "unknown";
  const root = obj(r.inputs.rootBlockDevice);
  const lines = [
    instanceHours(ctx, type, 1, 1, "EC2 instance"),
    ...gp3Lines(ctx, "root volume", 1, 1, num(root.volumeSize) ?? 8, str(root.volumeType) ?? "gp3"),
  ];
  if (r.inputs.associatePublicIpAddress === true)
    lines.push(publicIpv4(ctx, "the instance's public IP", 1, 1));
  return lines;
};

export const EC2_RULES: Readonly<Record<string, Rule>> = {
  "aws:ec2/instance:Instance": instanceRule,
  "aws:ec2/launchTemplate:LaunchTemplate": free(
    "a template; the volumes it defines are priced per node under the node group",
  ),
  // The bastion's Session document: what a session costs is its log group's ingestion and storage
  // (priced there) and the log key (kms.ts).
  "aws:ssm/document:Document": free(
    "Session Manager sessions to EC2 instances and SSM documents have no charge (https://aws.amazon.com/systems-manager/pricing/, read 2026-12-07); the session logs are priced on their log group and KMS key",
  ),
};
