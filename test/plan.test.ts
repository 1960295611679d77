import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { describe, it } from "node:test";
import { renderPlan } from "../scripts/plan";
import { ROOT, runProgram } from "./harness";

const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");

describe("npm run plan", () => {
  it("renders the resource tree under the stack, key settings, and outputs with secrets masked", async () => {
    const text = renderPlan(await runProgram({ stack: "dev" }));
    const lines = text.split("\n");
    assert.equal(lines[0], "pulumi:pulumi:Stack  fastify-deploy-dev");
    assert.ok(lines.includes("└─ fastify-deploy:platforms:EcsPlatform  app"));
    assert.ok(
      lines.some((l) => /^ {3}├─ aws:ecs\/service:Service {2}app-service {2}desiredCount=1 /.test(l)),
    );
    assert.ok(
      lines.some((l) => l.includes("docker:index/image:Image  app-image") && l.endsWith("registry=[secret]")),
    );
    assert.doesNotMatch(text, /harness-ecr-password/);
    assert.ok(lines.includes('  platform: "ecs"'));
  });

  it("prints config errors and exits non-zero", () => {
    const result = spawnSync(TSX, ["scripts/plan.ts", "dev", "--set", "cpu=300"], {
      cwd: ROOT,
      encoding: "utf8",
    });
    assert.equal(result.status, 1);
    assert.equal(
      result.stderr.trim(),
      "error: Invalid stack configuration (1 problem):\n" +
        "  - fastify-deploy:cpu: got 300; expected one of 256, 512, 1024, 2048, 4096, 8192, 16384",
    );
  });

  it("rejects malformed arguments with usage", () => {
    const result = spawnSync(TSX, ["scripts/plan.ts", "dev", "--set", "cpu"], {
      cwd: ROOT,
      encoding: "utf8",
    });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /--set needs key=value, got "cpu"/);
  });
});
