// Benchmark driver: starts the app and the two baselines, drives them with autocannon from a load
// worker pinned to another core, times start-up, prints a report and writes results/bench.json.
// Started by bench/run.sh, which builds the app and provides Flask/gunicorn first.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { median } from "./stats.mts";
import type { LoadJob, LoadSummary, WorkerMessage } from "./types.mts";

const ROOT = path.resolve(import.meta.dirname, "..");
const RESULTS = path.join(ROOT, "results");
const LOGS = path.join(RESULTS, "logs");
const PIDS_FILE = path.join(RESULTS, ".bench-pids");

function intFromEnv(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
  }
  return value;
}

const settings = {
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

const TARGETS = {
  appOverNodeGetRoot: 0.9,
  appOverFlask: 6,
  appP99OverNodeP99: 1.5,
  appStartupMedianMs: 300,
};

// ---------------------------------------------------------------------------------------------
// Routes

interface Route {
  key: "get-root" | "post-shout";
  label: string;
  method: "GET" | "POST";
  path: string;
  body?: string;
  headers?: Record<string, string>;
  expectedBody: unknown;
}

const ROUTES: Route[] = [
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

// ---------------------------------------------------------------------------------------------
// Machine and pinning

function hasCommand(command: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}

const cpus = os.cpus();
// run.sh already pins this driver to the load generator's core (availableParallelism() says 1
// here); what matters is whether both cores can be given to children.
const SERVER_CORE = "0";
const LOAD_CORE = "1";
const pinning =
  cpus.length >= 2 &&
  hasCommand("taskset") &&
  spawnSync("taskset", ["-c", `${SERVER_CORE},${LOAD_CORE}`, "true"], { stdio: "ignore" }).status === 0;

function pinned(core: string, command: string, args: string[]): [string, string[]] {
  return pinning ? ["taskset", ["-c", core, command, ...args]] : [command, args];
}

const machine = {
  cpuModel: cpus[0]?.model ?? "unknown",
  // 0 when the hypervisor hides it.
  cpuMHz: cpus[0]?.speed ? cpus[0].speed : null,
  logicalCpus: cpus.length,
  memoryGB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
  os: `${os.type()} ${os.release()} ${os.arch()}`,
  distro: readDistro(),
  node: process.version,
  serverNode: "",
  autocannon: readJson(path.join(ROOT, "node_modules/autocannon/package.json"))?.version ?? "unknown",
  loadAverageAtStart: os.loadavg().map((v) => Math.round(v * 100) / 100),
  loadAverageAtEnd: [] as number[],
};

function readDistro(): string {
  try {
    const text = fs.readFileSync("/etc/os-release", "utf8");
    return /^PRETTY_NAME="?([^"\n]*)"?/m.exec(text)?.[1] ?? "unknown";
  } catch {
    return "unknown";
  }
}

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(fs.readFileSync(file, "utf8"));
    return value !== null && typeof value === "object" ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Busy and total jiffies over all CPUs, from /proc/stat. */
function cpuJiffies(): { busy: number; total: number } | undefined {
  try {
    const fields = (/^cpu (.*)$/m.exec(fs.readFileSync("/proc/stat", "utf8"))?.[1] ?? "")
      .trim()
      .split(/\s+/)
      .map(Number);
    // user nice system idle iowait irq softirq steal (guest time is already inside user).
    const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    return fields.length >= 8 ? { busy: total - idle, total } : undefined;
  } catch {
    return undefined;
  }
}

/** CPU jiffies used by processes in `groups` (and by this driver when `withSelf`). */
function jiffiesOf(groups: Set<number>, withSelf: boolean): number {
  let sum = 0;
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      // Fields after "(comm) ": state ppid pgrp ... utime is the 14th field overall, stime the 15th.
      const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const pgrp = Number(rest[2]);
      if ((withSelf && Number(entry) === process.pid) || groups.has(pgrp)) {
        sum += Number(rest[11]) + Number(rest[12]);
      }
    } catch {
      // The process went away while we were looking.
    }
  }
  return sum;
}

const clockTicks = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout);
const CLOCK_TICKS_PER_SECOND = Number.isFinite(clockTicks) && clockTicks > 0 ? clockTicks : 100;

/** CPU seconds used so far by the process group `pgid` (all its processes and threads). */
function groupCpuSeconds(pgid: number | undefined): number {
  return pgid === undefined ? Number.NaN : jiffiesOf(new Set([pgid]), false) / CLOCK_TICKS_PER_SECOND;
}

/** CPU used by process groups already killed; their /proc entries are gone but it was ours. */
let retiredJiffies = 0;

/** CPU jiffies used so far by this driver and by every process group it started. */
function ourJiffies(): number {
  return jiffiesOf(liveGroups, true) + retiredJiffies;
}

/**
 * Runs `fn` and returns its result with the share (0..1) of both CPUs used meanwhile by processes
 * that are not part of the benchmark: the machine is shared, and this says how much it mattered.
 */
async function withForeignCpu<T>(fn: () => Promise<T>): Promise<[T, number | null]> {
  const before = cpuJiffies();
  const oursBefore = ourJiffies();
  const value = await fn();
  const after = cpuJiffies();
  const oursAfter = ourJiffies();
  if (before === undefined || after === undefined || after.total <= before.total) return [value, null];
  const foreign = after.busy - before.busy - (oursAfter - oursBefore);
  return [value, Math.max(0, foreign) / (after.total - before.total)];
}

