// The load generator, in its own process so bench.mts can pin it to a different core than the
// server under test. It receives one job at a time over IPC and answers with a summary.
import autocannon from "autocannon";
import { percentile } from "./stats.mts";
import type { LoadJob, LoadSummary, WorkerReply } from "./types.mts";

async function run(job: LoadJob): Promise<LoadSummary> {
  // autocannon's own histogram keeps whole milliseconds, too coarse for p50s of a few ms and for a
  // p99 ratio, so every 2xx response time (float ms from process.hrtime) is also kept here.
  let latencies = new Float64Array(1 << 18);
  let count = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: job.url,
        method: job.method,
        headers: job.headers,
        body: job.body,
        connections: job.connections,
        duration: job.durationSeconds,
      },
      (error: unknown, done: autocannon.Result) => (error ? reject(error) : resolve(done)),
    );
    instance.on("response", (_client, statusCode, _bytes, responseTime) => {
      if (statusCode < 200 || statusCode > 299) return;
      if (count === latencies.length) {
        const grown = new Float64Array(latencies.length * 2);
        grown.set(latencies);
        latencies = grown;
      }
      latencies[count++] = responseTime;
    });
  });
  const sorted = latencies.subarray(0, count).sort();
  const ok = result["2xx"];
  return {
    durationSeconds: result.duration,
    okRequests: ok,
    okPerSecond: ok / result.duration,
    autocannonRequestsAverage: result.requests.average,
    non2xx: result.non2xx,
    // A 503 from load shedding must not count as throughput, so throughput is 2xx per second.
    statusCodes: Object.fromEntries(
      Object.entries(result.statusCodeStats ?? {}).map(([code, stat]) => [code, stat.count ?? 0]),
    ),
    errors: result.errors,
    timeouts: result.timeouts,
    latencyMs: {
      p50: percentile(sorted, 50),
      p90: percentile(sorted, 90),
      p99: percentile(sorted, 99),
      max: sorted.length > 0 ? (sorted[sorted.length - 1] ?? Number.NaN) : Number.NaN,
      mean: sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length),
    },
    autocannonLatencyMs: { p50: result.latency.p50, p99: result.latency.p99 },
  };
}

if (process.send === undefined) {
  console.error("load-worker.mts must be started by bench.mts with an IPC channel");
  process.exit(2);
}

process.on("message", (job: LoadJob) => {
  run(job).then(
    (summary) => process.send?.({ id: job.id, summary } satisfies WorkerReply),
    (error: unknown) =>
      process.send?.({ id: job.id, error: error instanceof Error ? error.message : String(error) }),
  );
});
// Without the driver there is nothing left to do; never outlive it.
process.on("disconnect", () => process.exit(0));
process.send({ ready: true });
