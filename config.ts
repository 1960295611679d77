import * as pulumi from "@pulumi/pulumi";
import * as runtimeConfig from "@pulumi/pulumi/runtime/config";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import {
  ACM_CERTIFICATE_ARN,
  type AppSettings,
  BASTION_ACCESS_POLICIES,
  BASTION_MODES,
  type BastionAccessPolicy,
  type BastionMode,
  CAPACITY_TYPES,
  type CapacityType,
  CLUSTER_LOG_TYPES,
  type ClusterLogType,
  DEFAULT_CLUSTER_LOG_TYPES,
  DEFAULT_ECR_REFRESHER_IMAGE,
  DEFAULT_KUBERNETES_VERSION,
  DEFAULT_NAMESPACE,
  FARGATE_MEMORY_BY_CPU,
  IAM_ROLE_ARN,
  IMAGE_PLATFORMS,
  type ImagePlatform,
  INSTANCE_TYPE,
  isArmInstanceType,
  isIpv4Cidr,
  LOG_LEVELS,
  LOG_RETENTION_DAYS,
  NAT_STRATEGIES,
  type NetworkPolicySources,
  type NetworkSettings,
  PLATFORMS,
  type Platform,
  PROJECT,
  type ScalingSettings,
  SERVICE_TYPES,
  type ServiceType,
  SUPPORTED_KUBERNETES_VERSIONS,
  WAIT_FOR_ADDRESS,
} from "./facts";

/**
 * The only reader of Pulumi config. `loadConfig()` reads every `fastify-deploy:*` key once, validates
 * them all, and returns one typed {@link StackConfig} (a union discriminated on `platform`) or throws
 * one Error listing every problem, each line naming the key, the bad value and what is allowed.
 *
 * Every key is declared in Pulumi.yaml with the same default as {@link CONFIG_KEYS} (a test keeps the
 * two equal): the Pulumi CLI makes a declared key without a default mandatory for every stack, so
 * optional keys default to "" (unset).
 */

const DIGEST_PINNED_IMAGE =
  /^[a-z0-9]+(?:[.-][a-z0-9]+)*(?::[0-9]+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)+@sha256:[a-f0-9]{64}$/;
/** RFC 5737 documentation ranges: placeholders that reach no one. */
const DOCUMENTATION_CIDRS = ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"];

// ---------------------------------------------------------------------------------------------------
// Key table

type KeyType = "string" | "integer" | "boolean" | "array";

interface KeySpec {
  /** The Pulumi.yaml type (what the CLI checks before the program runs). */
  type: KeyType;
  /** The value Pulumi.yaml declares as `default`; `undefined` means the key is required. */
  default: string | number | boolean | readonly string[] | undefined;
  /** Platforms the key has an effect on. */
  platforms: readonly Platform[];
  /** Must be stored encrypted (`pulumi config set --secret`). */
  secret?: boolean;
  schema: z.ZodType;
}

const show = (value: unknown): string => JSON.stringify(value);
/** Zod error customiser: "got <input>; expected <what>". */
const expected =
  (what: string) =>
  (issue: { input?: unknown }): string =>
    `got ${show(issue.input)}; expected ${what}`;

const ALL = PLATFORMS;
const AWS: readonly Platform[] = ["ecs", "eks"];

function oneOf<T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: expected(`one of ${values.join(", ")}`) });
}

/** An integer written as a string (Pulumi passes every scalar as a string). */
function integer(min: number, max: number, allowed?: readonly number[]) {
  const what = allowed ? `one of ${allowed.join(", ")}` : `an integer from ${min} to ${max}`;
  const number = z
    .number()
    .int({ error: expected(what) })
    .min(min, { error: expected(what) })
    .max(max, { error: expected(what) });
  return z
    .string()
    .regex(/^-?\d+$/, { error: expected(what) })
    .transform(Number)
    .pipe(allowed ? number.refine((n) => allowed.includes(n), { error: expected(what) }) : number);
}

const boolean = z
  .enum(["true", "false"], { error: expected("true or false") })
  .transform((value) => value === "true");

function dnsLabel(what: string) {
  return z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, { error: expected(what) });
}

/** A Kubernetes namespace name, wherever config names one (the app's, the ingress controller's, sources). */
const namespaceName = dnsLabel(
  "a Kubernetes namespace name (DNS label: 1..63 of a-z 0-9 -, starting and ending alphanumeric)",
);

function dnsSubdomain(what: string) {
  return z.string().regex(/^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, {
    error: expected(what),
  });
}

/** An optional string: "" (the Pulumi.yaml default) means unset. */
function optional(schema: z.ZodType<string>) {
  return z.union([z.literal("").transform(() => undefined), schema]);
}

/**
 * A JSON list (Pulumi passes arrays as JSON text) whose items each pass `item`, without duplicates.
 * `of` names the items in messages ("a JSON list of <of>"), `duplicates` words the uniqueness rule.
 */
