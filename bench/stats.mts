// The statistics of the benchmark drivers (bench.mts, load.mts, load-worker.mts): pure functions
// over the samples, tested in stats.test.ts.
import type { LoadSummary } from "./types.mts";

/** The median of the finite values (NaN when there are none). */
export function median(values: number[]): number {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Exact percentile of a sorted sample (nearest rank). */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))] ?? Number.NaN;
}

/** `value` rounded to `digits` decimals; NaN stays NaN (printed "n/a"). */
export const round = (value: number, digits: number): number =>
  Number.isFinite(value) ? Math.round(value * 10 ** digits) / 10 ** digits : Number.NaN;

/** a ÷ b, NaN when either is missing or b is not positive. */
export function ratio(a: number | undefined, b: number | undefined): number {
  return a !== undefined && b !== undefined && b > 0 ? a / b : Number.NaN;
}

export type RoundRecord = LoadSummary & {
  foreignCpu: number | null;
  /** Average cores the server (all its processes) used: ~1.0 means it was the bottleneck. */
  serverCores: number;
  /** Average cores the load generator used: ~1.0 means it, not the server, was the limit. */
  loaderCores: number;
  /**
   * 2xx responses per CPU-second of the server: its capacity on one dedicated core, and nearly
   * immune to other processes taking CPU time away (they lower req/s and CPU time alike).
   */
  okPerServerCpuSecond: number;
};

export interface RouteResult {
  rounds: RoundRecord[];
  /** "clean" when the medians come from clean rounds only, "noisy" when there were too few. */
  basis: "clean" | "noisy";
  cleanRounds: number;
  /** Median share of both CPUs used by processes outside the benchmark during a round. */
  medianForeignCpu: number | null;
  medianOkPerSecond: number;
  minOkPerSecond: number;
  maxOkPerSecond: number;
  /** Over every round, clean or not: this figure is robust to other load. */
  medianOkPerServerCpuSecond: number;
  medianServerCores: number;
  medianLoaderCores: number;
  medianP50Ms: number;
  medianP99Ms: number;
  totalNon2xx: number;
  totalErrors: number;
  totalTimeouts: number;
}

/**
 * One (server, route) pair's rounds summarised: medians over the clean rounds when there are at least
 * `minCleanSamples` of them (or all rounds were clean), over every round otherwise ("noisy").
 */
export function summarise(
  rounds: RoundRecord[],
  isClean: (foreignCpu: number | null) => boolean,
  minCleanSamples: number,
): RouteResult {
  const clean = rounds.filter((r) => isClean(r.foreignCpu));
  const basis = clean.length >= Math.min(minCleanSamples, rounds.length) ? clean : rounds;
  const rps = basis.map((r) => r.okPerSecond);
  const pressure = rounds.flatMap((r) => (r.foreignCpu === null ? [] : [r.foreignCpu]));
  return {
    rounds,
    basis: basis === clean ? "clean" : "noisy",
    cleanRounds: clean.length,
    medianForeignCpu: pressure.length > 0 ? round(median(pressure), 3) : null,
    medianOkPerSecond: round(median(rps), 0),
    minOkPerSecond: round(Math.min(...rps), 0),
    maxOkPerSecond: round(Math.max(...rps), 0),
    medianOkPerServerCpuSecond: round(median(rounds.map((r) => r.okPerServerCpuSecond)), 0),
    medianServerCores: round(median(basis.map((r) => r.serverCores)), 2),
    medianLoaderCores: round(median(basis.map((r) => r.loaderCores)), 2),
    medianP50Ms: round(median(basis.map((r) => r.latencyMs.p50)), 3),
    medianP99Ms: round(median(basis.map((r) => r.latencyMs.p99)), 3),
    totalNon2xx: rounds.reduce((a, r) => a + r.non2xx, 0),
    totalErrors: rounds.reduce((a, r) => a + r.errors, 0),
    totalTimeouts: rounds.reduce((a, r) => a + r.timeouts, 0),
  };
}

export interface StartupSummary {
  runsMs: number[];
  runsForeignCpu: (number | null)[];
  basis: "clean" | "noisy";
  cleanRuns: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
}

/** One server's start-up runs: medians over the clean runs when most runs are clean, else over all. */
export function summariseStartup(
  samples: { ms: number; foreignCpu: number | null }[],
  isClean: (foreignCpu: number | null) => boolean,
): StartupSummary {
  const clean = samples.filter((x) => isClean(x.foreignCpu));
  const basis = clean.length >= Math.ceil(samples.length / 2) ? clean : samples;
  const values = basis.map((x) => x.ms);
  return {
    runsMs: samples.map((x) => round(x.ms, 1)),
    runsForeignCpu: samples.map((x) => (x.foreignCpu === null ? null : round(x.foreignCpu, 3))),
    basis: basis === clean ? "clean" : "noisy",
    cleanRuns: clean.length,
    medianMs: round(median(values), 1),
    minMs: round(Math.min(...values), 1),
    maxMs: round(Math.max(...values), 1),
  };
}
