/**
 * The offline harness: runs the real `index.ts` under Pulumi's official mocks
 * (`pulumi.runtime.setMocks`) with config loaded the way the CLI loads it (the committed
 * `Pulumi.<stack>.yaml`, per-run overrides, then the defaults declared in `Pulumi.yaml`), and records
 * every resource registration (type, name, URN, parent, provider, inputs), every provider call and
 * the stack outputs (value + secretness).
 *
 * Remote components (awsx, eks) and providers with side effects (docker) are opaque under mocks: the
 * outputs returned for them follow the shapes their SDK typings declare. To support a new resource
 * type or function, add an entry to {@link MOCK_RESOURCE_OUTPUTS} or {@link MOCK_CALLS}; an unmocked
 * function call fails the run, so nothing silently resolves to `undefined`.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as settings from "@pulumi/pulumi/runtime/settings";
import { parse as parseYaml } from "yaml";
import { CONFIG_KEYS } from "../config";
import { awsxAutoLayout } from "../platforms/subnet-layout";

export const ROOT = path.resolve(__dirname, "..");

// `waitForRPCs` (drain every outstanding registration) is exported by the runtime but @internal.
const { getMonitor } = settings;
const { waitForRPCs } = settings as unknown as { waitForRPCs: () => Promise<void> };
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export const MOCK_ACCOUNT_ID = "123456789012";

// ---------------------------------------------------------------------------------------------------
// Config, as the CLI assembles it

interface ProjectConfigType {
  type?: "string" | "integer" | "boolean" | "array";
  default?: unknown;
  secret?: boolean;
  description?: string;
}

export interface ProjectFile {
  name: string;
  config: Record<string, ProjectConfigType>;
  [key: string]: unknown;
}

export function readProject(): ProjectFile {
  return parseYaml(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as ProjectFile;
}

export function readStackConfig(stack: string): Record<string, unknown> {
  const file = path.join(ROOT, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(file)) throw new Error(`harness: no stack file Pulumi.${stack}.yaml`);
  const parsed = parseYaml(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null;
  return parsed?.config ?? {};
}

/** Values as the engine passes them to a program: scalars as strings, structures as JSON. */
function configString(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

export interface RunOptions {
  /** The committed stack file to start from: `Pulumi.<stack>.yaml`. */
  stack: string;
  /** Plain overrides; keys with or without the `fastify-deploy:` namespace (`aws:region` as is). */
  config?: Record<string, unknown>;
  /** Overrides set as secrets (`pulumi config set --secret`). */
  secrets?: Record<string, unknown>;
  /** Keys to remove from the stack file's config before the project defaults apply. */
  unset?: string[];
}

/**
 * The committed prod stack in its highly available ECS form (prod itself runs EKS): prod's network,
 * scaling and region, the ECS task sizes prod used, every key that has no effect on ECS unset.
 */
export function prodEcs(config: Record<string, unknown> = {}): RunOptions {
  const project = readProject().name;
  const unset = Object.keys(readStackConfig("prod"))
    .map((key) => key.replace(`${project}:`, ""))
    .filter((key) => {
      const spec = (CONFIG_KEYS as Record<string, { platforms: readonly string[] }>)[key];
      return spec !== undefined && !spec.platforms.includes("ecs");
    });
  return {
    stack: "prod",
    config: {
      platform: "ecs",
      cpu: 512,
      memory: 1024,
      logRetentionDays: 90,
      containerInsights: true,
      ...config,
    },
    unset,
  };
}

export interface AssembledConfig {
  values: Record<string, string>;
  secretKeys: string[];
}

/** Stack file + overrides + Pulumi.yaml defaults, failing like the CLI does on a missing required key. */
export function assembleConfig(options: RunOptions): AssembledConfig {
  const project = readProject();
  const qualify = (key: string): string => (key.includes(":") ? key : `${project.name}:${key}`);
  const values: Record<string, string> = {};
  const secretKeys = new Set<string>();
  for (const [key, value] of Object.entries(readStackConfig(options.stack))) {
    if (value !== null && typeof value === "object" && "secure" in value) {
      throw new Error(
        `harness: ${key} in Pulumi.${options.stack}.yaml is encrypted; pass it with \`secrets\``,
      );
    }
    values[qualify(key)] = configString(value);
  }
  for (const key of options.unset ?? []) delete values[qualify(key)];
  for (const [key, value] of Object.entries(options.config ?? {})) {
    values[qualify(key)] = configString(value);
    secretKeys.delete(qualify(key));
  }
  for (const [key, value] of Object.entries(options.secrets ?? {})) {
    values[qualify(key)] = configString(value);
    secretKeys.add(qualify(key));
  }
  const missing: string[] = [];
  for (const [key, spec] of Object.entries(project.config ?? {})) {
    const full = qualify(key);
    if (full in values) continue;
    if (spec.default === undefined) missing.push(key);
    else values[full] = configString(spec.default);
  }
  if (missing.length > 0) {
    throw new Error(
      `Stack '${options.stack}' is missing configuration value ${missing.map((k) => `'${k}'`).join(", ")}`,
    );
  }
  return { values, secretKeys: [...secretKeys].sort() };
}

// ---------------------------------------------------------------------------------------------------
// Mock outputs

export interface MockContext {
  stack: string;
  region: string;
  /** A stable 7-character suffix for physical names, like the engine's auto-naming but deterministic. */
  suffix: (seed: string) => string;
  hex: (seed: string, length?: number) => string;
}

type ResourceMock = (args: pulumi.runtime.MockResourceArgs, ctx: MockContext) => Record<string, unknown>;
type CallMock = (inputs: Record<string, unknown>, ctx: MockContext) => Record<string, unknown>;

const arn = (ctx: MockContext, service: string, resource: string): string =>
  `arn:aws:${service}:${ctx.region}:${MOCK_ACCOUNT_ID}:${resource}`;
const physicalName = (args: pulumi.runtime.MockResourceArgs, ctx: MockContext): string =>
  (args.inputs.name as string | undefined) ?? `${args.name}-${ctx.suffix(args.name)}`;

function subnetIds(ctx: MockContext, vpcName: string, kind: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `subnet-${ctx.hex(`${vpcName}/${kind}/${i}`, 17)}`);
}

