import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runProgram, stackPlatformCases } from "../tools/harness";
import { policies } from "./policies";
import * as secrets from "./secrets";
import {
  container,
  describeMutations,
  describeRejections,
  editContainers,
  evaluateRun,
  fixture,
  type Mutation,
  type Rejection,
} from "./testing";

const doc = (...Statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement });
const SM = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf";

const rejections: Rejection[] = [
  {
    policy: secrets.secretReadsNamed,
    resources: () => [
      fixture("aws:iam/rolePolicy:RolePolicy", "wide-reads", {
        policy: doc(
          { Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "*" },
          {
            Effect: "Allow",
            Action: ["ssm:GetParameters"],
            Resource: "arn:aws:ssm:us-east-1:123456789012:parameter/prod/*",
          },
          {
            Effect: "Allow",
            Action: "kms:Decrypt",
            Resource: "*",
            Condition: { StringEquals: { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" } },
          },
          // Named ARNs, a Deny, and a non-secret action on "*": no message.
          { Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: [SM] },
          { Effect: "Deny", Action: "ssm:GetParameter", Resource: "*" },
          { Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
        ),
      }),
    ],
    messages: [
      "wide-reads: grants secretsmanager:GetSecretValue on \"*\". Name each secret's or parameter's ARN (fastify-deploy:secrets) and the one KMS key (secretsKmsKeyArn).",
      "wide-reads: grants ssm:GetParameters on \"arn:aws:ssm:us-east-1:123456789012:parameter/prod/*\". Name each secret's or parameter's ARN (fastify-deploy:secrets) and the one KMS key (secretsKmsKeyArn).",
      "wide-reads: grants kms:Decrypt on \"*\". Name each secret's or parameter's ARN (fastify-deploy:secrets) and the one KMS key (secretsKmsKeyArn).",
    ],
  },
  {
    policy: secrets.noPlainSecretEnv,
    resources: () => [
      fixture("aws:ecs/taskDefinition:TaskDefinition", "task", {
        containerDefinitions: JSON.stringify([
          {
            name: "app",
            environment: [
              { name: "DB_PASSWORD", value: "hunter2" },
              // Names that only say where a secret is, and the redaction list: no message.
              { name: "SECRET_ENV_NAMES", value: "DB_PASSWORD" },
              { name: "SECRET_NAME", value: "app-image-pull" },
            ],
            secrets: [{ name: "API_KEY", valueFrom: SM }],
          },
        ]),
      }),
      fixture("kubernetes:apps/v1:Deployment", "deployment", {
        spec: {
          template: {
            spec: {
              containers: [
                {
                  name: "app",
                  env: [
                    { name: "GITHUB_TOKEN", value: "ghp_example" },
                    { name: "API_KEY", valueFrom: { secretKeyRef: { name: "s", key: "API_KEY" } } },
                    { name: "AWS_WEB_IDENTITY_TOKEN_FILE", value: "/var/run/secrets/aws-token" },
                  ],
                },
              ],
            },
          },
        },
      }),
    ],
    messages: [
      "task: container app sets DB_PASSWORD as a plain value, readable by anyone who can read the task definition and in the stack's state. Declare it in fastify-deploy:secrets (a Secrets Manager or SSM ARN) instead.",
      "deployment: container app sets GITHUB_TOKEN as a plain value, readable by anyone who can read the pod spec and in the stack's state. Declare it in fastify-deploy:secrets (a Secrets Manager or SSM ARN) instead.",
    ],
  },
];

const mutations: Mutation[] = [
  {
    // dev's execution role policy, given a read of every secret.
    policy: secrets.secretReadsNamed,
    setting: "named secret ARNs",
    from: "dev/ecs",
    type: "aws:iam/rolePolicy:RolePolicy",
    name: /execution-policy$/,
    mutate: (i) => {
      const document = JSON.parse(i.policy);
      document.Statement.push({ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "*" });
      i.policy = JSON.stringify(document);
    },
  },
  {
    policy: secrets.noPlainSecretEnv,
    setting: "secrets instead of a plain env value (ECS)",
    from: "dev/ecs",
    type: "aws:ecs/taskDefinition:TaskDefinition",
    mutate: (i) => editContainers(i, (c) => c.environment.push({ name: "DB_PASSWORD", value: "hunter2" })),
  },
  {
    policy: secrets.noPlainSecretEnv,
    setting: "secretKeyRef instead of a plain env value (Kubernetes)",
    from: "dev/kubernetes",
    type: "kubernetes:apps/v1:Deployment",
    mutate: (i) => container(i).env.push({ name: "API_KEY", value: "sk_live_example" }),
  },
];

describe("secrets", () => {
  describeRejections(secrets, rejections);
  describeMutations(secrets, mutations);
});

describe("the whole pack passes the program with secrets declared, on every platform", () => {
  const SECRETS = JSON.stringify({
    DB_PASSWORD: `${SM}:password::`,
    API_KEY: "arn:aws:ssm:us-east-1:123456789012:parameter/prod/api-key",
  });
  for (const c of stackPlatformCases().filter((x) => x.stack === "dev" || x.platform === "eks")) {
    const extra =
      c.platform === "kubernetes" ? { serviceAccountIssuer: "https://issuer.example.com/shop" } : {};
    it(`${c.stack} on ${c.platform}${c.platform === "kubernetes" ? " (web identity)" : ""}`, async () => {
      const run = await runProgram({
        ...c.options,
        config: { ...c.options.config, secrets: SECRETS, ...extra },
      });
      // Every mandatory policy (the one advisory, alb-https-when-prod-grade, reports committed prod's
      // missing certificate whatever the secrets: policies.test.ts holds that).
      const mandatory = policies.filter((p) => p.enforcementLevel === "mandatory");
      assert.deepEqual(await evaluateRun(mandatory, run), []);
    });
  }
});
