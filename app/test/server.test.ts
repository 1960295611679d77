import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { connect, type Socket } from "node:net";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { exitReserveMs } from "../src/close-connections.js";
import { startKeepAliveLoad, summary } from "./keep-alive-load.js";
import { serverEntry, startServer, waitForLog } from "./server-process.js";

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

/** One HTTP/1.1 exchange on a raw kept-alive socket: what a pooled client does, byte for byte. */
async function exchange(
  socket: Socket,
  path: string,
): Promise<{ status: number; headers: string; body: string }> {
  let received = "";
  const done = new Promise<{ status: number; headers: string; body: string }>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      received += chunk.toString("latin1");
      const end = received.indexOf("\r\n\r\n");
      if (end < 0) return;
      const headers = received.slice(0, end).toLowerCase();
      const length = Number(/content-length: (\d+)/.exec(headers)?.[1] ?? "0");
      if (received.length < end + 4 + length) return;
      socket.off("data", onData);
      socket.off("close", onClose);
      resolve({
        status: Number(received.slice(9, 12)),
        headers,
        body: received.slice(end + 4, end + 4 + length),
      });
    };
    const onClose = () =>
      reject(new Error(`connection closed before a full response to ${path}: ${received}`));
    socket.on("data", onData);
    socket.once("close", onClose);
  });
  socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
  return done;
}

async function openSocket(port: number): Promise<Socket> {
  const socket = connect(port, "127.0.0.1");
  await once(socket, "connect");
  return socket;
}

