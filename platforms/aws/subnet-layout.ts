/**
 * Subnet sizes for the awsx VPC (subnetStrategy Auto), and a reproduction of awsx's own allocation
 * arithmetic so a test (and the components) can prove a layout fits before AWS is asked. Imports no SDK.
 *
 * awsx (pulumi/pulumi-awsx awsx/ec2/subnetDistributorNew.ts, `allocateSubnetCidrBlocks`, commit
 * e60adf3c of 2026-08-20) splits the VPC into one block per AZ of mask `vpcMask + ceil(log2(azCount))`,
 * refuses specs whose sizes sum above one AZ block ("Subnets are too large for VPC"), then places the
 * specs in order inside each AZ block, each aligned to its own size (`nextNetmask`). It does not check
 * that an aligned subnet stays inside its AZ block; {@link awsxAutoLayout} does.
 */

import { DEFAULT_VPC_CIDR, formatIpv4Cidr, parseIpv4Cidr } from "../../facts";

export interface SubnetMask {
  name: string;
  cidrMask: number;
}

/**
 * EKS: a /24 public subnet per AZ (load balancers only) and the largest private subnet that fits in the
 * AZ's block: pods take VPC addresses (VPC CNI), so the private side is as large as the layout allows.
 * /19 (8190 addresses) for up to 4 AZs, /20 (4094) for 5 to 8, where each AZ's block is itself a /19.
 */
export function eksSubnetMasks(availabilityZones: number, vpcCidr = DEFAULT_VPC_CIDR): SubnetMask[] {
  const az = azMask(vpcCidr, availabilityZones);
  return [
    { name: "public", cidrMask: 24 },
    { name: "private", cidrMask: Math.max(19, az + 1) },
  ];
}

/** ECS: /24 public (the ALB, and the tasks when there is no NAT) and /20 private for tasks behind NAT. */
export function ecsSubnetMasks(privateSubnets: boolean): SubnetMask[] {
  return privateSubnets
    ? [
        { name: "public", cidrMask: 24 },
        { name: "private", cidrMask: 20 },
      ]
    : [{ name: "public", cidrMask: 24 }];
}

/** awsx's per-AZ block mask (`vpcNetmask.bitmask + newBits(azNames.length)`). */
export function azMask(vpcCidr: string, availabilityZones: number): number {
  const [, mask] = parseCidr(vpcCidr);
  return mask + (availabilityZones === 0 ? 0 : Math.ceil(Math.log2(availabilityZones)));
}

/**
 * The CIDR of every subnet per AZ as awsx Auto would allocate it, or throws the reason it cannot: the
 * message awsx gives when the sizes sum above an AZ block, or an overflow awsx would not notice.
 */
export function awsxAutoLayout(vpcCidr: string, availabilityZones: number, specs: SubnetMask[]): string[][] {
  const [vpcBase, vpcMask] = parseCidr(vpcCidr);
  const azBits = azMask(vpcCidr, availabilityZones);
  const azSize = 2 ** (32 - azBits);
  const total = specs.reduce((sum, s) => sum + 2 ** (32 - s.cidrMask), 0);
  if (total > azSize) {
    throw new Error(
      `Subnets are too large for VPC. VPC has ${azSize} addresses, but subnets require ${total} addresses.`,
    );
  }
  if (azSize * availabilityZones > 2 ** (32 - vpcMask)) {
    throw new Error(`${availabilityZones} AZ blocks of /${azBits} do not fit in ${vpcCidr}`);
  }
  const layout: string[][] = [];
  for (let az = 0; az < availabilityZones; az++) {
    const azBase = vpcBase + az * azSize;
    const subnets: string[] = [];
    let last: number | undefined; // last address of the previous subnet
    for (const spec of specs) {
      const size = 2 ** (32 - spec.cidrMask);
      // awsx: the first spec starts at the AZ base; each next one is the block after the one of its own
      // size that holds the previous subnet's last address.
      const base = last === undefined ? azBase : Math.floor(last / size) * size + size;
      if (base + size > azBase + azSize) {
        throw new Error(
          `subnet ${spec.name} (/${spec.cidrMask}) of AZ ${az + 1} would end past its AZ block /${azBits} (${formatIpv4Cidr(azBase, azBits)})`,
        );
      }
      subnets.push(formatIpv4Cidr(base, spec.cidrMask));
      last = base + size - 1;
    }
    layout.push(subnets);
  }
  return layout;
}

function parseCidr(cidr: string): [base: number, prefix: number] {
  const parsed = parseIpv4Cidr(cidr);
  if (parsed === undefined) throw new Error(`subnet layout: ${JSON.stringify(cidr)} is not an IPv4 CIDR`);
  return parsed;
}
