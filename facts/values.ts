/**
 * The enumerations and defaults that config validates against and components act on. Imports nothing:
 * config, platforms, the policy pack and scripts all read these, so each value is written once.
 */

export const PROJECT = "fastify-deploy";
export const PLATFORMS = ["ecs", "eks", "kubernetes"] as const;
export type Platform = (typeof PLATFORMS)[number];
export const IMAGE_PLATFORMS = ["linux/amd64", "linux/arm64"] as const;
export type ImagePlatform = (typeof IMAGE_PLATFORMS)[number];
export const NAT_STRATEGIES = ["none", "single", "onePerAz"] as const;
export type NatStrategy = (typeof NAT_STRATEGIES)[number];
/** What the VPC flow log records (EC2 CreateFlowLogs TrafficType; ACCEPT alone is never useful here). */
export const FLOW_LOG_TRAFFIC = ["ALL", "REJECT"] as const;
export type FlowLogTraffic = (typeof FLOW_LOG_TRAFFIC)[number];
export const SERVICE_TYPES = ["ClusterIP", "NodePort", "LoadBalancer"] as const;
export type ServiceType = (typeof SERVICE_TYPES)[number];
export const WAIT_FOR_ADDRESS = ["auto", "true", "false"] as const;
export type WaitForAddress = (typeof WAIT_FOR_ADDRESS)[number];
export const CAPACITY_TYPES = ["ON_DEMAND", "SPOT"] as const;
export type CapacityType = (typeof CAPACITY_TYPES)[number];
export const BASTION_MODES = ["ssm", "ssh"] as const;
export type BastionMode = (typeof BASTION_MODES)[number];
export const BASTION_ACCESS_POLICIES = ["namespaceAdmin", "clusterAdmin"] as const;
export type BastionAccessPolicy = (typeof BASTION_ACCESS_POLICIES)[number];
export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
/** What the ALB's web ACL does with a match: nothing (no ACL), count only, or block. */
export const WAF_MODES = ["off", "count", "block"] as const;
export type WafMode = (typeof WAF_MODES)[number];

// The defaults of config keys (the namespace, the refresher image, the Kubernetes version) live in
// Pulumi.yaml only: config reads them from there (config/project.ts).
