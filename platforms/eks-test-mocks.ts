/**
 * Test support for the EKS components until the platform switch routes `eks` through `index.ts`: runs
 * a function that constructs components under Pulumi's mocks, with the shared harness's mock tables
 * (test/harness.ts) plus the EKS-specific outputs below, and records every registration (type, name,
 * parent, provider, inputs). The EKS entries belong in test/harness.ts once `createPlatform` builds
 * EksPlatform; they follow the shapes @pulumi/eks and @pulumi/aws declare.
 */
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import * as settings from "@pulumi/pulumi/runtime/settings";
import { MOCK_ACCOUNT_ID, MOCK_CALLS, MOCK_RESOURCE_OUTPUTS, type MockContext } from "../test/harness";

const { getMonitor } = settings;
const { waitForRPCs } = settings as unknown as { waitForRPCs: () => Promise<void> };
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";

type ResourceMock = (args: pulumi.runtime.MockResourceArgs, ctx: MockContext) => Record<string, unknown>;
type CallMock = (inputs: Record<string, unknown>, ctx: MockContext) => Record<string, unknown>;

const name7 = (args: pulumi.runtime.MockResourceArgs, ctx: MockContext): string =>
  (args.inputs.name as string | undefined) ?? `${args.name}-${ctx.suffix(args.name)}`;

