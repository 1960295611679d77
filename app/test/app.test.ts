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
  it("writes one line per request with method, path, status and time; none for probes at info", async () => {
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
        { method: "GET", url: "/nope", statusCode: 404 },
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

describe("access log privacy", () => {
  it("never logs a query string, on a route or a 404", async () => {
    const { lines, stream } = capture();
    const app = await buildApp({ version: "1", logger: productionLogger("info", stream) });
    await app.inject("/v1/random?token=s3cret&email=a%40b.example");
    await app.inject("/nope?token=s3cret");
    await app.close();
    const access = lines.map((line) => JSON.parse(line)).filter((entry) => entry.msg === "request completed");
    assert.deepEqual(
      access.map((entry) => entry.url),
      ["/v1/random", "/nope"],
    );
    for (const line of lines) assert.equal(line.includes("s3cret"), false, `query string logged: ${line}`);
  });
});

describe("request id", () => {
  async function loggedId(headers: Record<string, string>): Promise<string> {
    const { lines, stream } = capture();
    const app = await buildApp({ version: "1", logger: productionLogger("info", stream) });
    await app.inject({ url: "/", headers });
    await app.close();
    const entry = lines.map((line) => JSON.parse(line)).find((e) => e.msg === "request completed");
    return entry.reqId;
  }
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

  it("keeps a well-formed X-Request-Id", async () => {
    assert.equal(
      await loggedId({ "x-request-id": "1-67891233-abcdef012345678912345678" }),
      "1-67891233-abcdef012345678912345678",
    );
    assert.equal(await loggedId({ "x-request-id": "req_42.a-B" }), "req_42.a-B");
    assert.equal(await loggedId({ "x-request-id": "a".repeat(128) }), "a".repeat(128));
  });

  for (const [name, forged] of [
    ["oversized (8,200 bytes)", "a".repeat(8_200)],
    ["one over the limit", "a".repeat(129)],
    ["with a forged log line", 'x","level":60,"msg":"forged'],
    ["with spaces", "id with spaces"],
  ] as const) {
    it(`replaces one ${name} with a fresh UUID`, async () => {
      const id = await loggedId({ "x-request-id": forged });
      assert.match(id, UUID);
      assert.notEqual(id, forged);
    });
  }

  it("generates a UUID when none is given", async () => {
    assert.match(await loggedId({}), UUID);
  });
});

describe("productionLogger with declared secrets (SECRET_ENV_NAMES)", () => {
  it("redacts a declared name as a field and its value wherever it appears in logged text", async () => {
    const { lines, stream } = capture();
    const secrets = { names: ["DB_PASSWORD", "API_KEY"], values: ["pg-pass-7f1c", "sk_live_91ab"] };
    const app = await buildApp({ version: "1", logger: productionLogger("info", stream, secrets) });
    app.log.info({ DB_PASSWORD: "pg-pass-7f1c", env: { API_KEY: "sk_live_91ab", PORT: "3000" } }, "fields");
    app.log.info("connecting with pg-pass-7f1c to the database");
    app.get("/boom", async () => {
      throw new Error("auth failed for sk_live_91ab");
    });
    await app.inject("/boom");
    await app.close();
    for (const line of lines) {
      assert.equal(line.includes("pg-pass-7f1c") || line.includes("sk_live_91ab"), false, `leaked: ${line}`);
    }
    const entries = lines.map((line) => JSON.parse(line));
    const fields = entries.find((e) => e.msg === "fields");
    assert.deepEqual(
      [fields.DB_PASSWORD, fields.env.API_KEY, fields.env.PORT],
      ["[redacted]", "[redacted]", "3000"],
    );
    assert.ok(entries.some((e) => e.msg === "connecting with [redacted] to the database"));
  });

  it("without declared secrets, nothing else is censored", async () => {
    const { lines, stream } = capture();
    const app = await buildApp({ version: "1", logger: productionLogger("info", stream) });
    app.log.info({ DB_PASSWORD: "visible-by-design" }, "plain");
    await app.close();
    assert.equal(
      JSON.parse(lines.find((l) => l.includes('"plain"')) ?? "{}").DB_PASSWORD,
      "visible-by-design",
    );
  });
});
