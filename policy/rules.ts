/**
 * Pure helpers the policies share: reading resource props the way the engine hands them to a policy
 * (plain JSON, secrets already unwrapped), normalising security group rules of every shape, and
 * finding pod specs in Kubernetes workloads. No Pulumi runtime is loaded here.
 */

export type Props = Record<string, unknown>;

export const isObject = (value: unknown): value is Props =>
  value !== null && typeof value === "object" && !Array.isArray(value);

export const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

export const asObject = (value: unknown): Props => (isObject(value) ? value : {});

/** A value IAM allows as one item or a list (Action, Resource, Statement): always a list. */
export const asList = (value: unknown): unknown[] =>
  Array.isArray(value) ? value : value === undefined ? [] : [value];

/** The statements of a policy document given as JSON text or an object; none while it is unknown. */
export function policyStatements(document: unknown): Props[] {
  let parsed: unknown = document;
  if (typeof document === "string") {
    try {
      parsed = JSON.parse(document);
    } catch {
      return [];
    }
  }
  return asList(asObject(parsed).Statement).filter(isObject);
}

/** `repo@sha256:<64 hex>`: the only image reference a deployment may use. */
export const DIGEST_PINNED = /^[^@\s]+@sha256:[a-f0-9]{64}$/;

/** A CIDR that opens a port to the whole internet. */
export const isWholeInternet = (cidr: unknown): boolean =>
  typeof cidr === "string" && cidr.trim().endsWith("/0");

/** Amazon's TLS 1.3 listener policies (`ELBSecurityPolicy-TLS13-…`). */
export const isTls13Policy = (policy: unknown): boolean =>
  typeof policy === "string" && /^ELBSecurityPolicy-TLS13-/.test(policy);

// ---------------------------------------------------------------------------------------------------
// Security group rules, whatever resource declares them

export const SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup";
export const SECURITY_GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";
export const VPC_INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";

export interface IngressRule {
  /** "tcp", "udp", "icmp", … or "-1" for every protocol. */
  protocol: string;
  fromPort: number;
  toPort: number;
  cidrs: string[];
  /** The group the rule admits traffic to (undefined for an inline rule: it is the group itself). */
  securityGroupId: string | undefined;
}

const protocolName = (value: unknown): string => {
  const text = String(value ?? "-1").toLowerCase();
  return { "6": "tcp", "17": "udp", all: "-1" }[text] ?? text;
};

const port = (value: unknown, fallback: number): number => (typeof value === "number" ? value : fallback);

/** Ingress rules a resource declares, or [] if it declares none. */
export function ingressRules(type: string, props: Props): IngressRule[] {
  if (type === VPC_INGRESS_RULE) {
    const protocol = protocolName(props.ipProtocol);
    return [
      {
        protocol,
        fromPort: protocol === "-1" ? 0 : port(props.fromPort, 0),
        toPort: protocol === "-1" ? 65535 : port(props.toPort, 65535),
        cidrs: [props.cidrIpv4, props.cidrIpv6].filter((c): c is string => typeof c === "string"),
        securityGroupId: typeof props.securityGroupId === "string" ? props.securityGroupId : undefined,
      },
    ];
  }
  const fromBlock = (block: Props, securityGroupId: string | undefined): IngressRule => {
    const protocol = protocolName(block.protocol);
    return {
      protocol,
      fromPort: protocol === "-1" ? 0 : port(block.fromPort, 0),
      toPort: protocol === "-1" ? 65535 : port(block.toPort, 65535),
      cidrs: [...asArray(block.cidrBlocks), ...asArray(block.ipv6CidrBlocks)].filter(
        (c): c is string => typeof c === "string",
      ),
      securityGroupId,
    };
  };
  if (type === SECURITY_GROUP_RULE) {
    if (props.type !== "ingress") return [];
    return [fromBlock(props, typeof props.securityGroupId === "string" ? props.securityGroupId : undefined)];
  }
  if (type === SECURITY_GROUP) {
    return asArray(props.ingress).map((block) => fromBlock(asObject(block), undefined));
  }
  return [];
}

