import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SECRET_ENV_NAMES_VAR } from "../../facts";
import { MOCK_SECRET_VALUE, type ProgramRun, runProgram, stackPlatformCases } from "../../tools/harness";
import { SECRET_REFS_ANNOTATION } from "./secret-env";

const SM = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf";
const SSM = "arn:aws:ssm:us-east-1:123456789012:parameter/prod/api-key";
const SECRETS = { DB_PASSWORD: `${SM}:password::`, API_KEY: SSM };
const SECRET_READ_CALLS = [
  "aws:secretsmanager/getSecretVersion:getSecretVersion",
  "aws:ssm/getParameter:getParameter",
];

/** Every stack on every platform with two secrets declared. */
const cases = () =>
  stackPlatformCases().map((c) => ({
    ...c,
    options: { ...c.options, config: { ...c.options.config, secrets: JSON.stringify(SECRETS) } },
  }));

/** The app's pod template on a Kubernetes platform. */
const podTemplate = (run: ProgramRun) =>
  (
    run.one("kubernetes:apps/v1:Deployment").inputs as {
      spec: {
        template: {
          metadata: { annotations?: Record<string, string> };
          spec: {
            containers: { name: string; env: { name: string; value?: string; valueFrom?: unknown }[] }[];
          };
        };
      };
    }
  ).spec.template;

describe("no secret value ever reaches the program (every stack × platform, with secrets declared)", () => {
  for (const { stack, platform, options } of cases()) {
    it(`${stack} on ${platform}: the mocked secret's value appears in no input, state, call, output or warning`, async () => {
      const run = await runProgram(options);
      // The harness answers every secret-reading data source with MOCK_SECRET_VALUE: a program that
      // read a value (to put it in an env var, a Secret, an output) would carry it into the record.
      const record = JSON.stringify({
        resources: run.resources.map((r) => ({ inputs: r.inputs, state: r.state })),
        calls: run.calls,
        outputs: run.outputValues(),
        warnings: run.warnings,
      });
      assert.equal(record.includes(MOCK_SECRET_VALUE), false);
      const reads = run.calls.filter(
        (c) =>
          SECRET_READ_CALLS.includes(c.token) &&
          (c.token.startsWith("aws:secretsmanager") || String(c.inputs.name).includes("api-key")),
      );
      assert.deepEqual(reads, [], "the program reads no declared secret's value");
      // Each reference is handed on as a reference, somewhere in the graph, on every platform.
      for (const ref of Object.values(SECRETS)) {
        assert.ok(record.includes(ref.split(":").slice(0, 7).join(":")), `${ref} is delivered`);
      }
    });
  }
});

describe("the app's pod reads its secrets from the delivered Secret; a new pinned version rolls out", () => {
  for (const { stack, platform, options } of cases().filter((c) => c.platform !== "ecs")) {
    it(`${stack} on ${platform}`, async () => {
      const template = podTemplate(await runProgram(options));
      const app = template.spec.containers.find((c) => c.name === "app");
      const env = app?.env ?? [];
      assert.equal(env.find((e) => e.name === SECRET_ENV_NAMES_VAR)?.value, "API_KEY,DB_PASSWORD");
      for (const name of Object.keys(SECRETS)) {
        const entry = env.find((e) => e.name === name);
        assert.equal(entry?.value, undefined, `${name} has no plain value`);
        const ref = (entry?.valueFrom as { secretKeyRef?: { name: string; key: string } } | undefined)
          ?.secretKeyRef;
        assert.equal(ref?.key, name);
        assert.match(String(ref?.name), /^[a-z0-9-]+-secrets-[0-9a-f]{10}$/);
      }
      const pinned = await runProgram({
        ...options,
        config: {
          ...options.config,
          secrets: JSON.stringify({
            ...SECRETS,
            DB_PASSWORD: `${SM}:password::0b1c2d3e-aaaa-bbbb-cccc-123456789012`,
          }),
        },
      });
      const before = template.metadata.annotations?.[SECRET_REFS_ANNOTATION];
      const after = podTemplate(pinned).metadata.annotations?.[SECRET_REFS_ANNOTATION];
      assert.match(String(before), /^[0-9a-f]{16}$/);
      assert.notEqual(after, before, "pinning a version changes the pod template");
    });
  }
});
