/**
 * The deploy role's identity policy, generated from what the program creates (issue 28: "there is no
 * IAM policy for the deploy role"). Every resource type recorded for the committed stacks on every
 * platform, with the resources awsx/EKS components create inside themselves (scripts/inside-components.ts),
 * maps to the IAM actions the AWS provider calls to create, read, update, tag and delete it; the union is
 * the policy. test/deploy-policy.test.ts fails when a recorded type has no row (a new resource needs its
 * actions here) and while docs/ci.md's block differs from this output.
 *
 * Action names: the AWS Service Authorization Reference lists, per service, one IAM action per API
 * operation with the same name (https://docs.aws.amazon.com/service-authorization/latest/reference/
 * reference_policies_actions-resources-contextkeys.html, read 2026-12-07), so each row names the API
 * operations the resource's create/read/update/delete call (terraform-provider-aws, which pulumi-aws
 * wraps, internal/service/<service>/<resource>.go). Resources are "*": the names carry Pulumi's random
 * suffixes and several services (EC2 creates, ELB, CloudWatch) cannot scope a create by name. After the
 * first real deploy, narrow it further with IAM Access Analyzer's policy generation from CloudTrail.
 *
 *   npx tsx scripts/deploy-policy.ts    rewrites docs/ci.md's generated block
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { type RecordedResource, ROOT, runProgram, stackPlatformCases } from "../tools/harness";
import { insideOf } from "./inside-components";

const TAGS = (svc: string) => [`${svc}:TagResource`, `${svc}:UntagResource`];
const EC2_TAGS = ["ec2:CreateTags", "ec2:DeleteTags", "ec2:DescribeTags"];
const SG_RULES = [
  "ec2:AuthorizeSecurityGroupIngress",
  "ec2:AuthorizeSecurityGroupEgress",
  "ec2:RevokeSecurityGroupIngress",
  "ec2:RevokeSecurityGroupEgress",
  "ec2:DescribeSecurityGroupRules",
  "ec2:ModifySecurityGroupRules",
  "ec2:DescribeSecurityGroups",
  ...EC2_TAGS,
];
const LOGS = [
  "logs:CreateLogGroup",
  "logs:DeleteLogGroup",
  "logs:DescribeLogGroups",
  "logs:PutRetentionPolicy",
  "logs:DeleteRetentionPolicy",
  "logs:ListTagsForResource",
  "logs:TagResource",
  "logs:UntagResource",
  "logs:AssociateKmsKey",
];
const ROLE = [
  "iam:CreateRole",
  "iam:GetRole",
  "iam:DeleteRole",
  "iam:UpdateRole",
  "iam:UpdateAssumeRolePolicy",
  "iam:ListRolePolicies",
  "iam:ListAttachedRolePolicies",
  "iam:ListInstanceProfilesForRole",
  "iam:TagRole",
  "iam:UntagRole",
];

/** The actions per recorded type; `[]` for what calls no AWS API (Kubernetes objects, components, providers). */
export const ACTIONS_BY_TYPE: Readonly<Record<string, readonly string[]>> = {
  "aws:appautoscaling/policy:Policy": [
    "application-autoscaling:PutScalingPolicy",
    "application-autoscaling:DescribeScalingPolicies",
    "application-autoscaling:DeleteScalingPolicy",
    "cloudwatch:PutMetricAlarm",
    "cloudwatch:DeleteAlarms",
    "cloudwatch:DescribeAlarms",
  ],
  "aws:appautoscaling/target:Target": [
    "application-autoscaling:RegisterScalableTarget",
    "application-autoscaling:DescribeScalableTargets",
    "application-autoscaling:DeregisterScalableTarget",
    "application-autoscaling:TagResource",
    "application-autoscaling:UntagResource",
    "application-autoscaling:ListTagsForResource",
    "iam:CreateServiceLinkedRole",
  ],
  "aws:cloudwatch/dashboard:Dashboard": [
    "cloudwatch:PutDashboard",
    "cloudwatch:GetDashboard",
    "cloudwatch:DeleteDashboards",
  ],
  "aws:cloudwatch/eventRule:EventRule": [
    "events:PutRule",
    "events:DescribeRule",
    "events:DeleteRule",
    "events:ListTagsForResource",
    ...TAGS("events"),
  ],
  "aws:cloudwatch/eventTarget:EventTarget": [
    "events:PutTargets",
    "events:ListTargetsByRule",
    "events:RemoveTargets",
  ],
  "aws:cloudwatch/logGroup:LogGroup": LOGS,
  "aws:cloudwatch/metricAlarm:MetricAlarm": [
    "cloudwatch:PutMetricAlarm",
    "cloudwatch:DescribeAlarms",
    "cloudwatch:DeleteAlarms",
    "cloudwatch:ListTagsForResource",
    ...TAGS("cloudwatch"),
  ],
  "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": SG_RULES,
  "aws:ec2/eip:Eip": [
    "ec2:AllocateAddress",
    "ec2:DescribeAddresses",
    "ec2:DescribeAddressesAttribute",
    "ec2:ReleaseAddress",
    "ec2:DisassociateAddress",
    ...EC2_TAGS,
  ],
  "aws:ec2/flowLog:FlowLog": [
    "ec2:CreateFlowLogs",
    "ec2:DescribeFlowLogs",
    "ec2:DeleteFlowLogs",
    "iam:PassRole",
    ...EC2_TAGS,
  ],
  "aws:ec2/instance:Instance": [
    "ec2:RunInstances",
    "ec2:DescribeInstances",
    "ec2:DescribeInstanceAttribute",
    "ec2:DescribeInstanceTypes",
    "ec2:DescribeVolumes",
    "ec2:ModifyInstanceAttribute",
    "ec2:ModifyInstanceMetadataOptions",
    "ec2:StopInstances",
    "ec2:StartInstances",
    "ec2:TerminateInstances",
    "ec2:DescribeInstanceCreditSpecifications",
    "ec2:DescribeImages",
    "ssm:GetParameters",
    "iam:PassRole",
    ...EC2_TAGS,
  ],
  "aws:ec2/internetGateway:InternetGateway": [
    "ec2:CreateInternetGateway",
    "ec2:AttachInternetGateway",
    "ec2:DescribeInternetGateways",
    "ec2:DetachInternetGateway",
    "ec2:DeleteInternetGateway",
    ...EC2_TAGS,
  ],
  "aws:ec2/launchTemplate:LaunchTemplate": [
    "ec2:CreateLaunchTemplate",
    "ec2:CreateLaunchTemplateVersion",
    "ec2:DescribeLaunchTemplates",
    "ec2:DescribeLaunchTemplateVersions",
    "ec2:ModifyLaunchTemplate",
    "ec2:DeleteLaunchTemplate",
    ...EC2_TAGS,
  ],
  "aws:ec2/natGateway:NatGateway": [
    "ec2:CreateNatGateway",
    "ec2:DescribeNatGateways",
    "ec2:DeleteNatGateway",
    ...EC2_TAGS,
  ],
  "aws:ec2/route:Route": [
    "ec2:CreateRoute",
    "ec2:ReplaceRoute",
    "ec2:DeleteRoute",
    "ec2:DescribeRouteTables",
  ],
  "aws:ec2/routeTable:RouteTable": [
    "ec2:CreateRouteTable",
    "ec2:DescribeRouteTables",
    "ec2:DeleteRouteTable",
    ...EC2_TAGS,
  ],
  "aws:ec2/routeTableAssociation:RouteTableAssociation": [
    "ec2:AssociateRouteTable",
    "ec2:DisassociateRouteTable",
    "ec2:ReplaceRouteTableAssociation",
    "ec2:DescribeRouteTables",
  ],
  "aws:ec2/securityGroup:SecurityGroup": [
    "ec2:CreateSecurityGroup",
    "ec2:DeleteSecurityGroup",
    "ec2:DescribeNetworkInterfaces",
    ...SG_RULES,
  ],
  "aws:ec2/securityGroupRule:SecurityGroupRule": SG_RULES,
  "aws:ec2/subnet:Subnet": [
    "ec2:CreateSubnet",
    "ec2:DescribeSubnets",
    "ec2:ModifySubnetAttribute",
    "ec2:DeleteSubnet",
    "ec2:DescribeNetworkInterfaces",
    ...EC2_TAGS,
  ],
  "aws:ec2/vpc:Vpc": [
    "ec2:CreateVpc",
    "ec2:DescribeVpcs",
    "ec2:DescribeVpcAttribute",
    "ec2:ModifyVpcAttribute",
    "ec2:DeleteVpc",
    "ec2:DescribeAvailabilityZones",
    "ec2:DescribeNetworkAcls",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeRouteTables",
    ...EC2_TAGS,
  ],
  "aws:ecr/lifecyclePolicy:LifecyclePolicy": [
    "ecr:PutLifecyclePolicy",
    "ecr:GetLifecyclePolicy",
    "ecr:DeleteLifecyclePolicy",
  ],
  "aws:ecr/repository:Repository": [
    "ecr:CreateRepository",
    "ecr:DescribeRepositories",
    "ecr:DeleteRepository",
    "ecr:PutImageTagMutability",
    "ecr:PutImageScanningConfiguration",
    "ecr:SetRepositoryPolicy",
    "ecr:GetRepositoryPolicy",
    "ecr:DeleteRepositoryPolicy",
    "ecr:ListTagsForResource",
    ...TAGS("ecr"),
  ],
  "aws:ecs/cluster:Cluster": [
    "ecs:CreateCluster",
    "ecs:DescribeClusters",
    "ecs:UpdateCluster",
    "ecs:DeleteCluster",
    "ecs:ListTagsForResource",
    ...TAGS("ecs"),
    "iam:CreateServiceLinkedRole",
  ],
  "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": [
    "ecs:PutClusterCapacityProviders",
    "ecs:DescribeClusters",
  ],
  "aws:ecs/service:Service": [
    "ecs:CreateService",
    "ecs:DescribeServices",
    "ecs:UpdateService",
    "ecs:DeleteService",
    "ecs:ListTagsForResource",
    ...TAGS("ecs"),
    "iam:PassRole",
  ],
  "aws:ecs/taskDefinition:TaskDefinition": [
    "ecs:RegisterTaskDefinition",
    "ecs:DescribeTaskDefinition",
    "ecs:DeregisterTaskDefinition",
    "ecs:DeleteTaskDefinitions",
    "ecs:ListTagsForResource",
    ...TAGS("ecs"),
    "iam:PassRole",
  ],
  "aws:eks/accessEntry:AccessEntry": [
    "eks:CreateAccessEntry",
    "eks:DescribeAccessEntry",
    "eks:UpdateAccessEntry",
    "eks:DeleteAccessEntry",
    ...TAGS("eks"),
  ],
  "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": [
    "eks:AssociateAccessPolicy",
    "eks:ListAssociatedAccessPolicies",
    "eks:DisassociateAccessPolicy",
  ],
  "aws:eks/addon:Addon": [
    "eks:CreateAddon",
    "eks:DescribeAddon",
    "eks:DescribeAddonVersions",
    "eks:UpdateAddon",
    "eks:DeleteAddon",
    ...TAGS("eks"),
    "iam:PassRole",
  ],
  "aws:eks/cluster:Cluster": [
    "eks:CreateCluster",
    "eks:DescribeCluster",
    "eks:UpdateClusterConfig",
    "eks:UpdateClusterVersion",
    "eks:DescribeUpdate",
    "eks:DeleteCluster",
    "eks:ListTagsForResource",
    ...TAGS("eks"),
    "iam:PassRole",
    "iam:CreateServiceLinkedRole",
    "kms:DescribeKey",
    "kms:CreateGrant",
  ],
  // EKS Pod Identity (issue 26): the association passes its role to EKS ("Assign an IAM role to a
  // Kubernetes service account", EKS user guide pod-id-association.html, read 2026-12-07: iam:PassRole).
  "aws:eks/podIdentityAssociation:PodIdentityAssociation": [
    "eks:CreatePodIdentityAssociation",
    "eks:DescribePodIdentityAssociation",
    "eks:UpdatePodIdentityAssociation",
    "eks:DeletePodIdentityAssociation",
    ...TAGS("eks"),
    "iam:PassRole",
    "iam:GetRole",
  ],
  "aws:eks/nodeGroup:NodeGroup": [
    "eks:CreateNodegroup",
    "eks:DescribeNodegroup",
    "eks:UpdateNodegroupConfig",
    "eks:UpdateNodegroupVersion",
    "eks:DescribeUpdate",
    "eks:DeleteNodegroup",
    ...TAGS("eks"),
    "iam:PassRole",
    "iam:CreateServiceLinkedRole",
    "ec2:DescribeLaunchTemplateVersions",
    "ec2:RunInstances",
  ],
  "aws:iam/accessKey:AccessKey": [
    "iam:CreateAccessKey",
    "iam:ListAccessKeys",
    "iam:UpdateAccessKey",
    "iam:DeleteAccessKey",
  ],
  "aws:iam/instanceProfile:InstanceProfile": [
    "iam:CreateInstanceProfile",
    "iam:GetInstanceProfile",
    "iam:AddRoleToInstanceProfile",
    "iam:RemoveRoleFromInstanceProfile",
    "iam:DeleteInstanceProfile",
    "iam:TagInstanceProfile",
    "iam:UntagInstanceProfile",
    "iam:PassRole",
  ],
  "aws:iam/policy:Policy": [
    "iam:CreatePolicy",
    "iam:GetPolicy",
    "iam:GetPolicyVersion",
    "iam:ListPolicyVersions",
    "iam:CreatePolicyVersion",
    "iam:DeletePolicyVersion",
    "iam:DeletePolicy",
    "iam:TagPolicy",
    "iam:UntagPolicy",
  ],
  "aws:iam/role:Role": ROLE,
  "aws:iam/rolePolicy:RolePolicy": ["iam:PutRolePolicy", "iam:GetRolePolicy", "iam:DeleteRolePolicy"],
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": [
    "iam:AttachRolePolicy",
    "iam:ListAttachedRolePolicies",
    "iam:DetachRolePolicy",
  ],
  "aws:iam/user:User": [
    "iam:CreateUser",
    "iam:GetUser",
    "iam:UpdateUser",
    "iam:DeleteUser",
    "iam:ListGroupsForUser",
    "iam:TagUser",
    "iam:UntagUser",
  ],
  "aws:iam/userPolicy:UserPolicy": ["iam:PutUserPolicy", "iam:GetUserPolicy", "iam:DeleteUserPolicy"],
  "aws:kms/key:Key": [
    "kms:CreateKey",
    "kms:DescribeKey",
    "kms:GetKeyPolicy",
    "kms:PutKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:EnableKeyRotation",
    "kms:ListResourceTags",
    "kms:ScheduleKeyDeletion",
    ...TAGS("kms"),
  ],
  "aws:lb/listener:Listener": [
    "elasticloadbalancing:CreateListener",
    "elasticloadbalancing:DescribeListeners",
    "elasticloadbalancing:DescribeListenerAttributes",
    "elasticloadbalancing:ModifyListener",
    "elasticloadbalancing:DeleteListener",
    "elasticloadbalancing:DescribeTags",
    "elasticloadbalancing:AddTags",
    "elasticloadbalancing:RemoveTags",
  ],
  "aws:lb/loadBalancer:LoadBalancer": [
    "elasticloadbalancing:CreateLoadBalancer",
    "elasticloadbalancing:DescribeLoadBalancers",
    "elasticloadbalancing:DescribeLoadBalancerAttributes",
    "elasticloadbalancing:ModifyLoadBalancerAttributes",
    "elasticloadbalancing:SetSecurityGroups",
    "elasticloadbalancing:SetSubnets",
    "elasticloadbalancing:DeleteLoadBalancer",
    "elasticloadbalancing:DescribeTags",
    "elasticloadbalancing:AddTags",
    "elasticloadbalancing:RemoveTags",
    "iam:CreateServiceLinkedRole",
  ],
  "aws:lb/targetGroup:TargetGroup": [
    "elasticloadbalancing:CreateTargetGroup",
    "elasticloadbalancing:DescribeTargetGroups",
    "elasticloadbalancing:DescribeTargetGroupAttributes",
    "elasticloadbalancing:ModifyTargetGroup",
    "elasticloadbalancing:ModifyTargetGroupAttributes",
    "elasticloadbalancing:DeleteTargetGroup",
    "elasticloadbalancing:DescribeTags",
    "elasticloadbalancing:AddTags",
    "elasticloadbalancing:RemoveTags",
  ],
  "aws:route53/healthCheck:HealthCheck": [
    "route53:CreateHealthCheck",
    "route53:GetHealthCheck",
    "route53:UpdateHealthCheck",
    "route53:DeleteHealthCheck",
    "route53:ChangeTagsForResource",
    "route53:ListTagsForResource",
  ],
  "aws:s3/bucket:Bucket": [
    "s3:CreateBucket",
    "s3:ListBucket",
    "s3:DeleteBucket",
    "s3:GetBucketAcl",
    "s3:GetBucketCORS",
    "s3:GetBucketLocation",
    "s3:GetBucketLogging",
    "s3:GetBucketObjectLockConfiguration",
    "s3:GetBucketPolicy",
    "s3:GetBucketRequestPayment",
    "s3:GetBucketTagging",
    "s3:GetBucketVersioning",
    "s3:GetBucketWebsite",
    "s3:GetAccelerateConfiguration",
    "s3:GetLifecycleConfiguration",
    "s3:GetReplicationConfiguration",
    "s3:GetEncryptionConfiguration",
    "s3:PutBucketTagging",
    "s3:DeleteObject",
    "s3:DeleteObjectVersion",
    "s3:ListBucketVersions",
  ],
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": [
    "s3:PutLifecycleConfiguration",
    "s3:GetLifecycleConfiguration",
  ],
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls": [
    "s3:PutBucketOwnershipControls",
    "s3:GetBucketOwnershipControls",
  ],
  "aws:s3/bucketPolicy:BucketPolicy": ["s3:PutBucketPolicy", "s3:GetBucketPolicy", "s3:DeleteBucketPolicy"],
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": [
    "s3:PutBucketPublicAccessBlock",
    "s3:GetBucketPublicAccessBlock",
  ],
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": [
    "s3:PutEncryptionConfiguration",
    "s3:GetEncryptionConfiguration",
  ],
  "aws:s3/bucketVersioning:BucketVersioning": ["s3:PutBucketVersioning", "s3:GetBucketVersioning"],
  "aws:sns/topic:Topic": [
    "sns:CreateTopic",
    "sns:GetTopicAttributes",
    "sns:SetTopicAttributes",
    "sns:DeleteTopic",
    "sns:ListTagsForResource",
    ...TAGS("sns"),
  ],
  "aws:sns/topicPolicy:TopicPolicy": ["sns:SetTopicAttributes", "sns:GetTopicAttributes"],
  "aws:ssm/document:Document": [
    "ssm:CreateDocument",
    "ssm:DescribeDocument",
    "ssm:GetDocument",
    "ssm:DescribeDocumentPermission",
    "ssm:UpdateDocument",
    "ssm:UpdateDocumentDefaultVersion",
    "ssm:DeleteDocument",
    "ssm:AddTagsToResource",
    "ssm:RemoveTagsFromResource",
    "ssm:ListTagsForResource",
  ],
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": SG_RULES,
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": SG_RULES,
  "aws:wafv2/webAcl:WebAcl": [
    "wafv2:CreateWebACL",
    "wafv2:GetWebACL",
    "wafv2:UpdateWebACL",
    "wafv2:DeleteWebACL",
    "wafv2:ListTagsForResource",
    ...TAGS("wafv2"),
  ],
  "aws:wafv2/webAclAssociation:WebAclAssociation": [
    "wafv2:AssociateWebACL",
    "wafv2:GetWebACLForResource",
    "wafv2:DisassociateWebACL",
    "elasticloadbalancing:SetWebACL",
  ],
  // docker build + push to ECR (pulumi-docker logs in with the repository's credentials).
  "docker:index/image:Image": [
    "ecr:GetAuthorizationToken",
    "ecr:BatchCheckLayerAvailability",
    "ecr:InitiateLayerUpload",
    "ecr:UploadLayerPart",
    "ecr:CompleteLayerUpload",
    "ecr:PutImage",
    "ecr:BatchGetImage",
    "ecr:GetDownloadUrlForLayer",
  ],
  // The remote components' own resources are expanded through insideOf(); the component calls nothing itself.
  "awsx:ec2:Vpc": [],
  "eks:index:Cluster": ["eks:DescribeCluster"],
  "eks:index:ManagedNodeGroup": [],
};

