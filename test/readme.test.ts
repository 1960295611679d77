import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { CONFIG_KEYS } from "../config";
import { ROOT, readProject, runProgram } from "../tools/harness";

/** The README's configuration reference: key → [type, default, platforms]. */
function readmeConfigTable(): Map<string, [string, string, string]> {
  const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Configuration reference"));
  const rows = new Map<string, [string, string, string]>();
  for (const line of section.split("\n")) {
    const [, key, type, value, platforms] =
      /^\| `([A-Za-z]+)` \| ([^|]+) \| ([^|]+) \| ([^|]+) \|/.exec(line) ?? [];
    if (key && type && value && platforms) rows.set(key, [type.trim(), value.trim(), platforms.trim()]);
  }
  return rows;
}

/** How the README writes a Pulumi.yaml default. */
function renderDefault(value: unknown): string {
  if (value === undefined) return "required";
  if (value === "") return '`""`';
  return `\`${typeof value === "string" ? value : JSON.stringify(value)}\``;
}

describe("README configuration reference", () => {
  const project = readProject();
  const table = readmeConfigTable();

  it("lists exactly the keys Pulumi.yaml declares", () => {
    assert.deepEqual([...table.keys()].sort(), Object.keys(project.config).sort());
  });

  it("gives each key the type, default and platforms the program uses", () => {
    for (const [key, spec] of Object.entries(project.config)) {
      const platforms = CONFIG_KEYS[key as keyof typeof CONFIG_KEYS].platforms.join(", ");
      assert.deepEqual(table.get(key), [spec.type, renderDefault(spec.default), platforms], key);
    }
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
