/** Route 53: health checks by endpoint and options; records in a zone the stack does not own are free. */
import type { Context, Rule } from "./common";
import { arr, free, monthly, notPriced, num, obj, str } from "./common";

/** Hostnames this graph aliases to a load balancer (so a health check of that name checks an AWS endpoint). */
function aliasedToLoadBalancer(ctx: Context): Set<string> {
  return new Set(
    ctx
      .ofType("aws:route53/record:Record")
      .filter((rec) =>
        arr(rec.inputs.aliases).some((a) => /elb\.amazonaws\.com\.?$/.test(str(obj(a).name) ?? "")),
      )
      .map((rec) => str(rec.inputs.name) ?? ""),
  );
}

/**
 * A Route 53 health check: a basic check per month, plus one fee per optional feature (HTTPS, string
 * matching, the 10-second interval, latency measurement: the four infracost counts too). An ELB
 * endpoint, by its own DNS name or a name this graph aliases to one, is an AWS endpoint; anything else
 * is priced as non-AWS (errs high).
 */
const healthCheckRule: Rule = (r, ctx) => {
  const type = str(r.inputs.type) ?? "HTTP";
  const fqdn = str(r.inputs.fqdn) ?? "";
  const aws = /\.elb\.amazonaws\.com\.?$/.test(fqdn) || aliasedToLoadBalancer(ctx).has(fqdn);
  if (["CALCULATED", "CLOUDWATCH_METRIC", "RECOVERY_CONTROL"].includes(type)) {
    return [notPriced(`Route 53 health check (${type})`, "only endpoint health checks have a price rule")];
  }
  const options = [
    type.startsWith("HTTPS") && "HTTPS",
    type.endsWith("STR_MATCH") && "string matching",
    num(r.inputs.requestInterval) === 10 && "10-second interval",
    r.inputs.measureLatency === true && "latency measurement",
  ].filter((o): o is string => typeof o === "string");
  const endpoint = aws ? "AWS endpoint" : "non-AWS endpoint";
  const lines = [
    monthly(
      ctx,
      `Route 53 health check, ${endpoint} (${type} ${fqdn || "by IP"})`,
      aws ? "route53HealthCheckAwsMonth" : "route53HealthCheckNonAwsMonth",
      1,
      "health check",
    ),
  ];
  if (options.length > 0) {
    lines.push(
      monthly(
        ctx,
        `Route 53 health check options: ${options.join(", ")} (${endpoint})`,
        aws ? "route53HealthCheckOptionAwsMonth" : "route53HealthCheckOptionNonAwsMonth",
        options.length,
        "optional features",
      ),
    );
  }
  return lines;
};

/**
 * A record in a hosted zone the stack does not create (the zone's $0.50/month is its owner's). An alias
 * to a load balancer answers queries for free; other records (ACM's validation CNAME) are queried only
 * by ACM's validation and renewal checks.
 */
const route53RecordRule: Rule = (r) =>
  free(
    arr(r.inputs.aliases).length > 0
      ? "an alias record: Route 53 does not charge for alias queries to AWS resources such as an ELB; the zone is not this stack's"
      : "a record in a zone that is not this stack's: no charge for the record, and its only queries are ACM's validation checks",
  )(r, {} as Context);

export const ROUTE53_RULES: Readonly<Record<string, Rule>> = {
  "aws:route53/record:Record": route53RecordRule,
  "aws:route53/healthCheck:HealthCheck": healthCheckRule,
};
