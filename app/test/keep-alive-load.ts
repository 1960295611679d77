// Keep-alive clients as load balancers and pinned clients run them: each sends GET / and POST /v1/shout
// back to back on its own kept-alive connection, checks every answer, and counts what went wrong.
// Used by the shutdown test (one instance), the proxy suite (nginx) and the image suite (docker stop).
import { setTimeout as sleep } from "node:timers/promises";
import { Pool } from "undici";

export interface KeepAliveLoadOptions {
  /** `http://127.0.0.1:<port>` */
  base: string;
  /** Clients in all: half on one undici Pool (a connection each), half on Node's global `fetch`. */
  clients: number;
  /** Keep sending while this returns true; it sees the counts so far. */
  running: (soFar: Readonly<KeepAliveLoadResult>) => boolean;
  /**
   * A refused connection means the listener has closed: the client stops and it is not a failure.
   * False behind a proxy, where the client must never see one.
   */
  refusedEndsClient: boolean;
  /** A 503 is counted apart (not a failure) when true; a failure otherwise. */
  cleanUnavailableIsOk: boolean;
  /** Per request. @default 10000 */
  requestTimeoutMs?: number;
}

export interface KeepAliveLoadResult {
  requests: number;
  ok: number;
  failed: number;
  /** Refused connections (listener closed), when `refusedEndsClient`. */
  refused: number;
  /** Clean 503s, when `cleanUnavailableIsOk`. */
  unavailable: number;
  /** The first failures, described. */
  failures: string[];
  /** ok answers whose response carried `Connection: close`. */
  connectionClose: number;
}

interface Answer {
  status: number;
  body: string;
  connection: string | undefined;
}

function errorCode(error: unknown): string {
  const { code, cause } = error as { code?: string; cause?: { code?: string; message?: string } };
  return code ?? cause?.code ?? "";
}

function describeError(error: unknown): string {
  const { name, message, cause } = error as Error & { cause?: Error & { code?: string } };
  const code = errorCode(error);
  return [name, code, message, cause?.message].filter(Boolean).join(" ");
}

/** Runs the clients until `running()` turns false (or each has been refused) and returns the counts. */
export async function runKeepAliveLoad(options: KeepAliveLoadOptions): Promise<KeepAliveLoadResult> {
  const timeoutMs = options.requestTimeoutMs ?? 10_000;
  const poolClients = Math.ceil(options.clients / 2);
  const pool = new Pool(options.base, {
    connections: poolClients,
    pipelining: 1,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  const result: KeepAliveLoadResult = {
    requests: 0,
    ok: 0,
    failed: 0,
    refused: 0,
    unavailable: 0,
    failures: [],
    connectionClose: 0,
  };

  const viaPool = async (path: string, body?: string): Promise<Answer> => {
    const res = await pool.request({
      path,
      method: body === undefined ? "GET" : "POST",
      ...(body === undefined ? {} : { body, headers: { "content-type": "application/json" } }),
    });
    const connection = res.headers.connection;
    return { status: res.statusCode, body: await res.body.text(), connection: connection?.toString() };
  };
  const viaFetch = async (path: string, body?: string): Promise<Answer> => {
    const res = await fetch(`${options.base}${path}`, {
      signal: AbortSignal.timeout(timeoutMs),
      ...(body === undefined
        ? {}
        : { method: "POST", body, headers: { "content-type": "application/json" } }),
    });
    return {
      status: res.status,
      body: await res.text(),
      connection: res.headers.get("connection") ?? undefined,
    };
  };

  const client = async (id: number) => {
    const send = id < poolClients ? viaPool : viaFetch;
    for (let i = 0; options.running(result); i++) {
      const shout = (id + i) % 2 === 1;
      const data = `client ${id} request ${i}`;
      const expected = shout
        ? JSON.stringify({ data: [...data].reverse().join("").toUpperCase() })
        : JSON.stringify({ message: "Hello World" });
      result.requests++;
      try {
        const answer = shout ? await send("/v1/shout", JSON.stringify({ data })) : await send("/");
        if (answer.status === 200 && answer.body === expected) {
          result.ok++;
          if (answer.connection?.toLowerCase() === "close") result.connectionClose++;
        } else if (answer.status === 503 && options.cleanUnavailableIsOk) {
          result.unavailable++;
        } else {
          result.failed++;
          if (result.failures.length < 20) {
            result.failures.push(
              `${shout ? "POST /v1/shout" : "GET /"}: HTTP ${answer.status} ${answer.body}`,
            );
          }
        }
      } catch (error) {
        if (options.refusedEndsClient && errorCode(error) === "ECONNREFUSED") {
          result.refused++;
          return;
        }
        result.failed++;
        if (result.failures.length < 20) {
          result.failures.push(`${shout ? "POST /v1/shout" : "GET /"}: ${describeError(error)}`);
        }
        // A failing server must not turn into a hot loop.
        await sleep(10);
      }
    }
  };

  try {
    await Promise.all(Array.from({ length: options.clients }, (_, id) => client(id)));
  } finally {
    await pool.destroy();
  }
  return result;
}

export interface RunningLoad {
  /** The final counts, once every client has stopped. */
  done: Promise<KeepAliveLoadResult>;
  /**
   * Resolves with the ok count once at least `count` requests succeeded (or `timeoutMs` passed): tests
   * act after a number of requests, not a time, since the machine may be busy with other work.
   */
  okAtLeast(count: number, timeoutMs?: number): Promise<number>;
}

/** {@link runKeepAliveLoad}, with a way to wait for progress while it runs. */
export function startKeepAliveLoad(options: KeepAliveLoadOptions): RunningLoad {
  let ok = 0;
  const done = runKeepAliveLoad({
    ...options,
    running: (soFar) => {
      ok = soFar.ok;
      return options.running(soFar);
    },
  });
  return {
    done,
    async okAtLeast(count, timeoutMs = 30_000) {
      for (let waited = 0; ok < count && waited < timeoutMs; waited += 20) await sleep(20);
      return ok;
    },
  };
}

/** `N requests, 0 failed (…)`: the figure every load test prints. */
export function summary(result: KeepAliveLoadResult): string {
  return (
    `${result.requests} requests, ${result.failed} failed ` +
    `(${result.ok} ok, ${result.connectionClose} of them with Connection: close, ` +
    `${result.refused} refused after the listener closed, ${result.unavailable} clean 503)`
  );
}