/** Outputs per resource type, merged over the inputs (as a provider echoes its inputs back). */
export const MOCK_RESOURCE_OUTPUTS: Record<string, ResourceMock> = {
  // awsx:ec2:Vpc (remote component): ids per subnet type, one per AZ, as its typings declare.
  "awsx:ec2:Vpc": (args, ctx) => {
    const azs = (args.inputs.numberOfAvailabilityZones as number | undefined) ?? 3;
    const specs = (args.inputs.subnetSpecs as { type: string }[] | undefined) ?? [
      { type: "Public" },
      { type: "Private" },
    ];
    // awsx refuses a layout its allocator cannot fit; so does the mock (the same arithmetic, reproduced).
    if (args.inputs.subnetStrategy === "Auto") {
      awsxAutoLayout(
        (args.inputs.cidrBlock as string | undefined) ?? "10.0.0.0/16",
        azs,
        (specs as { name?: string; type: string; cidrMask?: number }[]).map((s) => ({
          name: s.name ?? s.type.toLowerCase(),
          cidrMask: s.cidrMask ?? 0,
        })),
      );
    }
    const has = (type: string) => specs.some((s) => s.type === type);
    const strategy = (args.inputs.natGateways as { strategy?: string } | undefined)?.strategy;
    const natCount = strategy === "Single" ? 1 : strategy === "OnePerAz" ? azs : 0;
    return {
      vpcId: `vpc-${ctx.hex(args.name, 17)}`,
      publicSubnetIds: has("Public") ? subnetIds(ctx, args.name, "public", azs) : [],
      privateSubnetIds: has("Private") ? subnetIds(ctx, args.name, "private", azs) : [],
      isolatedSubnetIds: has("Isolated") ? subnetIds(ctx, args.name, "isolated", azs) : [],
      natGateways: Array.from({ length: natCount }, (_, i) => ({
        id: `nat-${ctx.hex(`${args.name}/nat/${i}`, 17)}`,
      })),
      eips: [],
      subnetLayout: specs,
    };
  },
  "aws:ecr/repository:Repository": (args, ctx) => {
    const name = physicalName(args, ctx);
    return {
      name,
      arn: arn(ctx, "ecr", `repository/${name}`),
      registryId: MOCK_ACCOUNT_ID,
      repositoryUrl: `${MOCK_ACCOUNT_ID}.dkr.ecr.${ctx.region}.amazonaws.com/${name}`,
    };
  },
  // docker.Image: the registry's manifest digest of the pushed tag.
  "docker:index/image:Image": (args, ctx) => {
    const imageName = args.inputs.imageName as string;
    const repository = imageName.replace(/:[^/:]+$/, "");
    return {
      imageName,
      baseImageName: imageName,
      registryServer: repository.split("/")[0],
      repoDigest: `${repository}@sha256:${ctx.hex(imageName, 64)}`,
    };
  },
  "aws:ec2/securityGroup:SecurityGroup": (args, ctx) => {
    const id = `sg-${ctx.hex(args.name, 17)}`;
    return { id, arn: arn(ctx, "ec2", `security-group/${id}`), name: physicalName(args, ctx) };
  },
  "aws:lb/loadBalancer:LoadBalancer": (args, ctx) => {
    const name = physicalName(args, ctx);
    const id = ctx.hex(args.name, 16);
    return {
      name,
      arn: arn(ctx, "elasticloadbalancing", `loadbalancer/app/${name}/${id}`),
      arnSuffix: `app/${name}/${id}`,
      dnsName: `${name}-${Number.parseInt(id.slice(0, 8), 16)}.${ctx.region}.elb.amazonaws.com`,
      zoneId: "Z35SXDOTRQ7X7K",
    };
  },
  "aws:lb/targetGroup:TargetGroup": (args, ctx) => {
    const name = physicalName(args, ctx);
    const id = ctx.hex(args.name, 16);
    return {
      name,
      arn: arn(ctx, "elasticloadbalancing", `targetgroup/${name}/${id}`),
      arnSuffix: `targetgroup/${name}/${id}`,
    };
  },
  "aws:lb/listener:Listener": (args, ctx) => ({
    arn: arn(ctx, "elasticloadbalancing", `listener/app/${args.name}/${ctx.hex(args.name, 16)}`),
  }),
  "aws:cloudwatch/logGroup:LogGroup": (args, ctx) => {
    const name = physicalName(args, ctx);
    return { name, arn: arn(ctx, "logs", `log-group:${name}`) };
  },
  "aws:iam/user:User": (args, ctx) => {
    const name = physicalName(args, ctx);
    const userPath = (args.inputs.path as string | undefined) ?? "/";
    return {
      name,
      arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:user${userPath}${name}`,
      uniqueId: `AIDA${ctx.hex(name, 16).toUpperCase()}`,
    };
  },
  // The key id is the resource id; the secret is returned once, at creation.
  "aws:iam/accessKey:AccessKey": (args, ctx) => ({
    id: `AKIA${ctx.hex(args.name, 16).toUpperCase()}`,
    secret: `harness-secret-${ctx.hex(`${args.name}/secret`, 32)}`,
    status: "Active",
  }),
  "aws:iam/role:Role": (args, ctx) => {
    const name = physicalName(args, ctx);
    return {
      name,
      arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/${name}`,
      uniqueId: `AROA${ctx.hex(name, 16).toUpperCase()}`,
    };
  },
  "aws:ecs/cluster:Cluster": (args, ctx) => {
    const name = physicalName(args, ctx);
    return { name, arn: arn(ctx, "ecs", `cluster/${name}`) };
  },
  "aws:ecs/taskDefinition:TaskDefinition": (args, ctx) => {
    const family = args.inputs.family as string;
    return {
      arn: arn(ctx, "ecs", `task-definition/${family}:1`),
      arnWithoutRevision: arn(ctx, "ecs", `task-definition/${family}`),
      revision: 1,
    };
  },
  "aws:ecs/service:Service": (args, ctx) => {
    const name = physicalName(args, ctx);
    return { name, arn: arn(ctx, "ecs", `service/${name}`) };
  },
  // eks:index:Cluster (remote component): the outputs the eks schema marks required, with
  // `eksCluster` shaped like aws.eks.Cluster and the kubeconfig @pulumi/eks generates (exec auth
  // through `aws eks get-token`, no credential in it).
  "eks:index:Cluster": (args, ctx) => {
    const name =
      (args.inputs.name as string | undefined) ?? `${args.name}-eksCluster-${ctx.suffix(args.name)}`;
    const id = ctx.hex(args.name, 32).toUpperCase();
    const endpoint = `https://${id}.gr7.${ctx.region}.eks.amazonaws.com`;
    const issuer = `oidc.eks.${ctx.region}.amazonaws.com/id/${id}`;
    const caData = Buffer.from(
      `-----BEGIN CERTIFICATE-----\n${ctx.hex(`${args.name}/ca`)}\n-----END CERTIFICATE-----\n`,
    ).toString("base64");
    const clusterSecurityGroupId = `sg-${ctx.hex(`${args.name}/cluster`, 17)}`;
    const kubeconfig = {
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: "kubernetes", cluster: { server: endpoint, "certificate-authority-data": caData } }],
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
    const privateAccess = args.inputs.endpointPrivateAccess ?? false;
    const publicAccess = args.inputs.endpointPublicAccess ?? true;
    return {
      eksCluster: {
        name,
        arn: arn(ctx, "eks", `cluster/${name}`),
        endpoint,
        version: args.inputs.version,
        platformVersion: "eks.1",
        status: "ACTIVE",
        certificateAuthority: { data: caData },
        identities: [{ oidcs: [{ issuer: `https://${issuer}` }] }],
        vpcConfig: {
          clusterSecurityGroupId,
          vpcId: args.inputs.vpcId,
          subnetIds: [
            ...((args.inputs.publicSubnetIds as string[] | undefined) ?? []),
            ...((args.inputs.privateSubnetIds as string[] | undefined) ?? []),
          ],
          endpointPrivateAccess: privateAccess,
          endpointPublicAccess: publicAccess,
          publicAccessCidrs: publicAccess ? (args.inputs.publicAccessCidrs ?? ["0.0.0.0/0"]) : [],
        },
        accessConfig: { authenticationMode: args.inputs.authenticationMode ?? "CONFIG_MAP" },
      },
      kubeconfig,
      kubeconfigJson: JSON.stringify(kubeconfig),
      oidcIssuer: issuer,
      oidcProviderUrl: `https://${issuer}`,
      oidcProviderArn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:oidc-provider/${issuer}`,
      clusterSecurityGroupId,
      nodeSecurityGroupId: `sg-${ctx.hex(`${args.name}/node`, 17)}`,
      clusterIngressRuleId: `sgrule-${ctx.hex(`${args.name}/ingress`, 10)}`,
      defaultNodeGroupAsgName: "",
      fargateProfileId: "",
      fargateProfileStatus: "",
      autoModeNodeRoleName: "",
      instanceRoles: [],
    };
  },
  // eks:index:ManagedNodeGroup (remote component): `nodeGroup` shaped like aws.eks.NodeGroup.
  "eks:index:ManagedNodeGroup": (args, ctx) => {
    const nodeGroupName = `${args.name}-${ctx.suffix(args.name)}`;
    return {
      nodeGroup: {
        nodeGroupName,
        arn: arn(ctx, "eks", `nodegroup/${nodeGroupName}/${ctx.hex(args.name, 36)}`),
        status: "ACTIVE",
        capacityType: args.inputs.capacityType ?? "ON_DEMAND",
        instanceTypes: args.inputs.instanceTypes,
        scalingConfig: args.inputs.scalingConfig,
        resources: [
          { autoscalingGroups: [{ name: `eks-${nodeGroupName}-${ctx.hex(`${args.name}/asg`, 8)}` }] },
        ],
      },
      placementGroupName: "",
    };
  },
  "aws:kms/key:Key": (args, ctx) => {
    const keyId = [8, 4, 4, 4, 12].map((n, i) => ctx.hex(`${args.name}/${i}`, n)).join("-");
    return { id: keyId, keyId, arn: arn(ctx, "kms", `key/${keyId}`) };
  },
  "aws:ec2/launchTemplate:LaunchTemplate": (args, ctx) => {
    const id = `lt-${ctx.hex(args.name, 17)}`;
    return {
      id,
      name: physicalName(args, ctx),
      latestVersion: 1,
      defaultVersion: 1,
      arn: arn(ctx, "ec2", `launch-template/${id}`),
    };
  },
  "aws:iam/policy:Policy": (args, ctx) => {
    const name = physicalName(args, ctx);
    return {
      name,
      arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:policy/${name}`,
      policyId: `ANPA${ctx.hex(name, 16).toUpperCase()}`,
    };
  },
  "aws:iam/instanceProfile:InstanceProfile": (args, ctx) => {
    const name = physicalName(args, ctx);
    return {
      name,
      arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:instance-profile/${name}`,
      uniqueId: `AIPA${ctx.hex(name, 16).toUpperCase()}`,
    };
  },
  "aws:ec2/instance:Instance": (args, ctx) => {
    const id = `i-${ctx.hex(args.name, 17)}`;
    return {
      id,
      arn: arn(ctx, "ec2", `instance/${id}`),
      privateIp: "10.0.32.10",
      privateDns: `ip-10-0-32-10.ec2.internal`,
      instanceState: "running",
      ...(args.inputs.associatePublicIpAddress ? { publicIp: "198.51.100.10" } : {}),
    };
  },
  "aws:eks/accessEntry:AccessEntry": (args, ctx) => ({
    accessEntryArn: arn(ctx, "eks", `access-entry/${ctx.hex(args.name, 36)}`),
  }),
  "kubernetes:helm.sh/v3:Release": (args) => ({
    name: args.inputs.name ?? args.name,
    status: {
      name: args.name,
      namespace: args.inputs.namespace,
      chart: args.inputs.chart,
      status: "deployed",
      version: args.inputs.version,
      revision: 1,
    },
  }),
  // The AWS Load Balancer Controller writes the ALB's DNS name into an `alb` Ingress's status; other
  // classes get none here (no controller to simulate).
  "kubernetes:networking.k8s.io/v1:Ingress": (args, ctx) => {
    if ((args.inputs.spec as { ingressClassName?: string } | undefined)?.ingressClassName !== "alb")
      return {};
    const id = Number.parseInt(ctx.hex(`${args.name}/lb`, 8), 16);
    return {
      status: {
        loadBalancer: {
          ingress: [
            {
              hostname: `k8s-${ctx.hex(args.name, 8)}-${ctx.hex(`${args.name}/tg`, 10)}-${id}.${ctx.region}.elb.amazonaws.com`,
            },
          ],
        },
      },
    };
  },
};

/** Results per provider function token. */
export const MOCK_CALLS: Record<string, CallMock> = {
  "aws:index/getCallerIdentity:getCallerIdentity": () => ({
    accountId: MOCK_ACCOUNT_ID,
    arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:user/harness`,
    userId: "AIDAHARNESS",
    id: MOCK_ACCOUNT_ID,
  }),
  "aws:index/getPartition:getPartition": () => ({ partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" }),
  "aws:index/getRegion:getRegion": (_inputs, ctx) => ({
    name: ctx.region,
    region: ctx.region,
    id: ctx.region,
    endpoint: `ec2.${ctx.region}.amazonaws.com`,
    description: ctx.region,
  }),
  "aws:index/getAvailabilityZones:getAvailabilityZones": (_inputs, ctx) => ({
    names: ["a", "b", "c", "d", "e", "f"].map((z) => `${ctx.region}${z}`),
    zoneIds: [1, 2, 3, 4, 5, 6].map((n) => `use1-az${n}`),
    id: ctx.region,
  }),
  // The bastion's AMI: the public Amazon Linux 2023 parameter.
  "aws:ssm/getParameter:getParameter": (inputs, ctx) => ({
    name: inputs.name,
    value: "ami-0123456789abcdef0",
    type: "String",
    version: 1,
    insecureValue: "ami-0123456789abcdef0",
    arn: `arn:aws:ssm:${ctx.region}::parameter${inputs.name as string}`,
    id: inputs.name,
  }),
  // A subnet's CIDR, derived from its id (awsx's subnets are opaque under mocks): a /24 of 10.0.0.0/16.
  "aws:ec2/getSubnet:getSubnet": (inputs, ctx) => {
    const id = inputs.id as string;
    const third = Number.parseInt(createHash("sha256").update(id).digest("hex").slice(0, 2), 16);
    return {
      id,
      cidrBlock: `10.0.${third}.0/24`,
      vpcId: `vpc-${ctx.hex(id, 17)}`,
      availabilityZone: `${ctx.region}a`,
      arn: `arn:aws:ec2:${ctx.region}:${MOCK_ACCOUNT_ID}:subnet/${id}`,
    };
  },
  "aws:ecr/getAuthorizationToken:getAuthorizationToken": (inputs, ctx) => ({
    authorizationToken: Buffer.from("AWS:harness-ecr-password").toString("base64"),
    userName: "AWS",
    password: "harness-ecr-password",
    proxyEndpoint: `https://${(inputs.registryId as string | undefined) ?? MOCK_ACCOUNT_ID}.dkr.ecr.${ctx.region}.amazonaws.com`,
    expiresAt: "2030-01-01T00:00:00Z",
    region: ctx.region,
    id: ctx.region,
  }),
};

// ---------------------------------------------------------------------------------------------------
// Recording

export interface RecordedResource {
  type: string;
  name: string;
  urn: string;
  id: string | undefined;
  parentUrn: string | undefined;
  /** The parent's type token, from its URN. */
  parentType: string | undefined;
  /** Provider reference (`<urn>::<id>`) when one was passed explicitly. */
  provider: string | undefined;
  /**
   * URNs the resource depends on: explicit `dependsOn` and the resources its inputs came from. Always
   * set by {@link runProgram}; optional so hand-built records (policy test fixtures) need not carry it.
   */
  dependencies?: string[];
  custom: boolean;
  /** Inputs as the engine received them (secrets unwrapped; see `secretInputs`). */
  inputs: Record<string, unknown>;
  /** What the (mock) provider returned: inputs plus the outputs from {@link MOCK_RESOURCE_OUTPUTS}. */
  state: Record<string, unknown>;
  /** Top-level input names whose value was, or contained, a secret. */
  secretInputs: string[];
  /** The `retainOnDelete` resource option: `pulumi destroy` forgets the resource instead of deleting it. */
  retainOnDelete?: boolean;
  /**
   * The `aliases` resource option: each earlier name (or URN) this resource was known by, with the
   * parent it was under (`parentUrn` "" for none or a URN alias).
   */
  aliases?: { name: string; parentUrn: string }[];
  /** The `ignoreChanges` resource option (property paths). Optional for hand-built records. */
  ignoreChanges?: string[];
  /** The `deleteBeforeReplace` resource option. Optional for hand-built records. */
  deleteBeforeReplace?: boolean;
}

export interface RecordedCall {
  token: string;
  inputs: Record<string, unknown>;
}

export interface StackOutput {
  value: unknown;
  secret: boolean;
}

export interface ProgramRun {
  stack: string;
  config: AssembledConfig;
  /** Every registration in order, the root `pulumi:pulumi:Stack` included. */
  resources: RecordedResource[];
  calls: RecordedCall[];
  outputs: Record<string, StackOutput>;
  warnings: string[];
  /** All resources of a type. */
  ofType(type: string): RecordedResource[];
  /** The one resource of a type (and name, if given); throws if there is not exactly one. */
  one(type: string, name?: string): RecordedResource;
  /** Output values with secrets unwrapped. */
  outputValues(): Record<string, unknown>;
}

function isSecretValue(value: unknown): value is { value: unknown } {
  return (
    value !== null &&
    typeof value === "object" &&
    (value as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG
  );
}

interface ResourceObject {
  __pulumiResource: true;
  __pulumiType: string;
  __name: string;
  __parentResource?: ResourceObject;
}

function isResourceObject(value: unknown): value is ResourceObject {
  return value !== null && typeof value === "object" && (value as ResourceObject).__pulumiResource === true;
}

/** Stands in for a resource input until the run ends and its URN is known. */
class ResourceReference {
  constructor(
    readonly type: string,
    readonly name: string,
  ) {}
}

/**
 * A resource passed as an input (e.g. `cluster` to an eks ManagedNodeGroup) reaches the mocks as a
 * rehydrated Resource object; the engine sees a reference by URN, so the recording holds that URN.
 */
function resolveReferences(value: unknown, urnOf: (ref: ResourceReference) => string): unknown {
  if (value instanceof ResourceReference) return urnOf(value);
  if (Array.isArray(value)) return value.map((v) => resolveReferences(v, urnOf));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveReferences(v, urnOf)]));
  }
  return value;
}

