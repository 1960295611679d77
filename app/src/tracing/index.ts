// Loaded only when TRACING=otlp (server.ts imports it dynamically): with tracing off, not one OpenTelemetry
// module is read, so start-up and the hot path stay as they were (see the README's benchmark section).
import { FastifyOtelInstrumentation } from "@fastify/otel";
import { context, propagation, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { CompositePropagator, W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from "@opentelemetry/semantic-conventions";
import type { FastifyPluginAsync } from "fastify";
import fp from "fastify-plugin";
import { UNTRACED_PATHS, untraced } from "./paths.js";
import { XRayPropagator } from "./xray-propagator.js";

export { UNTRACED_PATHS };

export interface TracingOptions {
  /** OTLP/HTTP (protobuf) traces URL: a collector sidecar on ECS/EKS, the configured collector on kubernetes. */
  endpoint: string;
  serviceVersion: string;
  /** Where the service runs (APP_PLATFORM), a resource attribute so one backend can tell the stacks apart. */
  platform: string;
}

export interface Tracing {
  /** Registered first in buildApp, before any route: spans per request, ids in every request log line. */
  plugin: FastifyPluginAsync;
  /** Exports what is buffered and stops; part of the shutdown drain. */
  shutdown(): Promise<void>;
}

export const SERVICE_NAME = "fastify-deploy";

/** Sets the global OpenTelemetry state once per process (what server.ts calls when TRACING=otlp). */
export function startTracing(options: TracingOptions): Tracing {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: SERVICE_NAME,
      [ATTR_SERVICE_VERSION]: options.serviceVersion,
      "fastify_deploy.platform": options.platform,
    }),
    // Batches off the request path; OTEL_BSP_* tune it (the SDK reads them), shutdown() flushes the rest.
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: options.endpoint }) })],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  // Later propagators win on extract: a W3C `traceparent` (what our clients and the proxy send) over the
  // ALB's X-Amzn-Trace-Id when a request carries both.
  propagation.setGlobalPropagator(
    new CompositePropagator({ propagators: [new XRayPropagator(), new W3CTraceContextPropagator()] }),
  );
  trace.setGlobalTracerProvider(provider);

  const instrumentation = new FastifyOtelInstrumentation({
    // Probes every few seconds per replica would be most of the spans and all of the noise.
    ignorePaths: (route: { url: string }) => untraced(route.url),
    // One span per request (the SERVER span): hook and handler child spans would multiply the span bill
    // (cost/assumptions.ts prices one span per request) for a service whose handlers do no I/O.
    instrumentHooks: false,
    instrumentHandler: false,
    // HTTP semantic conventions name a server span `{method} {http.route}`; @fastify/otel calls it "request".
    requestHook: (span, request) => {
      span.updateName(`${request.method} ${request.routeOptions.url ?? ""}`.trim());
    },
  });
  instrumentation.setTracerProvider(provider);

  const plugin = fp(
    async (app) => {
      await app.register(instrumentation.plugin());
      // Every line a traced request logs (the access line, errors) carries its ids: a child logger bound
      // once per request, after @fastify/otel's onRequest hook has started the span.
      app.addHook("onRequest", (request, reply, done) => {
        const span = request.opentelemetry().span;
        if (span) {
          const { traceId, spanId } = span.spanContext();
          request.log = request.log.child({ trace_id: traceId, span_id: spanId });
          reply.log = request.log;
        }
        done();
      });
    },
    { name: "tracing" },
  );

  return {
    plugin,
    shutdown: async () => {
      await provider.forceFlush();
      await provider.shutdown();
    },
  };
}
