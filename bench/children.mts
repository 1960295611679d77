// Every child the benchmark starts runs detached in its own process group, is tracked here and is
// killed on every way out; bench/run.sh kills what PIDS_FILE lists as a second line of defence.
import fs from "node:fs";
import { jiffiesOf } from "./machine.mts";
import { PIDS_FILE } from "./settings.mts";

const liveGroups = new Set<number>();

/** CPU used by process groups already killed; their /proc entries are gone but it was ours. */
let retiredJiffies = 0;

/** CPU jiffies used so far by this driver and by every process group it started. */
export function ourJiffies(): number {
  return jiffiesOf(liveGroups, true) + retiredJiffies;
}

function recordPids(): void {
  try {
    fs.writeFileSync(PIDS_FILE, [...liveGroups].map((pid) => `${pid}\n`).join(""));
  } catch {
    // Best effort only: run.sh uses the file as a second line of defence.
  }
}

/** Tracks a child started with `detached: true` (its pid is its process group). */
export function trackGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  liveGroups.add(pid);
  recordPids();
}

export function killGroup(pid: number): void {
  if (liveGroups.has(pid)) retiredJiffies += jiffiesOf(new Set([pid]), false);
  try {
    // Servers run detached in their own process group, so this also reaches gunicorn's workers.
    process.kill(-pid, "SIGKILL");
  } catch {
    // Already gone.
  }
  liveGroups.delete(pid);
  recordPids();
}

export function killAll(): void {
  for (const pid of [...liveGroups]) killGroup(pid);
  recordPids();
}

/** Kills every child when the driver exits or is interrupted. */
export function killChildrenOnExit(): void {
  process.on("exit", killAll);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
      console.error(`\nbench: got ${signal}, stopping every child process`);
      killAll();
      process.exit(signal === "SIGINT" ? 130 : 143);
    });
  }
}