function jsonList(
  key: string,
  example: string,
  item: z.ZodType<string>,
  { of, duplicates = "no duplicates" }: { of?: string; duplicates?: string } = {},
) {
  const list = of ? `a JSON list of ${of}` : "a JSON list";
  return z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({
          code: "custom",
          input: text,
          message: `got ${show(text)}; expected ${list}, e.g. ["${example}"] (pulumi config set --path '${key}[0]' ${example})`,
        });
        return z.NEVER;
      }
    })
    .pipe(
      z
        .array(item, { error: expected(list) })
        .refine((items) => new Set(items).size === items.length, { error: expected(duplicates) }),
    );
}

const ipv4CidrItem = z
  .string({ error: expected("an IPv4 CIDR such as 203.0.113.0/24") })
  .refine(isIpv4Cidr, { error: expected("an IPv4 CIDR with no host bits set, such as 203.0.113.0/24") });

/** The load balancer's inbound CIDRs: at least one, 0.0.0.0/0 allowed (a public service). */
const cidrList = jsonList("allowedCidrs", "203.0.113.0/24", ipv4CidrItem, {
  of: "IPv4 CIDRs",
  duplicates: "no duplicate CIDRs",
}).refine((items) => items.length > 0, {
  error: expected("at least one IPv4 CIDR (use 0.0.0.0/0 for a public service)"),
});

/** IPv4 CIDRs that must never be the whole internet (what /0 means). */
function restrictedCidrList(key: string, why: string) {
  return jsonList(key, "203.0.113.0/24", ipv4CidrItem).superRefine((list, ctx) => {
    for (const cidr of list) {
      if (cidr.endsWith("/0")) {
        ctx.addIssue({ code: "custom", input: cidr, message: `got ${show(cidr)}; expected ${why}` });
      }
    }
  });
}

const instanceType = z.string().regex(INSTANCE_TYPE, {
  error: expected("an EC2 instance type such as t3.medium"),
});

/**
 * Every key under the `fastify-deploy` namespace. Later platforms add their keys here (and in
 * Pulumi.yaml); {@link parseConfig} rejects anything not listed.
 */
