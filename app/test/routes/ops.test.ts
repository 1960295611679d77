import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { build } from "../helpers.js";

describe("GET /healthz", () => {
  it("answers ok while the process serves, also during shutdown", async () => {
    const app = await build();
    assert.deepEqual((await app.inject("/healthz")).json(), { status: "ok" });
    app.beginShutdown();
    const res = await app.inject("/healthz");
    assert.equal(res.statusCode, 200);
    await app.close();
  });
});

describe("GET /readyz", () => {
  it("answers 200 until shutdown begins, then 503 with connection: close", async () => {
    const app = await build();
    const ready = await app.inject("/readyz");
    assert.equal(ready.statusCode, 200);
    assert.deepEqual(ready.json(), { status: "ready" });
    app.beginShutdown();
    const draining = await app.inject("/readyz");
    assert.equal(draining.statusCode, 503);
    assert.deepEqual(draining.json(), {
      statusCode: 503,
      error: "Service Unavailable",
      message: "shutting down",
    });
    assert.equal(draining.headers.connection, "close");
    await app.close();
  });
});

describe("GET /version", () => {
  it("reports version, commit, platform and the Node major only", async () => {
    const app = await build({ version: "9.9.9", commit: "abc1234", platform: "ecs" });
    const res = await app.inject("/version");
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), {
      version: "9.9.9",
      commit: "abc1234",
      platform: "ecs",
      node: process.versions.node.split(".")[0],
    });
    await app.close();
  });

  it("tells no runtime minor or patch level", async () => {
    const app = await build();
    const { node } = (await app.inject("/version")).json();
    assert.match(node, /^\d+$/);
    assert.equal((await app.inject("/version")).body.includes(process.versions.node), false);
    await app.close();
  });

  it("defaults commit and platform", async () => {
    const app = await build();
    assert.deepEqual((await app.inject("/version")).json(), {
      version: "1.2.3",
      commit: "unknown",
      platform: "local",
      node: process.versions.node.split(".")[0],
    });
    await app.close();
  });
});
