import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { configTable, meaning, readmeWithTable } from "../scripts/config-docs";
import { ROOT, runProgram } from "../tools/harness";

describe("README configuration reference", () => {
  it("is exactly what npm run docs:config generates from Pulumi.yaml and the key table", () => {
    const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
    assert.equal(readme, readmeWithTable(readme), "README.md is stale: run npm run docs:config");
  });

  it("the generator refuses a description whose platforms prefix disagrees with the key table", () => {
    const start = configTable().split("\n");
    // Every non-universal key's row dropped its prefix: the platforms column carries it.
    assert.ok(
      start.some((row) => row.startsWith("| `cpu` | integer | `256` | ecs | Fargate task CPU units")),
    );
    assert.throws(
      () => meaning("cpu", "ecs, eks: Fargate task CPU units", ["ecs"]),
      /must start with "ecs: "/,
    );
    assert.equal(meaning("cpu", "ecs: Fargate task CPU units", ["ecs"]), "Fargate task CPU units");
  });
});

describe("README stack outputs table", () => {
  it("lists exactly the outputs each platform exports", async () => {
    const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
    const section = readme.slice(
      readme.indexOf("## Stack outputs"),
      readme.indexOf("## The committed stacks"),
    );
    const documented: Record<string, string[]> = { ecs: [], eks: [], kubernetes: [] };
    for (const line of section.split("\n")) {
      const [, key, platforms] = /^\| `([A-Za-z]+)` \| ([^|]+) \|/.exec(line) ?? [];
      if (!key || !platforms) continue;
      const on = platforms.trim() === "all" ? ["ecs", "eks", "kubernetes"] : platforms.split(",");
      for (const platform of on) documented[platform.trim()]?.push(key);
    }
    const kubeconfig = readFileSync(path.join(ROOT, "test/fixtures/kubeconfig.yaml"), "utf8");
    const runs = {
      ecs: await runProgram({ stack: "dev" }),
      eks: await runProgram({ stack: "prod" }),
      kubernetes: await runProgram({
        stack: "dev",
        config: { platform: "kubernetes" },
        secrets: { kubeconfig },
        unset: ["cpu", "memory", "logRetentionDays", "availabilityZones", "natGateways", "allowedCidrs"],
      }),
    };
    for (const [platform, run] of Object.entries(runs)) {
      assert.deepEqual(Object.keys(run.outputs).sort(), (documented[platform] ?? []).sort(), platform);
    }
  });
});
