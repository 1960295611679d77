import { z } from "zod";
import {
  ACM_CERTIFICATE_ARN,
  BAKE_MINUTES,
  BASTION_ACCESS_POLICIES,
  BASTION_MODES,
  CANARY_PERCENT,
  CAPACITY_TYPES,
  CLUSTER_LOG_TYPES,
  CLUSTER_PROFILE_NAMES,
  DEFAULT_CLUSTER_LOG_TYPES,
  FARGATE_MEMORY_BY_CPU,
  FLOW_LOG_TRAFFIC,
  IAM_ROLE_ARN,
  IMAGE_PLATFORMS,
  isArmInstanceType,
  KMS_KEY_ARN,
  KUBERNETES_SUPPORT_TYPES,
  LINEAR_STEP_PERCENT,
  LOG_LEVELS,
  LOG_RETENTION_DAYS,
  MAX_CRONJOB_NAME_LENGTH,
  MAX_NAMESPACE_LENGTH,
  NAT_STRATEGIES,
  OIDC_ISSUER_URL,
  PLATFORMS,
  type Platform,
  PROJECT,
  ROLLOUT_STRATEGIES,
  ROUTE53_ZONE_ID,
  SERVICE_TYPES,
  TRACING_MODES,
  WAF_MODES,
  WAIT_FOR_ADDRESS,
} from "../facts";
import {
  boolean,
  cidrList,
  DIGEST_PINNED_IMAGE,
  dnsSubdomain,
  EMAIL_ADDRESS,
  expected,
  hostName,
  instanceType,
  integer,
  integerOneOf,
  jsonList,
  namespaceName,
  oneOf,
  optional,
  restrictedCidrList,
  tenths,
} from "./schema";
import { secretMap } from "./secret-schema";

/**
 * The key table: every `fastify-deploy:*` key with the platforms it applies to and the schema that
 * validates its value (one key, one check). Each key's type, default and description live in
 * Pulumi.yaml, the file the Pulumi CLI reads (config.test.ts keeps the two key sets equal and every
 * default valid under its schema); rules between keys live in each platform's module (ecs.ts, eks.ts,
 * kubernetes.ts) and common.ts.
 */

export interface KeySpec {
  /** Platforms the key has an effect on (setting it elsewhere warns). */
  platforms: readonly Platform[];
  /** Must be stored encrypted (`pulumi config set --secret`). */
  secret?: boolean;
  schema: z.ZodType;
}

const ALL = PLATFORMS;

/**
 * The app's namespace also names every object in it (`<namespace>`, `<namespace>-synthetic-client`, …):
 * a Service name is a DNS-1035 label, so it starts with a letter (kubernetes
 * pkg/apis/core/validation/validation.go ValidateServiceName = apimachinery IsDNS1035Label, read
 * 2026-12-07), and the longest derived CronJob name must fit the CronJob limit (facts/kubernetes.ts).
 */
const appNamespaceName = z
  .string()
  .regex(new RegExp(`^[a-z]([-a-z0-9]{0,${MAX_NAMESPACE_LENGTH - 2}}[a-z0-9])?$`), {
    error: expected(
      `a namespace name that also names the app's objects: 1..${MAX_NAMESPACE_LENGTH} of a-z 0-9 -, starting with a letter (a Service name is a DNS-1035 label) and ending alphanumeric (<namespace>-synthetic-client is a CronJob name, at most ${MAX_CRONJOB_NAME_LENGTH} characters)`,
    ),
  });
const AWS: readonly Platform[] = ["ecs", "eks"];

/**
 * Every key under the `fastify-deploy` namespace; {@link parseConfig} rejects anything not listed.
 * A new key gets a row here and a declaration in Pulumi.yaml (platforms/README.md has the checklist).
 */
