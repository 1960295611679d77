/**
 * The outputs contract published as @fastify-deploy/outputs (packages/outputs, issue 28): the package's
 * types equal the program's own contract (platforms/index.ts, the same keys as pulumi.Outputs), its keys
 * are what each platform's run exports, and npm installs it as a workspace link.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import type * as pulumi from "@pulumi/pulumi";
import ts from "typescript";
import type * as pkg from "../packages/outputs";
import type * as program from "../platforms";
import { ROOT, runProgram } from "../tools/harness";

/** What a StackReference hands back for a key the program exports as `Output<T>`. */
type Plain<T> = { [K in keyof T]: T[K] extends pulumi.Output<infer U> ? U : T[K] };
/** Same keys, each assignable both ways: a key or a type that differs is a compile error below. */
type Same<A, B> = [A] extends [B]
  ? [B] extends [A]
    ? [keyof A] extends [keyof B]
      ? [keyof B] extends [keyof A]
        ? true
        : false
      : false
    : false
  : false;
// `npm run typecheck` (tsconfig.json includes test/) fails while the package and the program differ.
const SAME: [
  Same<Plain<program.CommonOutputs>, pkg.CommonOutputs>,
  Same<Plain<program.EcsOutputs>, pkg.EcsOutputs>,
  Same<Plain<program.EksOutputs>, pkg.EksOutputs>,
  Same<Plain<program.KubernetesOutputs>, pkg.KubernetesOutputs>,
] = [true, true, true, true];

const PACKAGE = path.join(ROOT, "packages/outputs");

/** Each platform interface's keys, inherited ones included, read from the package's declaration file. */
function declaredKeys(): Record<string, string[]> {
  const file = path.join(PACKAGE, "index.d.ts");
  const prog = ts.createProgram([file], { strict: true, noEmit: true });
  const checker = prog.getTypeChecker();
  const source = prog.getSourceFile(file) as ts.SourceFile;
  const keys: Record<string, string[]> = {};
  for (const [name, platform] of [
    ["EcsOutputs", "ecs"],
    ["EksOutputs", "eks"],
    ["KubernetesOutputs", "kubernetes"],
  ] as const) {
    const decl = source.statements.find(
      (s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === name,
    );
    assert.ok(decl, name);
    keys[platform] = checker
      .getPropertiesOfType(checker.getTypeAtLocation(decl))
      .map((p) => p.name)
      .sort();
  }
  return keys;
}

describe("@fastify-deploy/outputs (packages/outputs)", () => {
  it("declares exactly the keys each platform's run exports", async () => {
    assert.deepEqual(SAME, [true, true, true, true]);
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
    const declared = declaredKeys();
    for (const [platform, run] of Object.entries(runs)) {
      assert.deepEqual(Object.keys(run.outputs).sort(), declared[platform], platform);
    }
  });

  it("is a types-only npm workspace that npm ci links by name, and the consumer example imports it by name", () => {
    const manifest = JSON.parse(readFileSync(path.join(PACKAGE, "package.json"), "utf8")) as {
      name: string;
      types: string;
      files: string[];
      dependencies?: unknown;
      main?: unknown;
    };
    assert.equal(manifest.name, "@fastify-deploy/outputs");
    assert.equal(manifest.types, "index.d.ts");
    assert.deepEqual(manifest.files, ["index.d.ts"]);
    assert.equal(manifest.main, undefined, "types only: nothing to build or require");
    assert.equal(manifest.dependencies, undefined, "no dependency: other teams need no SDK for it");
    const root = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
      workspaces: string[];
    };
    assert.ok(root.workspaces.includes("packages/outputs"));
    // What `npm ci` creates on a fresh clone: the lockfile's link from node_modules to the folder.
    const lock = JSON.parse(readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as {
      packages: Record<string, { resolved?: string; link?: boolean; name?: string; workspaces?: string[] }>;
    };
    assert.deepEqual(lock.packages["node_modules/@fastify-deploy/outputs"], {
      resolved: "packages/outputs",
      link: true,
    });
    assert.equal(lock.packages["packages/outputs"]?.name, "@fastify-deploy/outputs");
    assert.deepEqual(lock.packages[""]?.workspaces, root.workspaces);
    const consumer = readFileSync(path.join(ROOT, "examples/consumer/index.ts"), "utf8");
    assert.match(consumer, /^import type \{[^}]+\} from "@fastify-deploy\/outputs";$/m);
    assert.doesNotMatch(consumer, /from "\.\.\/\.\.\/platforms"/);
  });
});
