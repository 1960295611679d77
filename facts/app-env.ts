/**
 * Every environment variable the program passes to the app's container, in the order it passes them: a
 * fact (no SDK import) because the app contract (platforms/app-contract.ts, which builds the values) and
 * config (facts/secrets.ts RESERVED_ENV_NAMES: a secret may take none of these names) both read it.
 */
export const APP_ENV_NAMES = [
  "PORT",
  "HOST",
  "LOG_LEVEL",
  "SHUTDOWN_DRAIN_DELAY_MS",
  "SHUTDOWN_TIMEOUT_MS",
  "APP_COMMIT",
  "APP_PLATFORM",
  "TRACING",
  "OTLP_TRACES_ENDPOINT",
  "NODE_ENV",
] as const;

export type AppEnvName = (typeof APP_ENV_NAMES)[number];
