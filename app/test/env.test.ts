import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EnvError, loadEnv } from "../src/env.js";

describe("loadEnv", () => {
  it("takes the declared secrets' names (never values) and refuses a malformed list", () => {
    assert.equal(
      loadEnv({ SECRET_ENV_NAMES: "DB_PASSWORD,API_KEY" }).SECRET_ENV_NAMES,
      "DB_PASSWORD,API_KEY",
    );
    assert.throws(
      () => loadEnv({ SECRET_ENV_NAMES: "DB_PASSWORD,,x y" }),
      (error: Error) =>
        error instanceof EnvError &&
        error.message.includes(
          'SECRET_ENV_NAMES="DB_PASSWORD,,x y" is invalid: expected comma-separated environment variable names (A-Z a-z 0-9 _), or empty',
        ),
    );
  });

  it("applies the documented defaults", () => {
    assert.deepEqual(loadEnv({}), {
      PORT: 3000,
      HOST: "0.0.0.0",
      LOG_LEVEL: "info",
      SHUTDOWN_DRAIN_DELAY_MS: 5000,
      SHUTDOWN_TIMEOUT_MS: 10000,
      APP_COMMIT: "unknown",
      APP_PLATFORM: "local",
      TRACING: "off",
      OTLP_TRACES_ENDPOINT: "http://127.0.0.1:4318/v1/traces",
      SECRET_ENV_NAMES: "",
    });
  });

  it("parses every variable and ignores unrelated ones", () => {
    assert.deepEqual(
      loadEnv({
        PORT: "8080",
        HOST: "127.0.0.1",
        LOG_LEVEL: "warn",
        SHUTDOWN_DRAIN_DELAY_MS: "0",
        SHUTDOWN_TIMEOUT_MS: "2500",
        APP_COMMIT: "0123abc",
        APP_PLATFORM: "eks",
        TRACING: "otlp",
        OTLP_TRACES_ENDPOINT: "http://otel-collector.observability:4318/v1/traces",
        UNRELATED: "x",
      }),
      {
        PORT: 8080,
        HOST: "127.0.0.1",
        LOG_LEVEL: "warn",
        SHUTDOWN_DRAIN_DELAY_MS: 0,
        SHUTDOWN_TIMEOUT_MS: 2500,
        APP_COMMIT: "0123abc",
        APP_PLATFORM: "eks",
        TRACING: "otlp",
        OTLP_TRACES_ENDPOINT: "http://otel-collector.observability:4318/v1/traces",
        SECRET_ENV_NAMES: "",
      },
    );
  });

  const invalid: Array<[Record<string, string>, string]> = [
    [{ PORT: "abc" }, 'PORT="abc" is invalid: expected an integer 1..65535'],
    [
      { TRACING: "xray" },
      'TRACING="xray" is invalid: expected one of off, otlp (otlp: spans to OTLP_TRACES_ENDPOINT)',
    ],
    [
      { OTLP_TRACES_ENDPOINT: "collector:4318" },
      'OTLP_TRACES_ENDPOINT="collector:4318" is invalid: expected an http(s) URL of an OTLP/HTTP traces receiver',
    ],
    [{ PORT: "0" }, 'PORT="0" is invalid: expected an integer 1..65535'],
    [{ PORT: "65536" }, 'PORT="65536" is invalid: expected an integer 1..65535'],
    [{ PORT: "80.5" }, 'PORT="80.5" is invalid: expected an integer 1..65535'],
    [{ HOST: "" }, 'HOST="" is invalid: expected a non-empty host or IP address'],
    [
      { LOG_LEVEL: "loud" },
      'LOG_LEVEL="loud" is invalid: expected one of fatal, error, warn, info, debug, trace, silent',
    ],
    [
      { SHUTDOWN_DRAIN_DELAY_MS: "-1" },
      'SHUTDOWN_DRAIN_DELAY_MS="-1" is invalid: expected milliseconds 0..300000 to keep serving after SIGTERM while /readyz answers 503',
    ],
    [
      { SHUTDOWN_TIMEOUT_MS: "5s" },
      'SHUTDOWN_TIMEOUT_MS="5s" is invalid: expected milliseconds 100..300000 allowed for in-flight requests to finish after the drain',
    ],
    [
      { APP_COMMIT: "has space" },
      'APP_COMMIT="has space" is invalid: expected 1..64 characters of A-Z a-z 0-9 . _ -',
    ],
    [{ APP_PLATFORM: "ECS!" }, 'APP_PLATFORM="ECS!" is invalid: expected 1..32 characters of a-z 0-9 -'],
  ];
  for (const [env, line] of invalid) {
    it(`rejects ${JSON.stringify(env)}`, () => {
      assert.throws(() => loadEnv(env), { name: "EnvError", message: `Invalid environment:\n  ${line}` });
    });
  }

  it("reports every bad variable at once", () => {
    assert.throws(
      () => loadEnv({ PORT: "x", LOG_LEVEL: "loud", APP_COMMIT: "" }),
      (error: unknown) => {
        assert.ok(error instanceof EnvError);
        assert.deepEqual(error.message.split("\n"), [
          "Invalid environment:",
          '  PORT="x" is invalid: expected an integer 1..65535',
          '  LOG_LEVEL="loud" is invalid: expected one of fatal, error, warn, info, debug, trace, silent',
          '  APP_COMMIT="" is invalid: expected 1..64 characters of A-Z a-z 0-9 . _ -',
        ]);
        return true;
      },
    );
  });
});
