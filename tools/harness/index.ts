/**
 * The offline harness: runs the real `index.ts` under Pulumi's official mocks with config loaded the
 * way the CLI loads it, and records every resource registration (type, name, URN, parent, provider,
 * inputs, options), every provider call and the stack outputs. Tests, `npm run plan` and the policy
 * pack's test adapter import it from here.
 *
 * - config.ts: stack config as the CLI assembles it (stack file, overrides, Pulumi.yaml defaults);
 * - mocks.ts: what the mock providers return, per resource type and function token;
 * - recorder.ts: the mocks and the patched monitor that record a run;
 * - values.ts: secret unwrapping (the SDK's wire markers) and resource references;
 * - runner.ts: `runProgram`, the run itself, step by step;
 * - cases.ts: every committed stack on every platform.
 */
export { PLATFORMS, STACKS, type StackPlatformCase, stackPlatformCases } from "./cases";
export {
  type AssembledConfig,
  assembleConfig,
  committedStacks,
  type ProjectFile,
  prodEcs,
  ROOT,
  type RunOptions,
  readProject,
  readStackConfig,
} from "./config";
export {
  MOCK_ACCOUNT_ID,
  MOCK_CALLS,
  MOCK_NODE_RELEASE_VERSION,
  MOCK_RESOURCE_OUTPUTS,
  MOCK_SECRET_VALUE,
  type MockContext,
} from "./mocks";
export type { RecordedCall, RecordedResource, StackOutput } from "./recorder";
export { inputsByUrn, ProgramFailure, type ProgramRun, runProgram } from "./runner";
