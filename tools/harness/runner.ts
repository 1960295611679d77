/**
 * Runs the real `index.ts` under Pulumi's official mocks (`pulumi.runtime.setMocks`) with config
 * assembled the way the CLI assembles it, and returns what was recorded: every resource registration,
 * every provider call, the stack outputs (value + secretness) and the runtime's warnings.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as settings from "@pulumi/pulumi/runtime/settings";
import { type AssembledConfig, assembleConfig, ROOT, type RunOptions } from "./config";
import { mockContext } from "./mocks";
import {
  type PatchableMonitor,
  type RecordedCall,
  type RecordedResource,
  Recording,
  type StackOutput,
} from "./recorder";
import { unwrap } from "./values";

// `waitForRPCs` (drain every outstanding registration) is exported by the runtime but @internal.
const { getMonitor } = settings;
const { waitForRPCs } = settings as unknown as { waitForRPCs: () => Promise<void> };

export interface ProgramRun {
  stack: string;
  config: AssembledConfig;
  /** Every registration in order, the root `pulumi:pulumi:Stack` included. */
  resources: RecordedResource[];
  calls: RecordedCall[];
  outputs: Record<string, StackOutput>;
  warnings: string[];
  /** All resources of a type. */
  ofType(type: string): RecordedResource[];
  /** The one resource of a type (and name, if given); throws if there is not exactly one. */
  one(type: string, name?: string): RecordedResource;
  /** Output values with secrets unwrapped. */
  outputValues(): Record<string, unknown>;
}

/** The program failed (as `pulumi preview` would); carries what was registered before it did. */
export class ProgramFailure extends Error {
  override name = "ProgramFailure";
  constructor(
    override readonly cause: unknown,
    readonly resources: RecordedResource[],
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

let running = false;

/**
 * Runs `index.ts` for a stack under mocks. Resolves with everything recorded, or rejects with the
 * program's error (e.g. a config error), exactly as `pulumi preview` would fail.
 */
export async function runProgram(options: RunOptions): Promise<ProgramRun> {
  if (running) throw new Error("harness: runProgram calls must not overlap (the Pulumi runtime is global)");
  running = true;
  try {
    const config = assembleConfig(options);
    const recording = new Recording(mockContext(options.stack, config.values["aws:region"] ?? "us-east-1"));
    await installMocks(options.stack, config, recording, (options.mode ?? "preview") === "preview");
    const { failures, warnings } = await executeProgram(options.program ?? "index.ts");
    recording.resolveReferences();
    if (failures.length > 0) throw new ProgramFailure(failures[0], recording.resources);
    return programRun(options.stack, config, recording, warnings);
  } finally {
    running = false;
  }
}

/** The inputs of every resource keyed by URN: what a determinism check compares. */
export function inputsByUrn(run: ProgramRun): Record<string, unknown> {
  return Object.fromEntries(run.resources.map((r) => [r.urn, { parent: r.parentUrn, inputs: r.inputs }]));
}

/** Points the global runtime at a fresh mock monitor that records into `recording`, with the config. */
async function installMocks(
  stack: string,
  config: AssembledConfig,
  recording: Recording,
  preview: boolean,
): Promise<void> {
  // `preview` is what pulumi.runtime.isDryRun() then returns, to config as to the SDK.
  await pulumi.runtime.setMocks(recording.mocks(), "fastify-deploy", stack, preview);
  pulumi.runtime.setAllConfig(config.values, config.secretKeys);
  recording.patchMonitor(getMonitor() as unknown as PatchableMonitor);
}

/**
 * Requires `index.ts` afresh inside a stack and drains every registration. An error thrown while the
 * program loads (a config error) is caught inside the stack's init, so the stack's own promises settle
 * normally; the real language host fails the update with that error, and so does the harness once
 * registrations have drained. The runtime's warnings are collected instead of printed.
 */
async function executeProgram(entry: string): Promise<{ failures: unknown[]; warnings: string[] }> {
  const failures: unknown[] = [];
  const warnings: string[] = [];
  const originalWarn = console.warn;
  console.warn = (...args: unknown[]) => {
    const text = args.map(String).join(" ");
    if (text.startsWith("warning: [runtime] ")) warnings.push(text.slice("warning: [runtime] ".length));
    else originalWarn(...args);
  };
  try {
    resetProjectModules();
    const program = path.join(ROOT, entry);
    await pulumi.runtime.runInPulumiStack(async () => {
      try {
        return require(program);
      } catch (error) {
        failures.push(error);
        return {};
      }
    });
    await waitForRPCs();
  } finally {
    console.warn = originalWarn;
  }
  return { failures, warnings };
}

/** Removes every project module from the require cache so each run executes the program afresh. */
function resetProjectModules(): void {
  for (const file of Object.keys(require.cache)) {
    if (file.startsWith(ROOT + path.sep) && !file.includes(`${path.sep}node_modules${path.sep}`)) {
      delete require.cache[file];
    }
  }
}

/** The finished run: the recording, the stack outputs unwrapped and sorted, and its lookups. */
function programRun(
  stack: string,
  config: AssembledConfig,
  recording: Recording,
  warnings: string[],
): ProgramRun {
  const { resources, calls } = recording;
  const outputs: Record<string, StackOutput> = {};
  const sorted = Object.entries(recording.stackOutputs ?? {}).sort(([a], [b]) => a.localeCompare(b));
  for (const [key, value] of sorted) outputs[key] = unwrap(value);
  return {
    stack,
    config,
    resources,
    calls,
    outputs,
    warnings,
    ofType: (type) => resources.filter((r) => r.type === type),
    one(type, name) {
      const found = resources.filter((r) => r.type === type && (name === undefined || r.name === name));
      if (found.length !== 1) {
        throw new Error(`expected exactly one ${type}${name ? ` named ${name}` : ""}, found ${found.length}`);
      }
      return found[0] as RecordedResource;
    },
    outputValues: () => Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.value])),
  };
}
