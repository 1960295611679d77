// Tracing end to end with real processes: the real server.ts with TRACING=otlp exporting to a real OTLP/HTTP
// receiver process (otlp-receiver.ts), and with tracing off, what the server loads.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { type ServerProcess, startServer } from "../server-process.js";
import { type Receiver, startReceiver } from "./receiver.js";

const recorder = fileURLToPath(new URL("./import-recorder.mjs", import.meta.url));
const loadedOtel = (server: ServerProcess) =>
  server
    .output()
    .split("\n")
    .filter((line) => line.startsWith("otel-module-loaded "));

// A caller's W3C trace context (https://www.w3.org/TR/trace-context/#traceparent-header, read 2026-12-07).
const W3C_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const W3C_PARENT = "00f067aa0ba902b7";
// What an upstream X-Ray-traced hop sends (X-Ray developer guide, "Tracing header", read 2026-12-07).
const XRAY_TRACE = "5759e988bd862e3fe1be46a994272793";
const XRAY_PARENT = "53995c3f42cd8ad8";

describe("tracing on (TRACING=otlp): spans to a real OTLP/HTTP receiver", () => {
  let receiver: Receiver | undefined;
  let server: ServerProcess | undefined;
  after(async () => {
    if (server && server.child.exitCode === null) server.child.kill("SIGKILL");
    await receiver?.stop();
  });

  it("a SERVER span per route with method, route, path and status; none for probes; W3C and X-Ray parents; ids in the logs; flushed at shutdown", async () => {
    receiver = await startReceiver();
    server = await startServer(
      {
        TRACING: "otlp",
        OTLP_TRACES_ENDPOINT: receiver.endpoint,
        LOG_LEVEL: "info",
        SHUTDOWN_DRAIN_DELAY_MS: "0",
        SHUTDOWN_TIMEOUT_MS: "5000",
      },
      undefined,
      ["--import", recorder],
    );
    const base = server.base;
    // Each request on its own connection, closed after it: the shutdown then has nothing to wait for and
    // ends in milliseconds, well inside the batch processor's 5 s export delay (scheduledDelayMillis ?? 5e3
    // in @opentelemetry/sdk-trace 3.1.1 dist/export/BatchSpanProcessorBase.mjs, read 2026-12-07; 3.x no
    // longer reads OTEL_BSP_*): every span the receiver gets was exported by the shutdown flush.
    const get = async (path: string, headers: Record<string, string> = {}) => {
      const res = await fetch(`${base}${path}`, { headers: { connection: "close", ...headers } });
      await res.arrayBuffer();
      return res.status;
    };
    assert.equal(await get("/", { traceparent: `00-${W3C_TRACE}-${W3C_PARENT}-01` }), 200);
    assert.equal(
      await get("/v1/random", {
        "x-amzn-trace-id": `Root=1-${XRAY_TRACE.slice(0, 8)}-${XRAY_TRACE.slice(8)};Parent=${XRAY_PARENT};Sampled=1`,
      }),
      200,
    );
    const shout = await fetch(`${base}/v1/shout`, {
      method: "POST",
      headers: { "content-type": "application/json", connection: "close" },
      body: JSON.stringify({ data: "hello" }),
    });
    assert.equal(shout.status, 200);
    await shout.arrayBuffer();
    assert.equal(await get("/version"), 200);
    assert.equal(await get("/nope"), 404);
    assert.equal(await get("/healthz"), 200);
    assert.equal(await get("/readyz?probe=1"), 200);
    await sleep(200);
    assert.deepEqual(receiver.spans(), [], "nothing exported before shutdown (the batch delay is 5 s)");

    const exited = server.exit;
    server.child.kill("SIGTERM");
    const { code } = await exited;
    assert.equal(code, 0, server.output());
    // The receiver answered the export before the server exited; give its stdout a moment to arrive.
    const deadline = Date.now() + 5000;
    while (receiver.spans().length < 6 && Date.now() < deadline) await sleep(20);

    const received = receiver.spans();
    const spans = received.filter((span) => span.kind === 2);
    // Beside them only the not-found handler's INTERNAL child of the 404's span: @fastify/otel instruments a
    // custom 404 handler whatever instrumentHooks says (its README, "Usage", read 2026-12-07).
    const others = received.filter((span) => span.kind !== 2);
    assert.equal(others.length, 1, JSON.stringify(others));
    assert.match(others[0]?.name ?? "", /^notFoundHandler/);
    const byRoute = new Map(
      spans.map((span) => [`${span.attributes["http.request.method"]} ${span.attributes["url.path"]}`, span]),
    );
    assert.deepEqual([...byRoute.keys()].sort(), [
      "GET /",
      "GET /nope",
      "GET /v1/random",
      "GET /version",
      "POST /v1/shout",
    ]);
    assert.equal(spans.length, 5, "one SERVER span per request");
    assert.equal(others[0]?.parentSpanId, byRoute.get("GET /nope")?.spanId);
    for (const span of spans) {
      assert.equal(span.kind, 2, `${span.name} is a SERVER span`);
      assert.equal(span.scope, "@fastify/otel");
      assert.equal(span.resource["service.name"], "fastify-deploy");
      assert.equal(span.resource["fastify_deploy.platform"], "local");
    }
    const expected: Array<[string, string, string | undefined, number]> = [
      ["GET /", "GET /", "/", 200],
      ["GET /v1/random", "GET /v1/random", "/v1/random", 200],
      ["POST /v1/shout", "POST /v1/shout", "/v1/shout", 200],
      ["GET /version", "GET /version", "/version", 200],
      // No route matched: no http.route, the span named by the method alone (HTTP semantic conventions).
      ["GET /nope", "GET", undefined, 404],
    ];
    for (const [key, name, route, status] of expected) {
      const span = byRoute.get(key);
      assert.ok(span, key);
      assert.equal(span.name, name);
      assert.equal(span.attributes["http.route"], route);
      assert.equal(span.attributes["http.response.status_code"], status);
    }
    const w3c = byRoute.get("GET /");
    assert.equal(w3c?.traceId, W3C_TRACE);
    assert.equal(w3c?.parentSpanId, W3C_PARENT);
    const xray = byRoute.get("GET /v1/random");
    assert.equal(xray?.traceId, XRAY_TRACE);
    assert.equal(xray?.parentSpanId, XRAY_PARENT);

    // Every log line of a traced request carries its ids: the access line here.
    const access = server.logs().filter((line) => line.msg === "request completed");
    for (const span of spans) {
      const line = access.find((entry) => entry.url === span.attributes["url.path"]);
      assert.ok(line, `an access line for ${span.attributes["url.path"]}`);
      assert.equal(line.trace_id, span.traceId);
      assert.equal(line.span_id, span.spanId);
    }
    const probes = access.filter((entry) => entry.url === "/healthz" || entry.url === "/readyz");
    for (const line of probes) assert.equal(line.trace_id, undefined);
    assert.ok(server.logs().some((line) => line.msg === "traces flushed" && line.flushed === true));
    assert.ok(
      loadedOtel(server).some((line) => line.includes("@fastify/otel")),
      "positive control of the recorder",
    );
  });
});

