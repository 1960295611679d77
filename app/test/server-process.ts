// The real server.ts as its own process (node itself is the process, as in the image), for the tests
// that need a listening server: shutdown under load here, the proxy suite behind nginx.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";

export const serverEntry = fileURLToPath(new URL("../src/server.ts", import.meta.url));

/** An ephemeral loopback port: tests run beside other tests on the same machine. */
export async function freePort(): Promise<number> {
  const probe = createServer().listen(0, "127.0.0.1");
  await once(probe, "listening");
  const { port } = probe.address() as { port: number };
  probe.close();
  await once(probe, "close");
  return port;
}

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  base: string;
  output: () => string;
  /** Parsed JSON log lines so far. */
  logs: () => Array<{ msg?: string; time?: number; [key: string]: unknown }>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

/** Starts server.ts on 127.0.0.1 and an ephemeral port, and waits for /healthz (bounded). */
export async function startServer(
  env: Record<string, string>,
  port?: number,
  /** Extra node flags before the entry (e.g. an `--import` that records what the server loads). */
  nodeArgs: string[] = [],
): Promise<ServerProcess> {
  const listenPort = port ?? (await freePort());
  const child = spawn(process.execPath, [...nodeArgs, "--import", "tsx", serverEntry], {
    env: { PATH: process.env.PATH, HOST: "127.0.0.1", PORT: String(listenPort), LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  // "close", not "exit": the output pipes are drained by then, so the last log lines are in `output`.
  const exit = once(child, "close").then(([code, signal]) => ({ code, signal, at: Date.now() }));
  const base = `http://127.0.0.1:${listenPort}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const res = await fetch(`${base}/healthz`, { headers: { connection: "close" } });
      await res.arrayBuffer();
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`server did not start:\n${output}`);
    }
    await sleep(50);
  }
  const logs = () =>
    output
      .split("\n")
      .slice(0, -1) // the last piece may be a line still being written
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line));
  return { child, port: listenPort, base, output: () => output, logs, exit };
}

/** Waits (bounded) until a log line with `msg` appears. */
export async function waitForLog(server: ServerProcess, msg: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!server.logs().some((line) => line.msg === msg)) {
    if (Date.now() > deadline)
      throw new Error(`no "${msg}" log line within ${timeoutMs} ms:\n${server.output()}`);
    await sleep(10);
  }
}
