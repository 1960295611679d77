import {
  ADOT_COLLECTOR_IMAGE,
  ADOT_COLLECTOR_REVIEW_DAYS,
  ADOT_COLLECTOR_REVIEWED,
  daysBetween,
  otlpPeer,
  type TracingSettings,
} from "../facts";
import type { Valid } from "./common";
import { fullKey, type Values } from "./keys";
import { show } from "./schema";

/**
 * The rules between `tracing`, `otlpEndpoint` and `platform`: X-Ray needs AWS (a collector signing with the
 * app's role), otlp needs its endpoint, and on a Kubernetes platform the endpoint must be something the
 * app's NetworkPolicy can name as its one egress peer (facts/tracing.ts otlpPeer).
 */
export function tracingProblems(v: Values): string[] {
  const problems: string[] = [];
  if (v.tracing === "xray" && v.platform === "kubernetes") {
    problems.push(
      `${fullKey("tracing")}: got "xray" on platform kubernetes; expected off or otlp (X-Ray takes SigV4-signed spans from an AWS identity, which a cluster we know nothing about does not give the app: run a collector there and set tracing otlp with otlpEndpoint)`,
    );
  }
  if (v.tracing === "otlp" && v.otlpEndpoint === undefined) {
    problems.push(
      `${fullKey("otlpEndpoint")}: got nothing with tracing otlp; expected the OTLP/HTTP traces URL of a collector, e.g. http://otel-collector.observability:4318/v1/traces`,
    );
  }
  if (v.tracing !== undefined && v.tracing !== "otlp" && v.otlpEndpoint !== undefined) {
    problems.push(
      `${fullKey("otlpEndpoint")}: got ${show(v.otlpEndpoint)} with tracing ${v.tracing}; expected it unset unless tracing is otlp (nothing would use it)`,
    );
  }
  if (
    v.tracing === "otlp" &&
    v.otlpEndpoint !== undefined &&
    (v.platform === "kubernetes" || v.platform === "eks")
  ) {
    const peer = otlpPeer(v.otlpEndpoint);
    if ("problem" in peer) {
      problems.push(
        `${fullKey("otlpEndpoint")}: got ${show(v.otlpEndpoint)}, whose host is ${peer.problem}; expected an in-cluster Service URL (http://<service>.<namespace>:<port>/v1/traces) or an IPv4 address on ${v.platform}, which the app's NetworkPolicy admits as its one egress`,
      );
    }
  }
  return problems;
}

export function tracingSettings(v: Valid): TracingSettings {
  if (v.tracing === "otlp") return { mode: "otlp", endpoint: v.otlpEndpoint ?? "" };
  return { mode: v.tracing };
}

/** The collector pin ages: a warning once it was last checked more than ADOT_COLLECTOR_REVIEW_DAYS ago. */
export function tracingWarnings(v: Valid, today: string, reviewed = ADOT_COLLECTOR_REVIEWED): string[] {
  const age = daysBetween(reviewed, today);
  if (v.tracing !== "xray" || age <= ADOT_COLLECTOR_REVIEW_DAYS) return [];
  return [
    `${fullKey("tracing")}: the ADOT collector pin ${ADOT_COLLECTOR_IMAGE} was last checked ${reviewed} (${age} days ago): look for a newer release (github.com/aws-observability/aws-otel-collector/releases) and update facts/tracing.ts`,
  ];
}
