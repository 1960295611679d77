// Benchmark driver: starts the app and the two baselines, drives them with autocannon from a load
// worker pinned to another core, times start-up, prints a report and writes results/bench.json.
// Started by bench/run.sh, which builds the app and provides Flask/gunicorn first.
//   settings.mts  knobs, targets, routes      machine.mts  the machine, pinning, /proc CPU accounting
//   children.mts  child process groups        quiet.mts    other processes' CPU share, quiet waits
//   servers.mts   the servers, start/check    load-client.mts  the load worker's driver side
//   phases.mts    throughput and start-up     stats.mts    statistics (tested)   report.mts  the report
import fs from "node:fs";
import os from "node:os";
import { killAll, killChildrenOnExit } from "./children.mts";
import { machine } from "./machine.mts";
import { type BenchRun, type ServerOutcome, startupPhase, throughputPhase } from "./phases.mts";
import { withForeignCpu } from "./quiet.mts";
import { printHeader, report } from "./report.mts";
import {
  appEntry,
  flaskUnavailable,
  flaskVersions,
  SERVERS,
  type ServerSpec,
  serverNodeVersion,
} from "./servers.mts";
import { RESULTS, settings } from "./settings.mts";

/** Every server's outcome starts "unavailable"; returns the servers that can run, the others' reason set. */
function availableServers(run: BenchRun): ServerSpec[] {
  for (const spec of SERVERS) {
    run.outcomes.set(spec.key, {
      label: spec.label,
      command: spec.describe("PORT"),
      diagnostic: spec.diagnostic,
      status: "unavailable",
      routes: {},
    });
  }
  return SERVERS.filter((spec) => {
    const outcome = run.outcomes.get(spec.key) as ServerOutcome;
    if (spec.key === "flask" && flaskUnavailable !== "") {
      outcome.reason = flaskUnavailable;
      return false;
    }
    if ((spec.key === "app" || spec.key === "app-log-warn") && !fs.existsSync(appEntry)) {
      outcome.reason = "app/dist/server.js not built";
      return false;
    }
    if (spec.diagnostic && settings.diagnosticRounds === 0) {
      outcome.reason = "BENCH_DIAGNOSTIC_ROUNDS=0";
      return false;
    }
    return true;
  });
}

async function main(): Promise<number> {
  fs.mkdirSync(RESULTS, { recursive: true });
  const run: BenchRun = { outcomes: new Map(), errors: [] };
  if (!fs.existsSync(appEntry)) run.errors.push(`${appEntry} does not exist: run npm run build first`);
  const versions = flaskVersions();
  const active = availableServers(run);
  machine.serverNode = serverNodeVersion;
  printHeader(run.outcomes, versions);

  const [, throughputForeign] = await withForeignCpu(() => throughputPhase(active, run));
  const [, startupForeign] = await withForeignCpu(() =>
    startupPhase(
      active.filter((s) => !s.diagnostic),
      run,
    ),
  );
  machine.loadAverageAtEnd = os.loadavg().map((v) => Math.round(v * 100) / 100);
  report(run, versions, { throughputPhase: throughputForeign, startupPhase: startupForeign });

  if (run.errors.length > 0) {
    console.error(`\nbench: ${run.errors.length} error(s):`);
    for (const e of run.errors) console.error(`- ${e}`);
    return 1;
  }
  return 0;
}

killChildrenOnExit();
main().then(
  (code) => {
    killAll();
    process.exit(code);
  },
  (error: unknown) => {
    console.error("bench: crashed:", error);
    killAll();
    process.exit(1);
  },
);
