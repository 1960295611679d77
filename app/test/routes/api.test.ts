import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { App } from "../../src/app.js";
import { MAX_SHOUT_LENGTH, shout } from "../../src/routes/api.js";
import { build } from "../helpers.js";

let app: App;
before(async () => {
  app = await build();
});
after(() => app.close());

function postShout(payload: string, contentType = "application/json") {
  return app.inject({ method: "POST", url: "/v1/shout", payload, headers: { "content-type": contentType } });
}

describe("GET /", () => {
  it("says hello", async () => {
    const res = await app.inject({ method: "GET", url: "/" });
    assert.equal(res.statusCode, 200);
    assert.match(res.headers["content-type"] as string, /^application\/json/);
    assert.deepEqual(res.json(), { message: "Hello World" });
  });
});

describe("shout()", () => {
  const cases: Array<[string, string]> = [
    ["hello, world!", "!DLROW ,OLLEH"],
    ["a", "A"],
    ["ÄbC ß", "SS CBÄ"],
    ["x😀y", "Y😀X"],
  ];
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)} → ${JSON.stringify(expected)}`, () => assert.equal(shout(input), expected));
  }
});

describe("POST /v1/shout", () => {
  it("reverses and upper-cases data", async () => {
    const res = await postShout(JSON.stringify({ data: "hello, world!" }));
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { data: "!DLROW ,OLLEH" });
  });

  it("accepts a charset parameter on the content type", async () => {
    const res = await postShout(JSON.stringify({ data: "ok" }), "application/json; charset=utf-8");
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { data: "KO" });
  });

  it(`accepts exactly ${MAX_SHOUT_LENGTH} characters, even 4-byte ones`, async () => {
    const res = await postShout(JSON.stringify({ data: "😀".repeat(MAX_SHOUT_LENGTH) }));
    assert.equal(res.statusCode, 200);
    assert.equal(Array.from(res.json().data as string).length, MAX_SHOUT_LENGTH);
  });

  const badBodies: Array<[string, string, RegExp]> = [
    ["missing data", "{}", /body must have required property 'data'/],
    ["extra field", JSON.stringify({ data: "a", extra: 1 }), /body must NOT have additional properties/],
    ["number instead of string", JSON.stringify({ data: 5 }), /body\/data must be string/],
    ["null data", JSON.stringify({ data: null }), /body\/data must be string/],
    ["array body", JSON.stringify(["a"]), /body must be object/],
    ["empty string", JSON.stringify({ data: "" }), /body\/data must NOT have fewer than 1 characters/],
    [
      "too long",
      JSON.stringify({ data: "a".repeat(MAX_SHOUT_LENGTH + 1) }),
      /body\/data must NOT have more than 10000 characters/,
    ],
    ["malformed JSON", '{"data":', /Body is not valid JSON/],
    ["empty JSON body", "", /Body cannot be empty when content-type is set to 'application\/json'/],
  ];
  for (const [name, payload, message] of badBodies) {
    it(`answers 400 for ${name}`, async () => {
      const res = await postShout(payload);
      assert.equal(res.statusCode, 400);
      const body = res.json();
      assert.equal(body.statusCode, 400);
      assert.equal(body.error, "Bad Request");
      assert.match(body.message, message);
      assert.equal(res.body.includes("    at "), false, "no stack trace");
    });
  }

  for (const contentType of ["text/plain", "application/x-www-form-urlencoded", "application/xml"]) {
    it(`answers 415 for ${contentType}`, async () => {
      const res = await postShout("data=hello", contentType);
      assert.equal(res.statusCode, 415);
      assert.deepEqual(res.json(), {
        statusCode: 415,
        code: "FST_ERR_CTP_INVALID_MEDIA_TYPE",
        error: "Unsupported Media Type",
        message: "Unsupported Media Type",
      });
    });
  }

  it("answers 413 over the body limit", async () => {
    const res = await postShout(JSON.stringify({ data: "a".repeat(70_000) }));
    assert.equal(res.statusCode, 413);
    assert.equal(res.json().code, "FST_ERR_CTP_BODY_TOO_LARGE");
    assert.equal(res.json().error, "Payload Too Large");
  });

  it("answers 404 JSON for GET (wrong method)", async () => {
    const res = await app.inject({ method: "GET", url: "/v1/shout" });
    assert.equal(res.statusCode, 404);
    assert.deepEqual(res.json(), {
      statusCode: 404,
      error: "Not Found",
      message: "Route GET /v1/shout not found",
    });
  });
});

describe("GET /v1/random", () => {
  it("returns integers within 0..100, covering both ends over many draws", async () => {
    const seen = new Set<number>();
    for (let i = 0; i < 3000; i++) {
      const res = await app.inject({ method: "GET", url: "/v1/random" });
      assert.equal(res.statusCode, 200);
      const { value } = res.json();
      assert.ok(Number.isInteger(value) && value >= 0 && value <= 100, `out of range: ${value}`);
      seen.add(value);
    }
    // 3000 draws from 101 values: missing an end has probability ~1e-13.
    assert.ok(seen.has(0) && seen.has(100), "both bounds are reachable");
  });
});

describe("unknown routes", () => {
  for (const [method, url] of [
    ["GET", "/nope"],
    ["POST", "/v2/shout"],
    ["DELETE", "/"],
    ["GET", "/../etc/passwd"],
  ] as const) {
    it(`${method} ${url} → 404 JSON`, async () => {
      const res = await app.inject({ method, url });
      assert.equal(res.statusCode, 404);
      const body = res.json();
      assert.equal(body.error, "Not Found");
      assert.equal(body.statusCode, 404);
    });
  }

  it("does not echo the query string in the 404 message", async () => {
    const res = await app.inject({ method: "GET", url: "/nope?token=secret" });
    assert.equal(res.json().message, "Route GET /nope not found");
  });
});

describe("POST /v1/shout without a content type", () => {
  it("answers 415 for a body without content-type", async () => {
    const res = await app.inject({ method: "POST", url: "/v1/shout", payload: Buffer.from('{"data":"a"}') });
    assert.equal(res.statusCode, 415);
  });
});