/** Removes secret wrappers; reports whether any was found. */
function unwrap(value: unknown): { value: unknown; secret: boolean } {
  if (isSecretValue(value)) return { value: unwrap(value.value).value, secret: true };
  if (isResourceObject(value)) {
    return { value: new ResourceReference(value.__pulumiType, value.__name), secret: false };
  }
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

/** Removes every project module from the require cache so each run executes the program afresh. */
function resetProjectModules(): void {
  for (const file of Object.keys(require.cache)) {
    if (file.startsWith(ROOT + path.sep) && !file.includes(`${path.sep}node_modules${path.sep}`)) {
      delete require.cache[file];
    }
  }
}

interface MonitorRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getProvider(): string;
  getDependenciesList(): string[];
  getCustom(): boolean;
  getRetainondelete(): boolean | undefined;
  getAliasesList(): {
    getUrn(): string;
    getSpec(): { getName(): string; getParenturn(): string } | undefined;
  }[];
  getUrn(): string;
  getIgnorechangesList(): string[];
  getDeletebeforereplace(): boolean;
  getOutputs(): { toJavaScript(): Record<string, unknown> } | undefined;
}
type Callback = (err: unknown, response: { getUrn?: () => string } | undefined) => void;
interface PatchableMonitor {
  registerResource(req: MonitorRequest, callback: Callback): Promise<void>;
  registerResourceOutputs(req: MonitorRequest, callback: Callback): void;
}

