import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULT_VPC_CIDR } from "../../facts";
import { prodEcs, runProgram } from "../../tools/harness";
import { awsxAutoLayout, azMask, ecsSubnetMasks, eksSubnetMasks } from "./subnet-layout";

const AZ_COUNTS = [2, 3, 4, 5, 6];

/** Every subnet inside the VPC, none overlapping another. */
function assertDisjointInside(vpcCidr: string, layout: string[][]): void {
  const range = (cidr: string): [number, number] => {
    const [address = "", mask = ""] = cidr.split("/");
    const base = address.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
    return [base, base + 2 ** (32 - Number(mask)) - 1];
  };
  const [vpcStart, vpcEnd] = range(vpcCidr);
  const ranges = layout.flat().map(range);
  for (const [start, end] of ranges) assert.ok(start >= vpcStart && end <= vpcEnd);
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < sorted.length; i++) {
    assert.ok((sorted[i]?.[0] ?? 0) > (sorted[i - 1]?.[1] ?? 0), "no two subnets overlap");
  }
}

describe("subnet layout (awsx Auto arithmetic, pulumi-awsx awsx/ec2/subnetDistributorNew.ts)", () => {
  it("reproduces awsx: per-AZ blocks of vpcMask + ceil(log2(azs)), specs placed in order and aligned", () => {
    assert.deepEqual(
      AZ_COUNTS.map((n) => azMask(DEFAULT_VPC_CIDR, n)),
      [17, 18, 18, 19, 19],
    );
    // 3 AZs, /24 + /19: the /19 is aligned to the next /19 boundary after the /24 (awsx nextNetmask).
    assert.deepEqual(awsxAutoLayout("10.0.0.0/16", 3, eksSubnetMasks(3)), [
      ["10.0.0.0/24", "10.0.32.0/19"],
      ["10.0.64.0/24", "10.0.96.0/19"],
      ["10.0.128.0/24", "10.0.160.0/19"],
    ]);
    // The layout the issue reports: 5 AZs with a fixed /19 private subnet, refused with awsx's message.
    assert.throws(
      () =>
        awsxAutoLayout("10.0.0.0/16", 5, [
          { name: "public", cidrMask: 24 },
          { name: "private", cidrMask: 19 },
        ]),
      new Error("Subnets are too large for VPC. VPC has 8192 addresses, but subnets require 8448 addresses."),
    );
    // An alignment overflow awsx's size check misses: 256 + 4096 + 2048 addresses fit a /19 by sum, but
    // the /20 is aligned to 4096 and the /21 after it starts at the next AZ's base.
    assert.throws(
      () =>
        awsxAutoLayout("10.0.0.0/16", 6, [
          { name: "a", cidrMask: 24 },
          { name: "b", cidrMask: 20 },
          { name: "c", cidrMask: 21 },
        ]),
      /subnet c \(\/21\) of AZ 1 would end past its AZ block \/19/,
    );
  });

  for (const azs of AZ_COUNTS) {
    it(`lays out ${azs} AZs for EKS and for ECS (with and without private subnets)`, () => {
      for (const specs of [eksSubnetMasks(azs), ecsSubnetMasks(true), ecsSubnetMasks(false)]) {
        const layout = awsxAutoLayout(DEFAULT_VPC_CIDR, azs, specs);
        assert.equal(layout.length, azs);
        assertDisjointInside(DEFAULT_VPC_CIDR, layout);
      }
      // EKS private subnets stay as large as the layout allows (pods take VPC addresses).
      assert.equal(eksSubnetMasks(azs)[1]?.cidrMask, azs <= 4 ? 19 : 20);
    });
  }

  it("the program itself lays out 5 and 6 AZs on both AWS platforms (the harness's awsx mock runs the arithmetic)", async () => {
    for (const availabilityZones of [5, 6]) {
      // Node counts that split evenly over the zones (one EKS node group per zone, config/eks.ts).
      const nodes = {
        nodeMinSize: availabilityZones,
        nodeDesiredSize: availabilityZones,
        nodeMaxSize: 2 * availabilityZones,
      };
      const eks = await runProgram({ stack: "prod", config: { availabilityZones, ...nodes } });
      const eksSpecs = eks.one("awsx:ec2:Vpc").inputs.subnetSpecs as { name: string; cidrMask: number }[];
      assert.deepEqual(
        eksSpecs.map((s) => [s.name, s.cidrMask]),
        [
          ["public", 24],
          ["private", 20],
        ],
      );
      const ecs = await runProgram(prodEcs({ availabilityZones }));
      assert.equal(ecs.one("awsx:ec2:Vpc").inputs.numberOfAvailabilityZones, availabilityZones);
    }
  });
});
