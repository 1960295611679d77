// The two measuring phases: throughput and latency under load (every server and route, interleaved
// rounds, extra rounds for noisy pairs), then start-up time (spawn -> first 200 from /healthz).
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { LoadWorker } from "./load-client.mts";
import { groupCpuSeconds } from "./machine.mts";
import { isClean, waitForQuiet, withForeignCpu } from "./quiet.mts";
import { fmt } from "./report.mts";
import {
  freePort,
  type RunningServer,
  type ServerSpec,
  startServer,
  stopServer,
  verify,
  waitHealthy,
} from "./servers.mts";
import { ROUTES, type Route, settings } from "./settings.mts";
import {
  type RoundRecord,
  type RouteResult,
  type StartupSummary,
  summarise,
  summariseStartup,
} from "./stats.mts";

export interface ServerOutcome {
  label: string;
  command: string;
  diagnostic: boolean;
  status: "measured" | "unavailable" | "failed";
  reason?: string;
  routes: Partial<Record<Route["key"], RouteResult>>;
  startup?: StartupSummary;
}

/** What a benchmark run collects: every server's outcome and every error met on the way. */
export interface BenchRun {
  outcomes: Map<ServerSpec["key"], ServerOutcome>;
  errors: string[];
}

function fail(run: BenchRun, key: ServerSpec["key"], error: unknown, withReason: boolean): void {
  const message = error instanceof Error ? error.message : String(error);
  run.errors.push(message);
  const outcome = run.outcomes.get(key);
  if (outcome === undefined) return;
  outcome.status = "failed";
  if (withReason) outcome.reason = message;
}

/** Starts each server and checks its answers; a server that fails either is stopped and reported. */
async function startVerified(specs: ServerSpec[], run: BenchRun, running: RunningServer[]): Promise<void> {
  for (const spec of specs) {
    const server = startServer(spec, await freePort());
    try {
      await waitHealthy(server, performance.now());
      await verify(server);
      running.push(server);
    } catch (error) {
      fail(run, spec.key, error, true);
      await stopServer(server);
    }
  }
}

/** The rounds measured so far per (server, route), and how one more is measured. */
class Measurements {
  private readonly collected = new Map<string, RoundRecord[]>();

  constructor(private readonly worker: LoadWorker) {}

  drive(server: RunningServer, route: Route, seconds: number) {
    return this.worker.run({
      url: `http://127.0.0.1:${server.port}${route.path}`,
      method: route.method,
      ...(route.headers === undefined ? {} : { headers: route.headers }),
      ...(route.body === undefined ? {} : { body: route.body }),
      connections: settings.connections,
      durationSeconds: seconds,
    });
  }

  /** One round: the server's and the load generator's CPU time around it, and the foreign CPU share. */
  async measure(server: RunningServer, route: Route): Promise<RoundRecord> {
    if (server.exited) throw new Error(`${server.spec.label} ${server.exitInfo} during the load test`);
    await waitForQuiet(settings.quietWaitSeconds);
    const serverBefore = groupCpuSeconds(server.child.pid);
    const loaderBefore = groupCpuSeconds(this.worker.child.pid);
    const [summary, foreignCpu] = await withForeignCpu(() =>
      this.drive(server, route, settings.roundSeconds),
    );
    const serverCpuSeconds = groupCpuSeconds(server.child.pid) - serverBefore;
    const loaderCpuSeconds = groupCpuSeconds(this.worker.child.pid) - loaderBefore;
    const record: RoundRecord = {
      ...summary,
      foreignCpu,
      serverCores: serverCpuSeconds / summary.durationSeconds,
      loaderCores: loaderCpuSeconds / summary.durationSeconds,
      okPerServerCpuSecond: summary.okRequests / serverCpuSeconds,
    };
    const key = `${server.spec.key} ${route.key}`;
    this.collected.set(key, [...(this.collected.get(key) ?? []), record]);
    return record;
  }

  of(server: RunningServer, route: Route): RoundRecord[] {
    return this.collected.get(`${server.spec.key} ${route.key}`) ?? [];
  }
}

const show = (server: RunningServer, route: Route, record: RoundRecord) =>
  `${server.spec.key} ${route.label} ${fmt(record.okPerSecond)}` +
  (isClean(record.foreignCpu) ? "" : ` (noisy: ${fmt((record.foreignCpu ?? 0) * 100)}% other CPU)`);

async function warmUp(running: RunningServer[], measurements: Measurements): Promise<void> {
  if (settings.warmupSeconds <= 0) return;
  console.log(`\nwarm-up: ${settings.warmupSeconds} s per server and route (discarded)`);
  for (const server of running) {
    for (const route of ROUTES) await measurements.drive(server, route, settings.warmupSeconds);
  }
}

