import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";

const serverEntry = fileURLToPath(new URL("../src/server.ts", import.meta.url));

async function freePort(): Promise<number> {
  const probe = createServer().listen(0, "127.0.0.1");
  await once(probe, "listening");
  const { port } = probe.address() as { port: number };
  probe.close();
  await once(probe, "close");
  return port;
}

interface Started {
  child: ChildProcess;
  base: string;
  output: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

/** Starts the real server.ts (node itself is the process, as in the image) and waits for /healthz. */
async function startServer(env: Record<string, string>): Promise<Started> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", serverEntry], {
    env: { PATH: process.env.PATH, HOST: "127.0.0.1", PORT: String(port), LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  const exit = once(child, "exit").then(([code, signal]) => ({ code, signal, at: Date.now() }));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`server did not start:\n${output}`);
    }
    await sleep(50);
  }
  return { child, base, output: () => output, exit };
}

describe("server start-up", () => {
  it("refuses bad env with a clear error naming each variable, exit 78", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", serverEntry], {
      env: { PATH: process.env.PATH, PORT: "http", SHUTDOWN_TIMEOUT_MS: "soon" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    const [code] = await once(child, "exit");
    assert.equal(code, 78);
    const line = JSON.parse(stderr.trim());
    assert.equal(line.level, 60);
    assert.equal(
      line.msg,
      'Invalid environment:\n  PORT="http" is invalid: expected an integer 1..65535\n' +
        '  SHUTDOWN_TIMEOUT_MS="soon" is invalid: expected milliseconds 100..300000 allowed for in-flight requests to finish after the drain',
    );
  });
});

describe("graceful shutdown under load", () => {
  it("drains with /readyz at 503, fails no request, and exits 0 within the timeout", async () => {
    const drainMs = 2000;
    const timeoutMs = 3000;
    const server = await startServer({
      SHUTDOWN_DRAIN_DELAY_MS: String(drainMs),
      SHUTDOWN_TIMEOUT_MS: String(timeoutMs),
    });
    const results = { ok: 0, failed: [] as string[] };
    let loadRunning = true;

    // 16 concurrent clients on keep-alive connections, as a load balancer's would be.
    const worker = async (id: number) => {
      for (let i = 0; loadRunning && i < 100_000; i++) {
        try {
          const res =
            (id + i) % 2 === 0
              ? await fetch(`${server.base}/`)
              : await fetch(`${server.base}/v1/shout`, {
                  method: "POST",
                  headers: { "content-type": "application/json" },
                  body: JSON.stringify({ data: `request ${i}` }),
                });
          await res.arrayBuffer();
          if (res.status === 200) results.ok++;
          else results.failed.push(`HTTP ${res.status}`);
        } catch (error) {
          results.failed.push(String((error as Error).cause ?? error));
        }
      }
    };
    const load = Promise.all(Array.from({ length: 16 }, (_, id) => worker(id)));
    await sleep(500);
    const okBeforeSignal = results.ok;

    const signalledAt = Date.now();
    server.child.kill("SIGTERM");

    // Readiness must flip at once: that is how the load balancer learns to stop sending.
    let notReadyAfterMs = -1;
    for (let attempt = 0; attempt < 50; attempt++) {
      const res = await fetch(`${server.base}/readyz`);
      await res.arrayBuffer();
      if (res.status === 503) {
        notReadyAfterMs = Date.now() - signalledAt;
        break;
      }
      await sleep(20);
    }
    const okAtNotReady = results.ok;

    // The load balancer needs a moment to act on readiness: traffic keeps flowing meanwhile.
    await sleep(drainMs / 2);
    const stillServingDuringDrain = results.ok - okAtNotReady;
    const readyzMidDrain = await fetch(`${server.base}/readyz`);
    await readyzMidDrain.arrayBuffer();
    loadRunning = false;
    await load;

    const { code, signal, at } = await server.exit;
    assert.ok(okBeforeSignal > 50, `load ran before SIGTERM (${okBeforeSignal} requests)`);
    assert.ok(
      notReadyAfterMs >= 0 && notReadyAfterMs < 500,
      `/readyz 503 ${notReadyAfterMs} ms after SIGTERM`,
    );
    assert.equal(readyzMidDrain.status, 503);
    assert.ok(stillServingDuringDrain > 50, `served ${stillServingDuringDrain} requests during the drain`);
    assert.deepEqual(results.failed, [], "no request failed");
    assert.equal(signal, null);
    assert.equal(code, 0, server.output());
    const exitedAfterMs = at - signalledAt;
    assert.ok(
      exitedAfterMs >= drainMs,
      `kept serving for the drain delay (exited after ${exitedAfterMs} ms)`,
    );
    assert.ok(exitedAfterMs < drainMs + timeoutMs, `exited within drain + timeout (${exitedAfterMs} ms)`);
  });

  it("exits 0 on SIGINT too", async () => {
    const server = await startServer({ SHUTDOWN_DRAIN_DELAY_MS: "0", SHUTDOWN_TIMEOUT_MS: "2000" });
    server.child.kill("SIGINT");
    const { code } = await server.exit;
    assert.equal(code, 0, server.output());
  });
});