export const coversPort = (rule: IngressRule, p: number): boolean =>
  (rule.protocol === "-1" || rule.protocol === "tcp") && rule.fromPort <= p && p <= rule.toPort;

/** TCP 80 or 443 and nothing else: what a public load balancer needs. */
export const isWebOnly = (rule: IngressRule): boolean =>
  rule.protocol === "tcp" && rule.fromPort === rule.toPort && (rule.fromPort === 80 || rule.fromPort === 443);

/** `arn:…:security-group/sg-123` → `sg-123` (policies see outputs, not ids). */
export const idFromArn = (arn: unknown): string | undefined =>
  typeof arn === "string" ? arn.split("/").pop() : undefined;

// ---------------------------------------------------------------------------------------------------
// Kubernetes workloads

export const K8S_WORKLOADS: Record<string, (props: Props) => Props | undefined> = {
  "kubernetes:core/v1:Pod": (p) => asObject(p.spec),
  "kubernetes:apps/v1:Deployment": (p) => asObject(asObject(asObject(p.spec).template).spec),
  "kubernetes:apps/v1:StatefulSet": (p) => asObject(asObject(asObject(p.spec).template).spec),
  "kubernetes:apps/v1:DaemonSet": (p) => asObject(asObject(asObject(p.spec).template).spec),
  "kubernetes:apps/v1:ReplicaSet": (p) => asObject(asObject(asObject(p.spec).template).spec),
  "kubernetes:batch/v1:Job": (p) => asObject(asObject(asObject(p.spec).template).spec),
  "kubernetes:batch/v1:CronJob": (p) =>
    asObject(asObject(asObject(asObject(asObject(p.spec).jobTemplate).spec).template).spec),
};

/** Workloads that serve (probes and rollout rules apply); Jobs run to completion. */
export const LONG_RUNNING = new Set([
  "kubernetes:core/v1:Pod",
  "kubernetes:apps/v1:Deployment",
  "kubernetes:apps/v1:StatefulSet",
  "kubernetes:apps/v1:DaemonSet",
  "kubernetes:apps/v1:ReplicaSet",
]);

export const podSpecOf = (type: string, props: Props): Props | undefined => K8S_WORKLOADS[type]?.(props);

export interface Container {
  name: string;
  props: Props;
}

export const containersOf = (podSpec: Props): Container[] =>
  [...asArray(podSpec.initContainers), ...asArray(podSpec.containers)].map((c, i) => ({
    name: String(asObject(c).name ?? `#${i}`),
    props: asObject(c),
  }));

/** Env as a map; `env` is `[{name, value}]` in both ECS container definitions and Kubernetes. */
export const envMap = (env: unknown): Record<string, string> =>
  Object.fromEntries(
    asArray(env)
      .map(asObject)
      .filter((e) => typeof e.name === "string" && e.value !== undefined)
      .map((e) => [e.name as string, String(e.value)]),
  );

/**
 * The app's drain + shutdown budget in seconds, from the env the program passes to the container
 * (`SHUTDOWN_DRAIN_DELAY_MS`, `SHUTDOWN_TIMEOUT_MS`); undefined if either is missing or not a number.
 */
export function shutdownBudgetSeconds(env: Record<string, string>): number | undefined {
  const drain = Number(env.SHUTDOWN_DRAIN_DELAY_MS);
  const shutdown = Number(env.SHUTDOWN_TIMEOUT_MS);
  if (env.SHUTDOWN_DRAIN_DELAY_MS === undefined || env.SHUTDOWN_TIMEOUT_MS === undefined) return undefined;
  if (!Number.isFinite(drain) || !Number.isFinite(shutdown)) return undefined;
  return (drain + shutdown) / 1000;
}

/** `maxUnavailable`/`minAvailable` as given: an integer or a percentage string. */
export function intOrPercent(value: unknown, total: number): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "string" && /^\d+%$/.test(value))
    return Math.floor((Number.parseInt(value, 10) * total) / 100);
  if (typeof value === "string" && /^\d+$/.test(value)) return Number.parseInt(value, 10);
  return undefined;
}