let quietBudgetMs = settings.quietBudgetSeconds * 1000;
let quietWaitedMs = 0;

/** Waits (bounded) until other processes leave the CPUs mostly idle, sampling 200 ms at a time. */
async function waitForQuiet(maxSeconds: number): Promise<void> {
  const start = performance.now();
  for (;;) {
    const [, foreign] = await withForeignCpu(() => sleep(200));
    const waited = performance.now() - start;
    if (foreign === null || foreign <= settings.quietThreshold) break;
    if (waited >= maxSeconds * 1000 || waited >= quietBudgetMs) break;
  }
  const waited = performance.now() - start;
  // The first 200 ms sample is the price of looking, not waiting.
  const extra = Math.max(0, waited - 250);
  quietBudgetMs -= extra;
  quietWaitedMs += extra;
}

// ---------------------------------------------------------------------------------------------
// Child processes: every one is tracked and killed on every way out.

const liveGroups = new Set<number>();

function recordPids(): void {
  try {
    fs.writeFileSync(PIDS_FILE, [...liveGroups].map((pid) => `${pid}\n`).join(""));
  } catch {
    // Best effort only: run.sh uses the file as a second line of defence.
  }
}

function killGroup(pid: number): void {
  if (liveGroups.has(pid)) retiredJiffies += jiffiesOf(new Set([pid]), false);
  try {
    // Servers run detached in their own process group, so this also reaches gunicorn's workers.
    process.kill(-pid, "SIGKILL");
  } catch {
    // Already gone.
  }
  liveGroups.delete(pid);
}

function killAll(): void {
  for (const pid of [...liveGroups]) killGroup(pid);
  recordPids();
}

process.on("exit", killAll);
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.once(signal, () => {
    console.error(`\nbench: got ${signal}, stopping every child process`);
    killAll();
    process.exit(signal === "SIGINT" ? 130 : 143);
  });
}

// ---------------------------------------------------------------------------------------------
// Servers

interface ServerSpec {
  key: "app" | "node-http" | "flask" | "app-log-warn";
  label: string;
  /** Shown in the report so every figure names exactly what ran. */
  describe: (port: string) => string;
  argv: (port: number) => [string, ...string[]];
  env: Record<string, string>;
  diagnostic: boolean;
}

interface RunningServer {
  spec: ServerSpec;
  port: number;
  child: ChildProcess;
  exited: boolean;
  exitInfo: string;
}

const BASE_ENV: Record<string, string> = {
  PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
  HOME: process.env.HOME ?? "/root",
  LANG: "C.UTF-8",
};

const appEnv = (logLevel: string): Record<string, string> => ({
  NODE_ENV: "production",
  LOG_LEVEL: logLevel,
  HOST: "127.0.0.1",
});

// The image runs a newer Node than the host may have; BENCH_SERVER_NODE runs the Node servers with
// another binary (e.g. the image's) while autocannon and the driver keep this one.
const serverNode = process.env.BENCH_SERVER_NODE ? process.env.BENCH_SERVER_NODE : process.execPath;
const serverNodeVersion =
  serverNode === process.execPath
    ? process.version
    : (spawnSync(serverNode, ["--version"], { encoding: "utf8" }).stdout?.trim() ?? "unknown");
const appEntry = path.join(ROOT, "app/dist/server.js");
const nodeHttpEntry = path.join(ROOT, "bench/baselines/node-http.mjs");
const flaskPython = process.env.FLASK_PYTHON ?? "";
const flaskUnavailable =
  process.env.FLASK_UNAVAILABLE ?? (flaskPython === "" ? "FLASK_PYTHON not set (run bench/run.sh)" : "");
const GUNICORN_ARGS = ["-k", "gthread", "--workers", "2", "--threads", "4"];

const SERVERS: ServerSpec[] = [
  {
    key: "app",
    label: "app (Fastify, production settings)",
    describe: () => "node app/dist/server.js  NODE_ENV=production LOG_LEVEL=info, stdout > /dev/null",
    argv: () => [serverNode, appEntry],
    env: appEnv("info"),
    diagnostic: false,
  },
  {
    key: "node-http",
    label: "node:http baseline",
    describe: () => "node bench/baselines/node-http.mjs",
    argv: () => [serverNode, nodeHttpEntry],
    env: { HOST: "127.0.0.1" },
    diagnostic: false,
  },
  {
    key: "flask",
    label: "Flask + gunicorn baseline",
    describe: (port) =>
      `python3 -m gunicorn ${GUNICORN_ARGS.join(" ")} --bind 127.0.0.1:${port} flask_app:app`,
    argv: (port) => [
      flaskPython,
      "-m",
      "gunicorn",
      ...GUNICORN_ARGS,
      "--bind",
      `127.0.0.1:${port}`,
      "--chdir",
      path.join(ROOT, "bench/baselines"),
      "flask_app:app",
    ],
    // Keeps __pycache__ out of the source tree.
    env: { PYTHONDONTWRITEBYTECODE: "1" },
    diagnostic: false,
  },
  {
    key: "app-log-warn",
    label: "DIAGNOSTIC app with LOG_LEVEL=warn (not a production setting)",
    describe: () => "node app/dist/server.js  NODE_ENV=production LOG_LEVEL=warn, stdout > /dev/null",
    argv: () => [serverNode, appEntry],
    env: appEnv("warn"),
    diagnostic: true,
  },
];

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function startServer(spec: ServerSpec, port: number): RunningServer {
  fs.mkdirSync(LOGS, { recursive: true });
  // The app logs every request; stdout goes to /dev/null so nothing back-pressures it, and the
  // cost of producing and writing each log line is still paid by the server.
  const stdout = fs.openSync("/dev/null", "w");
  const stderr = fs.openSync(path.join(LOGS, `${spec.key}.stderr.log`), "a");
  const [command, ...args] = spec.argv(port);
  const [file, fileArgs] = pinned(SERVER_CORE, command, args);
  const child = spawn(file, fileArgs, {
    cwd: ROOT,
    env: { ...BASE_ENV, ...spec.env, PORT: String(port) },
    stdio: ["ignore", stdout, stderr],
    detached: true,
  });
  fs.closeSync(stdout);
  fs.closeSync(stderr);
  const running: RunningServer = { spec, port, child, exited: false, exitInfo: "" };
  if (child.pid !== undefined) {
    liveGroups.add(child.pid);
    recordPids();
  }
  child.on("error", (error) => {
    running.exited = true;
    running.exitInfo = `could not be spawned: ${error.message}`;
  });
  child.on("exit", (code, signal) => {
    running.exited = true;
    running.exitInfo = `exited with ${signal ?? `code ${code}`}`;
  });
  return running;
}

