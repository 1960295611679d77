// A real OTLP/HTTP traces receiver for the tests, run as its own process (`node --import tsx`): it listens on
// an ephemeral loopback port, prints `{"port":N}` once, then one JSON line per received span on stdout.
// It decodes the protobuf body with protobufjs (already in node_modules, the library the OTLP exporters
// were generated with) and the subset of the OTLP messages the assertions read: field numbers from
// open-telemetry/opentelemetry-proto opentelemetry/proto/trace/v1/trace.proto, common/v1/common.proto,
// resource/v1/resource.proto and collector/trace/v1/trace_service.proto (read 2026-12-07); fields not
// listed are skipped by the decoder, as protobuf allows.
import { once } from "node:events";
import { createServer } from "node:http";
import protobuf from "protobufjs";

const OTLP_SUBSET = `
syntax = "proto3";
message AnyValue {
  oneof value { string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4; }
}
message KeyValue { string key = 1; AnyValue value = 2; }
message Resource { repeated KeyValue attributes = 1; }
message InstrumentationScope { string name = 1; string version = 2; }
message Status { string message = 2; int32 code = 3; }
message Span {
  bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; bytes parent_span_id = 4; string name = 5;
  int32 kind = 6; fixed64 start_time_unix_nano = 7; fixed64 end_time_unix_nano = 8;
  repeated KeyValue attributes = 9; Status status = 15;
}
message ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ExportTraceServiceResponse { }
`;

const root = protobuf.parse(OTLP_SUBSET, { keepCase: true }).root;
const Request = root.lookupType("ExportTraceServiceRequest");

type Attributes = Record<string, string | number | boolean>;
interface Decoded {
  resource_spans?: Array<{
    resource?: { attributes?: Array<{ key: string; value?: Record<string, unknown> }> };
    scope_spans?: Array<{
      scope?: { name?: string };
      spans?: Array<
        Record<string, unknown> & { attributes?: Array<{ key: string; value?: Record<string, unknown> }> }
      >;
    }>;
  }>;
}

function attributes(list: Array<{ key: string; value?: Record<string, unknown> }> = []): Attributes {
  const out: Attributes = {};
  for (const { key, value } of list) {
    const v = value?.string_value ?? value?.int_value ?? value?.bool_value ?? value?.double_value;
    if (v !== undefined) out[key] = typeof v === "object" ? Number(v) : (v as string | number | boolean);
  }
  return out;
}

const hex = (bytes: unknown) => (bytes instanceof Uint8Array ? Buffer.from(bytes).toString("hex") : "");

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    if (
      req.method !== "POST" ||
      req.url !== "/v1/traces" ||
      req.headers["content-type"] !== "application/x-protobuf"
    ) {
      res.writeHead(400).end();
      return;
    }
    const decoded = Request.toObject(Request.decode(Buffer.concat(chunks)), { longs: Number }) as Decoded;
    for (const resourceSpans of decoded.resource_spans ?? []) {
      const resource = attributes(resourceSpans.resource?.attributes);
      for (const scopeSpans of resourceSpans.scope_spans ?? []) {
        for (const span of scopeSpans.spans ?? []) {
          const line = {
            traceId: hex(span.trace_id),
            spanId: hex(span.span_id),
            parentSpanId: hex(span.parent_span_id),
            name: span.name,
            kind: span.kind ?? 0,
            scope: scopeSpans.scope?.name,
            attributes: attributes(span.attributes),
            resource,
          };
          process.stdout.write(`${JSON.stringify(line)}\n`);
        }
      }
    }
    res.writeHead(200, { "content-type": "application/x-protobuf" }).end();
  });
});
server.listen(0, "127.0.0.1");
await once(server, "listening");
process.stdout.write(`${JSON.stringify({ port: (server.address() as { port: number }).port })}\n`);
process.on("SIGTERM", () => server.close(() => process.exit(0)));
