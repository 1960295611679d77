import underPressure from "@fastify/under-pressure";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";

export interface LoadSheddingOptions {
  /**
   * Shed load (503 with Retry-After) once the event loop lags this many milliseconds.
   * Event-loop delay, not utilisation: a saturated but healthy loop still answers fast.
   * @default 1000
   */
  maxEventLoopDelay?: number;
  /** @default 0 (off): the container's memory limit is the real guard. */
  maxHeapUsedBytes?: number;
  /** How often pressure is sampled, in milliseconds. @default 1000 */
  sampleInterval?: number;
}

declare module "fastify" {
  interface FastifyInstance {
    /** Flips readiness to 503 for good: the process is leaving and load balancers must stop sending. */
    beginShutdown(): void;
    readonly shuttingDown: boolean;
  }
}

/** Readiness state and load shedding, shared by every route. */
export default fp<LoadSheddingOptions>(
  async (app: FastifyInstance, opts) => {
    let shuttingDown = false;
    app.decorate("beginShutdown", () => {
      shuttingDown = true;
    });
    app.decorate("shuttingDown", {
      getter: () => shuttingDown,
    });
    await app.register(underPressure, {
      maxEventLoopDelay: opts.maxEventLoopDelay ?? 1000,
      maxHeapUsedBytes: opts.maxHeapUsedBytes ?? 0,
      sampleInterval: opts.sampleInterval ?? 1000,
      retryAfter: 10,
    });
  },
  { name: "lifecycle" },
);
