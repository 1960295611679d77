/** Kubernetes facts shared by config (what a stack may choose) and the EKS platform (what it builds). */

// Which Kubernetes versions EKS runs, and until when, is a question of the day: facts/eks-versions.ts
// holds the dated table (it replaced a constant list here that kept accepting 1.31 after EKS stopped).

/**
 * Control-plane log types EKS can ship. Default on: `audit` (who did what through the API: the record a
 * security review needs) and `authenticator` (who authenticated as which IAM principal), both small on a
 * cluster like this one. Off by default: `api` (the API server's own debug log), `controllerManager` and
 * `scheduler`: the most voluminous and of use mainly to AWS support; CloudWatch ingestion is $0.50/GB.
 */
export const CLUSTER_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;
export type ClusterLogType = (typeof CLUSTER_LOG_TYPES)[number];
export const DEFAULT_CLUSTER_LOG_TYPES: readonly ClusterLogType[] = ["audit", "authenticator"];

/**
 * Where a pod's DNS queries go besides the cluster DNS pods (`k8s-app: kube-dns` in kube-system), as
 * /32 peers a NetworkPolicy egress rule must name, since no pod selector matches them:
 * - 169.254.20.10, NodeLocal DNSCache's default link-local listen address; its pods run with
 *   `hostNetwork: true`, so a namespace/pod selector for DNS "might not be enough" (kubernetes/kubernetes
 *   cluster/addons/dns/nodelocaldns/README.md, "Network policy and DNS connectivity", read 2026-12-07).
 *   Used by GKE's NodeLocal DNSCache add-on and by clusters that install it themselves (kubespray, EKS
 *   guides).
 * - 169.254.169.254, the GKE metadata server, which answers DNS for pods where Cloud DNS for GKE is the
 *   cluster DNS (Autopilot always; Standard from 1.34.1-gke.3720000 by default), as issue 24 reports from
 *   tektoncd/operator#4000 (cited there; not re-read here: no stored copy, 2026-12-07).
 * Port 53 only, so naming them opens nothing but DNS.
 */
export const LINK_LOCAL_DNS_RESOLVERS = [
  { cidr: "169.254.20.10/32", what: "NodeLocal DNSCache (default listen address)" },
  { cidr: "169.254.169.254/32", what: "GKE metadata server (Cloud DNS for GKE)" },
] as const;

/** The labels of the cluster DNS pods (CoreDNS and kube-dns deployments both carry it) in kube-system. */
export const CLUSTER_DNS_POD_LABELS = { "k8s-app": "kube-dns" } as const;

/**
 * A CronJob's name is at most 52 characters: the controller appends an 11-character suffix to name its
 * Jobs, which must fit a 63-character label value (kubernetes pkg/apis/batch/validation/validation.go,
 * ValidateCronJobCreate; docs concepts/workloads/controllers/cron-jobs "CronJob name"; read 2026-12-07).
 */
export const MAX_CRONJOB_NAME_LENGTH = 52;

/**
 * The suffixes the program appends to the namespace name to name its CronJobs (`<namespace><suffix>`):
 * the synthetic client's and the ECR refresher's (platforms/workload). The longest decides how long a
 * namespace config accepts.
 */
export const CRONJOB_NAME_SUFFIXES = ["-synthetic-client", "-ecr-refresher"] as const;

/** The longest namespace name whose derived CronJob names all fit {@link MAX_CRONJOB_NAME_LENGTH}: 35. */
export const MAX_NAMESPACE_LENGTH =
  MAX_CRONJOB_NAME_LENGTH - Math.max(...CRONJOB_NAME_SUFFIXES.map((suffix) => suffix.length));

/**
 * The registry host an image reference pulls from, as the container runtimes resolve it: the first
 * path component when it holds a "." or ":" or is "localhost", else Docker Hub, "docker.io"
 * (distribution/reference normalize.go splitDockerDomain, which containerd and CRI-O share; read
 * 2026-12-07). So "node:24" and "library/node" pull from Docker Hub too.
 */
export function imageRegistryHost(image: string): string {
  const slash = image.indexOf("/");
  const first = slash === -1 ? "" : image.slice(0, slash);
  if (first === "" || !(first.includes(".") || first.includes(":") || first === "localhost"))
    return "docker.io";
  return first === "index.docker.io" || first === "registry-1.docker.io" ? "docker.io" : first;
}

/**
 * Docker Hub limits unauthenticated pulls to 10 per hour per IPv4 address or IPv6 /64 (docker/docs
 * content/manuals/docker-hub/usage/_index.md as of docker/docs#22134, 2025; read 2026-12-07), and every
 * node behind one NAT gateway shares an address: an in-cluster Job whose image comes from there fails
 * with ErrImagePull on a busy cluster. Images the program runs in a cluster come from elsewhere.
 */
export const RATE_LIMITED_REGISTRIES = ["docker.io"] as const;

/**
 * The DNS domain of Services most clusters use (kubelet's `clusterDomain`; kubeadm's default
 * `networking.dnsDomain`), and the one EKS, GKE, AKS, k3s, kind and minikube set. A cluster may use
 * another: the `clusterDomain` key says so (kubernetes docs concepts/services-networking/dns-pod-service,
 * "<service>.<namespace>.svc.<cluster-domain>", read 2026-12-07).
 */
export const DEFAULT_CLUSTER_DOMAIN = "cluster.local";

/**
 * The EKS Pod Identity agent, where a pod under EKS Pod Identity gets its credentials: the link-local
 * 169.254.170.23 (IPv6 [fd00:ec2::23]) on every node ("Set up the Amazon EKS Pod Identity Agent",
 * https://docs.aws.amazon.com/eks/latest/userguide/pod-id-agent-setup.html, read 2026-12-07), over plain
 * HTTP: the webhook sets AWS_CONTAINER_CREDENTIALS_FULL_URI=http://169.254.170.23/v1/credentials. A
 * NetworkPolicy that denies egress by default must admit it, or every AWS call fails on credentials.
 */
export const EKS_POD_IDENTITY_AGENT = { cidr: "169.254.170.23/32", port: 80 } as const;
