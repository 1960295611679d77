import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkSubnetLayout } from "./network";
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
