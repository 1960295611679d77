// The hooks of import-recorder.mjs (run in Node's loader thread).
let port;
export function initialize(data) {
  port = data.port;
}
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (/\/node_modules\/(@opentelemetry|@fastify\/otel)\//.test(result.url)) port.postMessage(result.url);
  return result;
}
