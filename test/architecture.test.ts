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
 * And inside platforms/, the wings issue 22 laid out (platforms/README.md):
 * - the platform folders (ecs/, eks/, kubernetes/) never import one another: only the switch
 *   (platforms/index.ts) knows them all;
 * - the shared wings (aws/, workload/) and the shared contracts at the root never import a platform folder;
 * - the workload (shared by eks and kubernetes, run on any cluster) never imports the aws/ wing;
 * - another wing is reached through its face (`index.ts`), never a file inside it;
 * - no source file is loose at the root of platforms/ but the switch, the contract and the shared Args,
 *   and every folder of platforms/ is a known wing.
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

/** Where a relative import lands, root-relative and without extension; undefined for a package. */
function resolved(file: string, specifier: string): string | undefined {
  if (!specifier.startsWith(".")) return undefined;
  return path.posix
    .normalize(path.posix.join(path.posix.dirname(file), specifier))
    .replace(/\.[cm]?[jt]s$/, "");
}

/** The top folder (or root file) of a root-relative path. */
const topOf = (relative: string): string | undefined => relative.split("/")[0]?.replace(/\.[cm]?[jt]s$/, "");

/** The folders of platforms/ that hold one platform each (the switch alone may import them). */
export const PLATFORM_WINGS = ["ecs", "eks", "kubernetes"] as const;
/** The folders of platforms/ that hold what several platforms share. */
export const SHARED_WINGS = ["aws", "workload"] as const;
const WINGS: readonly string[] = [...PLATFORM_WINGS, ...SHARED_WINGS];
/** What may sit at the root of platforms/: the switch and outputs contract, the app contract, shared Args. */
export const PLATFORMS_ROOT_FILES = ["index", "args", "app-contract"] as const;

/**
 * The wing of a path under platforms/ (`platforms/eks/bastion` → `eks`), `root` for a file at the root
 * of platforms/, undefined outside platforms/.
 */
function wingOf(relative: string): string | undefined {
  const parts = relative.split("/");
  if (parts[0] !== "platforms") return undefined;
  if (parts.length === 2) return WINGS.includes(parts[1] ?? "") ? parts[1] : "root";
  return parts[1];
}

const isPlatformWing = (wing: string | undefined): boolean =>
  wing !== undefined && (PLATFORM_WINGS as readonly string[]).includes(wing);

