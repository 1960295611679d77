/**
 * X-Ray spans (tracing xray, issue 31). With Transaction Search, which the CloudWatch OTLP traces endpoint
 * requires, every span ingested is billed as CloudWatch Logs data into the `aws/spans` log group, and 1% of
 * spans are indexed as trace summaries at no charge by default ("switches all spans ingestion through
 * X-Ray into cost effective collection mode using Amazon CloudWatch Pricing. By default you will also
 * index 1% of ingested spans for free":
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Enable-TransactionSearch.html, read
 * 2026-12-07). Priced on the exporter's role policy, the one resource each traced app has exactly once.
 */
import { type Context, cents, charge, notPriced, type Rule, rate } from "./common";

/** The app makes one SERVER span per request (app/src/tracing: no hook or handler child spans). */
export const SPANS_PER_REQUEST = 1;

export function xraySpanLines(ctx: Context): ReturnType<Rule> {
  const { millionRequestsPerMonth, spanKb } = ctx.assumptions;
  const gb = cents((millionRequestsPerMonth * 1e6 * SPANS_PER_REQUEST * spanKb) / 1e6);
  return [
    charge(
      ctx,
      `X-Ray spans (Transaction Search, CloudWatch Logs ingestion into aws/spans): ${gb} GB/month (${millionRequestsPerMonth} M requests × ${SPANS_PER_REQUEST} span × ${spanKb} KB; assumptions millionRequestsPerMonth, spanKb)`,
      "logsIngestGb",
      gb,
      gb,
      (p) => `${gb} GB × ${rate(p)}`,
      (p) => p.usd,
    ),
    notPriced(
      "aws/spans storage and indexing above 1%",
      "the aws/spans log group's retention is set when Transaction Search is enabled, outside this stack; the default 1% indexing is free",
    ),
  ];
}

/** A role policy: the exporter's (named `…-xray-export` by platforms/aws/tracing.ts) carries the spans. */
export const rolePolicyRule =
  (otherwise: Rule): Rule =>
  (r, ctx) =>
    r.name.endsWith("-xray-export") ? xraySpanLines(ctx) : otherwise(r, ctx);
