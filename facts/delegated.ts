import { ECS_MANAGED_RULE_FIELDS } from "./rollout";

/**
 * What the program hands to a controller after creating it (issue 27): the fields a controller owns
 * at run time, which `pulumi up` must never reset and a drift check must never report. The one list:
 * the components set their `ignoreChanges` from it ({@link delegatedPaths}) and the drift classifier
 * (tools/drift/) reads the same entries, so the two cannot disagree; tools/drift/drift.test.ts fails
 * when a recorded resource ignores a field this table does not list, or the table lists one no
 * resource ignores.
 *
 * Not listed, on purpose:
 * - the EKS ALB's listeners and rules: they belong to the AWS Load Balancer Controller and are never in
 *   this program's state. (Under rolloutStrategy `rolling`, ECS deploys with the rolling-update
 *   controller, which registers targets but never edits a listener rule; under canary, linear and
 *   blue/green its native deployments rewrite the production and test rules' weights: ecsListenerRuleWeights.)
 * - the app Service's selector under Argo's native blueGreen (the controller switches it at promotion):
 *   the same Service keeps its selector under every other strategy, so a drift report shows it as real.
 * - status fields and server-set metadata: outputs, never inputs, so they cause no diff.
 */

export interface DelegatedField {
  /** The resource type token, as in a URN. */
  type: string;
  /** The resource's name ends with this (several resources of a type exist; only one is delegated). */
  nameSuffix?: string;
  /**
   * Property paths as Pulumi writes them in `ignoreChanges` and in a preview's `detailedDiff` keys; a `*`
   * stands for a per-stack name inside a key (tools/drift `covers`).
   */
  paths: readonly string[];
  /** Who owns the fields after creation. */
  owner: string;
  /**
   * Where the program sets `ignoreChanges`: "program" (a resource of this program, recorded by the
   * harness), or the component option that makes a remote component set it on its child.
   */
  setBy: "program" | { component: string; option: string };
  /**
   * Set only under this condition (e.g. a rollout strategy): resources of the type that do not meet it
   * ignore nothing, so tools/drift/drift.test.ts does not require every one of them to ignore the paths.
   */
  onlyWhen?: string;
}

export const DELEGATED_FIELDS = {
  ecsDesiredCount: {
    type: "aws:ecs/service:Service",
    paths: ["desiredCount"],
    owner: "ECS Service Auto Scaling (target tracking on CPU)",
    setBy: "program",
  },
  deploymentReplicas: {
    type: "kubernetes:apps/v1:Deployment",
    paths: ["spec.replicas"],
    owner: "the HorizontalPodAutoscaler (autoscaling/v2)",
    setBy: "program",
  },
  pullSecretData: {
    type: "kubernetes:core/v1:Secret",
    nameSuffix: "-image-pull",
    paths: ["data"],
    owner: "the ECR pull-secret refresher CronJob (a fresh ECR token every few hours)",
    setBy: "program",
  },
  nodeGroupDesiredSize: {
    type: "aws:eks/nodeGroup:NodeGroup",
    paths: ["scalingConfig.desiredSize"],
    owner: "the Cluster Autoscaler",
    // pulumi-eks nodejs/eks/nodes/nodegroup.ts sets ignoreChanges ["scalingConfig.desiredSize"] on
    // the aws.eks.NodeGroup when ignoreScalingChanges is true (read 2026-12-07).
    setBy: { component: "eks:index:ManagedNodeGroup", option: "ignoreScalingChanges" },
  },
  ecsListenerRuleWeights: {
    type: "aws:lb/listenerRule:ListenerRule",
    paths: ECS_MANAGED_RULE_FIELDS,
    owner:
      "ECS native canary/linear/blue-green deployments (facts/rollout.ts, platforms/ecs/traffic-shift.ts)",
    setBy: "program",
  },
  rolloutReplicas: {
    type: "kubernetes:argoproj.io/v1alpha1:Rollout",
    paths: ["spec.replicas"],
    owner: "the HorizontalPodAutoscaler, which scales the Argo Rollout when progressive delivery is on",
    setBy: "program",
  },
  httpRouteWeights: {
    type: "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
    paths: ["spec.rules[0].backendRefs[0].weight", "spec.rules[0].backendRefs[1].weight"],
    owner: "Argo Rollouts' Gateway API plugin (the canary's traffic weights)",
    setBy: "program",
  },
  rolloutStableServiceSelector: {
    type: "kubernetes:core/v1:Service",
    nameSuffix: "-stable-service",
    paths: ["spec.selector"],
    owner: "Argo Rollouts, which adds the stable ReplicaSet's rollouts-pod-template-hash to the selector",
    setBy: "program",
  },
  rolloutCanaryServiceSelector: {
    type: "kubernetes:core/v1:Service",
    nameSuffix: "-canary-service",
    paths: ["spec.selector"],
    owner: "Argo Rollouts, which adds the canary ReplicaSet's rollouts-pod-template-hash to the selector",
    setBy: "program",
  },
  ingressAlbActions: {
    type: "kubernetes:networking.k8s.io/v1:Ingress",
    // alb.ingress.kubernetes.io/actions.<stable Service's name>: the name carries the namespace.
    paths: ['metadata.annotations["alb.ingress.kubernetes.io/actions.*"]'],
    owner: "Argo Rollouts' ALB traffic routing (the canary's target-group weights in the forward action)",
    setBy: "program",
    onlyWhen: "rolloutStrategy is not rolling, on eks (the Ingress under Argo Rollouts' ALB routing)",
  },
} as const satisfies Record<string, DelegatedField>;

export type DelegatedName = keyof typeof DELEGATED_FIELDS;

/** The `ignoreChanges` a component passes for `name`: a fresh, mutable copy of the table's paths. */
export function delegatedPaths(name: DelegatedName): string[] {
  return [...DELEGATED_FIELDS[name].paths];
}
