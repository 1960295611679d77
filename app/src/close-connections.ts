import type { Server } from "node:http";
import { Server as NetServer } from "node:net";

export interface ConnectionsClosed {
  /** Connections open when the listener closed. */
  openAtClose: number;
  /** Connections still open at the timeout, destroyed then. */
  destroyed: number;
}

/**
 * The part of the shutdown timeout kept for closing Fastify and exiting once connections are dealt
 * with, so the process is gone within drain + timeout even when idle connections run out the clock.
 */
export function exitReserveMs(shutdownTimeoutMs: number): number {
  return Math.min(1000, Math.floor(shutdownTimeoutMs / 10));
}

function openConnections(server: Server): Promise<number> {
  return new Promise((resolve) => server.getConnections((error, count) => resolve(error ? 0 : count)));
}

/**
 * Stops accepting connections without touching the open ones, ends each open connection after its next
 * response, and destroys whatever is left after `timeoutMs`.
 *
 * Why not `server.close()` (what `fastify.close()` calls): since Node 19, `http.Server#close` first runs
 * `closeIdleConnections()` (lib/_http_server.js `httpServerPreClose`), which destroys every kept-alive
 * connection with no parsed request — including one whose client has just put its next request on the
 * wire. That client gets a reset, and a proxy does not retry a reset POST. So: close only the listening
 * socket (`net.Server#close`), answer every further request with `Connection: close` (Node then ends
 * the socket once that response is written: `_last` in lib/_http_outgoing.js, `resOnFinish` in
 * lib/_http_server.js), and let clients finish. A client reads `Connection: close` before it could
 * reuse the socket, so no request is ever sent into a closing connection. An idle connection that
 * never sends again (a pool's spare) is closed by the timeout; by then its load balancer has stopped
 * routing here. Closing such a spare earlier would race with a client picking it, as at the timeout,
 * but at a moment when clients are more likely to still route here.
 */
export async function closeConnections(server: Server, timeoutMs: number): Promise<ConnectionsClosed> {
  // Prepended, so the header is set before Fastify's handler writes the head (writeHead merges it).
  server.prependListener("request", (_request, response) => {
    response.setHeader("connection", "close");
  });
  const closed = new Promise<void>((resolve) => {
    NetServer.prototype.close.call(server, () => resolve());
  });
  const openAtClose = await openConnections(server);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  const outcome = await Promise.race([closed, timedOut]);
  clearTimeout(timer);
  if (outcome !== "timeout") return { openAtClose, destroyed: 0 };
  const destroyed = await openConnections(server);
  server.closeAllConnections();
  await closed;
  return { openAtClose, destroyed };
}