export const CONFIG_KEYS = {
  platform: { type: "string", default: undefined, platforms: ALL, schema: oneOf(PLATFORMS) },
  imageUri: {
    type: "string",
    default: "",
    platforms: ALL,
    schema: optional(
      z.string().regex(DIGEST_PINNED_IMAGE, {
        error: expected("a digest-pinned image URI <registry>/<repository>@sha256:<64 hex digits>"),
      }),
    ),
  },
  imagePlatform: {
    type: "string",
    default: "linux/amd64",
    platforms: ALL,
    schema: oneOf(IMAGE_PLATFORMS),
  },
  retainImageRepository: { type: "boolean", default: true, platforms: ALL, schema: boolean },
  imagePullAccountIds: {
    type: "array",
    default: [],
    platforms: ALL,
    schema: jsonList(
      "imagePullAccountIds",
      "123456789012",
      z.string().regex(/^\d{12}$/, { error: expected("a 12-digit AWS account id") }),
      { of: "12-digit AWS account ids" },
    ),
  },
  appCommit: {
    type: "string",
    default: "unknown",
    platforms: ALL,
    schema: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, {
      error: expected("1..64 characters of A-Z a-z 0-9 . _ -"),
    }),
  },
  logLevel: { type: "string", default: "info", platforms: ALL, schema: oneOf(LOG_LEVELS) },
  availabilityZones: { type: "integer", default: 2, platforms: AWS, schema: integer(2, 6) },
  natGateways: { type: "string", default: "none", platforms: AWS, schema: oneOf(NAT_STRATEGIES) },
  allowedCidrs: { type: "array", default: ["0.0.0.0/0"], platforms: AWS, schema: cidrList },
  certificateArn: {
    type: "string",
    default: "",
    platforms: AWS,
    schema: optional(
      z.string().regex(ACM_CERTIFICATE_ARN, {
        error: expected("an ACM certificate ARN arn:aws:acm:<region>:<12-digit account>:certificate/<uuid>"),
      }),
    ),
  },
  cpu: {
    type: "integer",
    default: 256,
    platforms: ["ecs"],
    schema: integer(256, 16384, Object.keys(FARGATE_MEMORY_BY_CPU).map(Number)),
  },
  memory: { type: "integer", default: 512, platforms: ["ecs"], schema: integer(512, 122880) },
  desiredCount: { type: "integer", default: 1, platforms: ALL, schema: integer(1, 100) },
  minCount: { type: "integer", default: 1, platforms: ALL, schema: integer(1, 100) },
  maxCount: { type: "integer", default: 2, platforms: ALL, schema: integer(1, 100) },
  targetCpuUtilization: { type: "integer", default: 60, platforms: ALL, schema: integer(10, 90) },
  logRetentionDays: {
    type: "integer",
    default: 30,
    platforms: AWS,
    schema: integer(1, 3653, LOG_RETENTION_DAYS),
  },
  containerInsights: { type: "boolean", default: false, platforms: ["ecs"], schema: boolean },
  kubeconfig: {
    type: "string",
    default: "",
    platforms: ["kubernetes"],
    secret: true,
    schema: z.string(),
  },
  kubeconfigContext: {
    type: "string",
    default: "",
    platforms: ["kubernetes"],
    schema: optional(z.string().regex(/^\S+$/, { error: expected("a context name from the kubeconfig") })),
  },
  namespace: {
    type: "string",
    default: DEFAULT_NAMESPACE,
    platforms: ["kubernetes", "eks"],
    schema: namespaceName,
  },
  createNamespace: { type: "boolean", default: true, platforms: ["kubernetes"], schema: boolean },
  imagePullSecret: {
    type: "string",
    default: "",
    platforms: ["kubernetes"],
    schema: optional(
      dnsSubdomain("the name of an existing kubernetes.io/dockerconfigjson Secret in the namespace"),
    ),
  },
  serviceType: {
    type: "string",
    default: "ClusterIP",
    platforms: ["kubernetes"],
    schema: oneOf(SERVICE_TYPES),
  },
  ingressClassName: {
    type: "string",
    default: "",
    platforms: ["kubernetes"],
    schema: optional(dnsSubdomain("an IngressClass name such as nginx or alb")),
  },
  ingressHost: {
    type: "string",
    default: "",
    platforms: ["kubernetes"],
    schema: optional(
      z
        .string()
        .regex(/^(?=.{1,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)+$/, {
          error: expected("a lower-case DNS host name such as app.example.com"),
        }),
    ),
  },
  ingressTlsSecret: {
    type: "string",
    default: "",
    platforms: ["kubernetes"],
    schema: optional(dnsSubdomain("the name of a kubernetes.io/tls Secret in the namespace")),
  },
  waitForAddress: {
    type: "string",
    default: "auto",
    platforms: ["kubernetes", "eks"],
    schema: oneOf(WAIT_FOR_ADDRESS),
  },
  networkPolicyNamespaces: {
    type: "array",
    default: [],
    platforms: ["kubernetes", "eks"],
    schema: jsonList("networkPolicyNamespaces", "ingress-nginx", namespaceName, {
      of: "namespace names",
      duplicates: "no duplicate namespaces",
    }),
  },
  networkPolicyCidrs: {
    type: "array",
    default: [],
    platforms: ["kubernetes", "eks"],
    schema: jsonList("networkPolicyCidrs", "10.0.0.0/16", ipv4CidrItem, {
      of: "IPv4 CIDRs",
      duplicates: "no duplicate CIDRs",
    }),
  },
  ingressControllerNamespace: {
    type: "string",
    default: "ingress-nginx",
    platforms: ["kubernetes"],
    schema: namespaceName,
  },
  nodeCidrs: {
    type: "array",
    default: [],
    platforms: ["kubernetes"],
    schema: jsonList("nodeCidrs", "172.18.0.0/16", ipv4CidrItem, {
      of: "IPv4 CIDRs",
      duplicates: "no duplicate CIDRs",
    }),
  },
  ecrRefresherImage: {
    type: "string",
    default: DEFAULT_ECR_REFRESHER_IMAGE,
    platforms: ["kubernetes"],
    schema: z.string().regex(DIGEST_PINNED_IMAGE, {
      error: expected(
        "a digest-pinned, publicly pullable Node.js image <registry>/<repository>@sha256:<64 hex digits>",
      ),
    }),
  },
  kubernetesVersion: {
    type: "string",
    default: DEFAULT_KUBERNETES_VERSION,
    platforms: ["eks"],
    schema: oneOf(SUPPORTED_KUBERNETES_VERSIONS),
  },
  endpointPublicAccessCidrs: {
    type: "array",
    default: [],
    platforms: ["eks"],
    schema: restrictedCidrList(
      "endpointPublicAccessCidrs",
      "CIDRs narrower than /0 (the Kubernetes API server must not be open to the whole internet; [] turns the public endpoint off)",
    ),
  },
  adminRoleArns: {
    type: "array",
    default: [],
    platforms: ["eks"],
    schema: jsonList(
      "adminRoleArns",
      "arn:aws:iam::123456789012:role/admin",
      z.string().regex(IAM_ROLE_ARN, {
        error: expected("an IAM role ARN arn:aws:iam::<12-digit account>:role/<path/><name>"),
      }),
    ),
  },
  nodeInstanceTypes: {
    type: "array",
    default: ["t3.medium"],
    platforms: ["eks"],
    schema: jsonList("nodeInstanceTypes", "t3.medium", instanceType).refine((list) => list.length > 0, {
      error: expected("at least one EC2 instance type"),
    }),
  },
  nodeMinSize: { type: "integer", default: 2, platforms: ["eks"], schema: integer(1, 450) },
  nodeDesiredSize: { type: "integer", default: 2, platforms: ["eks"], schema: integer(1, 450) },
  nodeMaxSize: { type: "integer", default: 4, platforms: ["eks"], schema: integer(1, 450) },
  nodeCapacityType: {
    type: "string",
    default: "ON_DEMAND",
    platforms: ["eks"],
    schema: oneOf(CAPACITY_TYPES),
  },
  nodeDiskSizeGiB: { type: "integer", default: 20, platforms: ["eks"], schema: integer(20, 16384) },
  clusterLogTypes: {
    type: "array",
    default: DEFAULT_CLUSTER_LOG_TYPES,
    platforms: ["eks"],
    schema: jsonList(
      "clusterLogTypes",
      "audit",
      z.enum(CLUSTER_LOG_TYPES, { error: expected(`one of ${CLUSTER_LOG_TYPES.join(", ")}`) }),
      { of: "control-plane log types" },
    ).refine((list) => DEFAULT_CLUSTER_LOG_TYPES.every((t) => list.includes(t)), {
      error: expected(
        `a list that includes ${DEFAULT_CLUSTER_LOG_TYPES.join(" and ")} (the security record; the policy pack requires them), plus any of ${CLUSTER_LOG_TYPES.filter((t) => !DEFAULT_CLUSTER_LOG_TYPES.includes(t)).join(", ")}`,
      ),
    }),
  },
  bastionMode: { type: "string", default: "ssm", platforms: ["eks"], schema: oneOf(BASTION_MODES) },
  bastionSshAllowedCidrs: {
    type: "array",
    default: [],
    platforms: ["eks"],
    schema: restrictedCidrList(
      "bastionSshAllowedCidrs",
      "CIDRs narrower than /0 (SSH is never open to the whole internet; bastionMode ssm needs no open port)",
    ),
  },
  bastionInstanceType: {
    type: "string",
    default: "t3.micro",
    platforms: ["eks"],
    schema: instanceType.refine((type) => !isArmInstanceType(type), {
      error: expected("an x86_64 instance type such as t3.micro (the bastion's Amazon Linux AMI is x86_64)"),
    }),
  },
  bastionAccessPolicy: {
    type: "string",
    default: "namespaceAdmin",
    platforms: ["eks"],
    schema: oneOf(BASTION_ACCESS_POLICIES),
  },
} as const satisfies Record<string, KeySpec>;

