import * as pulumi from "@pulumi/pulumi";
import { awsTags } from "../aws";
import { type IrsaClusterArgs, inlinePolicy, irsaRelease } from "./irsa";
import { CLUSTER_AUTOSCALER_CHART } from "./versions";

export interface ClusterAutoscalerArgs extends IrsaClusterArgs {
  clusterName: pulumi.Input<string>;
  region: pulumi.Input<string>;
  partition: pulumi.Input<string>;
  accountId: pulumi.Input<string>;
  /** Image tag; its minor must be the cluster's (EKS_VERSIONS). */
  imageTag: string;
}

export const CLUSTER_AUTOSCALER_SERVICE_ACCOUNT = "cluster-autoscaler";

/**
 * Cluster Autoscaler (AWS provider) so the node group's maxSize means something: it adds nodes when pods
 * are unschedulable and removes underused ones, draining them through the Eviction API (PodDisruptionBudgets
 * hold, so the app's maxUnavailable 1 bounds each scale-in). It finds the node groups by the
 * auto-discovery tags EKS puts on every managed node group's Auto Scaling group
 * (`k8s.io/cluster-autoscaler/enabled`, `k8s.io/cluster-autoscaler/<cluster>`; EKS user guide,
 * managed-node-groups), and its IAM role may resize only this cluster's groups.
 *
 * Chosen over Karpenter: the node groups stay EKS managed node groups (the DESIGN's "managed node groups
 * only"; AMI updates and drains by EKS), and it needs no extra node IAM role, SQS queue or CRDs.
 */
export class ClusterAutoscaler extends pulumi.ComponentResource {
  public readonly roleArn: pulumi.Output<string>;
  public readonly releaseStatus: pulumi.Output<string>;

  constructor(name: string, args: ClusterAutoscalerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("fastify-deploy:platforms:ClusterAutoscaler", name, {}, opts);

    const { role, release } = irsaRelease(
      name,
      {
        ...args,
        description: "Cluster Autoscaler (IRSA)",
        namespace: "kube-system",
        serviceAccountName: CLUSTER_AUTOSCALER_SERVICE_ACCOUNT,
        tags: awsTags(name),
        grant: inlinePolicy(
          name,
          pulumi
            .all([args.partition, args.region, args.accountId, args.clusterName])
            .apply(([partition, region, account, cluster]) =>
              JSON.stringify(clusterAutoscalerPolicy({ partition, region, account, cluster })),
            ),
          this,
        ),
        chart: CLUSTER_AUTOSCALER_CHART,
        values: (serviceAccount) => ({
          // A stable Deployment name for runbooks (`kubectl -n kube-system logs deploy/cluster-autoscaler`).
          fullnameOverride: "cluster-autoscaler",
          cloudProvider: "aws",
          awsRegion: args.region,
          autoDiscovery: { clusterName: args.clusterName },
          image: { tag: args.imageTag },
          rbac: { serviceAccount },
          extraArgs: {
            // One node group per AZ set: keep zones even so topology spread stays satisfiable.
            "balance-similar-node-groups": true,
            expander: "least-waste",
          },
        }),
      },
      this,
    );

    this.roleArn = role.arn;
    this.releaseStatus = release.status.apply((s) => s.status);
    this.registerOutputs({ roleArn: this.roleArn, releaseStatus: this.releaseStatus });
  }
}

/**
 * The Cluster Autoscaler's AWS policy (kubernetes/autoscaler cluster-autoscaler/cloudprovider/aws/README.md,
 * "Minimal IAM permissions"), with the two mutating actions confined to this cluster's managed node groups
 * by the auto-discovery tag EKS sets on their Auto Scaling groups.
 */
export function clusterAutoscalerPolicy(p: {
  partition: string;
  region: string;
  account: string;
  cluster: string;
}): object {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ResizeOnlyThisClustersNodeGroups",
        Effect: "Allow",
        Action: ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
        // Managed node groups' Auto Scaling groups are named eks-<node group>-<id>, and EKS tags each with
        // k8s.io/cluster-autoscaler/<cluster> = owned: the tag condition is what confines this to the
        // node groups of this one cluster (a tag, not a list of names, so a replaced group stays covered).
        Resource: `arn:${p.partition}:autoscaling:${p.region}:${p.account}:autoScalingGroup:*:autoScalingGroupName/eks-*`,
        Condition: { StringEquals: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/${p.cluster}`]: "owned" } },
      },
      {
        Sid: "DescribeNodeGroups",
        Effect: "Allow",
        Action: ["eks:DescribeNodegroup"],
        Resource: `arn:${p.partition}:eks:${p.region}:${p.account}:nodegroup/${p.cluster}/*/*`,
      },
      {
        // Describe* calls take no resource-level permissions.
        Sid: "Describe",
        Effect: "Allow",
        Action: [
          "autoscaling:DescribeAutoScalingGroups",
          "autoscaling:DescribeAutoScalingInstances",
          "autoscaling:DescribeLaunchConfigurations",
          "autoscaling:DescribeScalingActivities",
          "ec2:DescribeImages",
          "ec2:DescribeInstanceTypes",
          "ec2:DescribeLaunchTemplateVersions",
          "ec2:GetInstanceTypesFromInstanceRequirements",
        ],
        Resource: "*",
      },
    ],
  };
}
