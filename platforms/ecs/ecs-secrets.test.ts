import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runProgram } from "../../tools/harness";

/**
 * ECS reads each `secrets[].valueFrom` at task start with the EXECUTION role ("Required IAM permissions
 * for Amazon ECS secrets", Amazon ECS Developer Guide, secrets-envvar-secrets-manager.html, read
 * 2026-12-07): that role, and only it, may read exactly the declared ARNs.
 */
const SM = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf";
const SSM = "arn:aws:ssm:us-east-1:123456789012:parameter/prod/api-key";
const KMS = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

const run = (config: Record<string, string> = {}) => runProgram({ stack: "dev", config });
const container = (r: Awaited<ReturnType<typeof run>>) =>
  JSON.parse(r.one("aws:ecs/taskDefinition:TaskDefinition").inputs.containerDefinitions as string)[0] as {
    environment: { name: string; value: string }[];
    secrets?: { name: string; valueFrom: string }[];
  };

describe("ecs: secrets through the task definition and the execution role", () => {
  it("the container's secrets name each variable's reference, as given (json key and version included)", async () => {
    const r = await run({ secrets: JSON.stringify({ DB_PASSWORD: `${SM}:password::`, API_KEY: SSM }) });
    assert.deepEqual(container(r).secrets, [
      { name: "API_KEY", valueFrom: SSM },
      { name: "DB_PASSWORD", valueFrom: `${SM}:password::` },
    ]);
    // The names (never values) for the app's log redaction.
    assert.deepEqual(
      container(r).environment.find((e) => e.name === "SECRET_ENV_NAMES"),
      { name: "SECRET_ENV_NAMES", value: "API_KEY,DB_PASSWORD" },
    );
  });

  it("the execution role may read exactly those ARNs, decrypt with exactly the named key, and nothing else", async () => {
    const r = await run({
      secrets: JSON.stringify({ DB_PASSWORD: `${SM}:password::`, API_KEY: SSM }),
      secretsKmsKeyArn: KMS,
    });
    const policy = r.one("aws:iam/rolePolicy:RolePolicy", "app-execution-secrets");
    assert.equal(policy.inputs.role, r.one("aws:iam/role:Role", "app-execution-role").id);
    assert.deepEqual(JSON.parse(policy.inputs.policy as string), {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "ReadDeclaredSecrets",
          Effect: "Allow",
          Action: ["secretsmanager:GetSecretValue"],
          Resource: [SM],
        },
        {
          Sid: "ReadDeclaredParameters",
          Effect: "Allow",
          Action: ["ssm:GetParameters", "ssm:GetParameter"],
          Resource: [SSM],
        },
        { Sid: "DecryptDeclaredSecrets", Effect: "Allow", Action: "kms:Decrypt", Resource: KMS },
      ],
    });
    // The task role (the app's own identity) gets nothing.
    const taskRole = r.one("aws:iam/role:Role", "app-task-role").id;
    assert.deepEqual(
      r.ofType("aws:iam/rolePolicy:RolePolicy").filter((p) => p.inputs.role === taskRole),
      [],
    );
  });

  it("a new pinned version is a new task definition (a rollout), not a change of the role's rights", async () => {
    const pinned = `${SM}::AWSCURRENT:`;
    const [a, b] = [
      await run({ secrets: JSON.stringify({ DB: SM }) }),
      await run({ secrets: JSON.stringify({ DB: `${SM}:::0b1c2d3e-aaaa-bbbb-cccc-123456789012` }) }),
    ];
    assert.notEqual(
      a.one("aws:ecs/taskDefinition:TaskDefinition").inputs.containerDefinitions,
      b.one("aws:ecs/taskDefinition:TaskDefinition").inputs.containerDefinitions,
    );
    const policy = (x: typeof a) =>
      x.one("aws:iam/rolePolicy:RolePolicy", "app-execution-secrets").inputs.policy;
    assert.equal(policy(a), policy(b));
    assert.equal(
      container(await run({ secrets: JSON.stringify({ DB: pinned }) })).secrets?.[0]?.valueFrom,
      pinned,
    );
  });

  it("without secrets: no secrets entry, no SECRET_ENV_NAMES, no secrets policy (the stack as before)", async () => {
    const r = await run();
    assert.equal(container(r).secrets, undefined);
    assert.equal(
      container(r).environment.some((e) => e.name === "SECRET_ENV_NAMES"),
      false,
    );
    assert.equal(
      r.resources.some((x) => x.name === "app-execution-secrets"),
      false,
    );
  });
});
