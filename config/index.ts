import * as pulumi from "@pulumi/pulumi";
import * as runtimeConfig from "@pulumi/pulumi/runtime/config";
import type { RawConfig, RawConfigValue } from "./common";
import { parseConfig } from "./parse";
import type { StackConfig } from "./stack-config";

/**
 * The only reader of Pulumi config. `loadConfig()` reads every `fastify-deploy:*` key once, validates
 * them all, and returns one typed {@link StackConfig} (a union discriminated on `platform`) or throws
 * one Error listing every problem, each line naming the key, the bad value and what is allowed:
 * `fastify-deploy:<key>: got <value>; expected <what is allowed>`.
 *
 * Layout: keys.ts (the key table: platforms and schema per key), schema.ts (zod helpers), common.ts /
 * aws.ts (rules and settings shared by all / both AWS platforms), ecs.ts, eks.ts, kubernetes.ts (one
 * module per platform: its rules between keys and the mapping to its component's Args),
 * kubeconfig.ts, suggest.ts ("did you mean"), parse.ts, project.ts (Pulumi.yaml, the home of each
 * key's type, default and description). Imports facts/ and, as types only, platforms/ Args
 * (test/architecture.test.ts holds that).
 */

export type { RawConfig, RawConfigValue } from "./common";
export { CONFIG_KEYS, type ConfigKey, fullKey } from "./keys";
export { kubeconfigApiServer } from "./kubeconfig";
export { ConfigError, type ParseOptions, type ParseResult, parseConfig } from "./parse";
export type * from "./stack-config";

/** Reads the whole config map the engine passed, with which keys are secrets. */
export function readRawConfig(): RawConfig {
  // `isConfigSecret` is exported by the runtime but marked @internal, so it is absent from the typings.
  const { isConfigSecret } = runtimeConfig as unknown as { isConfigSecret?: (key: string) => boolean };
  const all = pulumi.runtime.allConfig();
  const raw: Record<string, RawConfigValue> = {};
  for (const key of Object.keys(all).sort()) {
    raw[key] = { value: all[key] ?? "", secret: isConfigSecret?.(key) ?? false };
  }
  return raw;
}

/**
 * Reads and validates this stack's config. Throws before any resource is registered; logs a warning
 * for keys that do not apply to the selected platform.
 */
export function loadConfig(): StackConfig {
  const stack = {
    project: pulumi.getProject(),
    stack: pulumi.getStack(),
    preview: pulumi.runtime.isDryRun(),
  };
  const { config, warnings } = parseConfig(readRawConfig(), stack);
  for (const warning of warnings) pulumi.log.warn(warning);
  return config;
}
