// Loads index.ts the way `pulumi preview` does, for the cases given as JSON in argv[2], and prints one
// JSON line per case. Run by test/runtime-path.test.ts and bench/load.mts; plain JavaScript, started
// with plain `node` (never tsx), so nothing but Pulumi's own runtime compiles TypeScript here.
//
// What the engine does, and what stands in for it here:
// - pulumi-language-nodejs (sdk/nodejs/cmd/pulumi-language-nodejs/main.go, parseOptions and Run) turns
//   Pulumi.yaml's runtime options into PULUMI_NODEJS_TYPESCRIPT (option `typescript`, default true)
//   and PULUMI_NODEJS_TSCONFIG_PATH (option `tsconfig`), and starts
//   `node <nodeargs> @pulumi/pulumi/cmd/run --pwd <project> ... <program>`: the env below, the node
//   arguments are the parent's job;
// - cmd/run/index.js only parses flags and then calls run() from cmd/run/run.js, which registers
//   ts-node (options from the tsconfig, `noCheck` or PULUMI_NODEJS_TRANSPILE_ONLY deciding whether it
//   type-checks) and requires the program inside a Pulumi stack. That run() is called here as is.
//   run.js requires "." (index.js) for one constant, and index.js starts main() when loaded, so the
//   require cache gets that constant instead;
// - the resource monitor is Pulumi's mock monitor (setMocks), first a trivial one for the entry
//   program (test/runtime-entry.ts), then the shared harness's for every case.
"use strict";
const fs = require("node:fs");
const Module = require("node:module");
const os = require("node:os");
const path = require("node:path");
const { parse } = require("yaml");

const ROOT = path.resolve(__dirname, "..");
const cases = JSON.parse(process.argv[2] ?? "[]");
const emit = (record) => process.stdout.write(`${JSON.stringify(record)}\n`);

// The language host's environment, from Pulumi.yaml.
const project = parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"));
// bench/load.mts measures the settings before this project named a runtime tsconfig by overriding them.
const options = process.env.RUNTIME_PATH_OPTIONS
  ? JSON.parse(process.env.RUNTIME_PATH_OPTIONS)
  : (typeof project.runtime === "object" && project.runtime.options) || {};
if (options.typescript ?? true) process.env.PULUMI_NODEJS_TYPESCRIPT = "true";
if (options.tsconfig !== undefined) process.env.PULUMI_NODEJS_TSCONFIG_PATH = options.tsconfig;

const runDir = path.dirname(require.resolve("@pulumi/pulumi/cmd/run/run.js", { paths: [ROOT] }));
const indexFile = path.join(runDir, "index.js");
const stub = new Module(indexFile);
stub.filename = indexFile;
stub.loaded = true;
stub.exports = { nodeJSProcessExitedAfterLoggingUserActionableMessage: 32 };
require.cache[indexFile] = stub;
const { run } = require(path.join(runDir, "run.js"));
const pulumi = require(require.resolve("@pulumi/pulumi", { paths: [ROOT] }));

async function main() {
  const started = process.hrtime.bigint();
  await pulumi.runtime.setMocks(
    { newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }), call: (args) => args.inputs },
    project.name,
    "runtime-path",
    true,
  );
  let errorSeen;
  await run(
    { _: [path.join("test", "runtime-entry.ts")], pwd: ROOT },
    () => {},
    (error) => {
      errorSeen = error;
    },
    () => false,
  );
  if (errorSeen) throw errorSeen;
  // The entry's stack finishes its own registrations before the harness replaces the mocks.
  await require(require.resolve("@pulumi/pulumi/runtime/settings", { paths: [ROOT] })).waitForRPCs();
  const harness = globalThis.runtimeHarness;
  if (!harness) throw new Error("runtime-path: test/runtime-entry.ts did not run");

  for (const options of cases) {
    const caseStarted = process.hrtime.bigint();
    const result = await harness.runProgram(options);
    emit({
      case: options,
      ms: Number(process.hrtime.bigint() - caseStarted) / 1e6,
      inputs: harness.inputsByUrn(result),
      outputs: result.outputs,
    });
  }

  // A type error in a module loaded after registration: whether it loads says whether the runtime
  // type-checks (ts-node's transpileOnly), i.e. whether previews repeat what `npm run typecheck` did.
  const probeDir = fs.mkdtempSync(path.join(os.tmpdir(), "runtime-path-"));
  const probe = path.join(probeDir, "type-error.ts");
  fs.writeFileSync(probe, 'export const value: number = "not a number";\n');
  let typeChecked;
  try {
    require(probe);
    typeChecked = false;
  } catch (error) {
    if (error?.name !== "TSError") throw error;
    typeChecked = true;
  } finally {
    fs.rmSync(probeDir, { recursive: true, force: true });
  }

  emit({
    done: true,
    typeChecked,
    tsconfig: process.env.PULUMI_NODEJS_TSCONFIG_PATH ?? "tsconfig.json",
    ms: Number(process.hrtime.bigint() - started) / 1e6,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  });
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${error?.stack ?? error}\n`);
    process.exit(1);
  },
);
