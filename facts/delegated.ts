/**
 * What the program hands to a controller after creating it (issue 27): the fields a controller owns
 * at run time, which `pulumi up` must never reset and a drift check must never report. The one list:
 * the components set their `ignoreChanges` from it ({@link delegatedPaths}) and the drift classifier
 * (tools/drift/) reads the same entries, so the two cannot disagree; tools/drift/drift.test.ts fails
 * when a recorded resource ignores a field this table does not list, or the table lists one no
 * resource ignores.
 *
 * Not listed, on purpose:
 * - listener rules and listener actions: the ECS service deploys with the rolling-update controller
 *   (no `deploymentController`, no `deploymentConfiguration.strategy` BLUE_GREEN), which registers
 *   and deregisters targets in the target group but never edits a listener or a rule ("Amazon ECS
 *   blue/green deployments" change the listener rules' weights; ECS Developer Guide, deployment types,
 *   read 2026-12-07); the EKS ALB's listeners and rules belong to the AWS Load Balancer Controller and
 *   are never in this program's state. drift.test.ts fails if a listener rule or a blue/green service
 *   appears in the recorded graph.
 * - status fields and server-set metadata: outputs, never inputs, so they cause no diff.
 */

export interface DelegatedField {
  /** The resource type token, as in a URN. */
  type: string;
  /** The resource's name ends with this (several resources of a type exist; only one is delegated). */
  nameSuffix?: string;
  /** Property paths as Pulumi writes them in `ignoreChanges` and in a preview's `detailedDiff` keys. */
  paths: readonly string[];
  /** Who owns the fields after creation. */
  owner: string;
  /**
   * Where the program sets `ignoreChanges`: "program" (a resource of this program, recorded by the
   * harness), or the component option that makes a remote component set it on its child.
   */
  setBy: "program" | { component: string; option: string };
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
} as const satisfies Record<string, DelegatedField>;

export type DelegatedName = keyof typeof DELEGATED_FIELDS;

/** The `ignoreChanges` a component passes for `name`: a fresh, mutable copy of the table's paths. */
export function delegatedPaths(name: DelegatedName): string[] {
  return [...DELEGATED_FIELDS[name].paths];
}