export type ConfigKey = keyof typeof CONFIG_KEYS;
export const fullKey = (key: string): string => `${PROJECT}:${key}`;

// ---------------------------------------------------------------------------------------------------
// The validated result

export interface ImageConfig {
  /** A prebuilt digest-pinned image; when set nothing is built. */
  uri?: string;
  platform: ImagePlatform;
  /** Keep the ECR repository and its images on `pulumi destroy`; false deletes them (throwaway stacks). */
  retainRepository: boolean;
  /** Other AWS accounts allowed to pull the images this stack builds. */
  pullAccountIds: string[];
}

interface CommonConfig {
  image: ImageConfig;
  app: AppSettings;
  scaling: ScalingSettings;
}

export interface EcsStackConfig extends CommonConfig {
  platform: "ecs";
  network: NetworkSettings;
  allowedCidrs: string[];
  certificateArn?: string;
  ecs: { cpu: number; memory: number; logRetentionDays: number; containerInsights: boolean };
}

export interface EksNodeGroupConfig {
  /** One architecture; the image's `imagePlatform` matches it. */
  instanceTypes: string[];
  minSize: number;
  desiredSize: number;
  maxSize: number;
  capacityType: CapacityType;
  diskSizeGiB: number;
}

export interface EksStackConfig extends CommonConfig {
  platform: "eks";
  /** natGateways is never "none" here: nodes sit in private subnets. */
  network: NetworkSettings;
  /** CIDRs admitted to the ALB on 80/443. */
  allowedCidrs: string[];
  certificateArn?: string;
  eks: {
    kubernetesVersion: (typeof SUPPORTED_KUBERNETES_VERSIONS)[number];
    /** Empty: the public API endpoint is off. Never a /0. */
    endpointPublicAccessCidrs: string[];
    adminRoleArns: string[];
    namespace: string;
    /** Wait in up for the ALB's address (waitForAddress; auto means yes on EKS). */
    awaitAddress: boolean;
    /** Sources the NetworkPolicy admits; both empty: the VPC's public subnets (the ALB's). */
    networkPolicy: NetworkPolicySources;
    /** Control-plane log types shipped to CloudWatch (always audit and authenticator, plus any chosen). */
    clusterLogTypes: ClusterLogType[];
    /** Retention of the control-plane and container log groups. */
    logRetentionDays: number;
    nodeGroup: EksNodeGroupConfig;
    bastion: {
      mode: BastionMode;
      sshAllowedCidrs: string[];
      instanceType: string;
      accessPolicy: BastionAccessPolicy;
    };
  };
}

export interface KubernetesStackConfig extends CommonConfig {
  platform: "kubernetes";
  kubernetes: {
    /** Always a secret Output. */
    kubeconfig: pulumi.Output<string>;
    context?: string;
    /** API server URL of the selected context: which cluster this is, without its credentials. */
    apiServer: string;
    namespace: string;
    createNamespace: boolean;
    /** An existing pull secret; without one, an ECR image gets a secret built from an ECR token. */
    imagePullSecret?: string;
    serviceType: ServiceType;
    ingress?: { className: string; host?: string; tlsSecretName?: string };
    /** Wait in up for a LoadBalancer Service's or the Ingress's address (waitForAddress; auto means no). */
    awaitAddress: boolean;
    /** Sources the NetworkPolicy admits; both empty: the platform's defaults. */
    networkPolicy: NetworkPolicySources;
    ingressControllerNamespace: string;
    nodeCidrs: string[];
    /** The digest-pinned Node.js image the ECR pull-secret refresher runs in. */
    ecrRefresherImage: string;
  };
}