/** The program failed (as `pulumi preview` would); carries what was registered before it did. */
export class ProgramFailure extends Error {
  override name = "ProgramFailure";
  constructor(
    override readonly cause: unknown,
    readonly resources: RecordedResource[],
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

let running = false;

/**
 * Runs `index.ts` for a stack under mocks. Resolves with everything recorded, or rejects with the
 * program's error (e.g. a config error), exactly as `pulumi preview` would fail.
 */
export async function runProgram(options: RunOptions): Promise<ProgramRun> {
  if (running) throw new Error("harness: runProgram calls must not overlap (the Pulumi runtime is global)");
  running = true;
  const warnings: string[] = [];
  const originalWarn = console.warn;
  try {
    const config = assembleConfig(options);
    const region = config.values["aws:region"] ?? "us-east-1";
    const hex = (seed: string, length = 64): string =>
      createHash("sha256").update(`${options.stack}/${seed}`).digest("hex").slice(0, length);
    const ctx: MockContext = { stack: options.stack, region, hex, suffix: (seed) => hex(`name/${seed}`, 7) };

    const resources: RecordedResource[] = [];
    const calls: RecordedCall[] = [];
    const pending = new Map<
      string,
      {
        inputs: Record<string, unknown>;
        state: Record<string, unknown>;
        secretInputs: string[];
        id: string;
        custom: boolean;
        provider?: string;
      }[]
    >();
    let stackOutputs: Record<string, unknown> | undefined;

    await pulumi.runtime.setMocks(
      {
        newResource(args) {
          const mock = MOCK_RESOURCE_OUTPUTS[args.type];
          const secretInputs = Object.keys(args.inputs).filter((k) => unwrap(args.inputs[k]).secret);
          const inputs = unwrap(args.inputs).value as Record<string, unknown>;
          const state: Record<string, unknown> = {
            ...inputs,
            ...(mock ? mock({ ...args, inputs }, ctx) : {}),
          };
          const id = (state.id as string | undefined) ?? `${args.name}-id`;
          const key = `${args.type}\0${args.name}`;
          const queue = pending.get(key) ?? [];
          queue.push({
            inputs,
            state,
            secretInputs,
            id,
            custom: args.custom ?? false,
            ...(args.provider && { provider: args.provider }),
          });
          pending.set(key, queue);
          return { id, state };
        },
        call(args) {
          const mock = MOCK_CALLS[args.token];
          const inputs = unwrap(args.inputs).value as Record<string, unknown>;
          calls.push({ token: args.token, inputs });
          if (!mock) {
            throw new Error(
              `harness: no mock for function ${args.token}; add one to MOCK_CALLS in test/harness.ts`,
            );
          }
          return mock(inputs, ctx);
        },
      },
      "fastify-deploy",
      options.stack,
      false,
    );
    pulumi.runtime.setAllConfig(config.values, config.secretKeys);

    const monitor = getMonitor() as unknown as PatchableMonitor;
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
            id: entry?.id,
            parentUrn,
            parentType: parentUrn ? parentUrn.split("::")[2]?.split("$").pop() : undefined,
            provider: req.getProvider() || undefined,
            dependencies: req.getDependenciesList(),
            custom: req.getCustom(),
            inputs: entry?.inputs ?? {},
            state: entry?.state ?? {},
            secretInputs: entry?.secretInputs ?? [],
            ...(req.getRetainondelete() && { retainOnDelete: true }),
            ...(req.getAliasesList().length > 0 && {
              aliases: req.getAliasesList().map((a) => ({
                name: a.getUrn() || (a.getSpec()?.getName() ?? ""),
                parentUrn: a.getSpec()?.getParenturn() ?? "",
              })),
            }),
            ignoreChanges: req.getIgnorechangesList(),
            deleteBeforeReplace: req.getDeletebeforereplace(),
          });
        }
        callback(err, response);
      });
    const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
    monitor.registerResourceOutputs = (req, callback) => {
      if (req.getUrn().split("::")[2] === "pulumi:pulumi:Stack") {
        stackOutputs = req.getOutputs()?.toJavaScript() ?? {};
      }
      registerOutputs(req, callback);
    };

    console.warn = (...args: unknown[]) => {
      const text = args.map(String).join(" ");
      if (text.startsWith("warning: [runtime] ")) warnings.push(text.slice("warning: [runtime] ".length));
      else originalWarn(...args);
    };

    resetProjectModules();
    const program = path.join(ROOT, "index.ts");
    // An error thrown while the program loads (a config error) is caught here, inside the stack's
    // init, so the stack's own promises settle normally; the real language host fails the update
    // with that error, and so does the harness once registrations have drained.
    const failures: unknown[] = [];
    await pulumi.runtime.runInPulumiStack(async () => {
      try {
        return require(program);
      } catch (error) {
        failures.push(error);
        return {};
      }
    });
    await waitForRPCs();
    const urnOf = (ref: ResourceReference): string => {
      const found = resources.filter((r) => r.type === ref.type && r.name === ref.name);
      // Unresolvable only when the program failed before registering it: keep what it named.
      return found.length === 1 ? (found[0] as RecordedResource).urn : `${ref.type}::${ref.name}`;
    };
    for (const r of resources) {
      r.inputs = resolveReferences(r.inputs, urnOf) as Record<string, unknown>;
      r.state = resolveReferences(r.state, urnOf) as Record<string, unknown>;
    }
    if (failures.length > 0) throw new ProgramFailure(failures[0], resources);

    const outputs: Record<string, StackOutput> = {};
    for (const [key, value] of Object.entries(stackOutputs ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
      outputs[key] = unwrap(value);
    }
    return {
      stack: options.stack,
      config,
      resources,
      calls,
      outputs,
      warnings,
      ofType: (type) => resources.filter((r) => r.type === type),
      one(type, name) {
        const found = resources.filter((r) => r.type === type && (name === undefined || r.name === name));
        if (found.length !== 1) {
          throw new Error(
            `expected exactly one ${type}${name ? ` named ${name}` : ""}, found ${found.length}`,
          );
        }
        return found[0] as RecordedResource;
      },
      outputValues: () => Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.value])),
    };
  } finally {
    console.warn = originalWarn;
    running = false;
  }
}

