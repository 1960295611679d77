// The aws wing's face: what the ecs and eks platforms both build (network, ALB, edge, observability,
// account lookup, tags). It never imports a platform folder.
export { type AwsAccount, lookupAwsAccount } from "./account";
export { scanFindingsAlert } from "./alarms";
export {
  type AlbIngressSettings,
  admitAllowedCidrs,
  albIngressAnnotations,
  albListeners,
  albUrl,
  appTargetGroupArgs,
  createLoadBalancer,
  type TargetHealthCheck,
} from "./alb";
export { createAlias, createEdge, type Edge } from "./edge";
export {
  type AlbMetricDimensions,
  type AlbMonitoring,
  type CloudWatchAnalysisMetric,
  canaryAnalysisMetrics,
  completeMonitoring,
  controllerAlbDimensions,
  createAlbMonitoring,
  createTargetGroupAlarms,
  type ShiftedTargetGroup,
  type StackMonitoring,
} from "./monitoring";
export { createNetwork, publicSubnetCidrs } from "./network";
export { ecsSubnetMasks, eksSubnetMasks, type SubnetMask } from "./subnet-layout";
export { awsTags } from "./tags";
export {
  attachXrayExportPolicy,
  COLLECTOR_CONTAINER_NAME,
  ecsCollectorContainer,
  xrayExportPolicyDocument,
} from "./tracing";
