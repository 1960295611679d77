import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  defaultTextMapGetter,
  defaultTextMapSetter,
  ROOT_CONTEXT,
  TraceFlags,
  trace,
} from "@opentelemetry/api";
import { XRayPropagator } from "../../src/tracing/xray-propagator.js";

const propagator = new XRayPropagator();

function extracted(header: string | undefined) {
  const carrier = header === undefined ? {} : { "x-amzn-trace-id": header };
  return trace.getSpanContext(propagator.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter));
}

describe("XRayPropagator (X-Amzn-Trace-Id)", () => {
  // Header forms from the X-Ray developer guide's "Tracing header" section (read 2026-12-07).
  const cases: Array<
    [string, string | undefined, { traceId: string; spanId: string; sampled: boolean } | undefined]
  > = [
    [
      "Root, Parent, Sampled=1",
      "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
      { traceId: "5759e988bd862e3fe1be46a994272793", spanId: "53995c3f42cd8ad8", sampled: true },
    ],
    [
      "fields in another order, spaces, Sampled=0",
      "Sampled=0; Parent=53995c3f42cd8ad8; Root=1-5759e988-bd862e3fe1be46a994272793",
      { traceId: "5759e988bd862e3fe1be46a994272793", spanId: "53995c3f42cd8ad8", sampled: false },
    ],
    [
      "debug flag is sampled, Self= of an ALB ignored",
      "Self=1-67891234-12456789abcdef012345678;Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=d",
      { traceId: "5759e988bd862e3fe1be46a994272793", spanId: "53995c3f42cd8ad8", sampled: true },
    ],
    ["ALB's Root only (no parent span)", "Root=1-67891233-abcdef012345678912345678", undefined],
    ["malformed root", "Root=1-5759e988bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8", undefined],
    ["malformed parent", "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=xyz", undefined],
    [
      "all-zero trace id (invalid in W3C)",
      "Root=1-00000000-000000000000000000000000;Parent=53995c3f42cd8ad8",
      undefined,
    ],
    ["no header", undefined, undefined],
  ];
  for (const [name, header, expected] of cases) {
    it(`extract: ${name}`, () => {
      const context = extracted(header);
      if (!expected) return assert.equal(context, undefined);
      assert.deepEqual(context, {
        traceId: expected.traceId,
        spanId: expected.spanId,
        traceFlags: expected.sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
        isRemote: true,
      });
    });
  }

  it("inject writes what extract reads back", () => {
    const spanContext = {
      traceId: "5759e988bd862e3fe1be46a994272793",
      spanId: "53995c3f42cd8ad8",
      traceFlags: TraceFlags.SAMPLED,
    };
    const carrier: Record<string, string> = {};
    propagator.inject(trace.setSpanContext(ROOT_CONTEXT, spanContext), carrier, defaultTextMapSetter);
    assert.deepEqual(carrier, {
      "x-amzn-trace-id": "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
    });
    assert.deepEqual(extracted(carrier["x-amzn-trace-id"]), { ...spanContext, isRemote: true });
  });
});
