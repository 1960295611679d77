/**
 * index.ts loaded the way `pulumi preview` loads it: @pulumi/pulumi's cmd/run with its ts-node
 * registration and the options Pulumi.yaml and its tsconfig give (test/runtime-path.child.cjs), not
 * through tsx. One child process runs every committed stack on every platform under the shared
 * harness's mocks; each must record exactly the graph the tsx run records.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import {
  inputsByUrn,
  ROOT,
  readProject,
  runProgram,
  type StackOutput,
  stackPlatformCases,
} from "../tools/harness";

interface CaseRecord {
  case: { stack: string; config?: { platform?: string } };
  inputs: Record<string, unknown>;
  outputs: Record<string, StackOutput>;
}
interface DoneRecord {
  done: true;
  typeChecked: boolean;
  tsconfig: string;
}

/** `nodeargs` from Pulumi.yaml, which the language host puts before cmd/run (simple words only). */
function nodeArgs(): string[] {
  const runtime = readProject().runtime as { options?: { nodeargs?: string } } | string | undefined;
  const nodeargs = typeof runtime === "object" ? (runtime.options?.nodeargs ?? "") : "";
  assert.doesNotMatch(
    nodeargs,
    /["'\\]/,
    "quoted nodeargs: split them the way shlex does before using them here",
  );
  return nodeargs.split(/\s+/).filter(Boolean);
}

describe("the program under Pulumi's Node.js runtime (cmd/run + ts-node)", () => {
  const cases = stackPlatformCases();
  let records: CaseRecord[] = [];
  let done: DoneRecord;

  before(() => {
    // Plain node: no tsx loader may leak in through NODE_OPTIONS.
    const env = { ...process.env };
    delete env.NODE_OPTIONS;
    const child = spawnSync(
      process.execPath,
      [
        ...nodeArgs(),
        path.join(ROOT, "test/runtime-path.child.cjs"),
        JSON.stringify(cases.map((c) => c.options)),
      ],
      { cwd: ROOT, env, encoding: "utf8", maxBuffer: 256 * 1024 * 1024, timeout: 300_000 },
    );
    assert.equal(child.status, 0, `the program did not start under cmd/run:\n${child.stderr}`);
    const lines = child.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as CaseRecord | DoneRecord);
    records = lines.filter((line): line is CaseRecord => "case" in line);
    const last = lines.at(-1);
    assert.ok(last && "done" in last, child.stdout.slice(-2000));
    done = last;
  });

  it("cmd/run's entry point is index.ts: Pulumi.yaml names no main, so package.json's main decides", () => {
    assert.equal(readProject().main, undefined);
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { main?: string };
    assert.equal(pkg.main, "index.ts");
  });

  it("reads the tsconfig Pulumi.yaml names, and does not repeat the type check at preview", () => {
    assert.equal(done.tsconfig, "tsconfig.pulumi.json");
    assert.equal(done.typeChecked, false, "a module with a type error loaded: ts-node runs transpile-only");
  });

  for (const [i, { stack, platform, options }] of cases.entries()) {
    it(`${stack} × ${platform}: starts and records the same graph and outputs as under tsx`, async () => {
      const record = records[i];
      assert.ok(record, `no result for ${stack} × ${platform}`);
      assert.deepEqual(record.case, JSON.parse(JSON.stringify(options)));
      const expected = await runProgram(options);
      assert.equal(record.outputs.platform?.value, platform);
      assert.ok(Object.keys(record.inputs).length > 5);
      assert.deepEqual(record.inputs, JSON.parse(JSON.stringify(inputsByUrn(expected))));
      assert.deepEqual(record.outputs, JSON.parse(JSON.stringify(expected.outputs)));
    });
  }
});
