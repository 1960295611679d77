import type { FastifyPluginAsyncJsonSchemaToTs } from "@fastify/type-provider-json-schema-to-ts";
import { ErrorReply, errorResponses } from "../schemas.js";

export interface OpsRoutesOptions {
  version: string;
  commit: string;
  platform: string;
}

const Status = { type: "object", properties: { status: { type: "string" } }, required: ["status"] } as const;
const Version = {
  type: "object",
  properties: {
    version: { type: "string" },
    commit: { type: "string" },
    platform: { type: "string" },
    node: { type: "string" },
  },
  required: ["version", "commit", "platform", "node"],
} as const;

/** `v22.11.0` → `22`. */
export function nodeMajor(version: string): string {
  return version.replace(/^v/, "").split(".")[0] ?? version;
}

/** Routes for load balancers, orchestrators and operators. */
const ops: FastifyPluginAsyncJsonSchemaToTs<{ Options: OpsRoutesOptions }> = async (app, opts) => {
  app.get(
    "/healthz",
    {
      schema: { response: { 200: Status, ...errorResponses } },
      // Liveness must not fail under load: a restart would only add to the pressure.
      config: { pressureHandler: () => undefined },
      logLevel: "warn",
    },
    async () => ({ status: "ok" }),
  );

  app.get(
    "/readyz",
    {
      schema: { response: { 200: Status, 503: ErrorReply, ...errorResponses } },
      // Not shed under load either: a spike reaches every replica at once, and readiness following it
      // would empty the Service's endpoints together. Load shedding answers the API routes 503 instead.
      config: { pressureHandler: () => undefined },
      logLevel: "warn",
    },
    async (_request, reply) => {
      if (app.shuttingDown) {
        return reply
          .header("connection", "close")
          .code(503)
          .send({ statusCode: 503, error: "Service Unavailable", message: "shutting down" });
      }
      return { status: "ready" };
    },
  );

  const version = {
    version: opts.version,
    commit: opts.commit,
    platform: opts.platform,
    // The major only (e.g. "22"): the exact patch level tells an attacker which CVEs are unpatched.
    node: nodeMajor(process.version),
  };
  app.get(
    "/version",
    {
      schema: {
        response: {
          200: Version,
          ...errorResponses,
        },
      },
    },
    async () => version,
  );
};

export default ops;
