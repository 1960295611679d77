// Messages between bench.mts (driver) and load-worker.mts (load generator).

export interface LoadJob {
  id: number;
  url: string;
  method: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string;
  connections: number;
  durationSeconds: number;
}

export interface LoadSummary {
  durationSeconds: number;
  okRequests: number;
  /** 2xx responses per second: the throughput figure quoted everywhere. */
  okPerSecond: number;
  /** autocannon's own figure (mean of per-second samples, all status codes), kept for reference. */
  autocannonRequestsAverage: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  errors: number;
  timeouts: number;
  /** Exact percentiles of 2xx response times, in milliseconds. */
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  /** autocannon's histogram percentiles (whole milliseconds), kept for reference. */
  autocannonLatencyMs: { p50: number; p99: number };
}

export type WorkerReply = { id: number; summary: LoadSummary } | { id: number; error: string };

export type WorkerMessage = WorkerReply | { ready: true };
