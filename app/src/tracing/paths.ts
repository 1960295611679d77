/** Probe routes: never traced (see tracing/index.ts). No OpenTelemetry import, so app code may read it. */
export const UNTRACED_PATHS: ReadonlySet<string> = new Set(["/healthz", "/readyz"]);

/** Whether a request URL or route path is a probe's (the query string does not count). */
export function untraced(url: string): boolean {
  const query = url.indexOf("?");
  return UNTRACED_PATHS.has(query === -1 ? url : url.slice(0, query));
}
