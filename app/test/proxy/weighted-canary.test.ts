// Test d (issue 29, the data plane of a canary): two app versions behind Debian's nginx with weighted
// upstreams, stepped 0 → canary → 100 % by rewriting the config and reloading nginx (SIGHUP) between
// steps, as a weighted router (the ALB's weighted target groups, a Gateway's HTTPRoute weights) moves
// traffic; then the old version is drained with SIGTERM. Keep-alive clients read `GET /version` through
// nginx and count every failure and which version answered. nginx's `random` balancing with weights
// (ngx_http_upstream_random_module) draws each request independently, so the new version's count at a
// step is binomial(n, weight): it must lie within 4.5 standard deviations of n·weight (a false alarm
// about once in 150,000 runs), and exactly 0 or n at 0 % and 100 %.
//
// Each client request opens its own connection to nginx (undici `reset: true`), while nginx keeps its
// upstream connections to the app alive. An nginx reload closes the old workers' idle client connections,
// and a client that reuses one at that moment sees "other side closed" (measured: 3 of 39,548 requests
// with keep-alive clients). That is nginx's reload, the stand-in for the router, not what is under test: an
// ALB or Gateway weight change leaves client connections alone. The app side (upstream keep-alive, the
// old version's drain) is the same as in a real rollout.
// Run by app/test/proxy/run.sh (`npm run test:proxy`); loopback only, bounded in count and time.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { Pool } from "undici";
import { freePort, type ServerProcess, startServer } from "../server-process.js";

const NGINX = process.env.NGINX ?? "nginx";
const DRAIN_MS = 1000;
const TIMEOUT_MS = 5000;
/** The canary step: the decision scenarios' canaryPercent (platforms/workload/rollout-decisions.test.ts). */
const CANARY_PERCENT = 10;
const STEPS = [0, CANARY_PERCENT, 100];
/** Requests counted per step (those sent and answered inside the step, after the reload settled). */
const PER_STEP = 3000;
/** After a reload, old workers finish their connections: requests in this window count for failures only. */
const SETTLE_MS = 1500;
const STEP_DEADLINE_MS = 60_000;
const CLIENTS = 8;
const SIGMAS = 4.5;

/** The upstream for a weight: `down` takes a server out (nginx weights start at 1). */
function upstream(oldPort: number, newPort: number, percent: number): string {
  const server = (port: number, weight: number) =>
    `    server 127.0.0.1:${port}${weight === 0 ? " down" : ` weight=${weight}`};`;
  return [server(oldPort, 100 - percent), server(newPort, percent)].join("\n");
}

