import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { AWS_PARTITIONS, AWS_PROVIDER_CONFIG_KEYS, arnPartition, regionPartition } from "./aws-regions";

/**
 * The two copied tables against their sources as installed: a dependency update that adds a region or a
 * provider key fails here until the copy has it (so the copies age loudly, not silently).
 */
describe("facts/aws-regions.ts against the installed SDKs", () => {
  it("AWS_PARTITIONS equals @aws-sdk/core's partition table (regions without *-global, and each regionRegex)", async () => {
    const file = path.join(
      path.dirname(require.resolve("@aws-sdk/core/package.json")),
      "dist-es/submodules/client/util-endpoints/lib/aws/partitions.js",
    );
    const { partitionsInfo } = (await import(file)) as {
      partitionsInfo: { partitions: { id: string; regionRegex: string; regions: Record<string, unknown> }[] };
    };
    const installed = Object.fromEntries(
      partitionsInfo.partitions.map((p) => [
        p.id,
        {
          regionRegex: new RegExp(p.regionRegex).source,
          regions: Object.keys(p.regions).filter((r) => !r.endsWith("-global")),
        },
      ]),
    );
    const ours = Object.fromEntries(
      Object.entries(AWS_PARTITIONS).map(([id, p]) => [
        id,
        {
          regionRegex: new RegExp(p.regionRegex.source.replaceAll("-", "\\-")).source,
          regions: [...p.regions],
        },
      ]),
    );
    assert.deepEqual(ours, installed);
  });

  it("AWS_PROVIDER_CONFIG_KEYS equals the getters of @pulumi/aws config/vars.d.ts", () => {
    const vars = fs.readFileSync(
      path.join(path.dirname(require.resolve("@pulumi/aws/package.json")), "config/vars.d.ts"),
      "utf8",
    );
    const installed = [...vars.matchAll(/^export declare const (\w+)/gm)].map((m) => m[1]).sort();
    assert.deepEqual([...AWS_PROVIDER_CONFIG_KEYS].sort(), installed);
  });

  it("partitions: a listed region, a newer region by its partition's pattern, and names AWS never uses", () => {
    assert.deepEqual(regionPartition("us-east-1"), { partition: "aws", known: true });
    assert.deepEqual(regionPartition("us-gov-west-1"), { partition: "aws-us-gov", known: true });
    assert.deepEqual(regionPartition("cn-north-1"), { partition: "aws-cn", known: true });
    assert.deepEqual(regionPartition("eu-west-9"), { partition: "aws", known: false });
    assert.deepEqual(regionPartition("us-gov-north-1"), { partition: "aws-us-gov", known: false });
    assert.equal(regionPartition("us-east-1a"), undefined);
    assert.equal(regionPartition("eu-central"), undefined);
    assert.equal(arnPartition("arn:aws-cn:iam::123456789012:role/admin"), "aws-cn");
    assert.equal(arnPartition("not-an-arn"), undefined);
  });
});
