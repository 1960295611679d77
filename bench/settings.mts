// What the benchmark runs and judges: its knobs (environment), the targets, the routes every server
// must answer alike, and where results go.
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "..");
export const RESULTS = path.join(ROOT, "results");
export const LOGS = path.join(RESULTS, "logs");
export const PIDS_FILE = path.join(RESULTS, ".bench-pids");

function intFromEnv(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
  }
  return value;
}

export const settings = {
  connections: intFromEnv("BENCH_CONNECTIONS", 50, 1),
  warmupSeconds: intFromEnv("BENCH_WARMUP_SECONDS", 3, 0),
  rounds: intFromEnv("BENCH_ROUNDS", 5, 1),
  roundSeconds: intFromEnv("BENCH_ROUND_SECONDS", 5, 1),
  startupRuns: intFromEnv("BENCH_STARTUP_RUNS", 10, 1),
  // The diagnostic variant (LOG_LEVEL=warn) only explains the cost of per-request logging; it is
  // never the quoted figure. 0 turns it off.
  diagnosticRounds: intFromEnv("BENCH_DIAGNOSTIC_ROUNDS", 3, 0),
  startupPollMs: 5,
  startupTimeoutMs: 20_000,
  // The machine is shared. A sample is "clean" when other processes used at most this share of the
  // two CPUs while it ran; quoted medians use clean samples whenever there are enough of them.
  quietThreshold: 0.1,
  minCleanSamples: 3,
  // Before each sample, wait up to quietWaitSeconds for the machine to calm down, at most
  // quietBudgetSeconds over the whole run; then rerun noisy (server, route) pairs for at most
  // extraSeconds in all. Both bounds keep the total run time predictable.
  quietWaitSeconds: intFromEnv("BENCH_QUIET_WAIT_SECONDS", 5, 0),
  quietBudgetSeconds: intFromEnv("BENCH_QUIET_BUDGET_SECONDS", 20, 0),
  extraSeconds: intFromEnv("BENCH_EXTRA_SECONDS", 30, 0),
};

export const TARGETS = {
  appOverNodeGetRoot: 0.9,
  appOverFlask: 6,
  appP99OverNodeP99: 1.5,
  appStartupMedianMs: 300,
};

export interface Route {
  key: "get-root" | "post-shout";
  label: string;
  method: "GET" | "POST";
  path: string;
  body?: string;
  headers?: Record<string, string>;
  expectedBody: unknown;
}

export const ROUTES: Route[] = [
  { key: "get-root", label: "GET /", method: "GET", path: "/", expectedBody: { message: "Hello World" } },
  {
    key: "post-shout",
    label: "POST /v1/shout",
    method: "POST",
    path: "/v1/shout",
    body: JSON.stringify({ data: "hello, world!" }),
    headers: { "content-type": "application/json" },
    expectedBody: { data: "!DLROW ,OLLEH" },
  },
];
