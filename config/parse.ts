import { z } from "zod";
import { type Platform, PROJECT, utcToday } from "../facts";
import { arnPartitionProblems, awsKeyWarnings, regionProblems, regionWarnings } from "./aws-provider";
import { commonProblems, commonWarnings, imageConfig, type PlatformModule, type RawConfig } from "./common";
import { ecs } from "./ecs";
import { eks } from "./eks";
import { CONFIG_KEYS, type ConfigKey, fullKey, type KeySpec, type Values } from "./keys";
import { kubernetes } from "./kubernetes";
import { defaultText } from "./project";
import { show } from "./schema";
import type { PlatformArgs, StackConfig, StackIdentity } from "./stack-config";
import { closest, nearest } from "./suggest";

import { tracingWarnings } from "./tracing";

/** Each platform's rules and mapping; a new platform adds its module here. */
const PLATFORM_MODULES: { [P in Platform]: PlatformModule<PlatformArgs<P>> } = { ecs, eks, kubernetes };

export class ConfigError extends Error {
  override name = "ConfigError";
  constructor(readonly problems: readonly string[]) {
    super(
      `Invalid stack configuration (${problems.length} ${problems.length === 1 ? "problem" : "problems"}):\n` +
        problems.map((p) => `  - ${p}`).join("\n"),
    );
  }
}

export interface ParseResult {
  config: StackConfig;
  /** Keys set to a non-default value that have no effect on the selected platform, and doubtful choices. */
  warnings: string[];
}

const KEYS = Object.keys(CONFIG_KEYS) as ConfigKey[];

export interface ParseOptions {
  /**
   * The day (YYYY-MM-DD, UTC) dated facts are held against (which Kubernetes versions EKS still runs);
   * today unless given, so a stack warns as its pins age. Tests pin it.
   */
  today?: string;
}

/**
 * Validates raw config (as the engine passes it) and returns the typed config, or throws one
 * {@link ConfigError} with every problem: unknown keys, then each key against its schema, then the
 * rules between keys (common, then the platform's), each checked only where its keys are valid.
 */
export function parseConfig(raw: RawConfig, stack: StackIdentity, options: ParseOptions = {}): ParseResult {
  const today = options.today ?? utcToday();
  const { values, texts, problems } = parseKeys(raw);
  const platform = values.platform;
  problems.unshift(...unknownKeys(raw));
  problems.push(...commonProblems(values, raw));
  problems.push(...regionProblems(raw), ...arnPartitionProblems(values, raw));
  if (platform !== undefined)
    problems.push(...PLATFORM_MODULES[platform].problems(values, raw, stack, today));
  if (problems.length > 0 || platform === undefined) throw new ConfigError(problems);

  const valid = values as Required<Values>;
  const module = PLATFORM_MODULES[platform];
  const warnings = [
    ...inapplicableKeys(platform, texts),
    ...commonWarnings(valid, texts),
    ...module.warnings(valid, stack, today),
    ...regionWarnings(raw),
    ...awsKeyWarnings(raw),
    ...tracingWarnings(valid, today),
  ];
  // The cast: TypeScript cannot tie `module`'s Args to the `platform` key of the same name.
  const config = {
    platform,
    image: imageConfig(valid),
    [platform]: module.args(valid, stack, raw, today),
  } as StackConfig;
  return { config, warnings };
}

/** Each known key's value (or its Pulumi.yaml default) through its schema. */
function parseKeys(raw: RawConfig) {
  const problems: string[] = [];
  const values: Values = {};
  const texts: Partial<Record<ConfigKey, string>> = {};
  for (const key of KEYS) {
    const spec: KeySpec = CONFIG_KEYS[key];
    const text = raw[fullKey(key)]?.value ?? defaultText(key);
    if (text === undefined) {
      const allowed =
        spec.schema instanceof z.ZodEnum ? `one of ${spec.schema.options.join(", ")}` : "a value";
      problems.push(`${fullKey(key)}: missing; expected ${allowed} (pulumi config set ${key} <value>)`);
      continue;
    }
    texts[key] = text;
    const result = spec.schema.safeParse(text);
    if (!result.success) {
      // A list reports one issue per bad element; a scalar one issue per failed check: keep each line once.
      for (const message of new Set(result.error.issues.map((issue) => issue.message))) {
        problems.push(`${fullKey(key)}: ${message}`);
      }
      continue;
    }
    (values as Record<string, unknown>)[key] = result.data;
  }
  return { values, texts, problems };
}

/** Where every key is described (generated from Pulumi.yaml by npm run docs:config). */
const CONFIG_REFERENCE = "docs/config.md";

function unknownKeys(raw: RawConfig): string[] {
  const prefix = `${PROJECT}:`;
  const problems: string[] = [];
  for (const key of Object.keys(raw).sort()) {
    const short = key.slice(prefix.length);
    if (!key.startsWith(prefix) || short in CONFIG_KEYS) continue;
    const entry = raw[key];
    const value = entry?.secret ? "[secret]" : show(entry?.value);
    const suggestion = closest(short, KEYS);
    problems.push(
      suggestion
        ? `${key}: unknown key (value ${value}); did you mean ${fullKey(suggestion)}?`
        : `${key}: unknown key (value ${value}); the nearest keys are ${nearest(short, KEYS).map(fullKey).join(", ")} (every key: ${CONFIG_REFERENCE})`,
    );
  }
  return problems;
}

/** Keys set to something other than their default on a platform they have no effect on. */
function inapplicableKeys(platform: Platform, texts: Partial<Record<ConfigKey, string>>): string[] {
  const warnings: string[] = [];
  for (const key of KEYS) {
    const { platforms }: KeySpec = CONFIG_KEYS[key];
    const text = texts[key];
    if (!platforms.includes(platform) && text !== undefined && text !== defaultText(key)) {
      warnings.push(
        `${fullKey(key)} is set but has no effect on platform ${platform} (it applies to ${platforms.join(", ")})`,
      );
    }
  }
  return warnings;
}
