import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import closeWithGrace from "close-with-grace";
import pino from "pino";
import { buildApp, productionLogger } from "./app.js";
import { closeConnections, exitReserveMs } from "./close-connections.js";
import { EnvError, loadEnv } from "./env.js";

let env: ReturnType<typeof loadEnv>;
try {
  env = loadEnv(process.env);
} catch (error) {
  if (!(error instanceof EnvError)) throw error;
  // Before the logger exists: one JSON line, like every other log line, then a non-zero exit.
  process.stderr.write(`${JSON.stringify({ level: 60, time: Date.now(), msg: error.message })}\n`);
  process.exit(78); // EX_CONFIG
}

/** The names the platform declared and the values this process got under them (for the logger to redact). */
function declaredSecrets(list: string) {
  const names = list.split(",").filter((name) => name !== "");
  return { names, values: names.flatMap((name) => process.env[name] ?? []) };
}

const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
  version: string;
};

// pino's default stdout destination, except minLength: 1 (still one write per line) so that flush()
// waits for a write in flight: sonic-boom's flush does nothing when minLength is 0 (its README).
const logDestination = pino.destination({ dest: 1, sync: false, minLength: 1 });
// Imported only when on: with tracing off no OpenTelemetry module is loaded at all (start-up time and
// memory as before; app/test/server.test.ts holds it).
const tracing =
  env.TRACING === "otlp"
    ? (await import("./tracing/index.js")).startTracing({
        endpoint: env.OTLP_TRACES_ENDPOINT,
        serviceVersion: version,
        platform: env.APP_PLATFORM,
      })
    : undefined;
const app = await buildApp({
  version,
  commit: env.APP_COMMIT,
  platform: env.APP_PLATFORM,
  logger: productionLogger(env.LOG_LEVEL, logDestination, declaredSecrets(env.SECRET_ENV_NAMES)),
  ...(tracing ? { tracing: tracing.plugin } : {}),
});

// Kubernetes sends SIGTERM while it is still removing the pod from endpoints, and load balancers take a
// few seconds to notice: keep serving through the drain delay with readiness at 503. Then stop accepting,
// end each open connection after its next response (never reset one a client may be reusing), and
// destroy what is left at the shutdown timeout. close-with-grace's own deadline is a last resort (exit 1)
// should the close path itself hang, so it sits a little beyond ours.
closeWithGrace(
  {
    delay: env.SHUTDOWN_DRAIN_DELAY_MS + env.SHUTDOWN_TIMEOUT_MS + 2000,
    logger: { error: (message: string) => app.log.error(message) },
  },
  async ({ signal, err }) => {
    if (err) app.log.error({ err }, "closing after an unexpected error");
    else app.log.info({ signal, drainDelayMs: env.SHUTDOWN_DRAIN_DELAY_MS }, "shutdown started, draining");
    app.beginShutdown();
    await sleep(env.SHUTDOWN_DRAIN_DELAY_MS);
    app.log.info({ timeoutMs: env.SHUTDOWN_TIMEOUT_MS }, "drain over, closing the listener");
    const { openAtClose, destroyed } = await closeConnections(
      app.server,
      env.SHUTDOWN_TIMEOUT_MS - exitReserveMs(env.SHUTDOWN_TIMEOUT_MS),
    );
    app.log.info({ openAtClose, destroyed }, "connections ended");
    await app.close();
    app.log.info("server closed");
    // Spans of the last requests are still in the batch: export them before exit, within the reserve the
    // connection close left (so drain + timeout still bounds the exit), whatever a collector does.
    if (tracing) {
      const flushMs = exitReserveMs(env.SHUTDOWN_TIMEOUT_MS);
      const flushed = await Promise.race([
        tracing.shutdown().then(
          () => true,
          () => false,
        ),
        sleep(flushMs, false),
      ]);
      app.log.info({ flushed }, "traces flushed");
    }
    // pino writes asynchronously and close-with-grace ends with process.exit: flush first, or pino's exit
    // handler (a synchronous flush) can overtake a write in flight and reorder the last lines.
    await Promise.race([new Promise<void>((resolve) => logDestination.flush(() => resolve())), sleep(1000)]);
    if (err) throw err;
  },
);

await app.listen({ port: env.PORT, host: env.HOST });