async function interleavedRounds(running: RunningServer[], measurements: Measurements): Promise<void> {
  for (let r = 0; r < settings.rounds; r++) {
    // Servers are interleaved and their order rotates each round, so slow drift of a shared
    // machine spreads over every server instead of biasing whichever ran last.
    const inRound = running.filter((s) => !s.spec.diagnostic || r < settings.diagnosticRounds);
    const order = inRound.map((_, i) => inRound[(i + r) % inRound.length] as RunningServer);
    const line: string[] = [];
    for (const server of order) {
      for (const route of ROUTES) line.push(show(server, route, await measurements.measure(server, route)));
    }
    console.log(`round ${r + 1}/${settings.rounds}: ${line.join(" | ")}`);
  }
}

/** The (server, route) pair with the fewest clean rounds among those still short of enough. */
function neediestPair(running: RunningServer[], measurements: Measurements) {
  return running
    .filter((s) => !s.spec.diagnostic)
    .flatMap((server) =>
      ROUTES.map((route) => {
        const rounds = measurements.of(server, route);
        return { server, route, clean: rounds.filter((x) => isClean(x.foreignCpu)).length, n: rounds.length };
      }),
    )
    .filter((x) => x.clean < Math.min(settings.minCleanSamples, settings.rounds) && x.n < settings.rounds * 2)
    .sort((a, b) => a.clean - b.clean)[0];
}

/** Pairs with too few clean rounds get more, fewest-clean first, within a fixed time budget. */
async function extraRounds(running: RunningServer[], measurements: Measurements): Promise<void> {
  const extraDeadline = performance.now() + settings.extraSeconds * 1000;
  for (;;) {
    const next = neediestPair(running, measurements);
    if (next === undefined) break;
    if (performance.now() + (settings.roundSeconds + 1) * 1000 > extraDeadline) {
      console.log(`extra rounds: time budget (${settings.extraSeconds} s) used up`);
      break;
    }
    const record = await measurements.measure(next.server, next.route);
    console.log(`extra round: ${show(next.server, next.route, record)}`);
  }
}

function recordThroughput(running: RunningServer[], measurements: Measurements, run: BenchRun): void {
  for (const server of running) {
    const outcome = run.outcomes.get(server.spec.key);
    if (outcome === undefined) continue;
    outcome.status = "measured";
    for (const route of ROUTES) {
      const rounds = measurements.of(server, route);
      if (rounds.length > 0) outcome.routes[route.key] = summarise(rounds, isClean, settings.minCleanSamples);
    }
  }
}

export async function throughputPhase(specs: ServerSpec[], run: BenchRun): Promise<void> {
  const running: RunningServer[] = [];
  try {
    await startVerified(specs, run, running);
    if (running.length === 0) return;
    const worker = new LoadWorker();
    try {
      await worker.ready();
      const measurements = new Measurements(worker);
      await warmUp(running, measurements);
      await interleavedRounds(running, measurements);
      await extraRounds(running, measurements);
      recordThroughput(running, measurements, run);
    } finally {
      worker.stop();
    }
  } finally {
    for (const server of running) await stopServer(server);
  }
}

/** One start-up of one server, timed; undefined (and the server marked failed) when it failed. */
async function timeStartup(
  spec: ServerSpec,
  run: BenchRun,
): Promise<{ ms: number; foreignCpu: number | null } | undefined> {
  const port = await freePort();
  await waitForQuiet(Math.min(2, settings.quietWaitSeconds));
  let server: RunningServer | undefined;
  try {
    // A start-up lasts a few tens of ms, a few /proc/stat ticks: the 200 ms before it are part of
    // the window that judges whether the machine was quiet, or the verdict would be coin tosses.
    const [ms, foreignCpu] = await withForeignCpu(async () => {
      await sleep(200);
      const since = performance.now();
      server = startServer(spec, port);
      return waitHealthy(server, since);
    });
    return { ms, foreignCpu };
  } catch (error) {
    fail(run, spec.key, error, false);
    return undefined;
  } finally {
    if (server !== undefined) await stopServer(server);
  }
}

export async function startupPhase(specs: ServerSpec[], run: BenchRun): Promise<void> {
  const runs = new Map<ServerSpec["key"], { ms: number; foreignCpu: number | null }[]>();
  console.log(`\nstart-up: spawn -> first 200 from /healthz, polled every ${settings.startupPollMs} ms`);
  for (let i = 0; i < settings.startupRuns; i++) {
    for (const spec of specs) {
      if (run.outcomes.get(spec.key)?.status === "failed") continue;
      const sample = await timeStartup(spec, run);
      if (sample !== undefined) runs.set(spec.key, [...(runs.get(spec.key) ?? []), sample]);
    }
  }
  for (const [key, samples] of runs) {
    const outcome = run.outcomes.get(key);
    if (outcome !== undefined) outcome.startup = summariseStartup(samples, isClean);
  }
}
