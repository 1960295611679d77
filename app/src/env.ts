import { envSchema } from "env-schema";
import type { FromSchema } from "json-schema-to-ts";

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
/** The app speaks OTLP only; X-Ray is reached through a collector (the platforms' choice). */
export const TRACING_MODES = ["off", "otlp"] as const;

/**
 * Everything the service reads from its environment, validated once at start-up.
 * Each property's `description` says what is allowed; it is quoted in start-up errors.
 */
export const EnvSchema = {
  type: "object",
  properties: {
    PORT: { type: "integer", minimum: 1, maximum: 65535, default: 3000, description: "an integer 1..65535" },
    HOST: { type: "string", minLength: 1, default: "0.0.0.0", description: "a non-empty host or IP address" },
    LOG_LEVEL: {
      type: "string",
      enum: LOG_LEVELS,
      default: "info",
      description: `one of ${LOG_LEVELS.join(", ")}`,
    },
    SHUTDOWN_DRAIN_DELAY_MS: {
      type: "integer",
      minimum: 0,
      maximum: 300_000,
      default: 5000,
      description: "milliseconds 0..300000 to keep serving after SIGTERM while /readyz answers 503",
    },
    SHUTDOWN_TIMEOUT_MS: {
      type: "integer",
      minimum: 100,
      maximum: 300_000,
      default: 10_000,
      description: "milliseconds 100..300000 allowed for in-flight requests to finish after the drain",
    },
    APP_COMMIT: {
      type: "string",
      pattern: "^[A-Za-z0-9._-]{1,64}$",
      default: "unknown",
      description: "1..64 characters of A-Z a-z 0-9 . _ -",
    },
    APP_PLATFORM: {
      type: "string",
      pattern: "^[a-z0-9-]{1,32}$",
      default: "local",
      description: "1..32 characters of a-z 0-9 -",
    },
    TRACING: {
      type: "string",
      enum: TRACING_MODES,
      default: "off",
      description: `one of ${TRACING_MODES.join(", ")} (otlp: spans to OTLP_TRACES_ENDPOINT)`,
    },
    OTLP_TRACES_ENDPOINT: {
      type: "string",
      pattern: "^https?://[^\\s]+$",
      // The OTLP/HTTP default port and path (opentelemetry.io/docs/specs/otlp/#otlphttp, read 2026-12-07):
      // the collector sidecar on ECS and EKS listens there.
      default: "http://127.0.0.1:4318/v1/traces",
      description: "an http(s) URL of an OTLP/HTTP traces receiver",
    },
    // Set by the platform when the stack declares secrets (fastify-deploy:secrets): the names, never the
    // values, of the variables the logger redacts.
    SECRET_ENV_NAMES: {
      type: "string",
      pattern: "^([A-Za-z_][A-Za-z0-9_]*(,[A-Za-z_][A-Za-z0-9_]*)*)?$",
      default: "",
      description: "comma-separated environment variable names (A-Z a-z 0-9 _), or empty",
    },
  },
  required: [
    "PORT",
    "HOST",
    "LOG_LEVEL",
    "SHUTDOWN_DRAIN_DELAY_MS",
    "SHUTDOWN_TIMEOUT_MS",
    "APP_COMMIT",
    "APP_PLATFORM",
    "TRACING",
    "OTLP_TRACES_ENDPOINT",
    "SECRET_ENV_NAMES",
  ],
  additionalProperties: false,
} as const;

/** Every variable is present after validation: the schema gives each a default. */
export type AppEnv = FromSchema<typeof EnvSchema>;

export class EnvError extends Error {
  override name = "EnvError";
}

interface AjvIssue {
  instancePath: string;
  keyword: string;
  message?: string;
}

/**
 * Validates `env` against {@link EnvSchema}. Throws one {@link EnvError} that lists every bad variable,
 * its value and what is allowed, so an operator fixes them all in one go.
 */
export function loadEnv(env: NodeJS.ProcessEnv): AppEnv {
  // env-schema mutates nothing, but copy only our keys so unrelated variables never reach validation.
  const data: Record<string, string> = {};
  for (const key of Object.keys(EnvSchema.properties)) {
    const value = env[key];
    if (value !== undefined) data[key] = value;
  }
  try {
    return envSchema<AppEnv>({ schema: EnvSchema, data, dotenv: false });
  } catch (error) {
    const issues = (error as { errors?: AjvIssue[] }).errors;
    if (!issues) throw error;
    const lines = new Map<string, string>();
    for (const issue of issues) {
      const key = issue.instancePath.replace(/^\//, "");
      // A union (LOG_LEVEL) reports one issue per branch; one line per variable is enough.
      if (!key || lines.has(key)) continue;
      const allowed = (EnvSchema.properties as Record<string, { description: string }>)[key]?.description;
      lines.set(key, `${key}=${JSON.stringify(data[key])} is invalid: expected ${allowed ?? issue.message}`);
    }
    throw new EnvError(`Invalid environment:\n  ${[...lines.values()].join("\n  ")}`);
  }
}
