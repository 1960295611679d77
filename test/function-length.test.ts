import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import ts from "typescript";

/**
 * No function outside the tests is longer than {@link MAX_LINES} lines: a constructor that grows past it
 * is split into named steps (the outline the platforms/README describes). Counts from the declaration's
 * first line to its closing brace, comments included.
 */
const MAX_LINES = 120;
const ROOT = path.resolve(__dirname, "..");

interface LongFunction {
  file: string;
  line: number;
  lines: number;
  name: string;
}

export function longFunctions(file: string, text: string, max = MAX_LINES): LongFunction[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: LongFunction[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && "body" in node && node.body !== undefined) {
      const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = last - first + 1;
      if (lines > max) {
        found.push({ file, line: first + 1, lines, name: functionName(node, source) });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function functionName(node: ts.SignatureDeclaration, source: ts.SourceFile): string {
  if (ts.isConstructorDeclaration(node)) return `${node.parent.name?.text ?? "class"} constructor`;
  if (node.name !== undefined) return node.name.getText(source);
  // `const f = () => …`: the variable names it.
  if (ts.isVariableDeclaration(node.parent)) return node.parent.name.getText(source);
  return "(anonymous)";
}

function sourceFiles(): string[] {
  return execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], {
    cwd: ROOT,
    encoding: "utf8",
  })
    .split("\n")
    .filter((f) => /\.(ts|mts|cts|js|mjs|cjs)$/.test(f))
    .filter((f) => !/(^|\/)(test|node_modules)\//.test(f) && !/\.test\.[cm]?[tj]s$/.test(f))
    .filter((f) => fs.existsSync(path.join(ROOT, f)));
}

describe("function length", () => {
  it(`no function outside the tests is over ${MAX_LINES} lines`, () => {
    const files = sourceFiles();
    assert.ok(files.length > 30, `expected the program's source files, found ${files.length}`);
    const long = files.flatMap((f) => longFunctions(f, fs.readFileSync(path.join(ROOT, f), "utf8")));
    assert.deepEqual(
      long.map((l) => `${l.file}:${l.line} ${l.name} is ${l.lines} lines`),
      [],
    );
  });

  it("finds a long constructor and arrow function, not a short method (the check can fail)", () => {
    const body = Array.from({ length: 5 }, (_, i) => `    const v${i} = ${i};`).join("\n");
    const text = `class C {\n  constructor() {\n${body}\n  }\n  m() {\n    return 1;\n  }\n}\nconst f = () => {\n${body}\n};\n`;
    assert.deepEqual(
      longFunctions("x.ts", text, 4).map((l) => `${l.name}:${l.line}:${l.lines}`),
      ["C constructor:2:7", "f:13:7"],
    );
  });
});
