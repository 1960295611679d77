// The machine is shared: how much of the CPUs processes outside the benchmark used while something
// ran, and a bounded wait for them to calm down before a sample.
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { ourJiffies } from "./children.mts";
import { cpuJiffies } from "./machine.mts";
import { settings } from "./settings.mts";

/**
 * Runs `fn` and returns its result with the share (0..1) of both CPUs used meanwhile by processes
 * that are not part of the benchmark: the machine is shared, and this says how much it mattered.
 */
export async function withForeignCpu<T>(fn: () => Promise<T>): Promise<[T, number | null]> {
  const before = cpuJiffies();
  const oursBefore = ourJiffies();
  const value = await fn();
  const after = cpuJiffies();
  const oursAfter = ourJiffies();
  if (before === undefined || after === undefined || after.total <= before.total) return [value, null];
  const foreign = after.busy - before.busy - (oursAfter - oursBefore);
  return [value, Math.max(0, foreign) / (after.total - before.total)];
}

let quietBudgetMs = settings.quietBudgetSeconds * 1000;
let quietWaitedMs = 0;

/** Milliseconds waited so far, over the whole run, for other processes to leave the CPUs. */
export function quietWaited(): number {
  return quietWaitedMs;
}

/** Waits (bounded) until other processes leave the CPUs mostly idle, sampling 200 ms at a time. */
export async function waitForQuiet(maxSeconds: number): Promise<void> {
  const start = performance.now();
  for (;;) {
    const [, foreign] = await withForeignCpu(() => sleep(200));
    const waited = performance.now() - start;
    if (foreign === null || foreign <= settings.quietThreshold) break;
    if (waited >= maxSeconds * 1000 || waited >= quietBudgetMs) break;
  }
  const waited = performance.now() - start;
  // The first 200 ms sample is the price of looking, not waiting.
  const extra = Math.max(0, waited - 250);
  quietBudgetMs -= extra;
  quietWaitedMs += extra;
}

/** A sample is clean when other processes used at most `settings.quietThreshold` of the CPUs. */
export const isClean = (foreignCpu: number | null): boolean =>
  foreignCpu === null || foreignCpu <= settings.quietThreshold;
