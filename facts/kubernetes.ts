/** Kubernetes facts shared by config (what a stack may choose) and the EKS platform (what it builds). */

/** Kubernetes versions EKS supports (standard or extended support) as of mid-2026. */
export const SUPPORTED_KUBERNETES_VERSIONS = ["1.31", "1.32", "1.33", "1.34", "1.35"] as const;
export type KubernetesVersion = (typeof SUPPORTED_KUBERNETES_VERSIONS)[number];

/**
 * Control-plane log types EKS can ship. Default on: `audit` (who did what through the API: the record a
 * security review needs) and `authenticator` (who authenticated as which IAM principal), both small on a
 * cluster like this one. Off by default: `api` (the API server's own debug log), `controllerManager` and
 * `scheduler`: the most voluminous and of use mainly to AWS support; CloudWatch ingestion is $0.50/GB.
 */
export const CLUSTER_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;
export type ClusterLogType = (typeof CLUSTER_LOG_TYPES)[number];
export const DEFAULT_CLUSTER_LOG_TYPES: readonly ClusterLogType[] = ["audit", "authenticator"];
