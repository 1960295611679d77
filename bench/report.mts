// The report: what ran on which machine, the tables of figures, the ratios and the verdict on each
// target, printed and written to results/bench.json.
import fs from "node:fs";
import path from "node:path";
import { cpus, hasCommand, LOAD_CORE, machine, pinning, readJson, SERVER_CORE } from "./machine.mts";
import type { BenchRun, ServerOutcome } from "./phases.mts";
import { quietWaited } from "./quiet.mts";
import { SERVERS, type ServerSpec, serverNode, serverNodeVersion } from "./servers.mts";
import { RESULTS, ROUTES, settings, TARGETS } from "./settings.mts";
import { ratio, round } from "./stats.mts";

type Outcomes = BenchRun["outcomes"];
type Ratios = Record<string, Record<string, number>>;
type ForeignCpu = { throughputPhase: number | null; startupPhase: number | null };
type Verdict = { target: string; value: string; met: boolean | null; crossCheck?: string };

export const fmt = (value: number | null | undefined, digits = 0): string =>
  value === null || value === undefined || !Number.isFinite(value)
    ? "n/a"
    : value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ");
  return [line(headers), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

const get = (outcomes: Outcomes, key: ServerSpec["key"]) => outcomes.get(key) as ServerOutcome;

/** What runs where, before any figure: machine, versions, pinning, load settings, every server. */
export function printHeader(outcomes: Outcomes, versions: string): void {
  console.log("== fastify-deploy benchmark ==");
  console.log(
    `machine: ${machine.cpuModel}${machine.cpuMHz === null ? "" : ` @ ${machine.cpuMHz} MHz`}, ` +
      `${machine.logicalCpus} logical CPUs, ${machine.memoryGB} GB RAM, ${machine.distro}, ${machine.os}`,
  );
  console.log(
    `node ${machine.node}` +
      (serverNodeVersion === machine.node ? "" : ` (Node servers run ${serverNodeVersion}: ${serverNode})`) +
      `, autocannon ${machine.autocannon}${versions ? `, ${versions}` : ""}`,
  );
  console.log(`load average at start: ${machine.loadAverageAtStart.join(" ")}`);
  console.log(
    pinning
      ? `pinning: servers on core ${SERVER_CORE} (taskset -c ${SERVER_CORE}), load generator on core ${LOAD_CORE}`
      : `pinning: NOT pinned (${cpus.length} CPU(s)${hasCommand("taskset") ? "" : ", no taskset"}); ` +
          "server and load generator share CPUs, figures are pessimistic",
  );
  console.log(
    `load: autocannon, ${settings.connections} connections, ${settings.warmupSeconds} s warm-up, ` +
      `${settings.rounds} x ${settings.roundSeconds} s rounds per server and route, median quoted` +
      (settings.diagnosticRounds > 0
        ? ` (diagnostic variant: ${Math.min(settings.diagnosticRounds, settings.rounds)} rounds)`
        : ""),
  );
  for (const spec of SERVERS) {
    const outcome = get(outcomes, spec.key);
    console.log(
      `  ${spec.key.padEnd(13)} ${outcome.command}${outcome.reason ? `  [UNAVAILABLE: ${outcome.reason}]` : ""}`,
    );
  }
}

function printThroughput(outcomes: Outcomes): void {
  console.log(
    "\n== throughput and latency (median of clean rounds; req/s counts 2xx only; " +
      `clean = other processes used <= ${settings.quietThreshold * 100}% of the CPUs) ==`,
  );
  const rows = SERVERS.flatMap((spec) =>
    ROUTES.map((route) => {
      const r = get(outcomes, spec.key).routes[route.key];
      return r === undefined
        ? [spec.key, route.label, "unavailable", "", "", "", "", "", ""]
        : [
            spec.key + (spec.diagnostic ? " (diagnostic)" : ""),
            route.label,
            fmt(r.medianOkPerSecond),
            `${fmt(r.minOkPerSecond)}-${fmt(r.maxOkPerSecond)}`,
            fmt(r.medianP50Ms, 2),
            fmt(r.medianP99Ms, 2),
            fmt(r.totalNon2xx + r.totalErrors + r.totalTimeouts),
            `${r.cleanRounds}/${r.rounds.length}${r.basis === "noisy" ? " NOISY" : ""}`,
            r.medianForeignCpu === null ? "n/a" : fmt(r.medianForeignCpu * 100, 1),
          ];
    }),
  );
  const headers = ["server", "route", "req/s", "range", "p50 ms", "p99 ms", "non-2xx+errors"];
  console.log(table([...headers, "clean rounds", "other CPU %"], rows));
}

function printEfficiency(outcomes: Outcomes): void {
  console.log(
    "\n== CPU efficiency (2xx per server CPU-second, median of all rounds: ~ capacity of one dedicated " +
      "core, barely affected by other processes) and saturation (cores used, median of quoted rounds) ==",
  );
  const rows = SERVERS.flatMap((spec) =>
    ROUTES.map((route) => {
      const r = get(outcomes, spec.key).routes[route.key];
      return r === undefined
        ? [spec.key, route.label, "unavailable", "", ""]
        : [
            spec.key + (spec.diagnostic ? " (diagnostic)" : ""),
            route.label,
            fmt(r.medianOkPerServerCpuSecond),
            fmt(r.medianServerCores, 2),
            fmt(r.medianLoaderCores, 2),
          ];
    }),
  );
  console.log(table(["server", "route", "req per CPU-s", "server cores", "load-generator cores"], rows));
}

/** The app against each baseline, per route, on req/s and on req per server CPU-second. */
function computeRatios(outcomes: Outcomes): Ratios {
  const [app, node, flask, warn] = (["app", "node-http", "flask", "app-log-warn"] as const).map(
    (key) => get(outcomes, key).routes,
  ) as ServerOutcome["routes"][];
  const ratios: Ratios = {};
  for (const { key } of ROUTES) {
    const [a, n, f, w] = [app?.[key], node?.[key], flask?.[key], warn?.[key]];
    ratios[key] = {
      appOverNode: round(ratio(a?.medianOkPerSecond, n?.medianOkPerSecond), 3),
      appOverFlask: round(ratio(a?.medianOkPerSecond, f?.medianOkPerSecond), 2),
      appP99OverNodeP99: round(ratio(a?.medianP99Ms, n?.medianP99Ms), 2),
      appLogWarnOverApp: round(ratio(w?.medianOkPerSecond, a?.medianOkPerSecond), 3),
      cpuAppOverNode: round(ratio(a?.medianOkPerServerCpuSecond, n?.medianOkPerServerCpuSecond), 3),
      cpuAppOverFlask: round(ratio(a?.medianOkPerServerCpuSecond, f?.medianOkPerServerCpuSecond), 2),
      cpuAppLogWarnOverApp: round(ratio(w?.medianOkPerServerCpuSecond, a?.medianOkPerServerCpuSecond), 3),
    };
  }
  return ratios;
}

function printRatios(ratios: Ratios): void {
  console.log("\n== ratios ==");
  const rows = ROUTES.flatMap((route) => {
    const r = ratios[route.key] as Record<string, number>;
    return [
      [
        route.label,
        "req/s",
        fmt(r.appOverNode, 3),
        fmt(r.appOverFlask, 2),
        fmt(r.appP99OverNodeP99, 2),
        fmt(r.appLogWarnOverApp, 3),
      ],
      [
        "",
        "req per CPU-s",
        fmt(r.cpuAppOverNode, 3),
        fmt(r.cpuAppOverFlask, 2),
        "",
        fmt(r.cpuAppLogWarnOverApp, 3),
      ],
    ];
  });
  console.log(
    table(["route", "basis", "app/node", "app/Flask", "app p99 / node p99", "diag: warn/info"], rows),
  );
}

function printStartup(outcomes: Outcomes): void {
  console.log("\n== start-up (spawn -> first 200 from /healthz) ==");
  const rows = SERVERS.filter((s) => !s.diagnostic).map((spec) => {
    const s = get(outcomes, spec.key).startup;
    return [
      spec.key,
      fmt(s?.medianMs, 1),
      fmt(s?.minMs, 1),
      fmt(s?.maxMs, 1),
      s === undefined ? "0" : `${s.cleanRuns}/${s.runsMs.length}${s.basis === "noisy" ? " NOISY" : ""}`,
    ];
  });
  console.log(table(["server", "median ms", "min ms", "max ms", "clean runs"], rows));
}

interface ImageSize {
  status: "measured" | "missing" | "unreadable";
  addedBytes?: number;
  addedMB?: number;
  note: string;
}

function imageSize(): ImageSize {
  const file = path.join(RESULTS, "image-size.json");
  if (!fs.existsSync(file)) {
    return { status: "missing", note: "results/image-size.json not found: run `npm run test:image` first" };
  }
  const data = readJson(file);
  const bytes = data?.addedBytes;
  const mb = data?.addedMB;
  if (typeof bytes === "number" && Number.isFinite(bytes) && bytes >= 0) {
    return {
      status: "measured",
      addedBytes: bytes,
      addedMB: round(bytes / 1e6, 1),
      note: "from results/image-size.json (written by npm run test:image)",
    };
  }
  if (typeof mb === "number" && Number.isFinite(mb) && mb >= 0) {
    return { status: "measured", addedMB: mb, note: "from results/image-size.json (addedMB only)" };
  }
  return { status: "unreadable", note: "results/image-size.json has no numeric addedBytes/addedMB" };
}

function printImage(image: ImageSize): void {
  console.log("\n== image ==");
  console.log(
    image.status === "measured"
      ? `image adds ${fmt(image.addedMB, 1)} MB${image.addedBytes === undefined ? "" : ` (${fmt(image.addedBytes)} bytes)`} over its base (${image.note})`
      : `image size: ${image.note}`,
  );
}

const judge = (values: number[], ok: (v: number) => boolean) =>
  values.length > 0 && values.every(Number.isFinite) ? values.every(ok) : null;

const verdict = (target: string, values: number[], ok: (v: number) => boolean, show: string): Verdict => ({
  target,
  value: show,
  met: judge(values, ok),
});

/** The same throughput target judged on req per server CPU-second, which other load barely moves. */
function crossCheck(v: Verdict, values: number[], ok: (x: number) => boolean, show: string): Verdict {
  const met = judge(values, ok);
  return met === null
    ? v
    : { ...v, crossCheck: `per server CPU-second: ${show} -> ${met ? "met" : "missed"}` };
}

/** Each target of TARGETS judged on the measured figures (null: not measurable in this run). */
function judgeTargets(ratios: Ratios, outcomes: Outcomes): Verdict[] {
  const flask = get(outcomes, "flask");
  const app = get(outcomes, "app");
  const perRoute = (k: string) => ROUTES.map((r) => (ratios[r.key] as Record<string, number>)[k] as number);
  const showPerRoute = (k: string, digits: number) =>
    ROUTES.map((r) => `${r.label} ${fmt((ratios[r.key] as Record<string, number>)[k], digits)}`).join(", ");
  const getRoot = (ratios["get-root"] as Record<string, number>).appOverNode as number;
  const cpuGetRoot = (ratios["get-root"] as Record<string, number>).cpuAppOverNode as number;
  const atLeast = (min: number) => (v: number) => v >= min;
  return [
    crossCheck(
      verdict(
        `app / node req/s >= ${TARGETS.appOverNodeGetRoot} on GET /`,
        [getRoot],
        atLeast(TARGETS.appOverNodeGetRoot),
        fmt(getRoot, 3),
      ),
      [cpuGetRoot],
      atLeast(TARGETS.appOverNodeGetRoot),
      fmt(cpuGetRoot, 3),
    ),
    crossCheck(
      verdict(
        `app / Flask req/s >= ${TARGETS.appOverFlask} (each route)`,
        perRoute("appOverFlask"),
        atLeast(TARGETS.appOverFlask),
        flask.status === "measured"
          ? showPerRoute("appOverFlask", 2)
          : `Flask unavailable: ${flask.reason ?? ""}`,
      ),
      perRoute("cpuAppOverFlask"),
      atLeast(TARGETS.appOverFlask),
      showPerRoute("cpuAppOverFlask", 2),
    ),
    verdict(
      `app p99 <= ${TARGETS.appP99OverNodeP99} x node p99 (each route)`,
      perRoute("appP99OverNodeP99"),
      (v) => v <= TARGETS.appP99OverNodeP99,
      showPerRoute("appP99OverNodeP99", 2),
    ),
    verdict(
      `app start-up median <= ${TARGETS.appStartupMedianMs} ms`,
      [app.startup?.medianMs ?? Number.NaN],
      (v) => v <= TARGETS.appStartupMedianMs,
      `${fmt(app.startup?.medianMs, 1)} ms`,
    ),
  ];
}

function printTargets(targets: Verdict[]): void {
  console.log("\n== targets ==");
  for (const t of targets) {
    const mark = t.met === null ? "N/A " : t.met ? "MET " : "MISS";
    console.log(`[${mark}] ${t.target}: ${t.value}${t.crossCheck ? `  (${t.crossCheck})` : ""}`);
  }
}

/** Failed requests, machine load and noise: what says how far to trust the figures above. */
function printNotes(outcomes: Outcomes, foreignCpu: ForeignCpu): void {
  const totalBad = [...outcomes.values()].flatMap((o) =>
    Object.values(o.routes).map((r) => ({ o, n: r.totalNon2xx + r.totalErrors + r.totalTimeouts })),
  );
  for (const { o, n } of totalBad) {
    if (n > 0)
      console.log(`note: ${o.label} had ${fmt(n)} non-2xx responses/errors/timeouts during the rounds`);
  }
  console.log(`load average at end: ${machine.loadAverageAtEnd.join(" ")}`);
  const pct = (v: number | null) => (v === null ? "n/a" : `${fmt(v * 100, 1)} %`);
  console.log(
    "CPU used by processes outside the benchmark (share of both CPUs): " +
      `load phase ${pct(foreignCpu.throughputPhase)}, start-up phase ${pct(foreignCpu.startupPhase)}`,
  );
  console.log(`waited ${fmt(quietWaited() / 1000, 1)} s in all for other processes to leave the CPUs`);
  const noisy = [...outcomes.values()].some(
    (o) => Object.values(o.routes).some((r) => r.basis === "noisy") || o.startup?.basis === "noisy",
  );
  if (noisy) {
    console.log(
      "WARNING: some figures (marked NOISY) had too few clean samples and use every sample; other " +
        "processes competed for the CPUs, so they are depressed and less reliable. Rerun on a quieter machine.",
    );
  }
}

/** Prints every table, the targets and the notes, and writes results/bench.json. */
export function report(run: BenchRun, versions: string, foreignCpu: ForeignCpu): void {
  printThroughput(run.outcomes);
  printEfficiency(run.outcomes);
  const ratios = computeRatios(run.outcomes);
  printRatios(ratios);
  printStartup(run.outcomes);
  const image = imageSize();
  printImage(image);
  const targets = judgeTargets(ratios, run.outcomes);
  printTargets(targets);
  printNotes(run.outcomes, foreignCpu);
  const json = {
    generatedAt: new Date().toISOString(),
    machine: {
      ...machine,
      flaskStack: versions === "" ? null : versions,
      foreignCpu,
      quietWaitedMs: round(quietWaited(), 0),
    },
    settings: {
      ...settings,
      pinning,
      serverCore: pinning ? SERVER_CORE : null,
      loadCore: pinning ? LOAD_CORE : null,
    },
    targets: TARGETS,
    servers: Object.fromEntries(run.outcomes),
    ratios,
    verdicts: targets,
    image,
    errors: run.errors,
  };
  fs.writeFileSync(path.join(RESULTS, "bench.json"), `${JSON.stringify(json, null, 2)}\n`);
  console.log("\nwrote results/bench.json");
}
