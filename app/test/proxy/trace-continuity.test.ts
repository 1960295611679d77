// Trace continuity through a real reverse proxy (issue 31): Debian's nginx in front of the real server.ts
// with TRACING=otlp exporting to a real OTLP/HTTP receiver process. A caller's W3C traceparent reaches the
// app unchanged; without one, nginx starts the trace as an edge does (its $request_id, 32 hex digits, is
// a valid W3C trace id) and logs it: the same trace id in nginx's access log, the app's span and the app's
// log line. Run by app/test/proxy/run.sh (`npm run test:proxy`); loopback only, bounded in time.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort, type ServerProcess, startServer } from "../server-process.js";
import { type Receiver, startReceiver } from "../tracing/receiver.js";

const NGINX = process.env.NGINX ?? "nginx";

/**
 * nginx passes a caller's traceparent on (proxy_pass forwards request headers) and makes one from its
 * request id when there is none; both cases log what went upstream. Variables and `map` as documented in
 * nginx's ngx_http_core_module ($request_id: "unique request identifier generated from 16 random bytes,
 * in hexadecimal") and ngx_http_map_module (https://nginx.org/en/docs/, read 2026-12-07); the header's
 * format from W3C Trace Context (https://www.w3.org/TR/trace-context/#traceparent-header, read 2026-12-07).
 */
function nginxConfig(prefix: string, listenPort: number, upstreamPort: number): string {
  const temp = (name: string) => path.join(prefix, "temp", name);
  return `daemon off;
master_process on;
worker_processes 1;
pid ${path.join(prefix, "nginx.pid")};
error_log ${path.join(prefix, "error.log")} warn;
events { worker_connections 64; }
http {
  client_body_temp_path ${temp("body")};
  proxy_temp_path ${temp("proxy")};
  fastcgi_temp_path ${temp("fastcgi")};
  uwsgi_temp_path ${temp("uwsgi")};
  scgi_temp_path ${temp("scgi")};
  map $request_id $edge_parent { "~^(?<first16>[0-9a-f]{16})" $first16; }
  map $http_traceparent $traceparent_upstream {
    "" "00-$request_id-$edge_parent-01";
    default $http_traceparent;
  }
  log_format trace '$request_uri $traceparent_upstream';
  access_log ${path.join(prefix, "access.log")} trace;
  server {
    listen 127.0.0.1:${listenPort};
    location / {
      proxy_pass http://127.0.0.1:${upstreamPort};
      proxy_http_version 1.1;
      proxy_set_header traceparent $traceparent_upstream;
    }
  }
}
`;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  if ((await Promise.race([exited, sleep(15_000, "timeout")])) === "timeout") {
    child.kill("SIGKILL");
    await exited;
  }
}

describe("trace continuity behind nginx", () => {
  const started: ChildProcess[] = [];
  let receiver: Receiver | undefined;
  let prefix = "";
  after(async () => {
    for (const child of started.reverse()) await stop(child);
    await receiver?.stop();
    if (prefix) await rm(prefix, { recursive: true, force: true });
  });

  it("the caller's trace id, or the one nginx starts, is the app span's and the app log's", async () => {
    prefix = await mkdtemp(path.join(tmpdir(), "fastify-deploy-trace-"));
    await mkdir(path.join(prefix, "temp"));
    await chmod(prefix, 0o755);
    await chmod(path.join(prefix, "temp"), 0o777);
    receiver = await startReceiver();
    const appPort = await freePort();
    const server: ServerProcess = await startServer(
      {
        TRACING: "otlp",
        OTLP_TRACES_ENDPOINT: receiver.endpoint,
        LOG_LEVEL: "info",
        SHUTDOWN_DRAIN_DELAY_MS: "0",
        SHUTDOWN_TIMEOUT_MS: "2000",
      },
      appPort,
    );
    started.push(server.child);
    const nginxPort = await freePort();
    await writeFile(path.join(prefix, "nginx.conf"), nginxConfig(prefix, nginxPort, appPort));
    const nginx = spawn(
      NGINX,
      ["-p", prefix, "-e", path.join(prefix, "error.log"), "-c", path.join(prefix, "nginx.conf")],
      {
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
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

    const CALLER_TRACE = "0af7651916cd43dd8448eb211c80319c";
    const CALLER_PARENT = "b7ad6b7169203331";
    const fromCaller = await fetch(`${base}/v1/random`, {
      headers: { traceparent: `00-${CALLER_TRACE}-${CALLER_PARENT}-01`, connection: "close" },
    });
    assert.equal(fromCaller.status, 200);
    await fromCaller.arrayBuffer();
    const fromEdge = await fetch(`${base}/`, { headers: { connection: "close" } });
    assert.equal(fromEdge.status, 200);
    await fromEdge.arrayBuffer();

    // SIGTERM flushes the spans (the shutdown drain), and nginx has written its access lines.
    const exited = server.exit;
    server.child.kill("SIGTERM");
    assert.equal((await exited).code, 0, server.output());
    const deadline = Date.now() + 5000;
    while (receiver.spans().filter((s) => s.kind === 2).length < 2 && Date.now() < deadline) await sleep(20);
    const spans = receiver.spans().filter((s) => s.kind === 2);
    const span = (urlPath: string) => spans.find((s) => s.attributes["url.path"] === urlPath);
    const access = (await readFile(path.join(prefix, "access.log"), "utf8"))
      .trim()
      .split("\n")
      .map((line) => line.split(" "))
      .filter(([uri]) => uri === "/" || uri === "/v1/random");
    const nginxTrace = (uri: string) => access.find(([u]) => u === uri)?.[1]?.split("-")[1];
    const appLogTrace = (urlPath: string) =>
      server.logs().find((line) => line.msg === "request completed" && line.url === urlPath)?.trace_id;

    // The caller's trace: unchanged through nginx, the app's span a child of the caller's.
    assert.equal(nginxTrace("/v1/random"), CALLER_TRACE);
    assert.equal(span("/v1/random")?.traceId, CALLER_TRACE);
    assert.equal(span("/v1/random")?.parentSpanId, CALLER_PARENT);
    assert.equal(appLogTrace("/v1/random"), CALLER_TRACE);
    // The trace nginx started: the same id on both sides.
    const edgeTrace = nginxTrace("/");
    assert.match(edgeTrace ?? "", /^[0-9a-f]{32}$/);
    assert.equal(span("/")?.traceId, edgeTrace);
    assert.equal(appLogTrace("/"), edgeTrace);
    assert.notEqual(edgeTrace, CALLER_TRACE);
  });
});
