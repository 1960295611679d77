import * as pulumi from "@pulumi/pulumi";
import { awsTags } from "../aws";
import { inlinePolicy, type PodIdentityClusterArgs, podIdentityRelease } from "./pod-identity";
import { CLUSTER_AUTOSCALER_CHART } from "./versions";

export interface ClusterAutoscalerArgs extends PodIdentityClusterArgs {
  clusterName: pulumi.Input<string>;
  region: pulumi.Input<string>;
  partition: pulumi.Input<string>;
  accountId: pulumi.Input<string>;
  /** Image tag; its minor must be the cluster's (EKS_VERSIONS). */
  imageTag: string;
}

export const CLUSTER_AUTOSCALER_SERVICE_ACCOUNT = "cluster-autoscaler";

/**
 * Cluster Autoscaler (AWS provider) so the node groups' maxSize means something: it adds nodes when pods
 * are unschedulable and removes underused ones, draining them through the Eviction API (PodDisruptionBudgets
 * hold, so the app's maxUnavailable 1 bounds each scale-in). It finds the node groups by the
 * auto-discovery tags EKS puts on every managed node group's Auto Scaling group
 * (`k8s.io/cluster-autoscaler/enabled`, `k8s.io/cluster-autoscaler/<cluster>`; EKS user guide,
 * managed-node-groups), and its IAM role may resize only this cluster's groups.
 *
 * The EKS platform gives it one managed node group per availability zone (eks-platform.ts
 * createNodeGroups says why), and `balance-similar-node-groups` keeps those groups at the same size, so
 * every zone holds its share of the app's hard zone spread.
 *
 * Its AWS identity is EKS Pod Identity: the autoscaler's own copy of aws-sdk-go reads the Pod Identity
 * agent's credentials since the update to aws-sdk-go 1.48.7 ("support for dynamic auth token from file
 * and EKS container host", kubernetes/autoscaler#6379 and its backports, merged 2023-12-18, read
 * 2026-12-07); the image here is v1.3x (EKS_VERSIONS), well past it.
 *
 * Chosen over Karpenter: the node groups stay EKS managed node groups (the DESIGN's "managed node groups
 * only"; AMI updates and drains by EKS), and it needs no extra node IAM role, SQS queue or CRDs
 * (docs/eks.md compares Karpenter and EKS Auto Mode, with their costs).
 */
export class ClusterAutoscaler extends pulumi.ComponentResource {
  public readonly roleArn: pulumi.Output<string>;
  public readonly releaseStatus: pulumi.Output<string>;

  constructor(name: string, args: ClusterAutoscalerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("fastify-deploy:platforms:ClusterAutoscaler", name, {}, opts);

    const { role, release } = podIdentityRelease(
      name,
      {
        ...args,
        description: "Cluster Autoscaler (EKS Pod Identity)",
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
            // One node group per zone (eks-platform.ts): keep the zones' groups the same size, so a hard
            // zone spread stays satisfiable (kubernetes/autoscaler cluster-autoscaler/FAQ.md, "I'm running
            // cluster with nodes in multiple zones for HA purposes. Is that supported by Cluster
            // Autoscaler?", and the AWS README's "Common Notes and Gotchas"; read 2026-12-07).
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