export const CONFIG_KEYS = {
  platform: { platforms: ALL, schema: oneOf(PLATFORMS) },
  imageUri: {
    platforms: ALL,
    schema: optional(
      z.string().regex(DIGEST_PINNED_IMAGE, {
        error: expected("a digest-pinned image URI <registry>/<repository>@sha256:<64 hex digits>"),
      }),
    ),
  },
  imagePlatform: {
    platforms: ALL,
    schema: oneOf(IMAGE_PLATFORMS),
  },
  retainImageRepository: { platforms: ALL, schema: boolean },
  imageBuildCache: { platforms: ALL, schema: boolean },
  imagePullAccountIds: {
    platforms: ALL,
    schema: jsonList(
      "imagePullAccountIds",
      "123456789012",
      z.string().regex(/^\d{12}$/, { error: expected("a 12-digit AWS account id") }),
      { of: "12-digit AWS account ids" },
    ),
  },
  appCommit: {
    platforms: ALL,
    schema: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, {
      error: expected("1..64 characters of A-Z a-z 0-9 . _ -"),
    }),
  },
  logLevel: { platforms: ALL, schema: oneOf(LOG_LEVELS) },
  availabilityZones: { platforms: AWS, schema: integer(2, 6) },
  natGateways: { platforms: AWS, schema: oneOf(NAT_STRATEGIES) },
  vpcFlowLogTraffic: { platforms: AWS, schema: oneOf(FLOW_LOG_TRAFFIC) },
  allowedCidrs: {
    platforms: AWS,
    schema: cidrList("allowedCidrs").refine((items) => items.length > 0, {
      error: expected("at least one IPv4 CIDR (use 0.0.0.0/0 for a public service)"),
    }),
  },
  certificateArn: {
    platforms: AWS,
    schema: optional(
      z.string().regex(ACM_CERTIFICATE_ARN, {
        error: expected("an ACM certificate ARN arn:aws:acm:<region>:<12-digit account>:certificate/<uuid>"),
      }),
    ),
  },
  // The edge (issue 16): domain, access logs, deletion protection, web ACL, prod-grade declaration.
  domainName: { platforms: AWS, schema: optional(hostName) },
  hostedZoneId: {
    platforms: AWS,
    schema: optional(
      z.string().regex(ROUTE53_ZONE_ID, {
        error: expected("a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ (without /hostedzone/)"),
      }),
    ),
  },
  hostedZoneRoleArn: {
    platforms: AWS,
    schema: optional(
      z.string().regex(IAM_ROLE_ARN, {
        error: expected("an IAM role ARN arn:aws:iam::<12-digit account>:role/<path/><name>"),
      }),
    ),
  },
  accessLogs: { platforms: AWS, schema: boolean },
  accessLogRetentionDays: { platforms: AWS, schema: integer(1, 3650) },
  deletionProtection: { platforms: AWS, schema: boolean },
  wafMode: { platforms: AWS, schema: oneOf(WAF_MODES) },
  wafRateLimit: { platforms: AWS, schema: integer(10, 2_000_000_000) },
  prodGrade: { platforms: AWS, schema: boolean },
  cpu: {
    platforms: ["ecs"],
    schema: integerOneOf(Object.keys(FARGATE_MEMORY_BY_CPU).map(Number)),
  },
  memory: { platforms: ["ecs"], schema: integer(512, 122880) },
  desiredCount: { platforms: ALL, schema: integer(1, 100) },
  minCount: { platforms: ALL, schema: integer(1, 100) },
  maxCount: { platforms: ALL, schema: integer(1, 100) },
  targetCpuUtilization: { platforms: ALL, schema: integer(10, 90) },
  logRetentionDays: {
    platforms: AWS,
    schema: integerOneOf(LOG_RETENTION_DAYS),
  },
  containerInsights: { platforms: ["ecs"], schema: boolean },
  capacityType: { platforms: ["ecs"], schema: oneOf(CAPACITY_TYPES) },
  kubeconfig: {
    platforms: ["kubernetes"],
    secret: true,
    schema: z.string(),
  },
  kubeconfigContext: {
    platforms: ["kubernetes"],
    schema: optional(z.string().regex(/^\S+$/, { error: expected("a context name from the kubeconfig") })),
  },
  clusterProfile: { platforms: ["kubernetes"], schema: oneOf(CLUSTER_PROFILE_NAMES) },
  clusterDomain: {
    platforms: ["kubernetes"],
    schema: dnsSubdomain("a DNS domain such as cluster.local"),
  },
  clusterIdentifier: {
    platforms: ["kubernetes"],
    schema: optional(
      z.string().regex(/^\S{1,253}$/, {
        error: expected(
          "a stable name for the cluster, 1..253 characters without spaces, e.g. shop-prod-gke",
        ),
      }),
    ),
  },
  namespace: {
    platforms: ["kubernetes", "eks"],
    schema: appNamespaceName,
  },
  createNamespace: { platforms: ["kubernetes"], schema: boolean },
  imagePullSecret: {
    platforms: ["kubernetes"],
    schema: optional(
      dnsSubdomain("the name of an existing kubernetes.io/dockerconfigjson Secret in the namespace"),
    ),
  },
  serviceType: {
    platforms: ["kubernetes"],
    schema: oneOf(SERVICE_TYPES),
  },
  ingressClassName: {
    platforms: ["kubernetes"],
    schema: optional(dnsSubdomain("an IngressClass name such as nginx or alb")),
  },
  ingressHost: { platforms: ["kubernetes"], schema: optional(hostName) },
  gatewayName: {
    platforms: ["kubernetes", "eks"],
    schema: optional(dnsSubdomain("the name of an existing Gateway (gateway.networking.k8s.io)")),
  },
  gatewayNamespace: {
    platforms: ["kubernetes", "eks"],
    schema: optional(namespaceName),
  },
  ingressTlsSecret: {
    platforms: ["kubernetes"],
    schema: optional(dnsSubdomain("the name of a kubernetes.io/tls Secret in the namespace")),
  },
  waitForAddress: {
    platforms: ["kubernetes", "eks"],
    schema: oneOf(WAIT_FOR_ADDRESS),
  },
  networkPolicyNamespaces: {
    platforms: ["kubernetes", "eks"],
    schema: jsonList("networkPolicyNamespaces", "ingress-nginx", namespaceName, {
      of: "namespace names",
      duplicates: "no duplicate namespaces",
    }),
  },
  networkPolicyCidrs: {
    platforms: ["kubernetes", "eks"],
    schema: cidrList("networkPolicyCidrs", "10.0.0.0/16"),
  },
  ingressControllerNamespace: {
    platforms: ["kubernetes"],
    schema: namespaceName,
  },
  nodeCidrs: {
    platforms: ["kubernetes"],
    schema: cidrList("nodeCidrs", "172.18.0.0/16"),
  },
  ecrRefresherImage: {
    platforms: ["kubernetes"],
    schema: z.string().regex(DIGEST_PINNED_IMAGE, {
      error: expected(
        "a digest-pinned, publicly pullable Node.js image <registry>/<repository>@sha256:<64 hex digits>",
      ),
    }),
  },
  // Any text here: which versions EKS still runs depends on the day, so eks.ts checks the value against
  // facts/eks-versions.ts and today's date, with one message for an unknown and an ended version.
  kubernetesVersion: {
    platforms: ["eks"],
    schema: z.string(),
  },
  kubernetesSupportType: {
    platforms: ["eks"],
    schema: oneOf(KUBERNETES_SUPPORT_TYPES),
  },
  endpointPublicAccessCidrs: {
    platforms: ["eks"],
    schema: restrictedCidrList(
      "endpointPublicAccessCidrs",
      "CIDRs narrower than /0 (the Kubernetes API server must not be open to the whole internet; [] turns the public endpoint off)",
    ),
  },
  deployerRoleArn: {
    platforms: ["eks"],
    schema: optional(
      z.string().regex(IAM_ROLE_ARN, {
        error: expected("an IAM role ARN arn:aws:iam::<12-digit account>:role/<path/><name>"),
      }),
    ),
  },
  adminRoleArns: {
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
    platforms: ["eks"],
    schema: jsonList("nodeInstanceTypes", "t3.medium", instanceType).refine((list) => list.length > 0, {
      error: expected("at least one EC2 instance type"),
    }),
  },
  nodeMinSize: { platforms: ["eks"], schema: integer(1, 450) },
  nodeDesiredSize: { platforms: ["eks"], schema: integer(1, 450) },
  nodeMaxSize: { platforms: ["eks"], schema: integer(1, 450) },
  nodeCapacityType: {
    platforms: ["eks"],
    schema: oneOf(CAPACITY_TYPES),
  },
  nodeDiskSizeGiB: { platforms: ["eks"], schema: integer(20, 16384) },
  clusterLogTypes: {
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
  bastionMode: { platforms: ["eks"], schema: oneOf(BASTION_MODES) },
  bastionSshAllowedCidrs: {
    platforms: ["eks"],
    schema: restrictedCidrList(
      "bastionSshAllowedCidrs",
      "CIDRs narrower than /0 (SSH is never open to the whole internet; bastionMode ssm needs no open port)",
    ),
  },
  bastionInstanceType: {
    platforms: ["eks"],
    schema: instanceType.refine((type) => !isArmInstanceType(type), {
      error: expected("an x86_64 instance type such as t3.micro (the bastion's Amazon Linux AMI is x86_64)"),
    }),
  },
  bastionAccessPolicy: {
    platforms: ["eks"],
    schema: oneOf(BASTION_ACCESS_POLICIES),
  },
  // Observability (platforms/aws/monitoring.ts, aws/synthetic-check.ts, workload/synthetic-client.ts).
  alarmEmail: {
    platforms: AWS,
    schema: optional(
      z.string().regex(EMAIL_ADDRESS, { error: expected("an email address such as oncall@example.com") }),
    ),
  },
  syntheticCheck: { platforms: ALL, schema: boolean },
  // Tracing (issue 31; facts/tracing.ts, app/src/tracing/).
  tracing: { platforms: ALL, schema: oneOf(TRACING_MODES) },
  otlpEndpoint: {
    platforms: ALL,
    schema: optional(
      z.string().regex(/^https?:\/\/[^\s/?#]+(\/[^\s]*)?$/, {
        error: expected(
          "an http(s):// URL of an OTLP/HTTP traces receiver, e.g. http://otel-collector.observability:4318/v1/traces",
        ),
      }),
    ),
  },
  alarm5xxRatePercent: { platforms: AWS, schema: integer(1, 100) },
  alarmP99LatencyMs: { platforms: AWS, schema: integer(10, 60000) },
  // Progressive delivery (issue 29): the limits are the ECS API's (facts/rollout.ts, with source and date).
  rolloutStrategy: { platforms: ALL, schema: oneOf(ROLLOUT_STRATEGIES) },
  canaryPercent: { platforms: ALL, schema: tenths(CANARY_PERCENT) },
  linearStepPercent: { platforms: ALL, schema: tenths(LINEAR_STEP_PERCENT) },
  rolloutBakeMinutes: { platforms: ALL, schema: integer(BAKE_MINUTES.min, BAKE_MINUTES.max) },
  // Secrets (issue 25, docs/secrets.md): what to deliver (config/secret-schema.ts, config/secrets.ts),
  // and on kubernetes how the cluster reaches AWS without a long-lived key.
  secrets: { platforms: ALL, schema: secretMap },
  secretsKmsKeyArn: {
    platforms: ALL,
    schema: optional(
      z.string().regex(KMS_KEY_ARN, {
        error: expected("a KMS key ARN arn:<partition>:kms:<region>:<12-digit account>:key/<key id>"),
      }),
    ),
  },
  serviceAccountIssuer: {
    platforms: ["kubernetes"],
    schema: optional(
      z.string().regex(OIDC_ISSUER_URL, {
        error: expected(
          "the cluster's service-account issuer as its tokens' iss claim says it, an https:// URL without query, fragment or trailing slash (kubectl get --raw /.well-known/openid-configuration)",
        ),
      }),
    ),
  },
  clusterEgressCidrs: { platforms: ["kubernetes"], schema: cidrList("clusterEgressCidrs") },
} as const satisfies Record<string, KeySpec>;

export type ConfigKey = keyof typeof CONFIG_KEYS;
/** Each key's validated value (undefined where the value was invalid or the key optional and unset). */
export type Values = { [K in ConfigKey]?: z.output<(typeof CONFIG_KEYS)[K]["schema"]> };
export const fullKey = (key: string): string => `${PROJECT}:${key}`;
