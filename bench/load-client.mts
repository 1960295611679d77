// The driver's side of the load generator (load-worker.mts): a child pinned to the load core, sent
// one autocannon job at a time over IPC.
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { killGroup, trackGroup } from "./children.mts";
import { LOAD_CORE, pinned } from "./machine.mts";
import { ROOT } from "./settings.mts";
import type { LoadJob, LoadSummary, WorkerMessage } from "./types.mts";

export class LoadWorker {
  readonly child: ChildProcess;
  private nextId = 1;
  private pending = new Map<number, { resolve: (s: LoadSummary) => void; reject: (e: Error) => void }>();
  private readyPromise: Promise<void>;

  constructor() {
    const [file, args] = pinned(LOAD_CORE, process.execPath, [
      "--import",
      "tsx",
      path.join(ROOT, "bench/load-worker.mts"),
    ]);
    // Detached like the servers so killGroup() reaches it; it also exits by itself when the IPC
    // channel to the driver closes.
    this.child = spawn(file, args, {
      cwd: ROOT,
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      detached: true,
    });
    trackGroup(this.child.pid);
    let markReady: () => void = () => {};
    let failReady: (e: Error) => void = () => {};
    this.readyPromise = new Promise((resolve, reject) => {
      markReady = resolve;
      failReady = reject;
    });
    this.child.on("message", (message: WorkerMessage) => {
      if ("ready" in message) {
        markReady();
        return;
      }
      const waiter = this.pending.get(message.id);
      this.pending.delete(message.id);
      if ("error" in message) waiter?.reject(new Error(`load worker: ${message.error}`));
      else waiter?.resolve(message.summary);
    });
    this.child.on("exit", (code, signal) => {
      const error = new Error(`load worker exited with ${signal ?? `code ${code}`}`);
      failReady(error);
      for (const waiter of this.pending.values()) waiter.reject(error);
      this.pending.clear();
    });
  }

  ready(): Promise<void> {
    return this.readyPromise;
  }

  run(job: Omit<LoadJob, "id">): Promise<LoadSummary> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ ...job, id } satisfies LoadJob);
    });
  }

  stop(): void {
    if (this.child.pid !== undefined) killGroup(this.child.pid);
  }
}
