import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";

/**
 * The response headers a security review expects of a JSON API, set on every answer (routes, 404s,
 * errors, load-shedding 503s). A subset of helmet 8's defaults (https://unpkg.com/helmet@8.1.0/README.md,
 * read 2026-12-07), tightened for an API that serves no HTML: the CSP forbids everything, framing is
 * denied outright. `@fastify/helmet` could replace this hook; it is not a dependency today because the
 * app's node_modules are shared and this change installs nothing.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
};

/**
 * One year, subdomains included (helmet's `includeSubDomains`; its max-age default is 365 days). Only
 * on a request that reached the load balancer over HTTPS: the ALB sets X-Forwarded-Proto to the
 * scheme the client used (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/x-forwarded-headers.html,
 * read 2026-12-07), and a browser ignores HSTS received over plain HTTP (RFC 6797 §8.1), so a forged
 * header on a plain-HTTP request changes nothing.
 */
export const HSTS = "max-age=31536000; includeSubDomains";

/** True when the client's own connection to the first proxy was HTTPS. */
export function cameOverHttps(request: FastifyRequest): boolean {
  const proto = request.headers["x-forwarded-proto"];
  // The ALB overwrites the header; a chain of proxies appends, and the first value is the client's.
  const first = (Array.isArray(proto) ? proto[0] : proto)?.split(",")[0]?.trim().toLowerCase();
  return first === "https";
}

async function securityHeaders(app: FastifyInstance): Promise<void> {
  app.addHook("onSend", async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    reply.headers(SECURITY_HEADERS);
    if (cameOverHttps(request)) reply.header("strict-transport-security", HSTS);
    return payload;
  });
}

export default fp(securityHeaders, { name: "security-headers" });
