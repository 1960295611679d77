import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { errorResponses } from "../schemas.js";

export interface OpsRoutesOptions {
  version: string;
  commit: string;
  platform: string;
}

const Status = Type.Object({ status: Type.String() });

/** Routes for load balancers, orchestrators and operators. */
const ops: FastifyPluginAsyncTypebox<OpsRoutesOptions> = async (app, opts) => {
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

  // Under pressure, @fastify/under-pressure answers 503 here before the handler runs.
  app.get(
    "/readyz",
    { schema: { response: { 200: Status, ...errorResponses } }, logLevel: "warn" },
    async (_request, reply) => {
      if (app.shuttingDown) {
        return reply
          .code(503)
          .header("connection", "close")
          .send({ statusCode: 503, error: "Service Unavailable", message: "shutting down" });
      }
      return { status: "ready" };
    },
  );

  const version = {
    version: opts.version,
    commit: opts.commit,
    platform: opts.platform,
    node: process.version,
  };
  app.get(
    "/version",
    {
      schema: {
        response: {
          200: Type.Object({
            version: Type.String(),
            commit: Type.String(),
            platform: Type.String(),
            node: Type.String(),
          }),
          ...errorResponses,
        },
      },
    },
    async () => version,
  );
};

export default ops;
