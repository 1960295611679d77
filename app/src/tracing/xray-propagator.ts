import {
  type Context,
  isSpanContextValid,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
  TraceFlags,
  trace,
} from "@opentelemetry/api";

/**
 * The `X-Amzn-Trace-Id` header an ALB adds or passes on, read as an OpenTelemetry parent.
 *
 * Why our own: @opentelemetry/propagator-aws-xray 2.2.0 declares `@opentelemetry/api` `>=1.0.0 <1.10.0`
 * as its peer range, and the app runs api 1.10 (npm registry, read 2026-12-07). The format is small and
 * stable: `Root=1-<8 hex epoch>-<24 hex>;Parent=<16 hex>;Sampled=<0|1>`, fields in any order, `;`
 * separated (AWS X-Ray developer guide, "Tracing header",
 * https://docs.aws.amazon.com/xray/latest/devguide/xray-concepts.html#xray-concepts-tracingheader, read
 * 2026-12-07). The X-Ray trace id is the W3C one with the dash removed (the same mapping as
 * open-telemetry/opentelemetry-js-contrib packages/propagator-aws-xray/src/AWSXRayPropagator.ts, read
 * 2026-12-07).
 *
 * An ALB alone writes `Root=` without `Parent=` (it is not a traced hop): without a parent span id there is
 * no remote span context to continue, so such a header is left alone, as the upstream propagator does.
 */
export const XRAY_TRACE_HEADER = "x-amzn-trace-id";

const ROOT = /^1-([0-9a-f]{8})-([0-9a-f]{24})$/;
const SPAN_ID = /^[0-9a-f]{16}$/;

export class XRayPropagator implements TextMapPropagator {
  fields(): string[] {
    return [XRAY_TRACE_HEADER];
  }

  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    const spanContext = trace.getSpanContext(context);
    if (!spanContext || !isSpanContextValid(spanContext)) return;
    const { traceId, spanId, traceFlags } = spanContext;
    const root = `1-${traceId.slice(0, 8)}-${traceId.slice(8)}`;
    const sampled = (traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED ? "1" : "0";
    setter.set(carrier, XRAY_TRACE_HEADER, `Root=${root};Parent=${spanId};Sampled=${sampled}`);
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    const raw = getter.get(carrier, XRAY_TRACE_HEADER);
    const header = Array.isArray(raw) ? raw[0] : raw;
    if (typeof header !== "string") return context;
    const fields = new Map<string, string>();
    for (const part of header.split(";")) {
      const eq = part.indexOf("=");
      if (eq > 0)
        fields.set(
          part.slice(0, eq).trim().toLowerCase(),
          part
            .slice(eq + 1)
            .trim()
            .toLowerCase(),
        );
    }
    const root = ROOT.exec(fields.get("root") ?? "");
    const parent = fields.get("parent") ?? "";
    if (!root || !SPAN_ID.test(parent)) return context;
    const spanContext = {
      traceId: `${root[1]}${root[2]}`,
      spanId: parent,
      // "d" is X-Ray's debug flag, sampled too (the upstream propagator reads it the same way).
      traceFlags: ["1", "d"].includes(fields.get("sampled") ?? "") ? TraceFlags.SAMPLED : TraceFlags.NONE,
      isRemote: true,
    };
    return isSpanContextValid(spanContext) ? trace.setSpanContext(context, spanContext) : context;
  }
}
