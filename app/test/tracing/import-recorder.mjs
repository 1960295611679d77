// `node --import ./import-recorder.mjs …`: every module URL the process resolves that belongs to
// OpenTelemetry (@opentelemetry/*, @fastify/otel) is written to stderr as `otel-module-loaded <url>`, so a
// test can tell whether the tracing code was loaded at all. Module customization hooks (node:module
// register, Node >= 20.6) run off the main thread: the hook posts each URL back through a MessagePort.
import { register } from "node:module";
import { MessageChannel } from "node:worker_threads";

const { port1, port2 } = new MessageChannel();
port1.on("message", (url) => process.stderr.write(`otel-module-loaded ${url}\n`));
port1.unref();
register("./import-recorder-hooks.mjs", import.meta.url, { data: { port: port2 }, transferList: [port2] });
