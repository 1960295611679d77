// The machine the benchmark runs on: what it is (printed and written with every figure), whether
// servers and the load generator can be pinned to separate cores, and CPU accounting from /proc.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROOT } from "./settings.mts";

export function hasCommand(command: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}

export const cpus = os.cpus();
// run.sh already pins this driver to the load generator's core (availableParallelism() says 1
// here); what matters is whether both cores can be given to children.
export const SERVER_CORE = "0";
export const LOAD_CORE = "1";
export const pinning =
  cpus.length >= 2 &&
  hasCommand("taskset") &&
  spawnSync("taskset", ["-c", `${SERVER_CORE},${LOAD_CORE}`, "true"], { stdio: "ignore" }).status === 0;

export function pinned(core: string, command: string, args: string[]): [string, string[]] {
  return pinning ? ["taskset", ["-c", core, command, ...args]] : [command, args];
}

export const machine = {
  cpuModel: cpus[0]?.model ?? "unknown",
  // 0 when the hypervisor hides it.
  cpuMHz: cpus[0]?.speed ? cpus[0].speed : null,
  logicalCpus: cpus.length,
  memoryGB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
  os: `${os.type()} ${os.release()} ${os.arch()}`,
  distro: readDistro(),
  node: process.version,
  serverNode: "",
  autocannon: readJson(path.join(ROOT, "node_modules/autocannon/package.json"))?.version ?? "unknown",
  loadAverageAtStart: os.loadavg().map((v) => Math.round(v * 100) / 100),
  loadAverageAtEnd: [] as number[],
};

function readDistro(): string {
  try {
    const text = fs.readFileSync("/etc/os-release", "utf8");
    return /^PRETTY_NAME="?([^"\n]*)"?/m.exec(text)?.[1] ?? "unknown";
  } catch {
    return "unknown";
  }
}

export function readJson(file: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(fs.readFileSync(file, "utf8"));
    return value !== null && typeof value === "object" ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Busy and total jiffies over all CPUs, from /proc/stat. */
export function cpuJiffies(): { busy: number; total: number } | undefined {
  try {
    const fields = (/^cpu (.*)$/m.exec(fs.readFileSync("/proc/stat", "utf8"))?.[1] ?? "")
      .trim()
      .split(/\s+/)
      .map(Number);
    // user nice system idle iowait irq softirq steal (guest time is already inside user).
    const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    return fields.length >= 8 ? { busy: total - idle, total } : undefined;
  } catch {
    return undefined;
  }
}

/** CPU jiffies used by processes in `groups` (and by this driver when `withSelf`). */
export function jiffiesOf(groups: Set<number>, withSelf: boolean): number {
  let sum = 0;
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      // Fields after "(comm) ": state ppid pgrp ... utime is the 14th field overall, stime the 15th.
      const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const pgrp = Number(rest[2]);
      if ((withSelf && Number(entry) === process.pid) || groups.has(pgrp)) {
        sum += Number(rest[11]) + Number(rest[12]);
      }
    } catch {
      // The process went away while we were looking.
    }
  }
  return sum;
}

const clockTicks = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout);
const CLOCK_TICKS_PER_SECOND = Number.isFinite(clockTicks) && clockTicks > 0 ? clockTicks : 100;

/** CPU seconds used so far by the process group `pgid` (all its processes and threads). */
export function groupCpuSeconds(pgid: number | undefined): number {
  return pgid === undefined ? Number.NaN : jiffiesOf(new Set([pgid]), false) / CLOCK_TICKS_PER_SECOND;
}
