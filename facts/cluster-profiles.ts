/**
 * The conventions of the clusters the `kubernetes` platform is run on, as data: one row per kind of
 * cluster, each with its sources. Config's `clusterProfile` key names a row (default `generic`: assume
 * nothing, today's behaviour), and config warns where the stack's settings and the row disagree; the
 * per-profile test (test/cluster-profiles.test.ts) runs the whole program once per row and evaluates
 * the NetworkPolicies as that row's cluster would.
 *
 * Read 2026-12-07. Rows marked `checked: "issue"` repeat what issue 24 reports from the vendor docs
 * where no stored copy could be re-read here; the others name what was read.
 */

export const CLUSTER_PROFILE_NAMES = [
  "generic",
  "kind",
  "minikube",
  "k3s",
  "gke-standard",
  "gke-autopilot",
  "aks",
  "eks",
  "cilium",
] as const;
export type ClusterProfileName = (typeof CLUSTER_PROFILE_NAMES)[number];

export interface ClusterProfile {
  /** What a user calls it. */
  title: string;
  /**
   * Link-local DNS resolvers pods use besides the kube-dns pods (facts/kubernetes.ts
   * LINK_LOCAL_DNS_RESOLVERS holds them all; the synthetic client admits every one).
   */
  dnsResolvers: readonly string[];
  /** The ingress controller that comes with the cluster (or its usual add-on): namespace and class. */
  ingress?: { namespace: string; className: string; note?: string };
  /** The Gateway API implementation that comes with it: the namespace its proxies' pods run in, and the class. */
  gateway?: { proxyNamespace?: string; className: string; note?: string };
  /**
   * Whether traffic a node forwards from its own address (a NodePort or LoadBalancer hop, SNATed by
   * kube-proxy) matches a NetworkPolicy ipBlock holding that address. Cilium: only with
   * `policy-cidr-match-mode: nodes` (Cilium Documentation/security/policy/language.rst, per issue 24).
   */
  nodeAddressMatchesIpBlock: boolean;
  /** A Service of type LoadBalancer gets an address without anything installed. */
  loadBalancer: boolean;
  /** The resource metrics API (metrics-server or the provider's) answers without anything installed. */
  metricsApi: boolean | "unknown";
  /** Whether NetworkPolicy is enforced out of the box. */
  enforcesNetworkPolicy: boolean;
  sources: readonly string[];
  checked: "read" | "issue";
}

const NODE_LOCAL_DNS = "169.254.20.10/32";
const GKE_METADATA_DNS = "169.254.169.254/32";
/** GKE's Gateway controller, the same on Standard and Autopilot. */
const GKE_GATEWAY = {
  className: "gke-l7-global-external-managed",
  note: "Google-managed proxies (no pods): admit the load balancer's ranges in networkPolicyCidrs",
};

