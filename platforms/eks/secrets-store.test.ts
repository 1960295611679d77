import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { parse as parseYaml } from "yaml";
import { type ProgramRun, runProgram } from "../../tools/harness";
import { SECRETS_STORE_PROVIDER_CHART } from "./versions";

const SM = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf";
const SSM = "arn:aws:ssm:us-east-1:123456789012:parameter/prod/api-key";
const VERSION = "0b1c2d3e-aaaa-bbbb-cccc-123456789012";
const SECRETS = {
  DB_PASSWORD: `${SM}:password::${VERSION}`,
  DB_USER: `${SM}:user::${VERSION}`,
  API_KEY: SSM,
};
const SPC = "kubernetes:secrets-store.csi.x-k8s.io/v1:SecretProviderClass";

describe("eks: secrets through the Secrets Store CSI driver's AWS provider", () => {
  let run: ProgramRun;
  before(async () => {
    run = await runProgram({ stack: "prod", config: { secrets: JSON.stringify(SECRETS) } });
  });

  it("installs the provider chart at its pinned version with the driver's Secret sync on", () => {
    const release = run.one("kubernetes:helm.sh/v3:Release", "app-secrets-store");
    assert.equal(release.inputs.chart, SECRETS_STORE_PROVIDER_CHART.chart);
    assert.equal(release.inputs.version, "3.1.1");
    assert.equal(release.inputs.namespace, "kube-system");
    assert.deepEqual((release.inputs.values as Record<string, unknown>)["secrets-store-csi-driver"], {
      install: true,
      syncSecret: { enabled: true },
    });
  });

  it("one object per secret version, a jmesPath entry per JSON key, synced into the digest-named Secret", () => {
    const spc = run.one(SPC).inputs as {
      metadata: { namespace: string };
      spec: {
        provider: string;
        parameters: Record<string, string>;
        secretObjects: { secretName: string; type: string; data: { objectName: string; key: string }[] }[];
      };
    };
    assert.equal(spc.spec.provider, "aws");
    assert.equal(spc.metadata.namespace, "fastify-app");
    assert.equal(spc.spec.parameters.region, "us-east-1");
    // IRSA today: the app's role is an IRSA role (issue 26 moves it to Pod Identity and flips this).
    assert.equal(spc.spec.parameters.usePodIdentity, "true");
    assert.deepEqual(parseYaml(String(spc.spec.parameters.objects)), [
      { objectName: SSM, objectType: "ssmparameter", objectAlias: "API_KEY" },
      {
        objectName: SM,
        objectType: "secretsmanager",
        objectAlias: "object-1",
        objectVersion: VERSION,
        jmesPath: [
          { path: '"password"', objectAlias: "DB_PASSWORD" },
          { path: '"user"', objectAlias: "DB_USER" },
        ],
      },
    ]);
    const [synced] = spc.spec.secretObjects;
    assert.match(String(synced?.secretName), /^fastify-app-secrets-[0-9a-f]{10}$/);
    assert.deepEqual(synced?.data, [
      { objectName: "API_KEY", key: "API_KEY" },
      { objectName: "DB_PASSWORD", key: "DB_PASSWORD" },
      { objectName: "DB_USER", key: "DB_USER" },
    ]);
  });

  it("the app's existing role may read exactly those ARNs, through a policy of its own", () => {
    const role = run.one("aws:iam/role:Role", "app-app-role");
    const policy = run.one("aws:iam/rolePolicy:RolePolicy", "app-app-secrets");
    assert.equal(policy.inputs.role, role.state.name);
    assert.deepEqual(JSON.parse(String(policy.inputs.policy)).Statement, [
      {
        Sid: "ReadDeclaredSecrets",
        Effect: "Allow",
        Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
        Resource: [SM],
      },
      {
        Sid: "ReadDeclaredParameters",
        Effect: "Allow",
        Action: ["ssm:GetParameters", "ssm:GetParameter"],
        Resource: [SSM],
      },
    ]);
  });

  it("the app's pods mount the SecretProviderClass (the driver syncs the Secret only while a pod mounts it) and wait for it", () => {
    const deployment = run.one("kubernetes:apps/v1:Deployment");
    const spec = (deployment.inputs as { spec: { template: { spec: Record<string, unknown> } } }).spec
      .template.spec as {
      volumes: {
        name: string;
        csi?: { driver: string; readOnly: boolean; volumeAttributes: Record<string, string> };
      }[];
      containers: { name: string; volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[] }[];
    };
    const csi = spec.volumes.find((v) => v.csi !== undefined);
    assert.deepEqual(csi?.csi, {
      driver: "secrets-store.csi.k8s.io",
      readOnly: true,
      volumeAttributes: { secretProviderClass: "fastify-app-secrets" },
    });
    const app = spec.containers.find((c) => c.name === "app");
    assert.ok(app?.volumeMounts.some((m) => m.name === csi?.name && m.readOnly === true));
    assert.ok(
      deployment.dependencies?.includes(run.one(SPC).urn),
      "the Deployment waits for the SecretProviderClass",
    );
  });

  it("without secrets nothing of this is installed (prod as before)", async () => {
    const plain = await runProgram({ stack: "prod" });
    assert.equal(plain.ofType(SPC).length, 0);
    assert.equal(
      plain.resources.some((r) => r.name === "app-secrets-store" || r.name === "app-app-secrets"),
      false,
    );
  });
});
