import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { describe, it } from "node:test";
import { buildApp, productionLogger } from "../src/app.js";

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...chunk.toString().trim().split("\n"));
      done();
    },
  });
  return { lines, stream };
}

describe("error handling", () => {
  it("answers an unexpected error with a bare 500, logging the detail instead", async () => {
    const { lines, stream } = capture();
    const app = await buildApp({ version: "1", logger: productionLogger("info", stream) });
    app.get("/boom", async () => {
      throw new Error("database password is hunter2");
    });
    const res = await app.inject("/boom");
    assert.equal(res.statusCode, 500);
    assert.deepEqual(res.json(), {
      statusCode: 500,
      error: "Internal Server Error",
      message: "Internal Server Error",
    });
    assert.equal(res.body.includes("hunter2"), false);
    assert.ok(lines.some((line) => line.includes("hunter2") && JSON.parse(line).level === 50));
    await app.close();
  });
});

describe("productionLogger", () => {
  it("writes JSON lines and redacts credentials", async () => {
    const { lines, stream } = capture();
    const app = await buildApp({ version: "1", logger: productionLogger("info", stream) });
    app.log.info(
      { req: { headers: { authorization: "Bearer s3cret", cookie: "sid=s3cret", accept: "*/*" } } },
      "x",
    );
    app.log.info({ headers: { authorization: "Basic s3cret" } }, "y");
    await app.inject({ url: "/", headers: { authorization: "Bearer s3cret" } });
    await app.close();
    assert.ok(lines.length >= 3);
    for (const line of lines) {
      assert.doesNotThrow(() => JSON.parse(line), `not JSON: ${line}`);
      assert.equal(line.includes("s3cret"), false, `leaked: ${line}`);
    }
    const y = lines.map((line) => JSON.parse(line)).find((entry) => entry.msg === "y");
    assert.equal(y.headers.authorization, "[redacted]");
  });

  it("honours the level", async () => {
    const { lines, stream } = capture();
    const app = await buildApp({ version: "1", logger: productionLogger("warn", stream) });
    await app.inject("/");
    app.log.warn("kept");
    await app.close();
    assert.deepEqual(
      lines.map((line) => JSON.parse(line).msg),
      ["kept"],
    );
  });
});

describe("access log", () => {
  it("writes one line per request with method, url, status and time; none for probes at info", async () => {
    const { lines, stream } = capture();
    const app = await buildApp({ version: "1", logger: productionLogger("info", stream) });
    await app.inject("/");
    await app.inject("/nope?x=1");
    await app.inject("/healthz");
    await app.inject("/readyz");
    await app.close();
    const entries = lines.map((line) => JSON.parse(line));
    const access = entries.filter((entry) => entry.msg === "request completed");
    assert.deepEqual(
      access.map(({ method, url, statusCode }) => ({ method, url, statusCode })),
      [
        { method: "GET", url: "/", statusCode: 200 },
        { method: "GET", url: "/nope?x=1", statusCode: 404 },
      ],
    );
    for (const entry of access) {
      assert.equal(typeof entry.responseTimeMs, "number");
      assert.equal(typeof entry.reqId, "string");
    }
    assert.equal(
      entries.some((entry) => entry.msg === "incoming request"),
      false,
      "Fastify's own request lines are off",
    );
  });
});
