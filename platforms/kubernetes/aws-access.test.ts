import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { accessKeyGenerations, utcToday } from "../../facts";
import { ROOT, type RunOptions, runProgram } from "../../tools/harness";

const KUBECONFIG = fs.readFileSync(path.join(ROOT, "test/fixtures/kubeconfig.yaml"), "utf8");
const SM = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf";
const ISSUER = "https://issuer.example.com/clusters/shop";
const k8s = (config: Record<string, string> = {}): RunOptions => ({
  stack: "dev",
  config: { platform: "kubernetes", ...config },
  secrets: { kubeconfig: KUBECONFIG },
});

interface PodSpec {
  containers: { name: string; env: { name: string; value?: string; valueFrom?: unknown }[] }[];
  volumes: { name: string; projected?: { sources: { serviceAccountToken?: Record<string, unknown> }[] } }[];
}
const refresherPod = (run: Awaited<ReturnType<typeof runProgram>>) =>
  (run.one("kubernetes:batch/v1:Job").inputs as { spec: { template: { spec: PodSpec } } }).spec.template.spec;
const envOf = (spec: PodSpec) => spec.containers[0]?.env ?? [];

describe("kubernetes: how the refresher reaches AWS", () => {
  it("with a public issuer: an OIDC provider, a role trusting exactly the refresher's service account, no IAM key", async () => {
    const run = await runProgram(k8s({ serviceAccountIssuer: ISSUER }));
    assert.deepEqual(run.ofType("aws:iam/accessKey:AccessKey"), []);
    assert.deepEqual(run.ofType("aws:iam/user:User"), []);
    const provider = run.one("aws:iam/openIdConnectProvider:OpenIdConnectProvider");
    assert.equal(provider.inputs.url, ISSUER);
    assert.deepEqual(provider.inputs.clientIdLists, ["sts.amazonaws.com"]);
    const role = run.one("aws:iam/role:Role", "app-refresher-role");
    const trust = role.inputs.assumeRolePolicy;
    assert.deepEqual((typeof trust === "string" ? JSON.parse(trust) : trust).Statement, [
      {
        Effect: "Allow",
        Principal: { Federated: provider.state.arn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            "issuer.example.com/clusters/shop:sub":
              "system:serviceaccount:fastify-app:fastify-app-ecr-refresher",
            "issuer.example.com/clusters/shop:aud": "sts.amazonaws.com",
          },
        },
      },
    ]);
    // The service account the trust names is the refresher's own.
    const sa = run
      .ofType("kubernetes:core/v1:ServiceAccount")
      .map((s) => (s.inputs.metadata as { name: string }).name);
    assert.ok(sa.includes("fastify-app-ecr-refresher"));
    const spec = refresherPod(run);
    const tokens = spec.volumes.flatMap((v) => v.projected?.sources ?? []).map((s) => s.serviceAccountToken);
    assert.deepEqual(
      tokens.filter((t) => t?.audience !== undefined),
      [{ path: "aws-token", audience: "sts.amazonaws.com", expirationSeconds: 3600 }],
    );
    assert.deepEqual(
      envOf(spec)
        .filter((e) => e.name.startsWith("AWS_"))
        .map((e) => e.name),
      ["AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE"],
    );
    assert.equal(envOf(spec).find((e) => e.name === "AWS_ROLE_ARN")?.value, role.state.arn);
    assert.equal(
      run
        .ofType("kubernetes:core/v1:Secret")
        .some((s) => String((s.inputs.metadata as { name: string }).name).endsWith("-aws")),
      false,
      "no credentials Secret",
    );
  });

  it("without one: two keys, each replaced (delete first) when its slot's generation moves, on today's schedule", async () => {
    const run = await runProgram(k8s());
    const keys = run.ofType("aws:iam/accessKey:AccessKey");
    const { a, b } = accessKeyGenerations(utcToday());
    assert.deepEqual(
      keys.map((k) => ({ name: k.name, trigger: k.replacementTrigger, deleteFirst: k.deleteBeforeReplace })),
      [
        { name: "app-ecr-puller-key", trigger: a, deleteFirst: true },
        { name: "app-ecr-puller-key-b", trigger: b, deleteFirst: true },
      ],
    );
    // Both reach the refresher: whichever AWS accepts is used, so a rotation needs no input to change.
    assert.deepEqual(
      envOf(refresherPod(run))
        .filter((e) => e.name.startsWith("AWS_"))
        .map((e) => e.name),
      ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_ACCESS_KEY_ID_B", "AWS_SECRET_ACCESS_KEY_B"],
    );
    const policy = JSON.parse(String(run.one("aws:iam/userPolicy:UserPolicy").inputs.policy));
    assert.equal(JSON.stringify(policy).includes("aws:SourceIp"), false, "from anywhere by default");
  });

  it("clusterEgressCidrs pins every statement of the key's policy to those addresses", async () => {
    const run = await runProgram(k8s({ clusterEgressCidrs: JSON.stringify(["198.51.100.0/24"]) }));
    const policy = JSON.parse(String(run.one("aws:iam/userPolicy:UserPolicy").inputs.policy));
    for (const statement of policy.Statement) {
      assert.deepEqual(statement.Condition, { IpAddress: { "aws:SourceIp": ["198.51.100.0/24"] } });
    }
  });

  it("secrets: the refresher may patch the app's Secret too, reads exactly the declared ARNs, and is given references only", async () => {
    const run = await runProgram(
      k8s({ serviceAccountIssuer: ISSUER, secrets: JSON.stringify({ DB_PASSWORD: SM }) }),
    );
    const appSecret = run.one("kubernetes:core/v1:Secret", "app-app-ecr-pull-app-secrets");
    const name = (appSecret.inputs.metadata as { name: string }).name;
    assert.match(name, /^fastify-app-secrets-[0-9a-f]{10}$/);
    assert.equal(appSecret.inputs.data, undefined, "created empty: the refresher fills it");
    assert.deepEqual(appSecret.ignoreChanges, ["data"]);
    const role = run.one("kubernetes:rbac.authorization.k8s.io/v1:Role").inputs as {
      rules: { resourceNames: string[]; verbs: string[] }[];
    };
    assert.deepEqual(role.rules[0]?.resourceNames, ["fastify-app-image-pull", name]);
    assert.deepEqual(role.rules[0]?.verbs, ["patch"]);
    const env = envOf(refresherPod(run));
    assert.deepEqual(
      env.find((e) => e.name === "APP_SECRET_REFS")?.value,
      JSON.stringify([{ name: "DB_PASSWORD", valueFrom: SM }]),
    );
    assert.equal(env.find((e) => e.name === "APP_SECRET_NAME")?.value, name);
    const statements = JSON.parse(
      String(run.one("aws:iam/rolePolicy:RolePolicy", "app-refresher-policy").inputs.policy),
    ).Statement;
    assert.deepEqual(
      statements.find((s: { Sid?: string }) => s.Sid === "ReadDeclaredSecrets"),
      {
        Sid: "ReadDeclaredSecrets",
        Effect: "Allow",
        Action: ["secretsmanager:GetSecretValue"],
        Resource: [SM],
      },
    );
  });
});
