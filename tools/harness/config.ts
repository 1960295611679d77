/**
 * Stack config, assembled the way the Pulumi CLI assembles it for a program: the committed
 * `Pulumi.<stack>.yaml`, then per-run overrides (plain or secret), then the defaults `Pulumi.yaml`
 * declares, failing like the CLI on a required key that is missing.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { CONFIG_KEYS } from "../../config";

/** The repository root: where `Pulumi.yaml`, the stack files and `index.ts` are. */
export const ROOT = path.resolve(__dirname, "..", "..");

interface ProjectConfigType {
  type?: "string" | "integer" | "boolean" | "array";
  default?: unknown;
  secret?: boolean;
  description?: string;
}

export interface ProjectFile {
  name: string;
  config: Record<string, ProjectConfigType>;
  [key: string]: unknown;
}

export function readProject(): ProjectFile {
  return parseYaml(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as ProjectFile;
}

/** The stack files at the repository root, by stack name (`Pulumi.<stack>.yaml`). */
export function committedStacks(): string[] {
  return fs
    .readdirSync(ROOT)
    .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
    .filter((stack): stack is string => stack !== undefined)
    .sort();
}

export function readStackConfig(stack: string, stackFile?: string): Record<string, unknown> {
  const file = stackFile ?? path.join(ROOT, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(file)) throw new Error(`harness: no stack file ${path.relative(ROOT, file)}`);
  const parsed = parseYaml(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null;
  return parsed?.config ?? {};
}

/** Values as the engine passes them to a program: scalars as strings, structures as JSON. */
function configString(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

export interface RunOptions {
  /** The committed stack file to start from: `Pulumi.<stack>.yaml`. */
  stack: string;
  /** Another stack file to start from instead (a user's own, a fixture); `stack` still names the stack. */
  stackFile?: string;
  /**
   * The stack file's `config` as given, instead of reading `Pulumi.<stack>.yaml`: a stack CI derives
   * and writes just before `pulumi up` (tools/pr-stack's `pr-<n>`), never committed.
   */
  stackConfig?: Record<string, unknown>;
  /** Plain overrides; keys with or without the `fastify-deploy:` namespace (`aws:region` as is). */
  config?: Record<string, unknown>;
  /** Overrides set as secrets (`pulumi config set --secret`). */
  secrets?: Record<string, unknown>;
  /** Keys to remove from the stack file's config before the project defaults apply. */
  unset?: string[];
  /**
   * What the engine runs: "preview" (the default: what CI's `pulumi preview` and `npm run plan` run;
   * outputs the mocks leave out are unknown, as in a real preview) or "up" (`pulumi up`: they are
   * undefined, and config refuses what only a real deploy must not do, e.g. a prod-grade stack without TLS).
   */
  mode?: "preview" | "up";
  /**
   * The program to run, root-relative: `index.ts` by default. A test program (test/programs/) runs the
   * same config → image → createPlatform path with Args the config cannot give yet.
   */
  program?: string;
}

/**
 * The committed prod stack in its highly available ECS form (prod itself runs EKS): prod's network,
 * scaling and region, the ECS task sizes prod used, every key that has no effect on ECS unset.
 */
export function prodEcs(config: Record<string, unknown> = {}): RunOptions {
  const project = readProject().name;
  const unset = Object.keys(readStackConfig("prod"))
    .map((key) => key.replace(`${project}:`, ""))
    .filter((key) => {
      const spec = (CONFIG_KEYS as Record<string, { platforms: readonly string[] }>)[key];
      return spec !== undefined && !spec.platforms.includes("ecs");
    });
  return {
    stack: "prod",
    config: {
      platform: "ecs",
      cpu: 512,
      memory: 1024,
      logRetentionDays: 90,
      containerInsights: true,
      ...config,
    },
    unset,
  };
}

export interface AssembledConfig {
  values: Record<string, string>;
  secretKeys: string[];
}

/** Stack file + overrides + Pulumi.yaml defaults, failing like the CLI does on a missing required key. */
export function assembleConfig(options: RunOptions): AssembledConfig {
  const project = readProject();
  const qualify = (key: string): string => (key.includes(":") ? key : `${project.name}:${key}`);
  const values: Record<string, string> = {};
  const secretKeys = new Set<string>();
  const supplied = new Set(Object.keys(options.secrets ?? {}).map(qualify));
  for (const [key, value] of Object.entries(
    options.stackConfig ?? readStackConfig(options.stack, options.stackFile),
  )) {
    if (value !== null && typeof value === "object" && "secure" in value) {
      // Encrypted with the stack's secrets provider, which an offline run has no key for: the value
      // comes from the run's secrets instead (npm run plan: --secret / --secret-file).
      if (supplied.has(qualify(key))) continue;
      const short = key.replace(`${project.name}:`, "");
      throw new Error(
        `${key} in ${path.relative(ROOT, options.stackFile ?? path.join(ROOT, `Pulumi.${options.stack}.yaml`))} is encrypted (secure:), which an offline run cannot decrypt; give its value with --secret-file ${short}=<path> or --secret ${short}=<value>`,
      );
    }
    values[qualify(key)] = configString(value);
  }
  for (const key of options.unset ?? []) delete values[qualify(key)];
  for (const [key, value] of Object.entries(options.config ?? {})) {
    values[qualify(key)] = configString(value);
    secretKeys.delete(qualify(key));
  }
  for (const [key, value] of Object.entries(options.secrets ?? {})) {
    values[qualify(key)] = configString(value);
    secretKeys.add(qualify(key));
  }
  const missing: string[] = [];
  for (const [key, spec] of Object.entries(project.config ?? {})) {
    const full = qualify(key);
    if (full in values) continue;
    if (spec.default === undefined) missing.push(key);
    else values[full] = configString(spec.default);
  }
  if (missing.length > 0) {
    throw new Error(
      `Stack '${options.stack}' is missing configuration value ${missing.map((k) => `'${k}'`).join(", ")}`,
    );
  }
  return { values, secretKeys: [...secretKeys].sort() };
}