export const CLUSTER_PROFILES: Record<ClusterProfileName, ClusterProfile> = {
  generic: {
    title: "a cluster the program knows nothing about",
    dnsResolvers: [NODE_LOCAL_DNS],
    ingress: { namespace: "ingress-nginx", className: "nginx", note: "the keys' defaults" },
    nodeAddressMatchesIpBlock: true,
    loadBalancer: false,
    metricsApi: "unknown",
    enforcesNetworkPolicy: true,
    sources: ["kubernetes docs concepts/services-networking/network-policies"],
    checked: "read",
  },
  kind: {
    title: "kind",
    dnsResolvers: [],
    ingress: {
      namespace: "ingress-nginx",
      className: "nginx",
      note: "installed by the user (kind docs: user/ingress)",
    },
    // kindnet's kube-network-policies exempts node traffic (kubernetes-sigs/kube-network-policies#65).
    nodeAddressMatchesIpBlock: true,
    loadBalancer: false,
    metricsApi: false,
    enforcesNetworkPolicy: true,
    sources: ["kind.sigs.k8s.io docs/user/ingress, docs/user/loadbalancer (cloud-provider-kind)"],
    checked: "issue",
  },
  minikube: {
    title: "minikube",
    dnsResolvers: [],
    ingress: { namespace: "ingress-nginx", className: "nginx", note: "minikube addons enable ingress" },
    nodeAddressMatchesIpBlock: true,
    loadBalancer: false,
    metricsApi: false,
    // Only with a policy-enforcing CNI: minikube start --cni calico (or cilium).
    enforcesNetworkPolicy: false,
    sources: ["minikube.sigs.k8s.io docs handbook/addons/ingress-dns, handbook/accessing (minikube tunnel)"],
    checked: "issue",
  },
  k3s: {
    title: "k3s",
    dnsResolvers: [],
    ingress: { namespace: "kube-system", className: "traefik", note: "the packaged Traefik" },
    nodeAddressMatchesIpBlock: true,
    loadBalancer: true,
    metricsApi: true,
    enforcesNetworkPolicy: true,
    sources: [
      "docs.k3s.io networking/networking-services (Traefik, ServiceLB, metrics-server, kube-router NetworkPolicy)",
    ],
    checked: "issue",
  },
  "gke-standard": {
    title: "GKE Standard",
    dnsResolvers: [NODE_LOCAL_DNS, GKE_METADATA_DNS],
    gateway: GKE_GATEWAY,
    nodeAddressMatchesIpBlock: true,
    loadBalancer: true,
    metricsApi: true,
    enforcesNetworkPolicy: true,
    sources: [
      "cloud.google.com/kubernetes-engine/docs/how-to/cloud-dns (Cloud DNS default from 1.34.1-gke.3720000, per issue 24)",
      "kubernetes cluster/addons/dns/nodelocaldns/README.md",
    ],
    checked: "issue",
  },
  "gke-autopilot": {
    title: "GKE Autopilot",
    dnsResolvers: [GKE_METADATA_DNS],
    gateway: GKE_GATEWAY,
    nodeAddressMatchesIpBlock: true,
    loadBalancer: true,
    metricsApi: true,
    enforcesNetworkPolicy: true,
    sources: [
      "cloud.google.com/kubernetes-engine/docs/concepts/autopilot-overview (Cloud DNS always, per issue 24)",
    ],
    checked: "issue",
  },
  aks: {
    title: "AKS",
    dnsResolvers: [],
    ingress: {
      namespace: "app-routing-system",
      className: "webapprouting.kubernetes.azure.com",
      note: "the application routing add-on",
    },
    nodeAddressMatchesIpBlock: true,
    loadBalancer: true,
    metricsApi: true,
    enforcesNetworkPolicy: true,
    sources: ["learn.microsoft.com/azure/aks/app-routing (namespace app-routing-system, per issue 24)"],
    checked: "issue",
  },
  eks: {
    title: "an existing EKS cluster",
    dnsResolvers: [],
    ingress: {
      namespace: "kube-system",
      className: "alb",
      note: "AWS Load Balancer Controller: the ALB targets pods from its subnets: admit them in networkPolicyCidrs",
    },
    nodeAddressMatchesIpBlock: true,
    loadBalancer: true,
    metricsApi: false,
    enforcesNetworkPolicy: true,
    sources: [
      "kubernetes-sigs/aws-load-balancer-controller docs/deploy/pod_readiness_gate.md",
      "docs.aws.amazon.com/eks/latest/userguide/metrics-server.html (not installed by default)",
    ],
    checked: "issue",
  },
  cilium: {
    title: "a Cilium cluster",
    dnsResolvers: [],
    ingress: {
      namespace: "ingress-nginx",
      className: "nginx",
      note: "an ingress controller with pods; Cilium's own Ingress/Gateway sends from the reserved ingress identity, which only a CiliumNetworkPolicy can name",
    },
    nodeAddressMatchesIpBlock: false,
    loadBalancer: false,
    metricsApi: false,
    enforcesNetworkPolicy: true,
    sources: ["cilium Documentation/security/policy/language.rst (policy-cidr-match-mode), per issue 24"],
    checked: "issue",
  },
};

export const DEFAULT_CLUSTER_PROFILE: ClusterProfileName = "generic";