export type StackConfig = EcsStackConfig | EksStackConfig | KubernetesStackConfig;

export interface RawConfigValue {
  value: string;
  secret: boolean;
}

/** Config as the engine passes it: full keys (`ns:key`) → string values (objects as JSON). */
export type RawConfig = Readonly<Record<string, RawConfigValue>>;

export class ConfigError extends Error {
  override name = "ConfigError";
  constructor(readonly problems: readonly string[]) {
    super(
      `Invalid stack configuration (${problems.length} ${problems.length === 1 ? "problem" : "problems"}):\n` +
        problems.map((p) => `  - ${p}`).join("\n"),
    );
  }
}

export interface ParseResult {
  config: StackConfig;
  /** Keys set to a non-default value that have no effect on the selected platform. */
  warnings: string[];
}

// ---------------------------------------------------------------------------------------------------
// Parsing

type Values = { [K in ConfigKey]?: z.output<(typeof CONFIG_KEYS)[K]["schema"]> };

function defaultAsString(spec: KeySpec): string | undefined {
  if (spec.default === undefined) return undefined;
  return typeof spec.default === "string" ? spec.default : JSON.stringify(spec.default);
}

/**
 * Pure: validates raw config (as the engine passes it) and returns the typed config, or throws one
 * {@link ConfigError} with every problem.
 */
