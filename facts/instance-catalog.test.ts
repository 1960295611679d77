import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { eniMaxPods, instanceCatalog, instanceTypeInfo, isArmInstanceType } from ".";

describe("facts/instance-catalog.ts", () => {
  it("max pods by the VPC CNI formula, as AWS's eni-max-pods.txt lists them (t3.micro 4, t3.medium 17, m6i.large 29, m5.24xlarge 737)", () => {
    // amazon-eks-ami templates/shared/runtime/eni-max-pods.txt (commit 9e910f8): t3.micro 4, t3.medium 17,
    // m6i.large 29, m5.24xlarge 737: the published values this formula must reproduce.
    assert.equal(eniMaxPods(2, 2), 4);
    for (const [type, pods] of [
      ["t3.micro", 4],
      ["t3.medium", 17],
      ["m6i.large", 29],
      ["m5.24xlarge", 737],
    ] as const) {
      assert.equal(instanceTypeInfo(type)?.maxPods, pods, type);
    }
  });

  it("vCPUs, memory and architecture of the types the committed stacks and docs name", () => {
    assert.deepEqual(instanceTypeInfo("m6i.large"), {
      architecture: "amd64",
      vcpus: 2,
      memoryMiB: 8192,
      maxPods: 29,
    });
    assert.deepEqual(instanceTypeInfo("m7g.large"), {
      architecture: "arm64",
      vcpus: 2,
      memoryMiB: 8192,
      maxPods: 29,
    });
    assert.deepEqual(instanceTypeInfo("t3.micro"), {
      architecture: "amd64",
      vcpus: 2,
      memoryMiB: 1024,
      maxPods: 4,
    });
    assert.equal(instanceTypeInfo("m6i.lage"), undefined);
  });

  it("isArmInstanceType reads the catalog: the a1 family is arm64 though its name has no g", () => {
    assert.equal(isArmInstanceType("a1.large"), true);
    assert.equal(isArmInstanceType("m7g.large"), true);
    assert.equal(isArmInstanceType("m6i.large"), false);
    const disagree = [...instanceCatalog()]
      .filter(([type, info]) => (info.architecture === "arm64") !== isArmInstanceType(type))
      .map(([type]) => type);
    assert.deepEqual(disagree, []);
  });
});