/** The inputs of every resource keyed by URN: what a determinism check compares. */
export function inputsByUrn(run: ProgramRun): Record<string, unknown> {
  return Object.fromEntries(run.resources.map((r) => [r.urn, { parent: r.parentUrn, inputs: r.inputs }]));
}

// ---------------------------------------------------------------------------------------------------
// The committed stacks on every platform

export const STACKS = ["dev", "prod"] as const;
export const PLATFORMS = ["ecs", "kubernetes", "eks"] as const;

export interface StackPlatformCase {
  stack: (typeof STACKS)[number];
  platform: (typeof PLATFORMS)[number];
  options: RunOptions;
}

/**
 * Every committed stack switched to every platform, with the least extra config that platform needs:
 * the fixture kubeconfig (as a secret) for `kubernetes`; for dev on `eks`, one NAT gateway, because
 * dev's committed strategy ("none") is refused by config there (nodes need NAT).
 */
export function stackPlatformCases(): StackPlatformCase[] {
  const kubeconfig = fs.readFileSync(path.join(ROOT, "test/fixtures/kubeconfig.yaml"), "utf8");
  return STACKS.flatMap((stack) =>
    PLATFORMS.map((platform) => ({
      stack,
      platform,
      options:
        platform === "kubernetes"
          ? { stack, config: { platform }, secrets: { kubeconfig } }
          : platform === "eks" && stack === "dev"
            ? { stack, config: { platform, natGateways: "single" } }
            : { stack, config: { platform } },
    })),
  );
}
