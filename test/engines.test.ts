import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import semver from "semver";

const ROOT = path.resolve(__dirname, "..");
const json = (file: string) => JSON.parse(fs.readFileSync(path.join(ROOT, file), "utf8"));

/**
 * `engines.node` says the oldest Node the project runs on; `npm ci` warns EBADENGINE for every locked
 * package whose own `engines.node` excludes the running Node (issue 28: on Node 20, cookie 2.0.2, through
 * fastify's light-my-request 6.8.1, wants >=22, and the OpenTelemetry JS 3.x packages of issue 31 want
 * >=22.15.0). So the project's range starts where every locked package's does: the oldest Node it admits
 * satisfies every locked package (checked with semver, npm's own range library). Node 20 itself reached
 * end of life on 2026-04-30 (nodejs/Release schedule).
 */
describe("engines.node covers every locked package", () => {
  const lock = json("package-lock.json") as {
    packages: Record<string, { version?: string; engines?: { node?: string } }>;
  };
  const range = json("package.json").engines.node as string;

  it("package.json, app/package.json and the lock's root entries state the same range", () => {
    assert.equal(json("app/package.json").engines.node, range);
    assert.equal(lock.packages[""]?.engines?.node, range);
    assert.equal(lock.packages.app?.engines?.node, range);
  });

  it("the oldest Node the range admits satisfies every locked package's engines.node (no EBADENGINE)", () => {
    const oldest = semver.minVersion(range);
    assert.ok(oldest, range);
    const excluded = Object.entries(lock.packages)
      .filter(([name, p]) => name !== "" && name !== "app" && p.engines?.node !== undefined)
      .filter(([, p]) => !semver.satisfies(oldest, p.engines?.node ?? "*"))
      .map(([name, p]) => `${name}@${p.version} wants node ${p.engines?.node}`);
    assert.deepEqual(excluded, [], `engines.node ${range} admits Node ${oldest.version}`);
  });
});