async function stopServer(server: RunningServer): Promise<void> {
  const pid = server.child.pid;
  if (pid === undefined) return;
  const exited = server.exited ? Promise.resolve() : new Promise((r) => server.child.once("exit", r));
  killGroup(pid);
  recordPids();
  await Promise.race([exited, sleep(5000)]);
}

function stderrTail(key: string): string {
  try {
    const text = fs.readFileSync(path.join(LOGS, `${key}.stderr.log`), "utf8");
    return text.split("\n").slice(-15).join("\n");
  } catch {
    return "";
  }
}

interface HttpReply {
  status: number;
  body: string;
}

function request(port: number, method: string, urlPath: string, body?: string, timeoutMs = 2000) {
  return new Promise<HttpReply>((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        method,
        path: urlPath,
        agent: false,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
        );
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", reject);
    req.end(body);
  });
}

/** Polls GET /healthz every few ms; resolves with ms from `since` to the first 200. */
async function waitHealthy(server: RunningServer, since: number): Promise<number> {
  const deadline = since + settings.startupTimeoutMs;
  for (;;) {
    if (server.exited) {
      throw new Error(
        `${server.spec.label} ${server.exitInfo} before answering /healthz\n${stderrTail(server.spec.key)}`,
      );
    }
    try {
      const reply = await request(server.port, "GET", "/healthz", undefined, 1000);
      if (reply.status === 200) return performance.now() - since;
    } catch {
      // Not listening yet.
    }
    if (performance.now() > deadline) {
      throw new Error(
        `${server.spec.label} did not answer /healthz with 200 within ${settings.startupTimeoutMs} ms`,
      );
    }
    await sleep(settings.startupPollMs);
  }
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Every server must answer the benchmarked requests identically, or the comparison is void. */
async function verify(server: RunningServer): Promise<void> {
  for (const route of ROUTES) {
    const reply = await request(server.port, route.method, route.path, route.body);
    let parsed: unknown;
    try {
      parsed = JSON.parse(reply.body);
    } catch {
      parsed = reply.body;
    }
    if (reply.status !== 200 || !sameJson(parsed, route.expectedBody)) {
      throw new Error(
        `${server.spec.label}: ${route.label} answered ${reply.status} ${reply.body}, ` +
          `expected 200 ${JSON.stringify(route.expectedBody)}`,
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Load worker

class LoadWorker {
  readonly child: ChildProcess;
  private nextId = 1;
  private pending = new Map<number, { resolve: (s: LoadSummary) => void; reject: (e: Error) => void }>();
  private readyPromise: Promise<void>;

  constructor() {
    const [file, args] = pinned(LOAD_CORE, process.execPath, [
      "--import",
      "tsx",
      path.join(ROOT, "bench/load-worker.mts"),
    ]);
    // Detached like the servers so killGroup() reaches it; it also exits by itself when the IPC
    // channel to the driver closes.
    this.child = spawn(file, args, {
      cwd: ROOT,
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      detached: true,
    });
    if (this.child.pid !== undefined) {
      liveGroups.add(this.child.pid);
      recordPids();
    }
    let markReady: () => void = () => {};
    let failReady: (e: Error) => void = () => {};
    this.readyPromise = new Promise((resolve, reject) => {
      markReady = resolve;
      failReady = reject;
    });
    this.child.on("message", (message: WorkerMessage) => {
      if ("ready" in message) {
        markReady();
        return;
      }
      const waiter = this.pending.get(message.id);
      this.pending.delete(message.id);
      if ("error" in message) waiter?.reject(new Error(`load worker: ${message.error}`));
      else waiter?.resolve(message.summary);
    });
    this.child.on("exit", (code, signal) => {
      const error = new Error(`load worker exited with ${signal ?? `code ${code}`}`);
      failReady(error);
      for (const waiter of this.pending.values()) waiter.reject(error);
      this.pending.clear();
    });
  }

  ready(): Promise<void> {
    return this.readyPromise;
  }

  run(job: Omit<LoadJob, "id">): Promise<LoadSummary> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ ...job, id } satisfies LoadJob);
    });
  }

  stop(): void {
    if (this.child.pid !== undefined) killGroup(this.child.pid);
    recordPids();
  }
}

