import { Type } from "typebox";

/** The one error body every route answers with, whatever went wrong. */
export const ErrorReply = Type.Object(
  {
    statusCode: Type.Integer(),
    code: Type.Optional(Type.String()),
    error: Type.String(),
    message: Type.String(),
  },
  { $id: "ErrorReply" },
);

/** Response schemas for the errors any route can produce (validation, body parsing, load shedding). */
export const errorResponses = {
  "4xx": Type.Ref("ErrorReply"),
  "5xx": Type.Ref("ErrorReply"),
} as const;
