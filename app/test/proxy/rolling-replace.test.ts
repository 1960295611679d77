// Test b: two app instances behind Debian's nginx with upstream keep-alive, each replaced in turn while
// clients send GET and POST through nginx. The new instance starts, then the old one gets SIGTERM while
// nginx still routes to it (nginx has no readiness probe, like a load balancer that learns late).
// Run by app/test/proxy/run.sh (`npm run test:proxy`); loopback only, bounded in time.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { runKeepAliveLoad, summary } from "../keep-alive-load.js";
import { freePort, type ServerProcess, startServer } from "../server-process.js";

const NGINX = process.env.NGINX ?? "nginx";
const DRAIN_MS = 1000;
const TIMEOUT_MS = 5000;
const MIN_REQUESTS = 20_000;
// nginx retries a server it marked failed after this long: the time it takes to notice a new instance.
const FAIL_TIMEOUT_S = 1;

/** nginx as an ingress controller would run it: upstream keep-alive, retries on connection errors. */
function nginxConfig(prefix: string, listenPort: number, slots: number[]): string {
  const temp = (name: string) => path.join(prefix, "temp", name);
  return `daemon off;
master_process on;
worker_processes 1;
pid ${path.join(prefix, "nginx.pid")};
error_log ${path.join(prefix, "error.log")} warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${temp("body")};
  proxy_temp_path ${temp("proxy")};
  fastcgi_temp_path ${temp("fastcgi")};
  uwsgi_temp_path ${temp("uwsgi")};
  scgi_temp_path ${temp("scgi")};
  upstream app {
${slots.map((port) => `    server 127.0.0.1:${port} max_fails=1 fail_timeout=${FAIL_TIMEOUT_S}s;`).join("\n")}
    keepalive 32;
    keepalive_requests 100000;
  }
  server {
    listen 127.0.0.1:${listenPort};
    keepalive_requests 100000;
    keepalive_timeout 60s;
    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      # nginx's default: a connection error (refused) goes to the next server; a request already
      # sent is not retried for POST (non_idempotent is not set), so a reset POST reaches the client.
      proxy_next_upstream error timeout;
      proxy_connect_timeout 2s;
      proxy_read_timeout 10s;
    }
  }
}
`;
}

/** Stops one process this test started: SIGTERM (or the given signal), a bounded wait, then SIGKILL. */
async function stop(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM", waitMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill(signal);
  const outcome = await Promise.race([exited, sleep(waitMs, "timeout")]);
  if (outcome === "timeout") {
    child.kill("SIGKILL");
    await exited;
  }
}

describe("behind nginx with upstream keep-alive", () => {
  const started: ChildProcess[] = [];
  let prefix = "";
  after(async () => {
    for (const child of started.reverse()) await stop(child);
    if (prefix) await rm(prefix, { recursive: true, force: true });
  });

  it(`b: each of two instances replaced in turn under GET and POST load: 0 client-visible failures over ≥ ${MIN_REQUESTS} requests`, async (t) => {
    prefix = await mkdtemp(path.join(tmpdir(), "fastify-deploy-proxy-"));
    await mkdir(path.join(prefix, "temp"));
    // nginx's workers drop root (user nobody): they must be able to use their temp directories.
    await chmod(prefix, 0o755);
    await chmod(path.join(prefix, "temp"), 0o777);
    // Three upstream slots: two instances and a free one for the replacement to start on.
    const slots = [await freePort(), await freePort(), await freePort()] as [number, number, number];
    const nginxPort = await freePort();
    const config = path.join(prefix, "nginx.conf");
    await writeFile(config, nginxConfig(prefix, nginxPort, slots));

    const env = {
      SHUTDOWN_DRAIN_DELAY_MS: String(DRAIN_MS),
      SHUTDOWN_TIMEOUT_MS: String(TIMEOUT_MS),
      // Access lines tell which instance served what, and when.
      LOG_LEVEL: "info",
    };
    const track = (server: ServerProcess) => {
      started.push(server.child);
      return server;
    };
    const first = track(await startServer(env, slots[0]));
    const second = track(await startServer(env, slots[1]));

    const nginx = spawn(NGINX, ["-p", prefix, "-e", path.join(prefix, "error.log"), "-c", config], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    started.push(nginx);
    let nginxOutput = "";
    nginx.stderr?.on("data", (chunk) => {
      nginxOutput += chunk;
    });
    const base = `http://127.0.0.1:${nginxPort}`;
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await fetch(`${base}/healthz`, { headers: { connection: "close" } });
        await res.arrayBuffer();
        if (res.ok) break;
      } catch {
        // not listening yet
      }
      assert.ok(attempt < 200 && nginx.exitCode === null, `nginx did not start: ${nginxOutput}`);
      await sleep(50);
    }

    let replacing = true;
    const deadline = Date.now() + 180_000;
    const load = runKeepAliveLoad({
      base,
      clients: 16,
      running: (soFar) => (replacing || soFar.requests < MIN_REQUESTS) && Date.now() < deadline,
      refusedEndsClient: false,
      cleanUnavailableIsOk: false,
    });

    // Replace `old` (on its slot) by a new instance on `freeSlot`; returns the new one.
    const replace = async (old: ServerProcess, freeSlot: number) => {
      const next = track(await startServer(env, freeSlot));
      // Give nginx time to retry the slot it had marked failed, so the new instance takes traffic.
      await sleep(FAIL_TIMEOUT_S * 1000 + 1500);
      const signalledAt = Date.now();
      old.child.kill("SIGTERM");
      const exit = await old.exit;
      return { next, signalledAt, exit };
    };
    await sleep(1500);
    const r1 = await replace(first, slots[2]);
    const r2 = await replace(second, slots[0]);
    replacing = false;
    const result = await load;
    t.diagnostic(summary(result));

    for (const [name, r, old] of [
      ["first", r1, first],
      ["second", r2, second],
    ] as const) {
      const servedAfterSignal = old
        .logs()
        .filter((line) => line.msg === "request completed" && (line.time ?? 0) >= r.signalledAt).length;
      const servedByNew = r.next.logs().filter((line) => line.msg === "request completed").length;
      t.diagnostic(
        `${name} instance: exit ${r.exit.code} ${r.exit.at - r.signalledAt} ms after SIGTERM, ` +
          `${servedAfterSignal} requests served after SIGTERM; its replacement served ${servedByNew}`,
      );
      assert.equal(r.exit.code, 0, old.output());
      assert.ok(r.exit.at - r.signalledAt < DRAIN_MS + TIMEOUT_MS + 1000, "exited within drain + timeout");
      assert.ok(servedAfterSignal > 0, `nginx still routed to the ${name} instance after SIGTERM`);
      assert.ok(servedByNew > 0, `the ${name} instance's replacement took traffic`);
    }
    assert.deepEqual(result.failures, [], "no client-visible failure");
    assert.equal(result.failed, 0);
    assert.ok(result.requests >= MIN_REQUESTS, `${result.requests} requests ≥ ${MIN_REQUESTS}`);
  });
});