export function parseConfig(raw: RawConfig): ParseResult {
  const problems: string[] = [];
  const keys = Object.keys(CONFIG_KEYS) as ConfigKey[];
  const prefix = `${PROJECT}:`;

  for (const key of Object.keys(raw).sort()) {
    if (!key.startsWith(prefix)) continue;
    const short = key.slice(prefix.length);
    if (short in CONFIG_KEYS) continue;
    const entry = raw[key];
    const value = entry?.secret ? "[secret]" : show(entry?.value);
    const suggestion = closest(short, keys);
    problems.push(
      suggestion
        ? `${key}: unknown key (value ${value}); did you mean ${fullKey(suggestion)}?`
        : `${key}: unknown key (value ${value}); allowed keys: ${keys.join(", ")}`,
    );
  }

  const values: Values = {};
  const texts: Partial<Record<ConfigKey, string>> = {};
  for (const key of keys) {
    const spec: KeySpec = CONFIG_KEYS[key];
    const text = raw[fullKey(key)]?.value ?? defaultAsString(spec);
    if (text === undefined) {
      const allowed =
        spec.schema instanceof z.ZodEnum ? `one of ${spec.schema.options.join(", ")}` : "a value";
      problems.push(`${fullKey(key)}: missing; expected ${allowed} (pulumi config set ${key} <value>)`);
      continue;
    }
    texts[key] = text;
    const result = spec.schema.safeParse(text);
    if (!result.success) {
      // A list reports one issue per bad element; a scalar one issue per failed check: keep each line once.
      for (const message of new Set(result.error.issues.map((issue) => issue.message))) {
        problems.push(`${fullKey(key)}: ${message}`);
      }
      continue;
    }
    (values as Record<string, unknown>)[key] = result.data;
  }

  const platform = values.platform;

  // Cross-key rules, checked only where each key involved is itself valid.
  const { cpu, memory, desiredCount, minCount, maxCount } = values;
  if (platform === "ecs" && cpu !== undefined && memory !== undefined) {
    const allowed = FARGATE_MEMORY_BY_CPU[cpu] ?? [];
    if (!allowed.includes(memory)) {
      problems.push(
        `${fullKey("memory")}: got ${memory} with cpu ${cpu}; expected one of ${allowed.join(", ")} (the Fargate sizes for cpu ${cpu})`,
      );
    }
  }
  problems.push(
    ...minDesiredMax(["minCount", minCount], ["desiredCount", desiredCount], ["maxCount", maxCount]),
  );
  if (platform === "eks") problems.push(...eksProblems(values));
  const pullAccounts = values.imagePullAccountIds ?? [];
  if (values.imageUri !== undefined && pullAccounts.length > 0) {
    problems.push(
      `${fullKey("imagePullAccountIds")}: got ${show(pullAccounts)} with imageUri set; expected [] (this stack builds no image and creates no repository: grant the pull on the stack that built ${values.imageUri.split("@")[0]})`,
    );
  }
  const region = raw["aws:region"]?.value;
  const certificateRegion = values.certificateArn
    ? ACM_CERTIFICATE_ARN.exec(values.certificateArn)?.[1]
    : undefined;
  if (platform !== "kubernetes" && region && certificateRegion && certificateRegion !== region) {
    problems.push(
      `${fullKey("certificateArn")}: got ${show(values.certificateArn)} in region ${certificateRegion}; expected a certificate in aws:region ${region} (a load balancer can only use certificates from its own region)`,
    );
  }

  for (const key of keys) {
    const spec: KeySpec = CONFIG_KEYS[key];
    const entry = raw[fullKey(key)];
    if (!spec.secret || !entry || entry.value === "") continue;
    if (!entry.secret) {
      problems.push(
        `${fullKey(key)}: got a plain-text value; expected a secret (pulumi config set --secret ${key} ...)`,
      );
    }
  }
  let apiServer: string | undefined;
  if (platform === "kubernetes") {
    const entry = raw[fullKey("kubeconfig")];
    if (!entry || entry.value.trim() === "") {
      problems.push(
        `${fullKey("kubeconfig")}: got ${entry ? "an empty value" : "nothing"}; expected the cluster's kubeconfig as a secret when platform is kubernetes (pulumi config set --secret kubeconfig < kubeconfig.yaml); the program never falls back to ~/.kube/config`,
      );
    } else {
      const found = kubeconfigApiServer(entry.value, values.kubeconfigContext);
      // The kubeconfig is a secret: the message describes it, never quotes it.
      if (typeof found === "string") apiServer = found;
      else problems.push(`${fullKey("kubeconfig")}: ${found.problem}`);
    }
    const { ingressClassName, ingressHost, ingressTlsSecret } = values;
    if (ingressHost !== undefined && ingressClassName === undefined) {
      problems.push(
        `${fullKey("ingressHost")}: got ${show(ingressHost)} without ingressClassName; expected ingressClassName too (an Ingress needs a class)`,
      );
    }
    const { serviceType, nodeCidrs, networkPolicyNamespaces, networkPolicyCidrs } = values;
    if (
      (serviceType === "NodePort" || serviceType === "LoadBalancer") &&
      nodeCidrs?.length === 0 &&
      networkPolicyNamespaces?.length === 0 &&
      networkPolicyCidrs?.length === 0
    ) {
      problems.push(
        `${fullKey("nodeCidrs")}: got [] with serviceType ${serviceType}; expected the IPv4 CIDRs of the cluster's nodes (kubectl get nodes -o wide), which the NetworkPolicy admits on the app port because traffic through a ${serviceType} Service reaches the pods from node addresses (or set networkPolicyCidrs / networkPolicyNamespaces)`,
      );
    }
    if (ingressTlsSecret !== undefined && (ingressHost === undefined || ingressClassName === undefined)) {
      problems.push(
        `${fullKey("ingressTlsSecret")}: got ${show(ingressTlsSecret)} without ingressHost and ingressClassName; expected both (a TLS certificate is for a host on an Ingress)`,
      );
    }
  }

  if (problems.length > 0 || platform === undefined) throw new ConfigError(problems);

  const warnings: string[] = [];
  for (const key of keys) {
    const spec: KeySpec = CONFIG_KEYS[key];
    const text = texts[key];
    if (!spec.platforms.includes(platform) && text !== undefined && text !== defaultAsString(spec)) {
      warnings.push(
        `${fullKey(key)} is set but has no effect on platform ${platform} (it applies to ${spec.platforms.join(", ")})`,
      );
    }
  }

  if (platform === "eks" && values.waitForAddress === "false") {
    warnings.push(
      `${fullKey("waitForAddress")} is false on eks: up no longer waits for the load balancer controller to reconcile the Ingress, so pods created before its target group bindings exist get no readiness gate (docs/rollout.md); keep auto unless the controller cannot publish an address`,
    );
  }
  if (values.imageUri !== undefined && texts.retainImageRepository === "false") {
    warnings.push(
      `${fullKey("retainImageRepository")} is set but has no effect with imageUri (this stack builds no image and creates no repository)`,
    );
  }

  const placeholders = (values.endpointPublicAccessCidrs ?? []).filter((c) =>
    DOCUMENTATION_CIDRS.includes(c),
  );
  if (platform === "eks" && placeholders.length > 0) {
    warnings.push(
      `${fullKey("endpointPublicAccessCidrs")} contains ${placeholders.join(", ")}, a documentation range (RFC 5737) that reaches no one: set the egress CIDRs of the machines that run pulumi up (pulumi config set --path 'endpointPublicAccessCidrs[0]' <cidr>) before the first deploy`,
    );
  }

  return { config: build(platform, values as Required<Values>, raw, apiServer ?? ""), warnings };
}

