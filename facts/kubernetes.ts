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
