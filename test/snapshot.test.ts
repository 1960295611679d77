import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { type ProgramRun, ROOT, runProgram, stackPlatformCases } from "../tools/harness";

/**
 * The recorded graph of every committed stack × platform, compared with the committed snapshot in
 * `test/snapshots/`: every resource (type, name, parent, provider, dependencies, options), its inputs
 * and the state the mock returned, every provider call, and the stack outputs. A refactor must leave it
 * byte-identical; an intended change regenerates it with `UPDATE_SNAPSHOTS=1 npx tsx --test test/snapshot.test.ts`
 * and the diff shows what changed.
 */
function snapshot(run: ProgramRun): unknown {
  // Sorted: the order in which independent resources register follows the timing of their inputs
  // (adding an input can reorder two siblings); what a resource depends on is in `dependencies`.
  const byUrn = [...run.resources].sort((a, b) => a.urn.localeCompare(b.urn));
  const calls = run.calls.map((c) => JSON.stringify(c)).sort();
  const text = JSON.stringify({
    resources: byUrn.map((r) => ({
      urn: r.urn,
      parent: r.parentUrn,
      provider: r.provider,
      custom: r.custom,
      dependencies: [...(r.dependencies ?? [])].sort(),
      retainOnDelete: r.retainOnDelete,
      protect: r.protect,
      aliases: r.aliases,
      ignoreChanges: r.ignoreChanges,
      deleteBeforeReplace: r.deleteBeforeReplace,
      secretInputs: [...r.secretInputs].sort(),
      inputs: r.inputs,
      state: r.state,
    })),
    calls: calls.map((c) => JSON.parse(c)),
    outputs: run.outputValues(),
    warnings: run.warnings,
  });
  // Absolute paths differ between checkouts; the graph does not. The image tag is a content address of
  // the build context, which holds package.json (its scripts too): image.test.ts holds its behaviour.
  return JSON.parse(
    text
      .split(ROOT)
      .join("<root>")
      .replace(/:img-[0-9a-f]+/g, ":img-<content-address>")
      // The mock registry's digest of that push follows from the tag.
      .replace(/(app-repo-[0-9a-f]+)@sha256:[0-9a-f]{64}/g, "$1@sha256:<pushed-digest>"),
  );
}

describe("recorded graph snapshot", () => {
  for (const { stack, platform, options } of stackPlatformCases()) {
    it(`${stack} on ${platform} is unchanged`, async () => {
      const file = path.join(ROOT, "test/snapshots", `${stack}-${platform}.json`);
      const actual = snapshot(await runProgram(options));
      if (process.env.UPDATE_SNAPSHOTS === "1") {
        fs.writeFileSync(file, `${JSON.stringify(actual, null, 1)}\n`);
      }
      assert.ok(
        fs.existsSync(file),
        `${file} is missing: run UPDATE_SNAPSHOTS=1 npx tsx --test test/snapshot.test.ts`,
      );
      assert.deepStrictEqual(actual, JSON.parse(fs.readFileSync(file, "utf8")));
    });
  }
});
