import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";

/**
 * Pulumi.yaml's `config:` block: the one home of each key's type, default and description. The CLI
 * applies these defaults before the program runs; config reads them too, to tell a value a stack set
 * from the default (for the "no effect on this platform" warning) and for tools such as the README
 * generator (scripts/config-docs.ts).
 */

export interface KeyDeclaration {
  type: "string" | "integer" | "boolean" | "array";
  /** Absent: the CLI makes the key mandatory in every stack. */
  default?: string | number | boolean | string[];
  description?: string;
}

export const PROJECT_FILE = path.join(__dirname, "..", "Pulumi.yaml");

let declared: Readonly<Record<string, KeyDeclaration>> | undefined;

/** The key declarations of Pulumi.yaml (read once). */
export function keyDeclarations(): Readonly<Record<string, KeyDeclaration>> {
  declared ??= (parseYaml(readFileSync(PROJECT_FILE, "utf8")) as { config: Record<string, KeyDeclaration> })
    .config;
  return declared;
}

/** A declared default as the engine passes values: scalars as strings, lists as JSON. */
export function defaultText(key: string): string | undefined {
  const value = keyDeclarations()[key]?.default;
  if (value === undefined) return undefined;
  return typeof value === "string" ? value : JSON.stringify(value);
}
