import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import ts from "typescript";

/**
 * The dependency direction issue 15 settled, held over the real import graph (parsed with the
 * TypeScript compiler API, so a type-only import is told from one that loads a module at runtime):
 * - config/ imports only facts/ (and config/), plus platforms/ only as types (`import type`, or every
 *   named import `type`): loading the validator loads no component and no provider SDK;
 * - platforms/ and image.ts never import config/ (components take typed Args and never read config);
 * - facts/ imports nothing but facts/ (no SDK, no library: config and the policy pack load it cheaply).
 * Test files are outside the rules (a test may import what it checks).
 */

const ROOT = path.resolve(__dirname, "..");

export interface Import {
  specifier: string;
  /** Erased at compile time: loads nothing at runtime. */
  typeOnly: boolean;
}

/** Every import, re-export, `import x = require()`, `require()` and `import()` of a source file. */
export function importsOf(file: string, text: string): Import[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: Import[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const named = clause?.namedBindings;
      const everyNamedIsType =
        clause !== undefined &&
        clause.name === undefined &&
        named !== undefined &&
        ts.isNamedImports(named) &&
        named.elements.length > 0 &&
        named.elements.every((element) => element.isTypeOnly);
      found.push({
        specifier: node.moduleSpecifier.text,
        typeOnly: (clause?.isTypeOnly ?? false) || everyNamedIsType,
      });
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      const named = node.exportClause;
      const everyNamedIsType =
        named !== undefined &&
        ts.isNamedExports(named) &&
        named.elements.every((element) => element.isTypeOnly);
      found.push({ specifier: node.moduleSpecifier.text, typeOnly: node.isTypeOnly || everyNamedIsType });
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference) &&
      ts.isStringLiteral(node.moduleReference.expression)
    ) {
      found.push({ specifier: node.moduleReference.expression.text, typeOnly: node.isTypeOnly });
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === "require")) &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      found.push({ specifier: node.arguments[0].text, typeOnly: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The top folder (or root file) a relative import lands in; undefined for a package. */
function target(file: string, specifier: string): string | undefined {
  if (!specifier.startsWith(".")) return undefined;
  const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
  return resolved.split("/")[0]?.replace(/\.[cm]?[jt]s$/, "");
}

/** Rule breaks in `files` (root-relative posix path → source text), one line each. */
export function violations(files: Readonly<Record<string, string>>): string[] {
  const out: string[] = [];
  for (const [file, text] of Object.entries(files)) {
    const home = file.split("/")[0]?.replace(/\.[cm]?[jt]s$/, "");
    for (const { specifier, typeOnly } of importsOf(file, text)) {
      const to = target(file, specifier);
      if (home === "config" && to === "platforms" && !typeOnly) {
        out.push(`${file}: imports ${specifier} at runtime (config may import platforms/ only as types)`);
      }
      if (home === "config" && to !== undefined && !["config", "facts", "platforms"].includes(to)) {
        out.push(`${file}: imports ${specifier} (config imports only facts/, and platforms/ Args as types)`);
      }
      if ((home === "platforms" || home === "image") && to === "config") {
        out.push(`${file}: imports ${specifier} (components take Args, never config)`);
      }
      if (home === "facts" && to !== "facts") {
        out.push(`${file}: imports ${specifier} (facts/ imports only facts/)`);
      }
    }
  }
  return out;
}

function sourceFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  const add = (relative: string) => {
    files[relative] = fs.readFileSync(path.join(ROOT, relative), "utf8");
  };
  for (const folder of ["config", "platforms", "facts"]) {
    for (const entry of fs.readdirSync(path.join(ROOT, folder), { recursive: true, encoding: "utf8" })) {
      const relative = `${folder}/${entry.split(path.sep).join("/")}`;
      if (/\.[cm]?ts$/.test(relative) && !/\.test\.[cm]?ts$/.test(relative)) add(relative);
    }
  }
  add("image.ts");
  return files;
}

describe("import graph", () => {
  it("config → platforms only as types; platforms and image.ts never → config; facts → facts only", () => {
    const files = sourceFiles();
    // The walk found the modules the rules are about (a wrong folder name would check nothing).
    for (const expected of ["config/index.ts", "platforms/index.ts", "facts/index.ts", "image.ts"]) {
      assert.ok(expected in files, expected);
    }
    assert.deepEqual(violations(files), []);
  });

  it("fails on each kind of break (the checker over in-memory fixtures)", () => {
    assert.deepEqual(
      violations({
        "config/a.ts": 'import { EcsPlatform } from "../platforms/ecs";\nexport { x } from "../platforms";',
        "config/b.ts":
          'import type { EcsPlatformArgs } from "../platforms/ecs";\nimport { type A, type B } from "../platforms/args";\nexport type * from "../platforms/args";',
        "config/c.ts": 'const p = require("../platforms/eks");\nconst q = import("../platforms/kubernetes");',
        "platforms/d.ts": 'import type { StackConfig } from "../config";',
        "platforms/nested/e.ts": 'import { parseConfig } from "../../config/parse";',
        "image.ts": 'import { loadConfig } from "./config";',
        "facts/f.ts":
          'import * as pulumi from "@pulumi/pulumi";\nimport { x } from "./cidr";\nimport { y } from "../config/keys";',
        "platforms/g.ts": 'import { isIpv4Cidr } from "../facts";\nimport { ecs } from "./ecs";',
        "config/h.ts":
          'import { z } from "zod";\nimport { show } from "./schema";\nimport type { AppImage } from "../image";',
      }),
      [
        "config/a.ts: imports ../platforms/ecs at runtime (config may import platforms/ only as types)",
        "config/a.ts: imports ../platforms at runtime (config may import platforms/ only as types)",
        "config/c.ts: imports ../platforms/eks at runtime (config may import platforms/ only as types)",
        "config/c.ts: imports ../platforms/kubernetes at runtime (config may import platforms/ only as types)",
        "platforms/d.ts: imports ../config (components take Args, never config)",
        "platforms/nested/e.ts: imports ../../config/parse (components take Args, never config)",
        "image.ts: imports ./config (components take Args, never config)",
        "facts/f.ts: imports @pulumi/pulumi (facts/ imports only facts/)",
        "facts/f.ts: imports ../config/keys (facts/ imports only facts/)",
        "config/h.ts: imports ../image (config imports only facts/, and platforms/ Args as types)",
      ],
    );
  });
});