function nginxConfig(prefix: string, listenPort: number, servers: string): string {
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
    random;
${servers}
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
      proxy_next_upstream error timeout;
      proxy_connect_timeout 2s;
      proxy_read_timeout 10s;
    }
  }
}
`;
}

async function stop(child: ChildProcess, waitMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  if ((await Promise.race([exited, sleep(waitMs, "timeout")])) === "timeout") {
    child.kill("SIGKILL");
    await exited;
  }
}

interface Tally {
  /** Answers per version in the counted window of each step. */
  steps: { old: number; new: number }[];
  requests: number;
  failures: string[];
}

describe("a weighted canary behind nginx (0 → canary → 100 %, then the old version drained)", () => {
  const started: ChildProcess[] = [];
  let prefix = "";
  after(async () => {
    for (const child of started.reverse()) await stop(child);
    if (prefix) await rm(prefix, { recursive: true, force: true });
  });

  it(`d: 0 failed requests; the new version's share within ${SIGMAS} σ of the weight at each step`, async (t) => {
    prefix = await mkdtemp(path.join(tmpdir(), "fastify-deploy-canary-"));
    await mkdir(path.join(prefix, "temp"));
    await chmod(prefix, 0o755);
    await chmod(path.join(prefix, "temp"), 0o777);
    const env = { SHUTDOWN_DRAIN_DELAY_MS: String(DRAIN_MS), SHUTDOWN_TIMEOUT_MS: String(TIMEOUT_MS) };
    const oldVersion: ServerProcess = await startServer({ ...env, APP_COMMIT: "old" });
    started.push(oldVersion.child);
    const newVersion: ServerProcess = await startServer({ ...env, APP_COMMIT: "new" });
    started.push(newVersion.child);

    const nginxPort = await freePort();
    const config = path.join(prefix, "nginx.conf");
    const configure = (percent: number) =>
      writeFile(config, nginxConfig(prefix, nginxPort, upstream(oldVersion.port, newVersion.port, percent)));
    await configure(0);
    const nginx = spawn(NGINX, ["-p", prefix, "-e", path.join(prefix, "error.log"), "-c", config], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    started.push(nginx);
    const base = `http://127.0.0.1:${nginxPort}`;
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await fetch(`${base}/healthz`, { headers: { connection: "close" } });
        await res.arrayBuffer();
        if (res.ok) break;
      } catch {
        // not listening yet
      }
      assert.ok(attempt < 200 && nginx.exitCode === null, "nginx did not start");
      await sleep(50);
    }

    // The step a request counts for: set when a step's window opens, -1 while a reload settles.
    let counting = -1;
    let running = true;
    const tally: Tally = { steps: STEPS.map(() => ({ old: 0, new: 0 })), requests: 0, failures: [] };
    const pool = new Pool(base, {
      connections: CLIENTS,
      pipelining: 1,
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
    });
    const client = async () => {
      while (running) {
        const step = counting;
        tally.requests++;
        try {
          const res = await pool.request({ path: "/version", method: "GET", reset: true });
          const body = await res.body.text();
          const commit = res.statusCode === 200 ? (JSON.parse(body) as { commit: string }).commit : "";
          if (commit !== "old" && commit !== "new") {
            tally.failures.push(`HTTP ${res.statusCode} ${body}`);
          } else if (step >= 0 && step === counting) {
            (tally.steps[step] as { old: number; new: number })[commit]++;
          }
        } catch (error) {
          tally.failures.push(String(error));
          await sleep(10);
        }
      }
    };
    const clients = Array.from({ length: CLIENTS }, () => client());

    const counted = (step: number) => {
      const s = tally.steps[step] as { old: number; new: number };
      return s.old + s.new;
    };
    try {
      for (const [step, percent] of STEPS.entries()) {
        if (step > 0) {
          counting = -1;
          await configure(percent);
          nginx.kill("SIGHUP");
          await sleep(SETTLE_MS);
        }
        counting = step;
        const deadline = Date.now() + STEP_DEADLINE_MS;
        while (counted(step) < PER_STEP && Date.now() < deadline) await sleep(20);
        counting = -1;
      }
      // All traffic on the new version: the old one is drained as a terminating pod is.
      const signalledAt = Date.now();
      oldVersion.child.kill("SIGTERM");
      const exit = await oldVersion.exit;
      t.diagnostic(`old version: exit ${exit.code} ${exit.at - signalledAt} ms after SIGTERM`);
      assert.equal(exit.code, 0, oldVersion.output());
      await sleep(500);
    } finally {
      running = false;
      await Promise.all(clients);
      await pool.destroy();
    }

    for (const [step, percent] of STEPS.entries()) {
      const s = tally.steps[step] as { old: number; new: number };
      const n = s.old + s.new;
      const p = percent / 100;
      const sigma = Math.sqrt(n * p * (1 - p));
      t.diagnostic(
        `step ${percent} %: ${n} requests, ${s.new} to the new version (${((100 * s.new) / n).toFixed(2)} %; bound ±${(SIGMAS * sigma).toFixed(1)})`,
      );
      assert.ok(n >= PER_STEP, `step ${percent} %: ${n} requests counted, ≥ ${PER_STEP}`);
      assert.ok(
        Math.abs(s.new - n * p) <= SIGMAS * sigma,
        `step ${percent} %: ${s.new} of ${n} to the new version`,
      );
    }
    t.diagnostic(`${tally.requests} requests, ${tally.failures.length} failed`);
    assert.deepEqual(tally.failures.slice(0, 10), [], "no client-visible failure");
  });
});
