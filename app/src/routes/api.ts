import { randomInt } from "node:crypto";
import type { FastifyPluginAsyncJsonSchemaToTs } from "@fastify/type-provider-json-schema-to-ts";
import { errorResponses } from "../schemas.js";

/** Upper bound of `data` in POST /v1/shout, in characters (Unicode code points). */
export const MAX_SHOUT_LENGTH = 10_000 as const;

/** Reverses by code point, so surrogate pairs (emoji, astral characters) survive, then upper-cases. */
export function shout(text: string): string {
  return Array.from(text).reverse().join("").toUpperCase();
}

const ShoutBody = {
  type: "object",
  properties: { data: { type: "string", minLength: 1, maxLength: MAX_SHOUT_LENGTH } },
  required: ["data"],
  additionalProperties: false,
} as const;

const Message = {
  type: "object",
  properties: { message: { type: "string" } },
  required: ["message"],
} as const;
const Data = { type: "object", properties: { data: { type: "string" } }, required: ["data"] } as const;
const RandomValue = {
  type: "object",
  properties: { value: { type: "integer", minimum: 0, maximum: 100 } },
  required: ["value"],
} as const;

/** The public JSON API. */
const api: FastifyPluginAsyncJsonSchemaToTs = async (app) => {
  app.get("/", { schema: { response: { 200: Message, ...errorResponses } } }, async () => ({
    message: "Hello World",
  }));

  app.post(
    "/v1/shout",
    {
      schema: {
        body: ShoutBody,
        response: { 200: Data, ...errorResponses },
      },
    },
    async (request) => ({ data: shout(request.body.data) }),
  );

  app.get(
    "/v1/random",
    {
      schema: {
        response: { 200: RandomValue, ...errorResponses },
      },
    },
    // randomInt's upper bound is exclusive: 101 makes 100 reachable.
    async () => ({ value: randomInt(0, 101) }),
  );
};

export default api;
