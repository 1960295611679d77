import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RESERVED_ENV_NAMES, SECRET_ENV_NAMES_VAR } from "../facts";
import { APP_ENV_NAMES, APP_PORT, appEnvironment } from "./app-contract";

// The app is its own workspace and never imports infrastructure code, so the two lists of
// environment variables live apart; this keeps them in step.
describe("app contract", () => {
  it("passes exactly the variables the app validates (plus NODE_ENV), and the app accepts them", async () => {
    const { EnvSchema, loadEnv } = await import("../app/src/env.js");
    // SECRET_ENV_NAMES is passed only with declared secrets (facts/secrets.ts secretNamesEnv).
    assert.deepEqual(
      [...APP_ENV_NAMES.filter((name) => name !== "NODE_ENV"), SECRET_ENV_NAMES_VAR],
      Object.keys(EnvSchema.properties),
    );
    const env = Object.fromEntries(
      appEnvironment({
        logLevel: "info",
        drainDelayMs: 10_000,
        shutdownTimeoutMs: 10_000,
        commit: "abc123",
        platform: "eks",
      }).map(({ name, value }) => [name, value]),
    );
    assert.equal(loadEnv(env).PORT, APP_PORT);
  });

  it("a secret may take no name the platform sets (config checks against RESERVED_ENV_NAMES)", () => {
    for (const name of [...APP_ENV_NAMES, SECRET_ENV_NAMES_VAR]) {
      assert.ok((RESERVED_ENV_NAMES as readonly string[]).includes(name), name);
    }
  });
});
