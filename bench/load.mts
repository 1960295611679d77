// npm run bench:load: how long `pulumi preview` takes to load the program, cold, and its peak memory.
//
// Each round starts test/runtime-path.child.cjs (index.ts through @pulumi/pulumi's cmd/run and its
// ts-node, under the mock harness, for the dev stack) with an empty ts-node cache directory, as on a
// fresh CI runner, and times spawn → exit; the child reports its peak RSS (process.resourceUsage).
// Modes, interleaved round by round so machine load hits them alike:
//   runtime  the committed settings (Pulumi.yaml runtime options → tsconfig.pulumi.json, noCheck)
//   floor    the same plus PULUMI_NODEJS_TRANSPILE_ONLY=true: ts-node transpile-only, the least it can do
//   before   Pulumi.yaml's options without `tsconfig` (tsconfig.json, type-checking): what previews
//            cost before; BENCH_LOAD_BEFORE_ROUNDS rounds (default 1, 0 skips it: ~1 GB, 10-20 s)
// Targets: runtime ≤ 1.3 × floor (median wall time) and ≤ 400 MiB peak RSS.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { median } from "./stats.mts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const ROUNDS = Number(process.env.BENCH_LOAD_ROUNDS ?? 5);
const BEFORE_ROUNDS = Number(process.env.BENCH_LOAD_BEFORE_ROUNDS ?? 1);
const MAX_RATIO = 1.3;
const MAX_RSS_MIB = 400;

type Mode = "runtime" | "floor" | "before";
interface Round {
  mode: Mode;
  wallMs: number;
  maxRssMiB: number;
  typeChecked: boolean;
}

function modeEnv(mode: Mode): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NODE_OPTIONS;
  delete env.PULUMI_NODEJS_TRANSPILE_ONLY;
  if (mode === "floor") env.PULUMI_NODEJS_TRANSPILE_ONLY = "true";
  if (mode === "before") env.RUNTIME_PATH_OPTIONS = JSON.stringify({ typescript: true });
  return env;
}

function round(mode: Mode): Promise<Round> {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), "bench-load-ts-node-"));
  const started = process.hrtime.bigint();
  const child = spawn(
    process.execPath,
    [path.join(ROOT, "test/runtime-path.child.cjs"), JSON.stringify([{ stack: "dev" }])],
    {
      cwd: ROOT,
      env: { ...modeEnv(mode), TS_NODE_CACHE_DIRECTORY: cache },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      fs.rmSync(cache, { recursive: true, force: true });
      if (code !== 0)
        return reject(new Error(`${mode}: the program did not load (exit ${code}):\n${stderr}`));
      const done = JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as {
        maxRssMiB: number;
        typeChecked: boolean;
      };
      resolve({ mode, wallMs, maxRssMiB: done.maxRssMiB, typeChecked: done.typeChecked });
    });
  });
}

const rounds: Round[] = [];
for (let i = 0; i < Math.max(ROUNDS, BEFORE_ROUNDS); i++) {
  const modes: Mode[] = [];
  if (i < ROUNDS) modes.push("runtime", "floor");
  if (i < BEFORE_ROUNDS) modes.push("before");
  for (const mode of modes) {
    const r = await round(mode);
    rounds.push(r);
    console.log(
      `bench:load round ${i + 1} ${mode.padEnd(7)} ${(r.wallMs / 1000).toFixed(2)} s  ${r.maxRssMiB.toFixed(0)} MiB`,
    );
  }
}

const summary = (mode: Mode) => {
  const of = rounds.filter((r) => r.mode === mode);
  return of.length === 0
    ? undefined
    : {
        rounds: of.length,
        wallMs: median(of.map((r) => r.wallMs)),
        maxRssMiB: Math.max(...of.map((r) => r.maxRssMiB)),
        typeChecked: of.every((r) => r.typeChecked),
      };
};
const runtime = summary("runtime");
const floor = summary("floor");
const before = summary("before");
if (!runtime || !floor) throw new Error("bench:load: BENCH_LOAD_ROUNDS must be at least 1");
const ratio = runtime.wallMs / floor.wallMs;
const row = (name: string, s: NonNullable<ReturnType<typeof summary>>) =>
  `| ${name} | ${(s.wallMs / 1000).toFixed(2)} s | ${s.maxRssMiB.toFixed(0)} MiB | ${s.typeChecked ? "yes" : "no"} | ${s.rounds} |`;
console.log(`
cold program load (spawn → dev stack loaded under mocks → exit; empty ts-node cache), ${os.cpus().length} CPUs, Node ${process.versions.node}
| settings | median wall | peak RSS | type-checks | rounds |
|---|---:|---:|---|---:|
${row("runtime (Pulumi.yaml → tsconfig.pulumi.json)", runtime)}
${row("floor (PULUMI_NODEJS_TRANSPILE_ONLY=true)", floor)}
${before ? row("before (tsconfig.json, type-checking)", before) : "| before | skipped | | | 0 |"}

runtime ÷ floor: ${ratio.toFixed(2)} (target ≤ ${MAX_RATIO}: ${ratio <= MAX_RATIO ? "met" : "MISSED"})
runtime peak RSS: ${runtime.maxRssMiB.toFixed(0)} MiB (target ≤ ${MAX_RSS_MIB}: ${runtime.maxRssMiB <= MAX_RSS_MIB ? "met" : "MISSED"})`);
fs.mkdirSync(path.join(ROOT, "results"), { recursive: true });
fs.writeFileSync(
  path.join(ROOT, "results/bench-load.json"),
  `${JSON.stringify({ date: new Date().toISOString(), node: process.versions.node, cpus: os.cpus().length, runtime, floor, before, ratio, rounds }, null, 2)}\n`,
);
