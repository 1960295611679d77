import { randomUUID } from "node:crypto";
import { type IncomingMessage, STATUS_CODES } from "node:http";
import type { JsonSchemaToTsProvider } from "@fastify/type-provider-json-schema-to-ts";
import Fastify, {
  type FastifyError,
  type FastifyPluginAsync,
  type FastifyServerOptions,
  LogController,
} from "fastify";
import type { DestinationStream } from "pino";
import lifecycle, { type LoadSheddingOptions } from "./plugins/lifecycle.js";
import securityHeaders from "./plugins/security-headers.js";
import api from "./routes/api.js";
import ops from "./routes/ops.js";

export interface BuildAppOptions {
  /** Reported by GET /version. */
  version: string;
  /** Commit the image was built from, reported by GET /version. @default "unknown" */
  commit?: string;
  /** Platform the service runs on (ecs, eks, kubernetes, local), reported by GET /version. @default "local" */
  platform?: string;
  /** pino logger options, or false for none. @default false */
  logger?: FastifyServerOptions["logger"];
  /** Largest accepted request body. @default 65536 (a 10 000-character shout in 4-byte UTF-8 fits) */
  bodyLimit?: number;
  loadShedding?: LoadSheddingOptions;
  /**
   * The tracing plugin (`startTracing().plugin` from ./tracing, which server.ts imports only when tracing is
   * on), registered before anything else so every route and hook is covered. @default none: no tracing
   */
  tracing?: FastifyPluginAsync;
}

/** Headers that must never reach the logs, whoever adds a header serializer later. */
export const REDACTED_LOG_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  "headers.authorization",
  "headers.cookie",
];

/** The declared secrets (SECRET_ENV_NAMES): their names, and their values as this process was given them. */
export interface LoggedSecrets {
  names: readonly string[];
  /** Values shorter than 4 characters are not scrubbed from text (they would mangle ordinary words). */
  values: readonly string[];
}

/**
 * The production logger: pino JSON on stdout at `level`, credentials redacted. A declared secret is
 * redacted under its name as a field (top level or one level down, e.g. `{ env: { DB_PASSWORD } }`),
 * and its value wherever it appears in a written line (a message, an error's text or stack), as JSON
 * escapes it: the stream is wrapped, so no serializer added later can let one through.
 */
export function productionLogger(
  level: string,
  stream?: DestinationStream,
  secrets: LoggedSecrets = { names: [], values: [] },
): NonNullable<FastifyServerOptions["logger"]> {
  const named = secrets.names.flatMap((name) => [name, `*.${name}`]);
  const escaped = secrets.values
    .filter((value) => value.length >= 4)
    .map((v) => JSON.stringify(v).slice(1, -1));
  const target = stream ?? (escaped.length > 0 ? process.stdout : undefined);
  const scrubbed: DestinationStream | undefined =
    target && escaped.length > 0
      ? {
          write: (line: string) =>
            target.write(escaped.reduce((out, v) => out.split(v).join("[redacted]"), line)),
        }
      : target;
  return {
    level,
    redact: { paths: [...REDACTED_LOG_PATHS, ...named], censor: "[redacted]" },
    ...(scrubbed ? { stream: scrubbed } : {}),
  };
}

/**
 * A request id a client (or the load balancer) may give in X-Request-Id: 1..128 of `A-Za-z0-9._-`, which
 * covers UUIDs, ALB/X-Ray style ids and most tracing ids. Anything else (an 8 KB forged id, a newline,
 * JSON) is not logged: the request gets a fresh id instead.
 */
export const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** The id logged with a request: the client's X-Request-Id when it is safe, else a new UUID. */
export function requestId(request: IncomingMessage): string {
  const given = request.headers["x-request-id"];
  return typeof given === "string" && SAFE_REQUEST_ID.test(given) ? given : randomUUID();
}

/** The path a request asked for, without its query string (which may carry tokens or personal data). */
export function pathOf(url: string): string {
  const query = url.indexOf("?");
  return query === -1 ? url : url.slice(0, query);
}

/** Builds the service without listening: tests inject into it, server.ts listens. */
export async function buildApp(options: BuildAppOptions) {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? 65_536,
    // Above the ALB's 60 s idle timeout, so the load balancer, not the app, closes idle connections
    // (otherwise the ALB may reuse a socket the app just closed and answer 502).
    keepAliveTimeout: 72_000,
    // A slow client cannot hold a request open for ever.
    requestTimeout: 30_000,
    connectionTimeout: 0,
    // Fastify would take X-Request-Id as given, of any length and content; requestId() checks it first.
    requestIdHeader: false,
    genReqId: requestId,
    // Bodies are validated as sent: no silent stripping of unknown fields, no "5" for 5.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
    return503OnClosing: true,
    // One access-log line per request (below), not Fastify's two ("incoming request" + "request
    // completed"): logging is the largest per-request cost, and the second line carries all of the first.
    // Through logController: the top-level disableRequestLogging is deprecated (FSTDEP023, removed in
    // fastify@6: node_modules/fastify/lib/warnings.js of fastify 5.12.8, read 2026-12-07).
    logController: new LogController({ disableRequestLogging: true }),
  }).withTypeProvider<JsonSchemaToTsProvider>();

  if (options.tracing) await app.register(options.tracing);

  // The API speaks JSON only: anything else is 415, not a string that fails validation as 400.
  app.removeContentTypeParser("text/plain");

  app.addHook("onResponse", (request, reply, done) => {
    // Flat fields, not the req/res serializers: the cheapest line that still tells who got what, how fast.
    request.log.info(
      {
        method: request.method,
        // The path only: a query string may carry tokens or personal data, and logs outlive both.
        url: pathOf(request.url),
        statusCode: reply.statusCode,
        responseTimeMs: Math.round(reply.elapsedTime * 100) / 100,
      },
      "request completed",
    );
    done();
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const statusCode = error.statusCode ?? 500;
    if (statusCode >= 500 && statusCode !== 503) {
      request.log.error({ err: error }, "request failed");
      // Never leak internals: the message and stack stay in the log.
      return reply
        .code(500)
        .send({ statusCode: 500, error: "Internal Server Error", message: "Internal Server Error" });
    }
    return reply.code(statusCode).send({
      statusCode,
      ...(error.code ? { code: error.code } : {}),
      error: STATUS_CODES[statusCode] ?? "Error",
      message: error.message,
    });
  });

  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      statusCode: 404,
      error: "Not Found",
      message: `Route ${request.method} ${pathOf(request.url)} not found`,
    }),
  );

  await app.register(securityHeaders);
  await app.register(lifecycle, options.loadShedding ?? {});
  await app.register(ops, {
    version: options.version,
    commit: options.commit ?? "unknown",
    platform: options.platform ?? "local",
  });
  await app.register(api);
  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