/** Rules between eks keys, each checked only where the keys involved are themselves valid. */
function eksProblems(v: Values): string[] {
  const problems: string[] = [];
  if (v.natGateways === "none") {
    problems.push(
      `${fullKey("natGateways")}: got "none" with platform eks; expected single or onePerAz (EKS nodes run in private subnets and need NAT egress to join the cluster, pull images and reach AWS APIs)`,
    );
  }
  problems.push(
    ...minDesiredMax(
      ["nodeMinSize", v.nodeMinSize],
      ["nodeDesiredSize", v.nodeDesiredSize],
      ["nodeMaxSize", v.nodeMaxSize],
    ),
  );
  const types = v.nodeInstanceTypes;
  if (types !== undefined && types.length > 0) {
    const arm = types.map(isArmInstanceType);
    if (new Set(arm).size > 1) {
      problems.push(
        `${fullKey("nodeInstanceTypes")}: got ${show(types)}; expected instance types of one architecture (one node group runs one AMI: arm64 Graviton types such as m7g.large or x86_64 types such as m6i.large)`,
      );
    } else if (v.imagePlatform !== undefined) {
      const nodePlatform = arm[0] ? "linux/arm64" : "linux/amd64";
      if (nodePlatform !== v.imagePlatform) {
        problems.push(
          `${fullKey("nodeInstanceTypes")}: got ${show(types)} (${nodePlatform}) with imagePlatform ${v.imagePlatform}; expected nodes of the image's architecture (set imagePlatform ${nodePlatform} or pick ${v.imagePlatform === "linux/arm64" ? "Graviton" : "x86_64"} instance types)`,
        );
      }
    }
  }
  const ssh = v.bastionSshAllowedCidrs;
  if (v.bastionMode === "ssh" && ssh !== undefined && ssh.length === 0) {
    problems.push(
      `${fullKey("bastionSshAllowedCidrs")}: got [] with bastionMode ssh; expected at least one IPv4 CIDR to admit on port 22 (or bastionMode ssm, which needs no open port)`,
    );
  }
  if (v.bastionMode === "ssm" && ssh !== undefined && ssh.length > 0) {
    problems.push(
      `${fullKey("bastionSshAllowedCidrs")}: got ${show(ssh)} with bastionMode ssm; expected [] (the CIDRs apply only to bastionMode ssh)`,
    );
  }
  const roleNames = new Map<string, string>();
  for (const arn of v.adminRoleArns ?? []) {
    const name = arn.split("/").pop() ?? arn;
    const other = roleNames.get(name);
    if (other !== undefined) {
      problems.push(
        `${fullKey("adminRoleArns")}: got ${show(arn)} and ${show(other)}; expected roles with distinct names (each names its access entry)`,
      );
    }
    roleNames.set(name, arn);
  }
  return problems;
}

function build(platform: Platform, v: Required<Values>, raw: RawConfig, apiServer: string): StackConfig {
  const common: CommonConfig = {
    image: {
      ...(v.imageUri !== undefined && { uri: v.imageUri }),
      platform: v.imagePlatform,
      retainRepository: v.retainImageRepository,
      pullAccountIds: v.imagePullAccountIds,
    },
    app: { commit: v.appCommit, logLevel: v.logLevel },
    scaling: {
      desiredCount: v.desiredCount,
      minCount: v.minCount,
      maxCount: v.maxCount,
      targetCpuUtilization: v.targetCpuUtilization,
    },
  };
  // What both AWS platforms share: their own VPC and a public load balancer.
  const awsCommon = {
    network: { availabilityZones: v.availabilityZones, natGateways: v.natGateways } satisfies NetworkSettings,
    allowedCidrs: v.allowedCidrs,
    ...(v.certificateArn !== undefined && { certificateArn: v.certificateArn }),
  };
  switch (platform) {
    case "ecs":
      return {
        platform,
        ...common,
        ...awsCommon,
        ecs: {
          cpu: v.cpu,
          memory: v.memory,
          logRetentionDays: v.logRetentionDays,
          containerInsights: v.containerInsights,
        },
      };
    case "eks":
      return {
        platform,
        ...common,
        ...awsCommon,
        eks: {
          kubernetesVersion: v.kubernetesVersion,
          endpointPublicAccessCidrs: v.endpointPublicAccessCidrs,
          adminRoleArns: v.adminRoleArns,
          namespace: v.namespace,
          awaitAddress: v.waitForAddress !== "false",
          networkPolicy: { namespaces: v.networkPolicyNamespaces, cidrs: v.networkPolicyCidrs },
          clusterLogTypes: v.clusterLogTypes as ClusterLogType[],
          logRetentionDays: v.logRetentionDays,
          nodeGroup: {
            instanceTypes: v.nodeInstanceTypes,
            minSize: v.nodeMinSize,
            desiredSize: v.nodeDesiredSize,
            maxSize: v.nodeMaxSize,
            capacityType: v.nodeCapacityType,
            diskSizeGiB: v.nodeDiskSizeGiB,
          },
          bastion: {
            mode: v.bastionMode,
            sshAllowedCidrs: v.bastionSshAllowedCidrs,
            instanceType: v.bastionInstanceType,
            accessPolicy: v.bastionAccessPolicy,
          },
        },
      };
    case "kubernetes":
      return {
        platform,
        ...common,
        kubernetes: {
          kubeconfig: pulumi.secret(raw[fullKey("kubeconfig")]?.value ?? ""),
          ...(v.kubeconfigContext !== undefined && { context: v.kubeconfigContext }),
          apiServer,
          namespace: v.namespace,
          createNamespace: v.createNamespace,
          ...(v.imagePullSecret !== undefined && { imagePullSecret: v.imagePullSecret }),
          serviceType: v.serviceType,
          ...(v.ingressClassName !== undefined && {
            ingress: {
              className: v.ingressClassName,
              ...(v.ingressHost !== undefined && { host: v.ingressHost }),
              ...(v.ingressTlsSecret !== undefined && { tlsSecretName: v.ingressTlsSecret }),
            },
          }),
          awaitAddress: v.waitForAddress === "true",
          networkPolicy: { namespaces: v.networkPolicyNamespaces, cidrs: v.networkPolicyCidrs },
          ingressControllerNamespace: v.ingressControllerNamespace,
          nodeCidrs: v.nodeCidrs,
          ecrRefresherImage: v.ecrRefresherImage,
        },
      };
    default: {
      const unreachable: never = platform;
      throw new Error(`unknown platform ${String(unreachable)}`);
    }
  }
}

