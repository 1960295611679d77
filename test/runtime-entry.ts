/**
 * The program test/runtime-path.child.cjs hands to @pulumi/pulumi's cmd/run instead of index.ts: it
 * loads the shared mock harness through the ts-node registration cmd/run just made, so that the
 * harness's `require("index.ts")` for every case is compiled the way `pulumi preview` compiles it.
 */
import * as harness from "../tools/harness";

(globalThis as { runtimeHarness?: typeof harness }).runtimeHarness = harness;