describe("tracing off (the default)", () => {
  it("loads no OpenTelemetry module and logs no trace ids", async () => {
    const server = await startServer({ LOG_LEVEL: "info" }, undefined, ["--import", recorder]);
    try {
      const res = await fetch(`${server.base}/`, {
        headers: { traceparent: `00-${W3C_TRACE}-${W3C_PARENT}-01` },
      });
      assert.equal(res.status, 200);
      await res.arrayBuffer();
      await sleep(100);
      assert.deepEqual(loadedOtel(server), []);
      const access = server.logs().find((line) => line.msg === "request completed");
      assert.ok(access);
      assert.equal(access.trace_id, undefined);
    } finally {
      server.child.kill("SIGKILL");
      await server.exit;
    }
  });
});

describe("start-up warnings", () => {
  it("the server starts without any warning (a deprecation like FSTDEP023 fails here the day it appears)", async () => {
    const envs: Array<Record<string, string>> = [
      {},
      { TRACING: "otlp", OTLP_TRACES_ENDPOINT: "http://127.0.0.1:9/v1/traces" },
    ];
    for (const env of envs) {
      const server = await startServer(env);
      try {
        await sleep(100);
        // Node prints process warnings as `(node:PID) [CODE] DeprecationWarning: …` on stderr.
        assert.doesNotMatch(server.output(), /Warning|\(node:\d+\)/, JSON.stringify(env));
      } finally {
        server.child.kill("SIGKILL");
        await server.exit;
      }
    }
  });
});