/** Types that call no AWS API: Kubernetes objects (through the cluster's API), this project's components, providers. */
const NO_AWS = /^(kubernetes:|fastify-deploy:|pulumi:)/;

/** What every deploy reads whatever it creates (provider configuration and data sources). */
const ALWAYS = [
  "sts:GetCallerIdentity",
  "ec2:DescribeAvailabilityZones",
  "ec2:DescribeRegions",
  "iam:GetRole",
  "ecr:GetAuthorizationToken",
];

/** Every type the program records for the committed stacks on every platform, with what components create inside. */
export async function recordedTypes(): Promise<string[]> {
  const types = new Set<string>();
  const add = (r: Pick<RecordedResource, "type" | "inputs">) => {
    types.add(r.type);
    for (const g of insideOf(r) ?? []) types.add(g.type);
  };
  for (const c of stackPlatformCases()) for (const r of (await runProgram(c.options)).resources) add(r);
  return [...types].sort();
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: { Sid: string; Effect: "Allow"; Action: string[]; Resource: "*" }[];
}

/** The policy for these types: one statement per service, actions sorted. Throws on a type without a row. */
export function deployPolicy(types: readonly string[]): PolicyDocument {
  const missing = types.filter((t) => !NO_AWS.test(t) && ACTIONS_BY_TYPE[t] === undefined);
  if (missing.length > 0)
    throw new Error(`scripts/deploy-policy.ts: no IAM actions for ${missing.join(", ")}`);
  const actions = new Set(ALWAYS);
  for (const t of types) for (const a of ACTIONS_BY_TYPE[t] ?? []) actions.add(a);
  const byService = new Map<string, string[]>();
  for (const a of [...actions].sort()) {
    const service = a.split(":")[0] as string;
    byService.set(service, [...(byService.get(service) ?? []), a]);
  }
  return {
    Version: "2012-10-17",
    Statement: [...byService].map(([service, list]) => ({
      Sid: service.replace(/[^A-Za-z0-9]/g, ""),
      Effect: "Allow",
      Action: list,
      Resource: "*",
    })),
  };
}

export const BLOCK_START =
  "<!-- deploy-policy: generated by npx tsx scripts/deploy-policy.ts from the recorded graphs -->";
export const BLOCK_END = "<!-- /deploy-policy -->";
export const CI_DOC = path.join(ROOT, "docs", "ci.md");

export function block(policy: PolicyDocument): string {
  return [BLOCK_START, "", "```json", JSON.stringify(policy, null, 2), "```", "", BLOCK_END].join("\n");
}

/** docs/ci.md with its block replaced. */
export function withBlock(doc: string, policy: PolicyDocument): string {
  const start = doc.indexOf(BLOCK_START);
  const end = doc.indexOf(BLOCK_END);
  if (start < 0 || end < start) throw new Error(`docs/ci.md: no ${BLOCK_START} … ${BLOCK_END} block`);
  return doc.slice(0, start) + block(policy) + doc.slice(end + BLOCK_END.length);
}

if (require.main === module) {
  recordedTypes().then((types) => {
    fs.writeFileSync(CI_DOC, withBlock(fs.readFileSync(CI_DOC, "utf8"), deployPolicy(types)));
    console.log("docs/ci.md: deploy policy regenerated");
  });
}
