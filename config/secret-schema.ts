import { z } from "zod";
import { parseSecretRef, RESERVED_ENV_NAMES, SECRET_ENV_NAME, SECRET_REF_FORMS } from "../facts";
import { show } from "./schema";

/**
 * The `secrets` key's value: a JSON object from an environment variable name to a secret reference
 * (facts/secrets.ts), every bad entry reported at once. Pulumi.yaml declares it a string (typed project
 * config has no object type), so it arrives as JSON text like a list does.
 */

const EXAMPLE = `{"DB_PASSWORD":"arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"}`;

/** One declared secret: the variable the app reads and the reference its value comes from. */
export interface SecretEntry {
  name: string;
  valueFrom: string;
}

export const secretMap = z.string().transform((text, ctx): SecretEntry[] => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    ctx.addIssue({
      code: "custom",
      input: text,
      message: `got ${show(text)}; expected a JSON object from environment variable name to secret ARN, e.g. ${EXAMPLE} (pulumi config set secrets '${EXAMPLE}')`,
    });
    return z.NEVER;
  }
  const entries: SecretEntry[] = [];
  for (const [name, valueFrom] of Object.entries(parsed)) {
    const issue = entryIssue(name, valueFrom);
    if (issue !== undefined) ctx.addIssue({ code: "custom", input: valueFrom, message: issue });
    else entries.push({ name, valueFrom: valueFrom as string });
  }
  // Sorted: the same config yields the same task definition and pod template, whatever the key order.
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
});

function entryIssue(name: string, valueFrom: unknown): string | undefined {
  if (!SECRET_ENV_NAME.test(name)) {
    return `got ${show(name)} as a name; expected an environment variable name (1..128 of A-Z a-z 0-9 _, not starting with a digit)`;
  }
  if ((RESERVED_ENV_NAMES as readonly string[]).includes(name)) {
    return `got ${show(name)} as a name; expected a name the platform does not set itself (reserved: ${RESERVED_ENV_NAMES.join(", ")})`;
  }
  if (typeof valueFrom !== "string" || parseSecretRef(valueFrom) === undefined) {
    return `got ${show(valueFrom)} for ${name}; expected ${SECRET_REF_FORMS}`;
  }
  return undefined;
}
