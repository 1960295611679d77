import { randomInt } from "node:crypto";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { errorResponses } from "../schemas.js";

/** Upper bound of `data` in POST /v1/shout, in characters (Unicode code points). */
export const MAX_SHOUT_LENGTH = 10_000;

/** Reverses by code point, so surrogate pairs (emoji, astral characters) survive, then upper-cases. */
export function shout(text: string): string {
  return Array.from(text).reverse().join("").toUpperCase();
}

const ShoutBody = Type.Object(
  { data: Type.String({ minLength: 1, maxLength: MAX_SHOUT_LENGTH }) },
  { additionalProperties: false },
);

/** The public JSON API. */
const api: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    "/",
    { schema: { response: { 200: Type.Object({ message: Type.String() }), ...errorResponses } } },
    async () => ({ message: "Hello World" }),
  );

  app.post(
    "/v1/shout",
    {
      schema: {
        body: ShoutBody,
        response: { 200: Type.Object({ data: Type.String() }), ...errorResponses },
      },
    },
    async (request) => ({ data: shout(request.body.data) }),
  );

  app.get(
    "/v1/random",
    {
      schema: {
        response: {
          200: Type.Object({ value: Type.Integer({ minimum: 0, maximum: 100 }) }),
          ...errorResponses,
        },
      },
    },
    // randomInt's upper bound is exclusive: 101 makes 100 reachable.
    async () => ({ value: randomInt(0, 101) }),
  );
};

export default api;
