// The workload wing's face: the app's Kubernetes objects that eks and kubernetes share (KubernetesApp),
// the ECR pull secret and its refresher, the synthetic client, the restricted pod security. It never
// imports ../aws: it runs on any cluster.

export {
  type RefresherAws,
  refresherServiceAccountName,
  STS_AUDIENCE,
} from "./ecr-pull-secret";
export {
  type GatewayRoute,
  KubernetesApp,
  type KubernetesAppArgs,
  type NetworkPolicySource,
  networkPolicySources,
  POD_READINESS_GATE_LABEL,
  SERVICE_PORT,
} from "./kubernetes-app";
export { type FetchBytes, type PinnedChart, pinnedRelease, verifyPinnedChart } from "./pinned-chart";
export {
  canaryServiceName,
  createAnalysisTemplate,
  type ProgressiveDelivery,
  stableServiceName,
} from "./progressive-delivery";
export {
  type AnalysisMetric,
  type ProgressiveSettings,
  progressiveSettings,
  type TrafficMode,
  webProbeMetric,
} from "./rollout-strategy";
export {
  ARGO_ROLLOUTS_CHART,
  GATEWAY_API_PLUGIN,
  ROLLOUTS_CONTROLLER_REPLICAS,
  ROLLOUTS_CONTROLLER_RESOURCES,
  ROLLOUTS_NAMESPACE,
  ROLLOUTS_SERVICE_ACCOUNT,
  RolloutsController,
} from "./rollouts-controller";
export { SECRET_REFS_ANNOTATION, type SecretEnv, secretEnvNaming } from "./secret-env";
export { SYNTHETIC_CLIENT_LABELS, SyntheticClient, type TargetKind } from "./synthetic-client";