export const EKS_MOCK_RESOURCE_OUTPUTS: Record<string, ResourceMock> = {
  // eks:index:Cluster (remote component): the outputs its typings declare that the program reads.
  "eks:index:Cluster": (args, ctx) => {
    const name = `${args.name}-eksCluster-${ctx.suffix(args.name)}`;
    const id = ctx.hex(args.name, 32).toUpperCase();
    const endpoint = `https://${id}.gr7.${ctx.region}.eks.amazonaws.com`;
    const issuer = `oidc.eks.${ctx.region}.amazonaws.com/id/${id}`;
    const kubeconfig = {
      apiVersion: "v1",
      kind: "Config",
      clusters: [
        {
          name: "kubernetes",
          cluster: { server: endpoint, "certificate-authority-data": "LS0tLS1CRUdJTg==" },
        },
      ],
      contexts: [{ name: "aws", context: { cluster: "kubernetes", user: "aws" } }],
      "current-context": "aws",
      users: [
        {
          name: "aws",
          user: {
            exec: {
              apiVersion: "client.authentication.k8s.io/v1beta1",
              command: "aws",
              args: ["eks", "get-token", "--cluster-name", name, "--output", "json"],
            },
          },
        },
      ],
    };
    return {
      eksCluster: {
        name,
        arn: `arn:aws:eks:${ctx.region}:${MOCK_ACCOUNT_ID}:cluster/${name}`,
        endpoint,
        version: args.inputs.version,
      },
      kubeconfig,
      kubeconfigJson: JSON.stringify(kubeconfig),
      oidcIssuer: issuer,
      oidcProviderUrl: `https://${issuer}`,
      oidcProviderArn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:oidc-provider/${issuer}`,
      clusterSecurityGroupId: `sg-${ctx.hex(`${args.name}/cluster`, 17)}`,
      nodeSecurityGroupId: `sg-${ctx.hex(`${args.name}/node`, 17)}`,
    };
  },
  "eks:index:ManagedNodeGroup": (args, ctx) => ({
    nodeGroup: { nodeGroupName: `${args.name}-${ctx.suffix(args.name)}`, status: "ACTIVE" },
  }),
  "aws:kms/key:Key": (args, ctx) => {
    const keyId = [8, 4, 4, 4, 12].map((n, i) => ctx.hex(`${args.name}/${i}`, n)).join("-");
    return { keyId, arn: `arn:aws:kms:${ctx.region}:${MOCK_ACCOUNT_ID}:key/${keyId}` };
  },
  "aws:ec2/launchTemplate:LaunchTemplate": (args, ctx) => {
    const id = `lt-${ctx.hex(args.name, 17)}`;
    return {
      id,
      latestVersion: 1,
      defaultVersion: 1,
      arn: `arn:aws:ec2:${ctx.region}:${MOCK_ACCOUNT_ID}:launch-template/${id}`,
    };
  },
  "aws:iam/policy:Policy": (args, ctx) => {
    const name = name7(args, ctx);
    return { name, arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:policy/${name}` };
  },
  "aws:iam/instanceProfile:InstanceProfile": (args, ctx) => {
    const name = name7(args, ctx);
    return { name, arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:instance-profile/${name}` };
  },
  "aws:ec2/instance:Instance": (args, ctx) => ({
    id: `i-${ctx.hex(args.name, 17)}`,
    privateIp: "10.0.32.10",
    ...(args.inputs.associatePublicIpAddress ? { publicIp: "198.51.100.10" } : {}),
  }),
  "kubernetes:helm.sh/v3:Release": (args) => ({
    name: args.inputs.name ?? args.name,
    status: {
      name: args.name,
      namespace: args.inputs.namespace,
      status: "deployed",
      version: args.inputs.version,
    },
  }),
  "kubernetes:networking.k8s.io/v1:Ingress": (args, ctx) => ({
    status: {
      loadBalancer: {
        ingress: [
          {
            hostname: `k8s-${ctx.hex(args.name, 8)}-${ctx.hex(`${args.name}/lb`, 10)}.${ctx.region}.elb.amazonaws.com`,
          },
        ],
      },
    },
  }),
};

export const EKS_MOCK_CALLS: Record<string, CallMock> = {
  "aws:ssm/getParameter:getParameter": (inputs) => ({
    name: inputs.name,
    value: "ami-0123456789abcdef0",
    type: "String",
    id: inputs.name,
  }),
};

export interface Registration {
  type: string;
  name: string;
  urn: string;
  parentUrn: string | undefined;
  parentType: string | undefined;
  provider: string | undefined;
  /** URNs the resource depends on (explicit dependsOn and resources its inputs came from). */
  dependencies: string[];
  inputs: Record<string, unknown>;
  /** Top-level inputs whose value was, or contained, a secret. */
  secretInputs: string[];
}

export interface ComponentRun {
  resources: Registration[];
  calls: { token: string; inputs: Record<string, unknown> }[];
  ofType(type: string): Registration[];
  one(type: string, name?: string): Registration;
}

function isSecret(value: unknown): value is { value: unknown } {
  return value !== null && typeof value === "object" && SECRET_SIG_KEY in value;
}

function unwrap(value: unknown): { value: unknown; secret: boolean } {
  if (isSecret(value)) return { value: unwrap(value.value).value, secret: true };
  if (Array.isArray(value)) {
    const items = value.map(unwrap);
    return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
  }
  if (value !== null && typeof value === "object") {
    let secret = false;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const u = unwrap(v);
      out[k] = u.value;
      secret ||= u.secret;
    }
    return { value: out, secret };
  }
  return { value, secret: false };
}

interface MonitorRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getProvider(): string;
  getDependenciesList(): string[];
}
type Callback = (err: unknown, response: { getUrn?: () => string } | undefined) => void;

/** Outputs that a test awaits: resolves every Output the constructor returns after registrations drain. */
export async function outputValue<T>(output: pulumi.Output<T>): Promise<{ value: T; secret: boolean }> {
  const secret = await (output as unknown as { isSecret: Promise<boolean> }).isSecret;
  const value = await new Promise<T>((resolve) => output.apply((v) => resolve(v)));
  return { value, secret };
}

/**
 * Runs `create` under mocks (stack `test`, region us-east-1). Rejects with the constructor's error if
 * it throws. The value `create` returns is handed back so tests can read component outputs.
 */
export async function runComponents<T>(
  create: () => T,
  region = "us-east-1",
): Promise<ComponentRun & { result: T }> {
  const hex = (seed: string, length = 64): string =>
    createHash("sha256").update(`test/${seed}`).digest("hex").slice(0, length);
  const ctx: MockContext = { stack: "test", region, hex, suffix: (seed) => hex(`name/${seed}`, 7) };
  const pending = new Map<string, { inputs: Record<string, unknown>; secretInputs: string[] }[]>();
  const resources: Registration[] = [];
  const calls: ComponentRun["calls"] = [];

  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const mock = EKS_MOCK_RESOURCE_OUTPUTS[args.type] ?? MOCK_RESOURCE_OUTPUTS[args.type];
        const secretInputs = Object.keys(args.inputs).filter((k) => unwrap(args.inputs[k]).secret);
        const inputs = unwrap(args.inputs).value as Record<string, unknown>;
        const state = { ...inputs, ...(mock ? mock({ ...args, inputs }, ctx) : {}) };
        const key = `${args.type}\0${args.name}`;
        pending.set(key, [...(pending.get(key) ?? []), { inputs, secretInputs }]);
        return { id: (state.id as string | undefined) ?? `${args.name}-id`, state };
      },
      call(args) {
        const inputs = unwrap(args.inputs).value as Record<string, unknown>;
        calls.push({ token: args.token, inputs });
        const mock = EKS_MOCK_CALLS[args.token] ?? MOCK_CALLS[args.token];
        if (!mock) throw new Error(`eks-test-mocks: no mock for function ${args.token}`);
        return mock(inputs, ctx);
      },
    },
    "fastify-deploy",
    "test",
    false,
  );
  pulumi.runtime.setAllConfig({ "aws:region": region }, []);
  const monitor = getMonitor() as unknown as {
    registerResource(req: MonitorRequest, callback: Callback): Promise<void>;
  };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) =>
    register(req, (err, response) => {
      if (!err && response?.getUrn) {
        const urn = response.getUrn();
        const entry = pending.get(`${req.getType()}\0${req.getName()}`)?.shift();
        const parentUrn = req.getParent() || undefined;
        resources.push({
          type: req.getType(),
          name: req.getName(),
          urn,
          parentUrn,
          parentType: parentUrn ? parentUrn.split("::")[2]?.split("$").pop() : undefined,
          provider: req.getProvider() || undefined,
          dependencies: req.getDependenciesList(),
          inputs: entry?.inputs ?? {},
          secretInputs: entry?.secretInputs ?? [],
        });
      }
      callback(err, response);
    });

  const failures: unknown[] = [];
  let result: T | undefined;
  await pulumi.runtime.runInPulumiStack(async () => {
    try {
      result = create();
    } catch (error) {
      failures.push(error);
    }
    return {};
  });
  await waitForRPCs();
  if (failures.length > 0) throw failures[0];
  return {
    result: result as T,
    resources,
    calls,
    ofType: (type) => resources.filter((r) => r.type === type),
    one(type, name) {
      const found = resources.filter((r) => r.type === type && (name === undefined || r.name === name));
      if (found.length !== 1) {
        throw new Error(`expected exactly one ${type}${name ? ` named ${name}` : ""}, found ${found.length}`);
      }
      return found[0] as Registration;
    },
  };
}
