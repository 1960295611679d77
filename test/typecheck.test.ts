/**
 * `npm run typecheck` stays the strict gate now that previews skip the type check (Pulumi.yaml's
 * runtime tsconfig sets `noCheck`): the root config it names still rejects a type error in index.ts,
 * config/, platforms/ and policy/. tsc's API on an in-memory variation of each file (nothing on disk
 * changes), and only those files are checked, so this stays a few seconds.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import ts from "typescript";
import { ROOT } from "../tools/harness";

const PROBE = '\nexport const typecheckProbe: number = "not a number";\n';
const TARGETS = ["index.ts", "config/parse.ts", "platforms/index.ts", "policy/policies.ts"];

function parseConfig(file: string): ts.ParsedCommandLine {
  const parsed = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, file), undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) =>
      assert.fail(ts.flattenDiagnosticMessageText(d.messageText, "\n")),
  });
  assert.ok(parsed, file);
  assert.deepEqual(parsed.errors, [], file);
  return parsed;
}

describe("npm run typecheck", () => {
  const script = (
    JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    }
  ).scripts.typecheck;

  it("checks the program with tsconfig.json, which type-checks (no noCheck) and is what the runtime config extends", () => {
    assert.match(script ?? "", /tsc --noEmit -p tsconfig\.json(\s|&|$)/);
    const strict = parseConfig("tsconfig.json");
    assert.equal(strict.options.noCheck, undefined);
    assert.equal(strict.options.strict, true);
    assert.equal(
      strict.options.isolatedModules,
      true,
      "what ts-node's transpile-only mode cannot compile is a tsc error",
    );
    const runtime = parseConfig("tsconfig.pulumi.json");
    assert.equal(runtime.options.noCheck, true);
    assert.deepEqual(runtime.fileNames, strict.fileNames);
    const { noCheck: _, configFilePath: __, ...runtimeRest } = runtime.options;
    const { configFilePath: ___, ...strictRest } = strict.options;
    assert.deepEqual(runtimeRest, strictRest, "the runtime compiles with the same options, minus the check");
  });

  it("rejects a type error in index.ts, config/, platforms/ and policy/", () => {
    const config = parseConfig("tsconfig.json");
    const targets = new Map(TARGETS.map((file) => [path.join(ROOT, file), file]));
    for (const file of targets.keys())
      assert.ok(config.fileNames.includes(file), `${file} is not in tsconfig.json`);
    const host = ts.createCompilerHost(config.options, true);
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (fileName, language, onError, shouldCreate) => {
      if (!targets.has(path.resolve(fileName)))
        return getSourceFile(fileName, language, onError, shouldCreate);
      const text = fs.readFileSync(fileName, "utf8") + PROBE;
      return ts.createSourceFile(fileName, text, language, true);
    };
    const program = ts.createProgram({ rootNames: config.fileNames, options: config.options, host });
    for (const [file, name] of targets) {
      const source = program.getSourceFile(file);
      assert.ok(source, name);
      const probeAt = source.text.length - PROBE.length;
      const errors = program
        .getSemanticDiagnostics(source)
        .filter((d) => d.start !== undefined && d.start >= probeAt)
        .map((d) => `${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`);
      assert.deepEqual(errors, ["2322 Type 'string' is not assignable to type 'number'."], name);
    }
  });
});