// ---------------------------------------------------------------------------------------------
// Statistics and formatting

const round = (value: number, digits: number): number =>
  Number.isFinite(value) ? Math.round(value * 10 ** digits) / 10 ** digits : Number.NaN;

const fmt = (value: number | null | undefined, digits = 0): string =>
  value === null || value === undefined || !Number.isFinite(value)
    ? "n/a"
    : value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ");
  return [line(headers), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

type RoundRecord = LoadSummary & {
  foreignCpu: number | null;
  /** Average cores the server (all its processes) used: ~1.0 means it was the bottleneck. */
  serverCores: number;
  /** Average cores the load generator used: ~1.0 means it, not the server, was the limit. */
  loaderCores: number;
  /**
   * 2xx responses per CPU-second of the server: its capacity on one dedicated core, and nearly
   * immune to other processes taking CPU time away (they lower req/s and CPU time alike).
   */
  okPerServerCpuSecond: number;
};

interface RouteResult {
  rounds: RoundRecord[];
  /** "clean" when the medians come from clean rounds only, "noisy" when there were too few. */
  basis: "clean" | "noisy";
  cleanRounds: number;
  /** Median share of both CPUs used by processes outside the benchmark during a round. */
  medianForeignCpu: number | null;
  medianOkPerSecond: number;
  minOkPerSecond: number;
  maxOkPerSecond: number;
  /** Over every round, clean or not: this figure is robust to other load. */
  medianOkPerServerCpuSecond: number;
  medianServerCores: number;
  medianLoaderCores: number;
  medianP50Ms: number;
  medianP99Ms: number;
  totalNon2xx: number;
  totalErrors: number;
  totalTimeouts: number;
}

const isClean = (foreignCpu: number | null) => foreignCpu === null || foreignCpu <= settings.quietThreshold;

function summarise(rounds: RoundRecord[]): RouteResult {
  const clean = rounds.filter((r) => isClean(r.foreignCpu));
  const basis = clean.length >= Math.min(settings.minCleanSamples, rounds.length) ? clean : rounds;
  const rps = basis.map((r) => r.okPerSecond);
  const pressure = rounds.flatMap((r) => (r.foreignCpu === null ? [] : [r.foreignCpu]));
  return {
    rounds,
    basis: basis === clean ? "clean" : "noisy",
    cleanRounds: clean.length,
    medianForeignCpu: pressure.length > 0 ? round(median(pressure), 3) : null,
    medianOkPerSecond: round(median(rps), 0),
    minOkPerSecond: round(Math.min(...rps), 0),
    maxOkPerSecond: round(Math.max(...rps), 0),
    medianOkPerServerCpuSecond: round(median(rounds.map((r) => r.okPerServerCpuSecond)), 0),
    medianServerCores: round(median(basis.map((r) => r.serverCores)), 2),
    medianLoaderCores: round(median(basis.map((r) => r.loaderCores)), 2),
    medianP50Ms: round(median(basis.map((r) => r.latencyMs.p50)), 3),
    medianP99Ms: round(median(basis.map((r) => r.latencyMs.p99)), 3),
    totalNon2xx: rounds.reduce((a, r) => a + r.non2xx, 0),
    totalErrors: rounds.reduce((a, r) => a + r.errors, 0),
    totalTimeouts: rounds.reduce((a, r) => a + r.timeouts, 0),
  };
}

// ---------------------------------------------------------------------------------------------
// Main

interface ServerOutcome {
  label: string;
  command: string;
  diagnostic: boolean;
  status: "measured" | "unavailable" | "failed";
  reason?: string;
  routes: Partial<Record<Route["key"], RouteResult>>;
  startup?: {
    runsMs: number[];
    runsForeignCpu: (number | null)[];
    basis: "clean" | "noisy";
    cleanRuns: number;
    medianMs: number;
    minMs: number;
    maxMs: number;
  };
}

const errors: string[] = [];
const outcomes = new Map<ServerSpec["key"], ServerOutcome>();

function flaskVersions(): string {
  if (flaskPython === "") return "";
  const probe = spawnSync(
    flaskPython,
    [
      "-c",
      "from importlib.metadata import version as v; import sys; print(sys.version.split()[0], v('flask'), v('gunicorn'))",
    ],
    { encoding: "utf8" },
  );
  const [python, flask, gunicorn] = probe.stdout.trim().split(" ");
  return probe.status === 0 ? `Python ${python}, Flask ${flask}, gunicorn ${gunicorn}` : "";
}

async function throughputPhase(specs: ServerSpec[]): Promise<void> {
  const running: RunningServer[] = [];
  try {
    for (const spec of specs) {
      const server = startServer(spec, await freePort());
      try {
        await waitHealthy(server, performance.now());
        await verify(server);
        running.push(server);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        errors.push(message);
        const outcome = outcomes.get(spec.key);
        if (outcome !== undefined) {
          outcome.status = "failed";
          outcome.reason = message;
        }
        await stopServer(server);
      }
    }
    if (running.length === 0) return;

    const worker = new LoadWorker();
    try {
      await worker.ready();
      const drive = (server: RunningServer, route: Route, seconds: number) =>
        worker.run({
          url: `http://127.0.0.1:${server.port}${route.path}`,
          method: route.method,
          ...(route.headers === undefined ? {} : { headers: route.headers }),
          ...(route.body === undefined ? {} : { body: route.body }),
          connections: settings.connections,
          durationSeconds: seconds,
        });

      if (settings.warmupSeconds > 0) {
        console.log(`\nwarm-up: ${settings.warmupSeconds} s per server and route (discarded)`);
        for (const server of running) {
          for (const route of ROUTES) await drive(server, route, settings.warmupSeconds);
        }
      }

      const collected = new Map<string, RoundRecord[]>();
      const measure = async (server: RunningServer, route: Route): Promise<RoundRecord> => {
        if (server.exited) throw new Error(`${server.spec.label} ${server.exitInfo} during the load test`);
        await waitForQuiet(settings.quietWaitSeconds);
        const serverBefore = groupCpuSeconds(server.child.pid);
        const loaderBefore = groupCpuSeconds(worker.child.pid);
        const [summary, foreignCpu] = await withForeignCpu(() => drive(server, route, settings.roundSeconds));
        const serverCpuSeconds = groupCpuSeconds(server.child.pid) - serverBefore;
        const loaderCpuSeconds = groupCpuSeconds(worker.child.pid) - loaderBefore;
        const record: RoundRecord = {
          ...summary,
          foreignCpu,
          serverCores: serverCpuSeconds / summary.durationSeconds,
          loaderCores: loaderCpuSeconds / summary.durationSeconds,
          okPerServerCpuSecond: summary.okRequests / serverCpuSeconds,
        };
        const key = `${server.spec.key} ${route.key}`;
        collected.set(key, [...(collected.get(key) ?? []), record]);
        return record;
      };
      const show = (server: RunningServer, route: Route, record: RoundRecord) =>
        `${server.spec.key} ${route.label} ${fmt(record.okPerSecond)}` +
        (isClean(record.foreignCpu) ? "" : ` (noisy: ${fmt((record.foreignCpu ?? 0) * 100)}% other CPU)`);

      for (let r = 0; r < settings.rounds; r++) {
        // Servers are interleaved and their order rotates each round, so slow drift of a shared
        // machine spreads over every server instead of biasing whichever ran last.
        const inRound = running.filter((s) => !s.spec.diagnostic || r < settings.diagnosticRounds);
        const order = inRound.map((_, i) => inRound[(i + r) % inRound.length] as RunningServer);
        const line: string[] = [];
        for (const server of order) {
          for (const route of ROUTES) line.push(show(server, route, await measure(server, route)));
        }
        console.log(`round ${r + 1}/${settings.rounds}: ${line.join(" | ")}`);
      }

      // Pairs with too few clean rounds get more, fewest-clean first, within a fixed time budget.
      const extraDeadline = performance.now() + settings.extraSeconds * 1000;
      for (;;) {
        const wanting = running
          .filter((s) => !s.spec.diagnostic)
          .flatMap((server) =>
            ROUTES.map((route) => {
              const rounds = collected.get(`${server.spec.key} ${route.key}`) ?? [];
              return {
                server,
                route,
                clean: rounds.filter((x) => isClean(x.foreignCpu)).length,
                n: rounds.length,
              };
            }),
          )
          .filter(
            (x) => x.clean < Math.min(settings.minCleanSamples, settings.rounds) && x.n < settings.rounds * 2,
          )
          .sort((a, b) => a.clean - b.clean);
        const next = wanting[0];
        if (next === undefined) break;
        if (performance.now() + (settings.roundSeconds + 1) * 1000 > extraDeadline) {
          console.log(`extra rounds: time budget (${settings.extraSeconds} s) used up`);
          break;
        }
        console.log(`extra round: ${show(next.server, next.route, await measure(next.server, next.route))}`);
      }
      for (const server of running) {
        const outcome = outcomes.get(server.spec.key);
        if (outcome === undefined) continue;
        outcome.status = "measured";
        for (const route of ROUTES) {
          const rounds = collected.get(`${server.spec.key} ${route.key}`) ?? [];
          if (rounds.length > 0) outcome.routes[route.key] = summarise(rounds);
        }
      }
    } finally {
      worker.stop();
    }
  } finally {
    for (const server of running) await stopServer(server);
  }
}

async function startupPhase(specs: ServerSpec[]): Promise<void> {
  const runs = new Map<ServerSpec["key"], { ms: number; foreignCpu: number | null }[]>();
  console.log(`\nstart-up: spawn -> first 200 from /healthz, polled every ${settings.startupPollMs} ms`);
  for (let i = 0; i < settings.startupRuns; i++) {
    for (const spec of specs) {
      if (outcomes.get(spec.key)?.status === "failed") continue;
      const port = await freePort();
      await waitForQuiet(Math.min(2, settings.quietWaitSeconds));
      let server: RunningServer | undefined;
      try {
        // A start-up lasts a few tens of ms, a few /proc/stat ticks: the 200 ms before it are part of
        // the window that judges whether the machine was quiet, or the verdict would be coin tosses.
        const [ms, foreignCpu] = await withForeignCpu(async () => {
          await sleep(200);
          const since = performance.now();
          server = startServer(spec, port);
          return waitHealthy(server, since);
        });
        runs.set(spec.key, [...(runs.get(spec.key) ?? []), { ms, foreignCpu }]);
      } catch (error) {
        errors.push(error instanceof Error ? error.message : String(error));
        const outcome = outcomes.get(spec.key);
        if (outcome !== undefined) outcome.status = "failed";
      } finally {
        if (server !== undefined) await stopServer(server);
      }
    }
  }
  for (const [key, samples] of runs) {
    const outcome = outcomes.get(key);
    if (outcome === undefined) continue;
    const clean = samples.filter((x) => isClean(x.foreignCpu));
    const basis = clean.length >= Math.ceil(samples.length / 2) ? clean : samples;
    const values = basis.map((x) => x.ms);
    outcome.startup = {
      runsMs: samples.map((x) => round(x.ms, 1)),
      runsForeignCpu: samples.map((x) => (x.foreignCpu === null ? null : round(x.foreignCpu, 3))),
      basis: basis === clean ? "clean" : "noisy",
      cleanRuns: clean.length,
      medianMs: round(median(values), 1),
      minMs: round(Math.min(...values), 1),
      maxMs: round(Math.max(...values), 1),
    };
  }
}

interface ImageSize {
  status: "measured" | "missing" | "unreadable";
  addedBytes?: number;
  addedMB?: number;
  note: string;
}

function imageSize(): ImageSize {
  const file = path.join(RESULTS, "image-size.json");
  if (!fs.existsSync(file)) {
    return { status: "missing", note: "results/image-size.json not found: run `npm run test:image` first" };
  }
  const data = readJson(file);
  const bytes = data?.addedBytes;
  const mb = data?.addedMB;
  if (typeof bytes === "number" && Number.isFinite(bytes) && bytes >= 0) {
    return {
      status: "measured",
      addedBytes: bytes,
      addedMB: round(bytes / 1e6, 1),
      note: "from results/image-size.json (written by npm run test:image)",
    };
  }
  if (typeof mb === "number" && Number.isFinite(mb) && mb >= 0) {
    return { status: "measured", addedMB: mb, note: "from results/image-size.json (addedMB only)" };
  }
  return { status: "unreadable", note: "results/image-size.json has no numeric addedBytes/addedMB" };
}

function ratio(a: number | undefined, b: number | undefined): number {
  return a !== undefined && b !== undefined && b > 0 ? a / b : Number.NaN;
}

async function main(): Promise<number> {
  fs.mkdirSync(RESULTS, { recursive: true });
  if (!fs.existsSync(appEntry)) errors.push(`${appEntry} does not exist: run npm run build first`);

  const versions = flaskVersions();
  for (const spec of SERVERS) {
    outcomes.set(spec.key, {
      label: spec.label,
      command: spec.describe("PORT"),
      diagnostic: spec.diagnostic,
      status: "unavailable",
      routes: {},
    });
  }
  const active = SERVERS.filter((spec) => {
    const outcome = outcomes.get(spec.key) as ServerOutcome;
    if (spec.key === "flask" && flaskUnavailable !== "") {
      outcome.reason = flaskUnavailable;
      return false;
    }
    if ((spec.key === "app" || spec.key === "app-log-warn") && !fs.existsSync(appEntry)) {
      outcome.reason = "app/dist/server.js not built";
      return false;
    }
    if (spec.diagnostic && settings.diagnosticRounds === 0) {
      outcome.reason = "BENCH_DIAGNOSTIC_ROUNDS=0";
      return false;
    }
    return true;
  });

  console.log("== fastify-deploy benchmark ==");
  console.log(
    `machine: ${machine.cpuModel}${machine.cpuMHz === null ? "" : ` @ ${machine.cpuMHz} MHz`}, ` +
      `${machine.logicalCpus} logical CPUs, ${machine.memoryGB} GB RAM, ${machine.distro}, ${machine.os}`,
  );
  machine.serverNode = serverNodeVersion;
  console.log(
    `node ${machine.node}` +
      (serverNodeVersion === machine.node ? "" : ` (Node servers run ${serverNodeVersion}: ${serverNode})`) +
      `, autocannon ${machine.autocannon}${versions ? `, ${versions}` : ""}`,
  );
  console.log(`load average at start: ${machine.loadAverageAtStart.join(" ")}`);
  console.log(
    pinning
      ? `pinning: servers on core ${SERVER_CORE} (taskset -c ${SERVER_CORE}), load generator on core ${LOAD_CORE}`
      : `pinning: NOT pinned (${cpus.length} CPU(s)${hasCommand("taskset") ? "" : ", no taskset"}); ` +
          "server and load generator share CPUs, figures are pessimistic",
  );
  console.log(
    `load: autocannon, ${settings.connections} connections, ${settings.warmupSeconds} s warm-up, ` +
      `${settings.rounds} x ${settings.roundSeconds} s rounds per server and route, median quoted` +
      (settings.diagnosticRounds > 0
        ? ` (diagnostic variant: ${Math.min(settings.diagnosticRounds, settings.rounds)} rounds)`
        : ""),
  );
  for (const spec of SERVERS) {
    const outcome = outcomes.get(spec.key) as ServerOutcome;
    console.log(
      `  ${spec.key.padEnd(13)} ${outcome.command}${outcome.reason ? `  [UNAVAILABLE: ${outcome.reason}]` : ""}`,
    );
  }

  const [, throughputForeign] = await withForeignCpu(() => throughputPhase(active));
  const [, startupForeign] = await withForeignCpu(() => startupPhase(active.filter((s) => !s.diagnostic)));
  const foreignCpu = { throughputPhase: throughputForeign, startupPhase: startupForeign };
  machine.loadAverageAtEnd = os.loadavg().map((v) => Math.round(v * 100) / 100);

  // ---- report
  const get = (key: ServerSpec["key"]) => outcomes.get(key) as ServerOutcome;
  const app = get("app");
  const node = get("node-http");
  const flask = get("flask");
  const warn = get("app-log-warn");

  console.log(
    "\n== throughput and latency (median of clean rounds; req/s counts 2xx only; " +
      `clean = other processes used <= ${settings.quietThreshold * 100}% of the CPUs) ==`,
  );
  const rows: string[][] = [];
  for (const spec of SERVERS) {
    const outcome = get(spec.key);
    for (const route of ROUTES) {
      const r = outcome.routes[route.key];
      rows.push(
        r === undefined
          ? [spec.key, route.label, "unavailable", "", "", "", "", "", ""]
          : [
              spec.key + (spec.diagnostic ? " (diagnostic)" : ""),
              route.label,
              fmt(r.medianOkPerSecond),
              `${fmt(r.minOkPerSecond)}-${fmt(r.maxOkPerSecond)}`,
              fmt(r.medianP50Ms, 2),
              fmt(r.medianP99Ms, 2),
              fmt(r.totalNon2xx + r.totalErrors + r.totalTimeouts),
              `${r.cleanRounds}/${r.rounds.length}${r.basis === "noisy" ? " NOISY" : ""}`,
              r.medianForeignCpu === null ? "n/a" : fmt(r.medianForeignCpu * 100, 1),
            ],
      );
    }
  }
  console.log(
    table(
      [
        "server",
        "route",
        "req/s",
        "range",
        "p50 ms",
        "p99 ms",
        "non-2xx+errors",
        "clean rounds",
        "other CPU %",
      ],
      rows,
    ),
  );

  console.log(
    "\n== CPU efficiency (2xx per server CPU-second, median of all rounds: ~ capacity of one dedicated " +
      "core, barely affected by other processes) and saturation (cores used, median of quoted rounds) ==",
  );
  console.log(
    table(
      ["server", "route", "req per CPU-s", "server cores", "load-generator cores"],
      SERVERS.flatMap((spec) =>
        ROUTES.map((route) => {
          const r = get(spec.key).routes[route.key];
          return r === undefined
            ? [spec.key, route.label, "unavailable", "", ""]
            : [
                spec.key + (spec.diagnostic ? " (diagnostic)" : ""),
                route.label,
                fmt(r.medianOkPerServerCpuSecond),
                fmt(r.medianServerCores, 2),
                fmt(r.medianLoaderCores, 2),
              ];
        }),
      ),
    ),
  );

  const ratios: Record<string, Record<string, number>> = {};
  for (const route of ROUTES) {
    const a = app.routes[route.key];
    ratios[route.key] = {
      appOverNode: round(ratio(a?.medianOkPerSecond, node.routes[route.key]?.medianOkPerSecond), 3),
      appOverFlask: round(ratio(a?.medianOkPerSecond, flask.routes[route.key]?.medianOkPerSecond), 2),
      appP99OverNodeP99: round(ratio(a?.medianP99Ms, node.routes[route.key]?.medianP99Ms), 2),
      appLogWarnOverApp: round(ratio(warn.routes[route.key]?.medianOkPerSecond, a?.medianOkPerSecond), 3),
      cpuAppOverNode: round(
        ratio(a?.medianOkPerServerCpuSecond, node.routes[route.key]?.medianOkPerServerCpuSecond),
        3,
      ),
      cpuAppOverFlask: round(
        ratio(a?.medianOkPerServerCpuSecond, flask.routes[route.key]?.medianOkPerServerCpuSecond),
        2,
      ),
      cpuAppLogWarnOverApp: round(
        ratio(warn.routes[route.key]?.medianOkPerServerCpuSecond, a?.medianOkPerServerCpuSecond),
        3,
      ),
    };
  }
  console.log("\n== ratios ==");
  console.log(
    table(
      ["route", "basis", "app/node", "app/Flask", "app p99 / node p99", "diag: warn/info"],
      ROUTES.flatMap((route) => {
        const r = ratios[route.key] as Record<string, number>;
        return [
          [
            route.label,
            "req/s",
            fmt(r.appOverNode, 3),
            fmt(r.appOverFlask, 2),
            fmt(r.appP99OverNodeP99, 2),
            fmt(r.appLogWarnOverApp, 3),
          ],
          [
            "",
            "req per CPU-s",
            fmt(r.cpuAppOverNode, 3),
            fmt(r.cpuAppOverFlask, 2),
            "",
            fmt(r.cpuAppLogWarnOverApp, 3),
          ],
        ];
      }),
    ),
  );

  console.log("\n== start-up (spawn -> first 200 from /healthz) ==");
  console.log(
    table(
      ["server", "median ms", "min ms", "max ms", "clean runs"],
      SERVERS.filter((s) => !s.diagnostic).map((spec) => {
        const s = get(spec.key).startup;
        return [
          spec.key,
          fmt(s?.medianMs, 1),
          fmt(s?.minMs, 1),
          fmt(s?.maxMs, 1),
          s === undefined ? "0" : `${s.cleanRuns}/${s.runsMs.length}${s.basis === "noisy" ? " NOISY" : ""}`,
        ];
      }),
    ),
  );

  const image = imageSize();
  console.log("\n== image ==");
  console.log(
    image.status === "measured"
      ? `image adds ${fmt(image.addedMB, 1)} MB${image.addedBytes === undefined ? "" : ` (${fmt(image.addedBytes)} bytes)`} over its base (${image.note})`
      : `image size: ${image.note}`,
  );

  type Verdict = { target: string; value: string; met: boolean | null; crossCheck?: string };
  const judge = (values: number[], ok: (v: number) => boolean) =>
    values.length > 0 && values.every(Number.isFinite) ? values.every(ok) : null;
  const verdict = (target: string, values: number[], ok: (v: number) => boolean, show: string): Verdict => ({
    target,
    value: show,
    met: judge(values, ok),
  });
  /** The same throughput target judged on req per server CPU-second, which other load barely moves. */
  const crossCheck = (v: Verdict, values: number[], ok: (x: number) => boolean, show: string): Verdict => {
    const met = judge(values, ok);
    return met === null
      ? v
      : { ...v, crossCheck: `per server CPU-second: ${show} -> ${met ? "met" : "missed"}` };
  };
  const perRoute = (k: string) => ROUTES.map((r) => (ratios[r.key] as Record<string, number>)[k] as number);
  const showPerRoute = (k: string, digits: number) =>
    ROUTES.map((r) => `${r.label} ${fmt((ratios[r.key] as Record<string, number>)[k], digits)}`).join(", ");
  const getRoot = (ratios["get-root"] as Record<string, number>).appOverNode as number;
  const cpuGetRoot = (ratios["get-root"] as Record<string, number>).cpuAppOverNode as number;
  const targets: Verdict[] = [
    crossCheck(
      verdict(
        `app / node req/s >= ${TARGETS.appOverNodeGetRoot} on GET /`,
        [getRoot],
        (v) => v >= TARGETS.appOverNodeGetRoot,
        fmt(getRoot, 3),
      ),
      [cpuGetRoot],
      (v) => v >= TARGETS.appOverNodeGetRoot,
      fmt(cpuGetRoot, 3),
    ),
    crossCheck(
      verdict(
        `app / Flask req/s >= ${TARGETS.appOverFlask} (each route)`,
        perRoute("appOverFlask"),
        (v) => v >= TARGETS.appOverFlask,
        flask.status === "measured"
          ? showPerRoute("appOverFlask", 2)
          : `Flask unavailable: ${flask.reason ?? ""}`,
      ),
      perRoute("cpuAppOverFlask"),
      (v) => v >= TARGETS.appOverFlask,
      showPerRoute("cpuAppOverFlask", 2),
    ),
    verdict(
      `app p99 <= ${TARGETS.appP99OverNodeP99} x node p99 (each route)`,
      perRoute("appP99OverNodeP99"),
      (v) => v <= TARGETS.appP99OverNodeP99,
      showPerRoute("appP99OverNodeP99", 2),
    ),
    verdict(
      `app start-up median <= ${TARGETS.appStartupMedianMs} ms`,
      [app.startup?.medianMs ?? Number.NaN],
      (v) => v <= TARGETS.appStartupMedianMs,
      `${fmt(app.startup?.medianMs, 1)} ms`,
    ),
  ];
  console.log("\n== targets ==");
  for (const t of targets) {
    const mark = t.met === null ? "N/A " : t.met ? "MET " : "MISS";
    console.log(`[${mark}] ${t.target}: ${t.value}${t.crossCheck ? `  (${t.crossCheck})` : ""}`);
  }

  const totalBad = [...outcomes.values()].flatMap((o) =>
    Object.values(o.routes).map((r) => ({ o, n: r.totalNon2xx + r.totalErrors + r.totalTimeouts })),
  );
  for (const { o, n } of totalBad) {
    if (n > 0)
      console.log(`note: ${o.label} had ${fmt(n)} non-2xx responses/errors/timeouts during the rounds`);
  }
  console.log(`load average at end: ${machine.loadAverageAtEnd.join(" ")}`);
  const pct = (v: number | null) => (v === null ? "n/a" : `${fmt(v * 100, 1)} %`);
  console.log(
    "CPU used by processes outside the benchmark (share of both CPUs): " +
      `load phase ${pct(foreignCpu.throughputPhase)}, start-up phase ${pct(foreignCpu.startupPhase)}`,
  );
  console.log(`waited ${fmt(quietWaitedMs / 1000, 1)} s in all for other processes to leave the CPUs`);
  const noisy = [...outcomes.values()].some(
    (o) => Object.values(o.routes).some((r) => r.basis === "noisy") || o.startup?.basis === "noisy",
  );
  if (noisy) {
    console.log(
      "WARNING: some figures (marked NOISY) had too few clean samples and use every sample; other " +
        "processes competed for the CPUs, so they are depressed and less reliable. Rerun on a quieter machine.",
    );
  }

  const report = {
    generatedAt: new Date().toISOString(),
    machine: {
      ...machine,
      flaskStack: versions === "" ? null : versions,
      foreignCpu,
      quietWaitedMs: round(quietWaitedMs, 0),
    },
    settings: {
      ...settings,
      pinning,
      serverCore: pinning ? SERVER_CORE : null,
      loadCore: pinning ? LOAD_CORE : null,
    },
    targets: TARGETS,
    servers: Object.fromEntries(outcomes),
    ratios,
    verdicts: targets,
    image,
    errors,
  };
  fs.writeFileSync(path.join(RESULTS, "bench.json"), `${JSON.stringify(report, null, 2)}\n`);
  console.log("\nwrote results/bench.json");

  if (errors.length > 0) {
    console.error(`\nbench: ${errors.length} error(s):`);
    for (const e of errors) console.error(`- ${e}`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => {
    killAll();
    process.exit(code);
  },
  (error: unknown) => {
    console.error("bench: crashed:", error);
    killAll();
    process.exit(1);
  },
);
