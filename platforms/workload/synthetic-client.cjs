"use strict";
/**
 * The synthetic client on the `kubernetes` platform, run every minute by a CronJob: calls the app's
 * `GET /v1/random` and `GET /healthz` once each, logs one JSON line per call (path, HTTP status,
 * success, latency in ms, and the random value as the seed's EC2 client recorded it), and exits 1 when
 * any call fails, so the Job fails and every Job-failure alert of the cluster sees it. Plain JavaScript
 * on Node's global fetch, run from a ConfigMap in the same stock, digest-pinned Node image as the ECR
 * pull-secret refresher: no image of its own to build or trust.
 */

/** A call slower than this counts as a failure: the app answers these routes in milliseconds. */
const DEFAULT_TIMEOUT_MS = 5000;
const PATHS = ["/v1/random", "/healthz"];

/** What a successful answer of each path looks like (the app's contract, DESIGN.md). */
function validBody(path, body) {
  if (path === "/v1/random") {
    return Number.isInteger(body?.value) && body.value >= 0 && body.value <= 100;
  }
  return body?.status === "ok";
}

/** One call; never throws: the outcome is data. */
async function check(baseUrl, path, timeoutMs = DEFAULT_TIMEOUT_MS, now = () => performance.now()) {
  const started = now();
  try {
    const response = await fetch(new URL(path, baseUrl), { signal: AbortSignal.timeout(timeoutMs) });
    const text = await response.text();
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const ok = response.status === 200 && validBody(path, body);
    return {
      path,
      status: response.status,
      ok,
      latencyMs: Math.round(now() - started),
      ...(path === "/v1/random" && ok && { value: body.value }),
    };
  } catch (error) {
    return {
      path,
      status: 0,
      ok: false,
      latencyMs: Math.round(now() - started),
      error: String(error?.message ?? error),
    };
  }
}

/**
 * What the client calls: the public URL users reach (an Ingress host, a Gateway route, a LoadBalancer
 * address) when the stack has one, else the in-cluster Service. Every log line names it.
 */
const TARGET_KINDS = ["ingress", "gateway", "load-balancer", "service"];

/** Both calls, one after the other; a JSON line each. Resolves with the results. */
async function run(
  baseUrl,
  { timeoutMs = DEFAULT_TIMEOUT_MS, log = (line) => console.log(line), target = "service" } = {},
) {
  const results = [];
  for (const path of PATHS) {
    const result = await check(baseUrl, path, timeoutMs);
    log(JSON.stringify({ msg: "synthetic check", target, url: new URL(path, baseUrl).href, ...result }));
    results.push(result);
  }
  return results;
}

function configFromEnv(env) {
  const target = env.TARGET_URL;
  if (!target || !/^https?:\/\//.test(target)) {
    throw new Error(`TARGET_URL: got ${JSON.stringify(target)}; expected the app's http(s):// URL`);
  }
  const timeout = env.TIMEOUT_MS === undefined ? DEFAULT_TIMEOUT_MS : Number(env.TIMEOUT_MS);
  if (!Number.isInteger(timeout) || timeout <= 0) {
    throw new Error(`TIMEOUT_MS: got ${JSON.stringify(env.TIMEOUT_MS)}; expected a positive integer`);
  }
  const kind = env.TARGET_KIND ?? "service";
  if (!TARGET_KINDS.includes(kind)) {
    throw new Error(
      `TARGET_KIND: got ${JSON.stringify(env.TARGET_KIND)}; expected one of ${TARGET_KINDS.join(", ")}`,
    );
  }
  return { targetUrl: target, timeoutMs: timeout, targetKind: kind };
}

/**
 * The failure in one line, for the pod's termination message: `kubectl get pods`/`describe` and the Job's
 * events show it without reading logs (Kubernetes "Determine the Reason for Pod Failure",
 * https://kubernetes.io/docs/tasks/debug/debug-application/determine-reason-pod-failure/, read 2026-12-07:
 * the message is read from /dev/termination-log, at most 4096 bytes).
 */
function failureSummary(kind, baseUrl, results) {
  const failed = results
    .filter((r) => !r.ok)
    .map(
      (r) =>
        `${r.path} ${r.status === 0 ? (r.error ?? "no response") : `HTTP ${r.status}`} after ${r.latencyMs} ms`,
    );
  return `synthetic check failed via ${kind} ${baseUrl}: ${failed.join("; ")}`.slice(0, 4096);
}

module.exports = { check, run, configFromEnv, failureSummary, PATHS, TARGET_KINDS, DEFAULT_TIMEOUT_MS };

if (require.main === module) {
  (async () => {
    const config = configFromEnv(process.env);
    const results = await run(config.targetUrl, { timeoutMs: config.timeoutMs, target: config.targetKind });
    const ok = results.every((r) => r.ok);
    if (!ok) {
      try {
        require("node:fs").writeFileSync(
          process.env.TERMINATION_LOG ?? "/dev/termination-log",
          failureSummary(config.targetKind, config.targetUrl, results),
        );
      } catch {
        // No termination log (a run outside Kubernetes): the log lines and the exit code still tell.
      }
    }
    process.exitCode = ok ? 0 : 1;
  })().catch((error) => {
    console.error(
      JSON.stringify({ msg: "synthetic check could not run", error: String(error?.message ?? error) }),
    );
    process.exitCode = 1;
  });
}
