import * as pulumi from "@pulumi/pulumi";

/**
 * The tagging rule of both AWS platforms: every taggable AWS resource carries `project`, `stack` and
 * `component` (the name of the fastify-deploy component that created it, e.g. `app`, `app-bastion`),
 * so a bill or an inventory can be cut by stack and by part without reading Pulumi state. The image's
 * ECR repositories (AppImage, `component` "app") follow the same rule on every platform.
 *
 * Explicit `tags` on every resource, not the AWS provider's `defaultTags` nor a stack transform:
 * - defaultTags are merged by the provider into `tagsAll` at plan time, so the recorded inputs (what
 *   tests and the policy pack see, and what a preview shows) would not carry them; they would also
 *   need an explicit provider on every resource or per-stack `aws:defaultTags` config outside code;
 * - a transform cannot tell a taggable type from another without a hand list, and is invisible where
 *   the resource is written.
 * The awsx and eks components take `tags` and pass them to what they create: awsx's Vpc puts
 * `{ Name, ...tags }` on the VPC, internet gateway, subnets and route tables and `tags` on EIPs and NAT
 * gateways (pulumi-awsx awsx/ec2/vpc.ts, `sharedTags`); eks's Cluster on its IAM role, security groups,
 * add-ons and the aws.eks.Cluster (pulumi-eks nodejs/eks/cluster/cluster.ts, `args.tags`), but NOT on
 * the OIDC provider it creates; ManagedNodeGroup passes its args, tags included, to aws.eks.NodeGroup
 * (nodejs/eks/nodes/nodegroup.ts). The ALB on EKS is the load balancer controller's: it gets these
 * tags through the Ingress's `alb.ingress.kubernetes.io/tags` annotation.
 */
export const TAG_KEYS = ["project", "stack", "component"] as const;

export type ResourceTags = Record<(typeof TAG_KEYS)[number], string>;

/** The tags of every taggable AWS resource that `component` (a component's name) creates. */
export function awsTags(component: string): ResourceTags {
  return { project: pulumi.getProject(), stack: pulumi.getStack(), component };
}
