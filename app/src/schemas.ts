/**
 * Plain JSON Schema, typed at compile time by json-schema-to-ts: no schema library is loaded at run
 * time, which keeps start-up short (every task and pod start waits for it).
 */

/** The one error body every route answers with, whatever went wrong. */
export const ErrorReply = {
  type: "object",
  properties: {
    statusCode: { type: "integer" },
    code: { type: "string" },
    error: { type: "string" },
    message: { type: "string" },
  },
  required: ["statusCode", "error", "message"],
} as const;

/** Response schemas for the errors any route can produce (validation, body parsing, load shedding). */
export const errorResponses = {
  "4xx": ErrorReply,
  "5xx": ErrorReply,
} as const;
