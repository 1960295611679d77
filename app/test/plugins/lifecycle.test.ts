import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { build } from "../helpers.js";

/** Keeps the event loop busy long enough for under-pressure to measure a lag. */
function blockEventLoop(ms: number) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // busy on purpose
  }
}

describe("load shedding", () => {
  it("sheds API traffic under event-loop pressure, never liveness or readiness of a ready instance", async () => {
    const app = await build({ loadShedding: { maxEventLoopDelay: 50, sampleInterval: 10 } });
    assert.equal((await app.inject("/")).statusCode, 200);

    // Sample until under-pressure has seen the lag (bounded).
    let shed = false;
    for (let attempt = 0; attempt < 20 && !shed; attempt++) {
      blockEventLoop(200);
      await sleep(15);
      shed = app.isUnderPressure();
    }
    assert.ok(shed, "under-pressure noticed the blocked event loop");

    // Readiness first: the API's 503 right after proves the pressure was still on when it answered 200.
    assert.equal((await app.inject("/readyz")).statusCode, 200);
    const api = await app.inject("/");
    assert.equal(api.statusCode, 503);
    assert.equal(api.headers["retry-after"], "10");
    assert.equal(api.json().error, "Service Unavailable");
    assert.equal((await app.inject("/healthz")).statusCode, 200);
    // Shutdown still wins: a leaving instance is not ready, pressure or not.
    app.beginShutdown();
    assert.equal((await app.inject("/readyz")).statusCode, 503);
    await app.close();
  });

  it("serves normally without pressure", async () => {
    const app = await build();
    assert.equal(app.isUnderPressure(), false);
    assert.equal((await app.inject("/readyz")).statusCode, 200);
    await app.close();
  });
});