/** Reads the whole config map the engine passed, with which keys are secrets. */
export function readRawConfig(): RawConfig {
  // `isConfigSecret` is exported by the runtime but marked @internal, so it is absent from the typings.
  const { isConfigSecret } = runtimeConfig as unknown as { isConfigSecret?: (key: string) => boolean };
  const all = pulumi.runtime.allConfig();
  const raw: Record<string, RawConfigValue> = {};
  for (const key of Object.keys(all).sort()) {
    raw[key] = { value: all[key] ?? "", secret: isConfigSecret?.(key) ?? false };
  }
  return raw;
}

/**
 * Reads and validates this stack's config. Throws before any resource is registered; logs a warning
 * for keys that do not apply to the selected platform.
 */
export function loadConfig(): StackConfig {
  const { config, warnings } = parseConfig(readRawConfig());
  for (const warning of warnings) pulumi.log.warn(warning);
  return config;
}

type Bound = [key: ConfigKey, value: number | undefined];

/** min ≤ desired ≤ max over three integer keys, checked only where each key is itself valid. */
function minDesiredMax([minKey, min]: Bound, [desiredKey, desired]: Bound, [maxKey, max]: Bound): string[] {
  const rule = `expected ${minKey} ≤ ${desiredKey} ≤ ${maxKey}`;
  const out: string[] = [];
  if (min !== undefined && max !== undefined && min > max) {
    out.push(`${fullKey(minKey)}: got ${min}, above ${maxKey} ${max}; ${rule}`);
  }
  if (desired !== undefined && min !== undefined && desired < min) {
    out.push(`${fullKey(desiredKey)}: got ${desired}, below ${minKey} ${min}; ${rule}`);
  }
  if (desired !== undefined && max !== undefined && desired > max) {
    out.push(`${fullKey(desiredKey)}: got ${desired}, above ${maxKey} ${max}; ${rule}`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------

interface KubeconfigDocument {
  "current-context"?: unknown;
  contexts?: unknown;
  clusters?: unknown;
}

/**
 * The API server URL of the kubeconfig's selected context (or of `context`), or what is wrong with it.
 * Messages never quote the document: it holds credentials.
 */
export function kubeconfigApiServer(text: string, context?: string): string | { problem: string } {
  let doc: KubeconfigDocument;
  try {
    doc = parseYaml(text) as KubeconfigDocument;
  } catch {
    return {
      problem:
        "got a value that is not YAML; expected a kubeconfig file (kubectl config view --raw --minify)",
    };
  }
  if (
    doc === null ||
    typeof doc !== "object" ||
    !Array.isArray(doc.contexts) ||
    !Array.isArray(doc.clusters)
  ) {
    return {
      problem:
        "got YAML without contexts and clusters; expected a kubeconfig file (kubectl config view --raw --minify)",
    };
  }
  const contextName = context ?? doc["current-context"];
  if (typeof contextName !== "string" || contextName === "") {
    return {
      problem:
        "has no current-context; expected one, or fastify-deploy:kubeconfigContext naming the context to use",
    };
  }
  const named = <T extends { name?: unknown }>(list: unknown[], name: unknown): T | undefined =>
    list.find((item): item is T => typeof item === "object" && item !== null && (item as T).name === name);
  const ctx = named<{ name: string; context?: { cluster?: unknown } }>(doc.contexts, contextName);
  if (!ctx) {
    const known = doc.contexts
      .map((c) => (c as { name?: unknown }).name)
      .filter((n) => typeof n === "string");
    return {
      problem: `has no context ${show(contextName)}; expected one of ${known.map(show).join(", ") || "(none)"}`,
    };
  }
  const server = named<{ name: string; cluster?: { server?: unknown } }>(doc.clusters, ctx.context?.cluster)
    ?.cluster?.server;
  if (typeof server !== "string" || !/^https?:\/\/\S+$/.test(server)) {
    return {
      problem: `context ${show(contextName)} names no cluster with a server URL; expected clusters[].cluster.server`,
    };
  }
  return server;
}

/** The known key closest to a typo (edit distance ≤ 3, or a case-insensitive match). */
function closest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const distance = candidate.toLowerCase() === key.toLowerCase() ? 0 : editDistance(key, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= 3 ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] ?? 0;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(above + 1, (row[j - 1] ?? 0) + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return row[b.length] ?? 0;
}
