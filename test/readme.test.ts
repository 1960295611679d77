import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { CONFIG_DOC, configTable, meaning, readmeWithTable } from "../scripts/config-docs";
import { ROOT, runProgram } from "../tools/harness";

describe("configuration reference (docs/config.md)", () => {
  it("is exactly what npm run docs:config generates from Pulumi.yaml and the key table", () => {
    const doc = readFileSync(CONFIG_DOC, "utf8");
    assert.equal(doc, readmeWithTable(doc), "docs/config.md is stale: run npm run docs:config");
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

describe("stack outputs table (docs/outputs.md)", () => {
  it("lists exactly the outputs each platform exports", async () => {
    const section = readFileSync(path.join(ROOT, "docs/outputs.md"), "utf8");
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

/** Relative link targets of a Markdown file, resolved against its folder (anchors dropped). */
function localLinks(file: string): { target: string; resolved: string }[] {
  const text = readFileSync(file, "utf8").replace(/```[\s\S]*?```/g, "");
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1] as string)
    .filter((t) => !/^(https?:|mailto:|#)/.test(t))
    .map((target) => ({
      target,
      resolved: path.resolve(path.dirname(file), target.split("#")[0] as string),
    }));
}

describe("README front page (issue 28)", () => {
  const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");

  it("is under 200 lines, with what, quick start, deploy, destroy and the documentation in that order", () => {
    assert.ok(readme.split("\n").length < 200, `${readme.split("\n").length} lines`);
    const order = ["# fastify-deploy", "## Quick start", "## Deploy", "## Destroy", "## Documentation"].map(
      (h) => readme.indexOf(`\n${h}\n`) + (h.startsWith("# ") ? 1 : 0),
    );
    assert.ok(
      order.every((at) => at >= 0),
      String(order),
    );
    assert.deepEqual(
      order,
      [...order].sort((a, b) => a - b),
    );
  });

  it("the quick start gives a fast test command and, separately, the full verification with its time and side effects", () => {
    const quick = readme.slice(readme.indexOf("## Quick start"), readme.indexOf("## Deploy"));
    const blocks = [...quick.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] as string);
    assert.equal(blocks.length, 2);
    assert.match(blocks[0] ?? "", /^npm ci\b/m);
    assert.match(blocks[0] ?? "", /^npm run plan -- dev\b.*~\d+ s/m);
    assert.match(blocks[0] ?? "", /^npm test\b.*\d+ min/m);
    assert.doesNotMatch(blocks[0] ?? "", /\.ci\/run/);
    assert.match(blocks[1] ?? "", /^bash \.ci\/run\b.*about \d+ minutes.*as root/m);
    for (const effect of [
      /installs Debian packages/,
      /starts its own Docker daemon/,
      /nginx-light/,
      /docker\.io/,
    ]) {
      assert.match(quick.replace(/\s+/g, " ").replace(/\*\*/g, ""), effect);
    }
    // What the commands name exists: the scripts and the CI entry point.
    const scripts = (
      JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }
    ).scripts;
    assert.ok(scripts.test && scripts.plan);
    assert.match(readFileSync(path.join(ROOT, ".ci/run"), "utf8"), /npm run test:all/);
  });

  it("links every page in docs/, and every relative link of the README and docs/ resolves", () => {
    for (const page of readdirSync(path.join(ROOT, "docs")).filter((f) => f.endsWith(".md"))) {
      assert.ok(readme.includes(`](docs/${page})`), `README links docs/${page}`);
    }
    const files = [
      path.join(ROOT, "README.md"),
      ...readdirSync(path.join(ROOT, "docs")).map((f) => path.join(ROOT, "docs", f)),
    ];
    // GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens.
    const anchors = (file: string): string[] =>
      [...readFileSync(file, "utf8").matchAll(/^#+ (.*)$/gm)].map((m) =>
        (m[1] as string)
          .replace(/<!--[\s\S]*?-->/g, "")
          .toLowerCase()
          .replace(/[^a-z0-9 _-]/g, "")
          .replaceAll(" ", "-"),
      );
    const broken = files.flatMap((file) =>
      localLinks(file)
        .filter((l) => {
          if (!existsSync(l.resolved)) return true;
          const anchor = l.target.split("#")[1];
          return anchor !== undefined && l.resolved.endsWith(".md") && !anchors(l.resolved).includes(anchor);
        })
        .map((l) => `${path.relative(ROOT, file)}: ${l.target}`),
    );
    assert.deepEqual(broken, []);
  });
});
