/**
 * The fastify-deploy policy pack's list: one policy object per invariant of shared/DESIGN.md, each
 * defined in the module of its domain (image.ts, alb.ts, ec2.ts, ecs.ts, eks.ts, kubernetes.ts,
 * kubernetes-availability.ts, observability.ts, tracing.ts; see policy/README.md) and re-exported here under its
 * name. `index.ts` wraps the list in a PolicyPack; tests call the policies directly (policy/testing.ts),
 * never through a PolicyPack.
 *
 * What a policy sees: the resource's inputs (`validateResource`) or every resource's outputs
 * (`validateStack`) as plain JSON. Secret values arrive already unwrapped (@pulumi/policy deserializes
 * Analyze requests without its secret wrappers), so no policy can tell whether a value is secret: the
 * secrecy of the kubeconfig is enforced by config/ and by policy/policies.test.ts on the harness's
 * recorded secret inputs (see policy/README.md). Remote components (awsx, eks) are checked on the
 * inputs given to them, since their children do not exist until the engine expands them.
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import * as alb from "./alb";
import * as ec2 from "./ec2";
import * as ecs from "./ecs";
import * as eks from "./eks";
import * as helm from "./helm";
import * as iam from "./iam";
import * as image from "./image";
import * as kubernetes from "./kubernetes";
import * as availability from "./kubernetes-availability";
import * as observability from "./observability";
import * as protection from "./protection";
import * as rollout from "./rollout";
import * as s3 from "./s3";
import * as secrets from "./secrets";
import * as tracing from "./tracing";
import * as vpc from "./vpc";

export {
  albAccessLogsWhenProdGrade,
  albDeletionProtectionWhenProdGrade,
  albHardened,
  albHttpRedirectsWhenHttps,
  albHttpsWhenProdGrade,
  albIngressHardened,
  albListenerTls,
  albWebAclWhenProdGrade,
} from "./alb";
export {
  awsxVpcExplicit,
  ec2InstanceHardened,
  instancePublicIpOnlyForSsh,
  internetIngressLoadBalancerOnly,
  internetIngressWebOnly,
  launchTemplateHardened,
  noSshFromInternet,
} from "./ec2";
export {
  ecsContainerHardened,
  ecsListenerRuleIgnoresWeights,
  ecsServiceCapacityStrategy,
  ecsServiceRollout,
  ecsStopTimeoutCoversShutdown,
  ecsTaskRolesSeparate,
} from "./ecs";
export {
  eksClusterHardened,
  eksManagedNodeGroupsOnly,
  eksNodeGroupPerZone,
  eksNodeGroupPlacement,
  eksNodeGroupPodCapacity,
  eksPodIdentityOnly,
  kmsKeyRotation,
} from "./eks";
export { helmReleasePinned } from "./helm";
export { iamNoWildcardMutations } from "./iam";
export {
  dockerImageCheckoutIndependent,
  ecrLifecycleKeepsPulledImages,
  ecrRepositoryHardened,
  ecrRepositoryLifecycle,
  imageDigestPinned,
} from "./image";
export {
  kubernetesProviderExplicit,
  lbcKeepsWebhookCertificate,
  namespaceRestricted,
  networkPolicyNamedSources,
  podSecurityRestricted,
  workloadProbesAndResources,
} from "./kubernetes";
export {
  albIpTargetsReadinessGates,
  deploymentRolloutSafe,
  hpaBounds,
  hpaHasMetricsApi,
  pdbAllowsDrain,
  pdbUnhealthyPodsEvictable,
  topologySpreadPerRevision,
  zoneSpreadMatchesReplicas,
} from "./kubernetes-availability";
export { alarmNotifies, ecsDeploymentAlarmsRollback } from "./observability";
export { statefulResourcesProtected } from "./protection";
export { rolloutAnalysedAndSafe } from "./rollout";
export { s3BucketHardened } from "./s3";
export { noPlainSecretEnv, secretReadsNamed } from "./secrets";
export { tracingExporterPermitted } from "./tracing";
export { vpcDefaultSecurityGroupClosed, vpcFlowLogsEnabled } from "./vpc";

/** Every policy of the pack, in the order `pulumi preview` reports them. */
export const policies: Array<ResourceValidationPolicy | StackValidationPolicy> = [
  image.ecrRepositoryHardened,
  image.ecrRepositoryLifecycle,
  image.ecrLifecycleKeepsPulledImages,
  image.dockerImageCheckoutIndependent,
  image.imageDigestPinned,
  alb.albHardened,
  alb.albListenerTls,
  alb.albHttpRedirectsWhenHttps,
  alb.albIngressHardened,
  alb.albAccessLogsWhenProdGrade,
  alb.albDeletionProtectionWhenProdGrade,
  alb.albWebAclWhenProdGrade,
  alb.albHttpsWhenProdGrade,
  ec2.noSshFromInternet,
  ec2.internetIngressWebOnly,
  ec2.internetIngressLoadBalancerOnly,
  ecs.ecsServiceRollout,
  ecs.ecsServiceCapacityStrategy,
  ecs.ecsContainerHardened,
  ecs.ecsStopTimeoutCoversShutdown,
  ecs.ecsTaskRolesSeparate,
  ecs.ecsListenerRuleIgnoresWeights,
  ec2.awsxVpcExplicit,
  vpc.vpcFlowLogsEnabled,
  vpc.vpcDefaultSecurityGroupClosed,
  iam.iamNoWildcardMutations,
  s3.s3BucketHardened,
  eks.eksClusterHardened,
  eks.eksManagedNodeGroupsOnly,
  eks.eksNodeGroupPlacement,
  eks.eksNodeGroupPodCapacity,
  eks.eksNodeGroupPerZone,
  eks.eksPodIdentityOnly,
  ec2.launchTemplateHardened,
  eks.kmsKeyRotation,
  helm.helmReleasePinned,
  ec2.ec2InstanceHardened,
  ec2.instancePublicIpOnlyForSsh,
  kubernetes.namespaceRestricted,
  kubernetes.podSecurityRestricted,
  kubernetes.workloadProbesAndResources,
  availability.deploymentRolloutSafe,
  availability.hpaBounds,
  availability.hpaHasMetricsApi,
  availability.pdbAllowsDrain,
  availability.pdbUnhealthyPodsEvictable,
  availability.topologySpreadPerRevision,
  availability.zoneSpreadMatchesReplicas,
  availability.albIpTargetsReadinessGates,
  rollout.rolloutAnalysedAndSafe,
  kubernetes.lbcKeepsWebhookCertificate,
  kubernetes.kubernetesProviderExplicit,
  kubernetes.networkPolicyNamedSources,
  observability.alarmNotifies,
  observability.ecsDeploymentAlarmsRollback,
  tracing.tracingExporterPermitted,
  protection.statefulResourcesProtected,
  secrets.secretReadsNamed,
  secrets.noPlainSecretEnv,
];
