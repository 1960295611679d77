import { APP_ENV_NAMES, type AppEnvName, LOCAL_COLLECTOR_ENDPOINT, type TracingSettings } from "../facts";

/**
 * What the Fastify service in `app/` expects from whoever runs it: the one place the infrastructure
 * code takes the port, the health routes and the environment variable names from, so that ECS and
 * Kubernetes stay identical and tests can cross-check these values against the app's source.
 */

/** The port the container listens on (env `PORT`). */
export const APP_PORT = 3000;

/** The address the server binds to inside the container (env `HOST`). */
export const APP_HOST = "0.0.0.0";

/** Numeric uid/gid the image runs as; a numeric id lets runtimes verify "non-root" without /etc/passwd. */
export const APP_UID = 65532;
export const APP_GID = 65532;

/** Liveness: 200 `{"status":"ok"}` while the process serves. */
export const LIVENESS_PATH = "/healthz";
/** Readiness: 200 when ready (load shedding exempt), 503 from the moment shutdown begins. */
export const READINESS_PATH = "/readyz";
/** 200 `{"value": n}`, 0 ≤ n ≤ 100: the call the synthetic client makes, as the seed's EC2 client did. */
export const RANDOM_PATH = "/v1/random";
/** Build and deploy metadata (`commit`, `platform`). */
export const VERSION_PATH = "/version";

/** Every environment variable the program passes to the container (facts/app-env.ts). */
export { APP_ENV_NAMES, type AppEnvName };

export type AppPlatformName = "ecs" | "eks" | "kubernetes";

/**
 * How long in-flight requests may take after the drain (`SHUTDOWN_TIMEOUT_MS`) wherever the program runs
 * the app: its slowest route answers in milliseconds, so 10 s covers a slow client with room to spare.
 */
export const SHUTDOWN_TIMEOUT_MS = 10_000;

export interface AppEnvArgs {
  logLevel: string;
  /** How long the app keeps serving after SIGTERM while readiness answers 503. */
  drainDelayMs: number;
  /** How long in-flight requests may take to finish after the drain. */
  shutdownTimeoutMs: number;
  commit: string;
  platform: AppPlatformName;
  /**
   * Where the app exports spans (OTLP/HTTP): a collector beside it or the configured one. Unset: tracing off
   * (TRACING=off, and no OTLP_TRACES_ENDPOINT, which would mean nothing). See {@link appTracesEndpoint}.
   */
  tracesEndpoint?: string;
}

/**
 * The URL the app exports spans to for a tracing setting: the collector beside it for X-Ray (on ECS a
 * sidecar container, on EKS a native sidecar, both on loopback), the configured endpoint for otlp.
 */
export function appTracesEndpoint(tracing: TracingSettings): string | undefined {
  switch (tracing.mode) {
    case "off":
      return undefined;
    case "xray":
      return LOCAL_COLLECTOR_ENDPOINT;
    case "otlp":
      return tracing.endpoint;
  }
}

/**
 * The container environment as an ordered list of name/value pairs. The order is fixed by
 * {@link APP_ENV_NAMES}, so the same config always yields byte-identical task definitions and pod specs.
 */
export function appEnvironment(args: AppEnvArgs): { name: AppEnvName; value: string }[] {
  const values: Record<AppEnvName, string> = {
    PORT: String(APP_PORT),
    HOST: APP_HOST,
    LOG_LEVEL: args.logLevel,
    SHUTDOWN_DRAIN_DELAY_MS: String(args.drainDelayMs),
    SHUTDOWN_TIMEOUT_MS: String(args.shutdownTimeoutMs),
    APP_COMMIT: args.commit,
    APP_PLATFORM: args.platform,
    TRACING: args.tracesEndpoint === undefined ? "off" : "otlp",
    OTLP_TRACES_ENDPOINT: args.tracesEndpoint ?? "",
    NODE_ENV: "production",
  };
  return APP_ENV_NAMES.filter(
    (name) => name !== "OTLP_TRACES_ENDPOINT" || args.tracesEndpoint !== undefined,
  ).map((name) => ({ name, value: values[name] }));
}

/**
 * The smallest kill window (ECS `stopTimeout`, Kubernetes `terminationGracePeriodSeconds`) that lets the
 * app drain and finish in-flight work, plus a margin for process exit; platforms must stay above it.
 */
export function minimumKillWindowSeconds(drainDelayMs: number, shutdownTimeoutMs: number): number {
  return Math.ceil((drainDelayMs + shutdownTimeoutMs) / 1000);
}
