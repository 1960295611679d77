import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HSTS, SECURITY_HEADERS } from "../../src/plugins/security-headers.js";
import { build } from "../helpers.js";

describe("security headers", () => {
  for (const [name, request] of [
    ["a route", { url: "/" }],
    ["a 404", { url: "/nope" }],
    ["a 400", { method: "POST", url: "/v1/shout", payload: { wrong: 1 } }],
    ["a probe", { url: "/healthz" }],
  ] as const) {
    it(`are on ${name}`, async () => {
      const app = await build();
      const res = await app.inject(request);
      for (const [header, value] of Object.entries(SECURITY_HEADERS)) {
        assert.equal(res.headers[header], value, header);
      }
      assert.equal(res.headers["x-content-type-options"], "nosniff");
      assert.equal(res.headers["x-frame-options"], "DENY");
      assert.match(String(res.headers["content-security-policy"]), /default-src 'none'/);
      await app.close();
    });
  }

  it("send HSTS when the client came over HTTPS (X-Forwarded-Proto from the load balancer)", async () => {
    const app = await build();
    const res = await app.inject({ url: "/", headers: { "x-forwarded-proto": "https" } });
    assert.equal(res.headers["strict-transport-security"], HSTS);
    assert.match(HSTS, /max-age=31536000/);
    const chained = await app.inject({ url: "/", headers: { "x-forwarded-proto": "https, http" } });
    assert.equal(chained.headers["strict-transport-security"], HSTS);
    await app.close();
  });

  it("send no HSTS over plain HTTP", async () => {
    const app = await build();
    for (const headers of [{}, { "x-forwarded-proto": "http" }, { "x-forwarded-proto": "http, https" }]) {
      const res = await app.inject({ url: "/", headers });
      assert.equal(res.headers["strict-transport-security"], undefined, JSON.stringify(headers));
    }
    await app.close();
  });
});