describe("graceful shutdown", () => {
  it("a: 16 pinned keep-alive clients (undici Pool + fetch), GET and POST back to back across SIGTERM: 0 failed", async (t) => {
    const drainMs = 1500;
    const timeoutMs = 5000;
    const server = await startServer({
      SHUTDOWN_DRAIN_DELAY_MS: String(drainMs),
      SHUTDOWN_TIMEOUT_MS: String(timeoutMs),
    });
    let exited = false;
    void server.exit.then(() => {
      exited = true;
    });
    // Each client keeps going until its connection ends and the next connect is refused (the listener
    // is gone): what a client pinned to a terminating pod by kube-proxy sees.
    const deadline = Date.now() + drainMs + timeoutMs + 60_000;
    const load = startKeepAliveLoad({
      base: server.base,
      clients: 16,
      running: () => !exited && Date.now() < deadline,
      refusedEndsClient: true,
      cleanUnavailableIsOk: true,
    });
    const okAtSignal = await load.okAtLeast(500);
    const signalledAt = Date.now();
    server.child.kill("SIGTERM");

    // Readiness flips at once: that is how load balancers learn to stop sending.
    let notReadyAfterMs = -1;
    for (let attempt = 0; attempt < 50 && notReadyAfterMs < 0; attempt++) {
      const res = await fetch(`${server.base}/readyz`);
      await res.arrayBuffer();
      if (res.status === 503) notReadyAfterMs = Date.now() - signalledAt;
      else await sleep(20);
    }

    const result = await load.done;
    const { code, signal, at } = await server.exit;
    const exitedAfterMs = at - signalledAt;
    t.diagnostic(summary(result));
    t.diagnostic(`exited ${exitedAfterMs} ms after SIGTERM (drain ${drainMs} + timeout ${timeoutMs} ms)`);

    assert.deepEqual(result.failures, [], "no failed request");
    assert.equal(result.failed, 0);
    assert.ok(okAtSignal >= 500, `load ran before SIGTERM (${okAtSignal} ok)`);
    assert.ok(result.ok > okAtSignal, `served across SIGTERM (${result.ok - okAtSignal} ok after it)`);
    assert.ok(result.connectionClose > 0, "answers after the drain carried Connection: close");
    assert.ok(
      notReadyAfterMs >= 0 && notReadyAfterMs < 1000,
      `/readyz 503 ${notReadyAfterMs} ms after SIGTERM`,
    );
    assert.equal(signal, null);
    assert.equal(code, 0, server.output());
    assert.ok(exitedAfterMs >= drainMs, `kept serving through the drain (exited after ${exitedAfterMs} ms)`);
    assert.ok(exitedAfterMs < drainMs + timeoutMs, `exited within drain + timeout (${exitedAfterMs} ms)`);
  });

  it("keeps serving through the drain, ends each connection after its next response, destroys the idle rest at the timeout, exits 0", async (t) => {
    const drainMs = 1000;
    const timeoutMs = 2000;
    const server = await startServer({
      SHUTDOWN_DRAIN_DELAY_MS: String(drainMs),
      SHUTDOWN_TIMEOUT_MS: String(timeoutMs),
      LOG_LEVEL: "info",
    });
    // Two kept-alive connections, as a pool holds them: one will send again, one never will.
    const busy = await openSocket(server.port);
    const idle = await openSocket(server.port);
    for (const socket of [busy, idle]) {
      const first = await exchange(socket, "/");
      assert.equal(first.status, 200);
      assert.doesNotMatch(first.headers, /connection: close/);
    }
    const idleClosed = once(idle, "close").then(() => Date.now());
    const signalledAt = Date.now();
    server.child.kill("SIGTERM");

    await waitForLog(server, "shutdown started, draining");
    const duringDrain = await exchange(busy, "/");
    assert.equal(duringDrain.status, 200, "served during the drain");
    assert.doesNotMatch(duringDrain.headers, /connection: close/, "kept alive during the drain");

    await waitForLog(server, "drain over, closing the listener");
    await sleep(100);
    // The race that resets connections with http.Server#close: the connection was idle when the
    // listener closed and its client sends the next request now. It must get a full answer that
    // tells it to close, and then the server's FIN, not a reset.
    const busyClosed = once(busy, "close");
    const afterClose = await exchange(busy, "/v1/random");
    assert.equal(afterClose.status, 200);
    assert.match(afterClose.headers, /connection: close/);
    assert.match(afterClose.body, /^\{"value":\d+\}$/);
    await busyClosed;

    // New connections are refused once the listener is closed.
    const refused = connect(server.port, "127.0.0.1");
    const [error] = (await once(refused, "error")) as [NodeJS.ErrnoException];
    assert.equal(error.code, "ECONNREFUSED");

    const { code, signal, at } = await server.exit;
    const idleClosedAfterMs = (await idleClosed) - signalledAt;
    const exitedAfterMs = at - signalledAt;
    t.diagnostic(
      `idle connection closed ${idleClosedAfterMs} ms, process exited ${exitedAfterMs} ms after SIGTERM`,
    );
    assert.equal(signal, null);
    assert.equal(code, 0, server.output());
    // Left open until the timeout, less the moment kept for closing Fastify and exiting.
    const destroyAtMs = drainMs + timeoutMs - exitReserveMs(timeoutMs);
    assert.ok(idleClosedAfterMs >= destroyAtMs - 50, `idle connection left open until ${destroyAtMs} ms`);
    assert.ok(exitedAfterMs < drainMs + timeoutMs, `exited within drain + timeout (${exitedAfterMs} ms)`);

    const order = server
      .logs()
      .filter((line) => line.msg !== "request completed")
      .map((line) => line.msg);
    assert.deepEqual(
      order,
      [
        `Server listening at http://127.0.0.1:${server.port}`,
        "shutdown started, draining",
        "drain over, closing the listener",
        "connections ended",
        "server closed",
      ],
      server.output(),
    );
    const ended = server.logs().find((line) => line.msg === "connections ended");
    assert.equal(ended?.openAtClose, 2, "both connections were open when the listener closed");
    assert.equal(ended?.destroyed, 1, "only the never-reused idle connection was destroyed");
    const served = server.logs().filter((line) => line.msg === "request completed");
    assert.deepEqual(
      served.map((line) => line.url),
      ["/", "/", "/", "/v1/random"],
      "every request on the kept-alive connections was answered",
    );
  });

  it("exits 0 within drain + timeout when every connection ends by itself", async () => {
    const drainMs = 500;
    const timeoutMs = 5000;
    const server = await startServer({
      SHUTDOWN_DRAIN_DELAY_MS: String(drainMs),
      SHUTDOWN_TIMEOUT_MS: String(timeoutMs),
    });
    const signalledAt = Date.now();
    server.child.kill("SIGINT");
    const { code, at } = await server.exit;
    assert.equal(code, 0, server.output());
    assert.ok(at - signalledAt >= drainMs, `drained first (${at - signalledAt} ms)`);
    assert.ok(
      at - signalledAt < drainMs + timeoutMs,
      `did not wait for the timeout (${at - signalledAt} ms)`,
    );
  });
});