/** Rule breaks in `files` (root-relative posix path → source text), one line each. */
export function violations(files: Readonly<Record<string, string>>): string[] {
  const out: string[] = [];
  for (const [file, text] of Object.entries(files)) {
    const home = topOf(file);
    const homeWing = wingOf(file);
    if (homeWing !== undefined && homeWing !== "root" && !WINGS.includes(homeWing)) {
      out.push(
        `${file}: in platforms/${homeWing}/, not a known wing (add it to PLATFORM_WINGS or SHARED_WINGS)`,
      );
    }
    if (
      homeWing === "root" &&
      !(PLATFORMS_ROOT_FILES as readonly string[]).includes(
        path.posix.basename(file).replace(/\.[cm]?[jt]s$/, ""),
      )
    ) {
      out.push(`${file}: loose at the root of platforms/ (it belongs in a wing: ${WINGS.join(", ")})`);
    }
    for (const { specifier, typeOnly } of importsOf(file, text)) {
      const landing = resolved(file, specifier);
      const to = landing === undefined ? undefined : topOf(landing);
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
      const toWing = landing === undefined ? undefined : wingOf(landing);
      if (toWing === undefined || toWing === "root" || toWing === homeWing) continue;
      if (isPlatformWing(homeWing) && isPlatformWing(toWing)) {
        out.push(
          `${file}: imports ${specifier} (a platform folder never imports another: only platforms/index.ts knows them all)`,
        );
      } else if (homeWing !== undefined && isPlatformWing(toWing) && file !== "platforms/index.ts") {
        out.push(
          `${file}: imports ${specifier} (only platforms/index.ts imports a platform folder; shared code never does)`,
        );
      }
      if (homeWing === "workload" && toWing === "aws") {
        out.push(
          `${file}: imports ${specifier} (the workload runs on any cluster: it never imports the aws/ wing)`,
        );
      }
      if (landing !== `platforms/${toWing}` && landing !== `platforms/${toWing}/index`) {
        out.push(
          `${file}: imports ${specifier} (another wing is reached through its face, platforms/${toWing}/index.ts)`,
        );
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
      if (/\.[cm]?[jt]s$/.test(relative) && !/\.test\.[cm]?ts$/.test(relative)) add(relative);
    }
  }
  add("image.ts");
  return files;
}

describe("import graph", () => {
  it("config → platforms only as types; platforms and image.ts never → config; facts → facts only; the wings of platforms/", () => {
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
        "platforms/args.ts": 'import type { StackConfig } from "../config";',
        "platforms/nested/e.ts": 'import { parseConfig } from "../../config/parse";',
        "image.ts": 'import { loadConfig } from "./config";',
        "facts/f.ts":
          'import * as pulumi from "@pulumi/pulumi";\nimport { x } from "./cidr";\nimport { y } from "../config/keys";',
        "platforms/index.ts": 'import { isIpv4Cidr } from "../facts";\nimport { EcsPlatform } from "./ecs";',
        // The wings: each rule once, next to what it allows.
        "platforms/ecs/i.ts": 'import { EksPlatform } from "../eks";\nimport { awsTags } from "../aws";',
        "platforms/aws/j.ts":
          'import type { EcsPlatformArgs } from "../ecs";\nimport { APP_PORT } from "../app-contract";',
        "platforms/app-contract.ts": 'import { KubernetesPlatform } from "./kubernetes";',
        "platforms/workload/k.ts": 'import { awsTags } from "../aws";\nimport { x } from "./pod-security";',
        "platforms/eks/l.ts":
          'import { createEdge } from "../aws/edge";\nimport { KubernetesApp } from "../workload";',
        "platforms/helpers.ts": 'import { APP_PORT } from "./app-contract";',
        "config/h.ts":
          'import { z } from "zod";\nimport { show } from "./schema";\nimport type { AppImage } from "../image";',
      }),
      [
        "config/a.ts: imports ../platforms/ecs at runtime (config may import platforms/ only as types)",
        "config/a.ts: imports ../platforms at runtime (config may import platforms/ only as types)",
        "config/c.ts: imports ../platforms/eks at runtime (config may import platforms/ only as types)",
        "config/c.ts: imports ../platforms/kubernetes at runtime (config may import platforms/ only as types)",
        "platforms/args.ts: imports ../config (components take Args, never config)",
        "platforms/nested/e.ts: in platforms/nested/, not a known wing (add it to PLATFORM_WINGS or SHARED_WINGS)",
        "platforms/nested/e.ts: imports ../../config/parse (components take Args, never config)",
        "image.ts: imports ./config (components take Args, never config)",
        "facts/f.ts: imports @pulumi/pulumi (facts/ imports only facts/)",
        "facts/f.ts: imports ../config/keys (facts/ imports only facts/)",
        "platforms/ecs/i.ts: imports ../eks (a platform folder never imports another: only platforms/index.ts knows them all)",
        "platforms/aws/j.ts: imports ../ecs (only platforms/index.ts imports a platform folder; shared code never does)",
        "platforms/app-contract.ts: imports ./kubernetes (only platforms/index.ts imports a platform folder; shared code never does)",
        "platforms/workload/k.ts: imports ../aws (the workload runs on any cluster: it never imports the aws/ wing)",
        "platforms/eks/l.ts: imports ../aws/edge (another wing is reached through its face, platforms/aws/index.ts)",
        "platforms/helpers.ts: loose at the root of platforms/ (it belongs in a wing: ecs, eks, kubernetes, aws, workload)",
        "config/h.ts: imports ../image (config imports only facts/, and platforms/ Args as types)",
      ],
    );
  });
});
