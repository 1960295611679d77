/**
 * A small NetworkPolicy evaluator (networking.k8s.io/v1) for the connections this program's tests need:
 * does a connection from one endpoint to another, on a port, pass the policies of both ends? It follows
 * the API reference (kubernetes docs concepts/services-networking/network-policies, read 2026-12-07):
 * a pod is isolated for a direction once any policy of its namespace selects it with that policy type;
 * an isolated pod admits what any rule of any selecting policy allows; a rule with no peers (`from`/`to`
 * absent) or no ports allows all of them; a peer with both selectors needs both; an `ipBlock` matches
 * by address. Where CNIs differ, the cluster profile decides (facts/cluster-profiles.ts):
 * - node traffic: a pod's own node always reaches it ("traffic to and from the node where a Pod is
 *   running is always allowed"), which kubelet probes rely on;
 * - `ipBlock` and node addresses: whether traffic sourced from another node's address (a NodePort or
 *   LoadBalancer hop, SNATed by kube-proxy) matches an ipBlock with that address (Cilium by default does
 *   not: `policy-cidr-match-mode`).
 * Selectors: `matchLabels` and `matchExpressions` (In, NotIn, Exists, DoesNotExist); the namespace default
 * deny excludes the ECR refresher with NotIn.
 */
import { parseIpv4Cidr } from "../facts";

/** Whether the IPv4 address lies in the CIDR. */
export function cidrContains(cidr: string, ip: string): boolean {
  const block = parseIpv4Cidr(cidr);
  const address = parseIpv4Cidr(`${ip}/32`);
  if (block === undefined || address === undefined) throw new Error(`evaluator: not IPv4: ${cidr} ${ip}`);
  const size = 2 ** (32 - block[1]);
  return Math.floor(address[0] / size) === Math.floor(block[0] / size);
}

// biome-ignore lint/suspicious/noExplicitAny: recorded Kubernetes inputs are untyped JSON
type Json = any;

export interface PodEndpoint {
  kind: "pod";
  namespace: string;
  labels: Record<string, string>;
  /** Node the pod runs on, for the own-node rule. */
  node?: string;
}
export interface AddressEndpoint {
  kind: "address";
  ip: string;
  /** A node's own address: `node` names it. */
  node?: string;
}
export type Endpoint = PodEndpoint | AddressEndpoint;

export interface Connection {
  from: Endpoint;
  to: Endpoint;
  port: number;
  protocol: "TCP" | "UDP";
}

export interface PolicySemantics {
  /** Traffic from another node's address matches an `ipBlock` holding that address. */
  nodeAddressMatchesIpBlock: boolean;
}

/** A recorded NetworkPolicy (its inputs) in its namespace. */
export interface RecordedPolicy {
  namespace: string;
  spec: Json;
}

/** A label selector (Kubernetes `LabelSelector`): matchLabels and matchExpressions, ANDed. */
function matchLabels(selector: Json, labels: Record<string, string>): boolean {
  if (selector === undefined || selector === null) return true;
  const byLabel = Object.entries((selector.matchLabels ?? {}) as Record<string, string>).every(
    ([key, value]) => labels[key] === value,
  );
  const expressions = (selector.matchExpressions ?? []) as Array<{
    key: string;
    operator: string;
    values?: string[];
  }>;
  return byLabel && expressions.every((e) => matchExpression(e, labels));
}

/** One selector requirement, as apimachinery's labels.Requirement.Matches reads it. */
function matchExpression(
  e: { key: string; operator: string; values?: string[] },
  labels: Record<string, string>,
): boolean {
  const has = Object.hasOwn(labels, e.key);
  const value = labels[e.key];
  switch (e.operator) {
    case "In":
      return has && (e.values ?? []).includes(value as string);
    case "NotIn":
      return !has || !(e.values ?? []).includes(value as string);
    case "Exists":
      return has;
    case "DoesNotExist":
      return !has;
    default:
      throw new Error(`evaluator: selector operator ${e.operator} not modelled`);
  }
}

function selects(policy: RecordedPolicy, pod: PodEndpoint): boolean {
  return policy.namespace === pod.namespace && matchLabels(policy.spec.podSelector, pod.labels);
}

function peerMatches(
  peer: Json,
  policyNamespace: string,
  other: Endpoint,
  semantics: PolicySemantics,
): boolean {
  if (peer.ipBlock !== undefined) {
    if (other.kind !== "address") return false;
    if (other.node !== undefined && !semantics.nodeAddressMatchesIpBlock) return false;
    const except = (peer.ipBlock.except ?? []) as string[];
    return cidrContains(peer.ipBlock.cidr, other.ip) && !except.some((cidr) => cidrContains(cidr, other.ip));
  }
  if (other.kind !== "pod") return false;
  const namespaceOk =
    peer.namespaceSelector === undefined
      ? other.namespace === policyNamespace
      : matchLabels(peer.namespaceSelector, { "kubernetes.io/metadata.name": other.namespace });
  return namespaceOk && matchLabels(peer.podSelector, other.labels);
}

function portMatches(ports: Json[] | undefined, connection: Connection): boolean {
  if (ports === undefined || ports.length === 0) return true;
  return ports.some(
    (p) =>
      (p.protocol ?? "TCP") === connection.protocol &&
      (p.port === undefined || p.port === connection.port) &&
      (p.endPort === undefined || connection.port <= p.endPort),
  );
}

/** Whether the policies selecting `pod` for `direction` admit the connection (true when none isolates it). */
function admitted(
  policies: readonly RecordedPolicy[],
  pod: PodEndpoint,
  direction: "Ingress" | "Egress",
  other: Endpoint,
  connection: Connection,
  semantics: PolicySemantics,
): boolean {
  const isolating = policies.filter(
    (p) => selects(p, pod) && ((p.spec.policyTypes ?? ["Ingress"]) as string[]).includes(direction),
  );
  if (isolating.length === 0) return true;
  const key = direction === "Ingress" ? "ingress" : "egress";
  const peersKey = direction === "Ingress" ? "from" : "to";
  return isolating.some((p) =>
    ((p.spec[key] ?? []) as Json[]).some(
      (rule) =>
        portMatches(rule.ports, connection) &&
        (rule[peersKey] === undefined ||
          (rule[peersKey] as Json[]).some((peer) => peerMatches(peer, p.namespace, other, semantics))),
    ),
  );
}

/** Whether the connection passes the egress policies of its source and the ingress policies of its target. */
export function allows(
  policies: readonly RecordedPolicy[],
  connection: Connection,
  semantics: PolicySemantics,
): boolean {
  const { from, to } = connection;
  // A pod's own node always reaches it (kubelet probes), whatever the policies say.
  if (to.kind === "pod" && from.kind === "address" && from.node !== undefined && from.node === to.node)
    return true;
  const egressOk = from.kind === "pod" ? admitted(policies, from, "Egress", to, connection, semantics) : true;
  const ingressOk = to.kind === "pod" ? admitted(policies, to, "Ingress", from, connection, semantics) : true;
  return egressOk && ingressOk;
}

/** The NetworkPolicies a run recorded, each in its namespace. */
export function recordedPolicies(
  resources: readonly { type: string; inputs: Record<string, unknown> }[],
): RecordedPolicy[] {
  return resources
    .filter((r) => r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy")
    .map((r) => {
      const inputs = r.inputs as Json;
      return { namespace: inputs.metadata.namespace, spec: inputs.spec };
    });
}
