import { type AppSettings, type ScalingSettings, stateProtection } from "../facts";
import type { ConfigKey, Values } from "./keys";
import { CONFIG_KEYS, fullKey } from "./keys";
import { rolloutProblems } from "./rollout";
import { show } from "./schema";
import type { ImageConfig, StackIdentity } from "./stack-config";
import { tracingProblems, tracingSettings } from "./tracing";

/**
 * What every platform shares: the raw config's shape, the module each platform implements, and the
 * rules and mapping of the keys every platform reads (image, app, scaling).
 */

export interface RawConfigValue {
  value: string;
  secret: boolean;
}

/** Config as the engine passes it: full keys (`ns:key`) → string values (objects as JSON). */
export type RawConfig = Readonly<Record<string, RawConfigValue>>;

/** Every key's value, once every key is valid. */
export type Valid = Required<Values>;

/** One per platform: its rules between keys and the mapping of valid values to its Args (minus the image). */
export interface PlatformModule<A> {
  /**
   * Rules between keys, each checked only where the keys involved are themselves valid; `today`
   * (YYYY-MM-DD, UTC) for rules on dated facts.
   */
  problems(v: Values, raw: RawConfig, stack: StackIdentity, today: string): string[];
  /**
   * Valid but doubtful combinations, dated facts ageing on `today`, and, at preview, what `up` would
   * refuse (see StackIdentity.preview).
   */
  warnings(v: Valid, stack: StackIdentity, today: string): string[];
  /**
   * The platform component's Args minus the image, from values that passed every check (raw: aws:* keys;
   * `today` for settings on a schedule, such as the kubernetes key rotation).
   */
  args(v: Valid, stack: StackIdentity, raw: RawConfig, today: string): A;
}

export function commonProblems(v: Values, raw: RawConfig): string[] {
  const problems = minDesiredMax(
    ["minCount", v.minCount],
    ["desiredCount", v.desiredCount],
    ["maxCount", v.maxCount],
  );
  const pullAccounts = v.imagePullAccountIds ?? [];
  if (v.imageUri !== undefined && pullAccounts.length > 0) {
    problems.push(
      `${fullKey("imagePullAccountIds")}: got ${show(pullAccounts)} with imageUri set; expected [] (this stack builds no image and creates no repository: grant the pull on the stack that built ${v.imageUri.split("@")[0]})`,
    );
  }
  problems.push(...tracingProblems(v));
  problems.push(...rolloutProblems(v));
  for (const [key, spec] of Object.entries(CONFIG_KEYS)) {
    const entry = raw[fullKey(key)];
    if ("secret" in spec && spec.secret && entry && entry.value !== "" && !entry.secret) {
      problems.push(
        `${fullKey(key)}: got a plain-text value; expected a secret (pulumi config set --secret ${key} ...)`,
      );
    }
  }
  return problems;
}

export function commonWarnings(v: Valid, texts: Partial<Record<ConfigKey, string>>): string[] {
  if (v.imageUri !== undefined && texts.retainImageRepository === "false") {
    return [
      `${fullKey("retainImageRepository")} is set but has no effect with imageUri (this stack builds no image and creates no repository)`,
    ];
  }
  return [];
}

export function imageConfig(v: Valid): ImageConfig {
  return {
    ...(v.imageUri !== undefined && { uri: v.imageUri }),
    platform: v.imagePlatform,
    retainRepository: v.retainImageRepository,
    pullAccountIds: v.imagePullAccountIds,
    buildCache: v.imageBuildCache,
    // prodGrade is an ecs/eks key (it has no effect elsewhere, and config says so).
    protection: stateProtection(v.prodGrade && CONFIG_KEYS.prodGrade.platforms.includes(v.platform)),
  };
}

export function appSettings(v: Valid): AppSettings {
  return { commit: v.appCommit, logLevel: v.logLevel, tracing: tracingSettings(v) };
}

export function scalingSettings(v: Valid): ScalingSettings {
  return {
    desiredCount: v.desiredCount,
    minCount: v.minCount,
    maxCount: v.maxCount,
    targetCpuUtilization: v.targetCpuUtilization,
  };
}

/**
 * An optional key left unset: its value passed its schema as "" (undefined in `v`). A key whose value
 * failed its schema is absent from `v` and is not "unset": a rule "B without A" must not fire on an
 * invalid A, which has its own message (issue 28: an invalid domainName also reported a false
 * "hostedZoneId without domainName").
 */
export function isUnset(v: Values, key: ConfigKey): boolean {
  return key in v && v[key] === undefined;
}

type Bound = [key: ConfigKey, value: number | undefined];

/** min ≤ desired ≤ max over three integer keys, checked only where each key is itself valid. */
export function minDesiredMax(
  [minKey, min]: Bound,
  [desiredKey, desired]: Bound,
  [maxKey, max]: Bound,
): string[] {
  const rule = `expected ${minKey} ≤ ${desiredKey} ≤ ${maxKey}`;
  const out: string[] = [];
  if (min !== undefined && max !== undefined && min > max) {
    out.push(`${fullKey(minKey)}: got ${min}, above ${maxKey} ${max}; ${rule}`);
  }
  if (desired !== undefined && min !== undefined && desired < min) {
    out.push(`${fullKey(desiredKey)}: got ${desired}, below ${minKey} ${min}; ${rule}`);
  }
  if (desired !== undefined && max !== undefined && desired > max) {
    out.push(`${fullKey(desiredKey)}: got ${desired}, above ${maxKey} ${max}; ${rule}`);
  }
  return out;
}
