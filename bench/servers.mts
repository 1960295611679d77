// The servers the benchmark starts (the app as it ships and two baselines), each pinned to the
// server core, listening on a free loopback port; how they are started, checked and stopped.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { killGroup, trackGroup } from "./children.mts";
import { pinned, SERVER_CORE } from "./machine.mts";
import { LOGS, ROOT, ROUTES, settings } from "./settings.mts";

export interface ServerSpec {
  key: "app" | "node-http" | "flask" | "app-log-warn";
  label: string;
  /** Shown in the report so every figure names exactly what ran. */
  describe: (port: string) => string;
  argv: (port: number) => [string, ...string[]];
  env: Record<string, string>;
  diagnostic: boolean;
}

export interface RunningServer {
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

// The image runs a newer Node than the host may have; BENCH_SERVER_NODE runs the Node servers with
// another binary (e.g. the image's) while autocannon and the driver keep this one.
export const serverNode = process.env.BENCH_SERVER_NODE ? process.env.BENCH_SERVER_NODE : process.execPath;
export const serverNodeVersion =
  serverNode === process.execPath
    ? process.version
    : (spawnSync(serverNode, ["--version"], { encoding: "utf8" }).stdout?.trim() ?? "unknown");
export const appEntry = path.join(ROOT, "app/dist/server.js");
const nodeHttpEntry = path.join(ROOT, "bench/baselines/node-http.mjs");
export const flaskPython = process.env.FLASK_PYTHON ?? "";
export const flaskUnavailable =
  process.env.FLASK_UNAVAILABLE ?? (flaskPython === "" ? "FLASK_PYTHON not set (run bench/run.sh)" : "");
const GUNICORN_ARGS = ["-k", "gthread", "--workers", "2", "--threads", "4"];

/** The app as the image runs it, at a log level; anything but `info` is a diagnostic variant. */
function appServer(key: "app" | "app-log-warn", label: string, logLevel: string): ServerSpec {
  return {
    key,
    label,
    describe: () => `node app/dist/server.js  NODE_ENV=production LOG_LEVEL=${logLevel}, stdout > /dev/null`,
    argv: () => [serverNode, appEntry],
    env: { NODE_ENV: "production", LOG_LEVEL: logLevel, HOST: "127.0.0.1" },
    diagnostic: logLevel !== "info",
  };
}

export const SERVERS: ServerSpec[] = [
  appServer("app", "app (Fastify, production settings)", "info"),
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
  appServer("app-log-warn", "DIAGNOSTIC app with LOG_LEVEL=warn (not a production setting)", "warn"),
];

export async function freePort(): Promise<number> {
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

export function startServer(spec: ServerSpec, port: number): RunningServer {
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
  trackGroup(child.pid);
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

export async function stopServer(server: RunningServer): Promise<void> {
  const pid = server.child.pid;
  if (pid === undefined) return;
  const exited = server.exited ? Promise.resolve() : new Promise((r) => server.child.once("exit", r));
  killGroup(pid);
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
export async function waitHealthy(server: RunningServer, since: number): Promise<number> {
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
export async function verify(server: RunningServer): Promise<void> {
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

/** The Flask baseline's Python, Flask and gunicorn versions, for the report. */
export function flaskVersions(): string {
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
