import { z } from "zod";
import { coversWholeInternet, INSTANCE_TYPE, instanceCatalog, isIpv4Cidr, isWholeInternet } from "../facts";
import { closest } from "./suggest";

/**
 * The zod building blocks of the key table, each worded for the one message format every config
 * problem uses: `fastify-deploy:<key>: got <value>; expected <what is allowed>`. Pulumi passes every
 * value as a string (lists as JSON text), so each helper parses from a string.
 */

export const show = (value: unknown): string => JSON.stringify(value);

/** Zod error customiser: "got <input>; expected <what>". */
export const expected =
  (what: string) =>
  (issue: { input?: unknown }): string =>
    `got ${show(issue.input)}; expected ${what}`;

/** A digest-pinned image reference: `<registry>/<repository>@sha256:<64 hex>`. */
export const DIGEST_PINNED_IMAGE =
  /^[a-z0-9]+(?:[.-][a-z0-9]+)*(?::[0-9]+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)+@sha256:[a-f0-9]{64}$/;

export function oneOf<T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: expected(`one of ${values.join(", ")}`) });
}

/** An integer written as a string (Pulumi passes every scalar as a string): the regex is the integer check. */
function integerText(what: string) {
  return z
    .string()
    .regex(/^-?\d+$/, { error: expected(what) })
    .transform(Number);
}

/** An integer from `min` to `max`. */
export function integer(min: number, max: number) {
  const what = `an integer from ${min} to ${max}`;
  return integerText(what).pipe(
    z
      .number()
      .min(min, { error: expected(what) })
      .max(max, { error: expected(what) }),
  );
}

/** One of the `allowed` integers (a list, so no range check besides it). */
export function integerOneOf(allowed: readonly number[]) {
  const what = `one of ${allowed.join(", ")}`;
  return integerText(what).refine((n) => allowed.includes(n), { error: expected(what) });
}

export const boolean = z
  .enum(["true", "false"], { error: expected("true or false") })
  .transform((value) => value === "true");

export function dnsLabel(what: string) {
  return z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, { error: expected(what) });
}

/** A Kubernetes namespace name, wherever config names one (the app's, the ingress controller's, sources). */
export const namespaceName = dnsLabel(
  "a Kubernetes namespace name (DNS label: 1..63 of a-z 0-9 -, starting and ending alphanumeric)",
);

export function dnsSubdomain(what: string) {
  return z.string().regex(/^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, {
    error: expected(what),
  });
}

/** A lower-case DNS host name with at least two labels. */
export const hostName = z
  .string()
  .regex(/^(?=.{1,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)+$/, {
    error: expected("a lower-case DNS host name such as app.example.com"),
  });

/** An optional string: "" (the Pulumi.yaml default) means unset. */
export function optional(schema: z.ZodType<string>) {
  return z.union([z.literal("").transform(() => undefined), schema]);
}

/**
 * A JSON list (Pulumi passes arrays as JSON text) whose items each pass `item`, without duplicates.
 * `of` names the items in messages ("a JSON list of <of>"), `duplicates` words the uniqueness rule.
 */
export function jsonList<T>(
  key: string,
  example: string,
  item: z.ZodType<T>,
  { of, duplicates = "no duplicates" }: { of?: string; duplicates?: string } = {},
) {
  const list = of ? `a JSON list of ${of}` : "a JSON list";
  return z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({
          code: "custom",
          input: text,
          message: `got ${show(text)}; expected ${list}, e.g. ["${example}"] (pulumi config set --path '${key}[0]' ${example})`,
        });
        return z.NEVER;
      }
    })
    .pipe(
      z
        .array(item, { error: expected(list) })
        .refine((items) => new Set(items).size === items.length, { error: expected(duplicates) }),
    );
}

export const ipv4CidrItem = z
  .string({ error: expected("an IPv4 CIDR such as 203.0.113.0/24") })
  .refine(isIpv4Cidr, { error: expected("an IPv4 CIDR with no host bits set, such as 203.0.113.0/24") });

/** A JSON list of IPv4 CIDRs, possibly empty. */
export function cidrList(key: string, example = "203.0.113.0/24") {
  return jsonList(key, example, ipv4CidrItem, { of: "IPv4 CIDRs", duplicates: "no duplicate CIDRs" });
}

/**
 * IPv4 CIDRs that must never be the whole internet: no /0, and no set that covers every public address
 * together (0.0.0.0/1 + 128.0.0.0/1 is /0 by another name; facts/cidr.ts coversWholeInternet).
 */
export function restrictedCidrList(key: string, why: string) {
  return jsonList(key, "203.0.113.0/24", ipv4CidrItem).superRefine((list, ctx) => {
    const wholes = list.filter(isWholeInternet);
    for (const cidr of wholes) {
      ctx.addIssue({ code: "custom", input: cidr, message: `got ${show(cidr)}; expected ${why}` });
    }
    if (wholes.length === 0 && coversWholeInternet(list)) {
      ctx.addIssue({
        code: "custom",
        input: list,
        message: `got ${show(list)}, which together cover every public IPv4 address; expected ${why}`,
      });
    }
  });
}

/**
 * An EC2 instance type the catalog knows (facts/instance-catalog.ts): a misspelt `m6i.lage` is otherwise
 * accepted and fails only when EC2 refuses the launch template, minutes into `up`.
 */
export const instanceType = z
  .string()
  .regex(INSTANCE_TYPE, { error: expected("an EC2 instance type such as t3.medium") })
  .superRefine((type, ctx) => {
    const catalog = instanceCatalog();
    // A malformed name has the regex's message already.
    if (!INSTANCE_TYPE.test(type) || catalog.has(type)) return;
    const suggestion = closest(type, [...catalog.keys()]);
    ctx.addIssue({
      code: "custom",
      input: type,
      message: `got ${show(type)}, which is not an EC2 instance type in facts/instance-catalog.ts; expected one such as t3.medium or m6i.large${suggestion ? ` (did you mean ${suggestion}?)` : ""}; a type newer than the catalog: regenerate it (scripts/instance-catalog.ts)`,
    });
  });

/**
 * An email address as SNS accepts it for an `email` subscription: one @, no spaces, a dotted domain.
 * Deliberately loose (RFC 5322 allows far more): SNS itself mails a confirmation link, the real check.
 */
export const EMAIL_ADDRESS = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/**
 * A decimal in steps of 0.1 from `min` to `max` (Pulumi passes it as a string; Pulumi.yaml has no
 * number type, only string, integer, boolean, array). "5", "5.0" and "12.5" pass; "12.55" does not.
 */
export function tenths({ min, max }: { readonly min: number; readonly max: number }) {
  const what = `a number from ${min} to ${max} in steps of 0.1`;
  return z
    .string()
    .regex(/^\d{1,3}(\.\d)?$/, { error: expected(what) })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, { error: expected(what) })
        .max(max, { error: expected(what) }),
    );
}
