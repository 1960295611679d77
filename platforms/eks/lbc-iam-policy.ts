/**
 * The AWS Load Balancer Controller's IAM policy, as the controller project publishes it
 * (kubernetes-sigs/aws-load-balancer-controller `docs/install/iam_policy.json` at tag v3.5.0, commit
 * 11eb202c97e4ae2ee45e0658c4cde9a4b59f33d4; unchanged on main as of 2026-08-17). It is the
 * least-privilege policy for the controller: deleting and modifying load balancers, target groups and
 * security groups is conditioned on the `elbv2.k8s.aws/cluster` tag the controller puts on what it
 * creates. Keep it in step with {@link AWS_LOAD_BALANCER_CONTROLLER_CHART_VERSION}: upgrading the chart
 * means copying that release's iam_policy.json here.
 */
export const AWS_LOAD_BALANCER_CONTROLLER_POLICY_SOURCE =
  "https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/v3.5.0/docs/install/iam_policy.json";

export const AWS_LOAD_BALANCER_CONTROLLER_IAM_POLICY = {
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Action: ["iam:CreateServiceLinkedRole"],
      Resource: "*",
      Condition: {
        StringEquals: {
          "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com",
        },
      },
    },
    {
      Effect: "Allow",
      Action: [
        "ec2:DescribeAccountAttributes",
        "ec2:DescribeAddresses",
        "ec2:DescribeAvailabilityZones",
        "ec2:DescribeInternetGateways",
        "ec2:DescribeVpcs",
        "ec2:DescribeVpcPeeringConnections",
        "ec2:DescribeSubnets",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeInstances",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeTags",
        "ec2:GetCoipPoolUsage",
        "ec2:DescribeCoipPools",
        "ec2:GetSecurityGroupsForVpc",
        "ec2:DescribeIpamPools",
        "ec2:DescribeRouteTables",
        "elasticloadbalancing:DescribeLoadBalancers",
        "elasticloadbalancing:DescribeLoadBalancerAttributes",
        "elasticloadbalancing:DescribeListeners",
        "elasticloadbalancing:DescribeListenerCertificates",
        "elasticloadbalancing:DescribeSSLPolicies",
        "elasticloadbalancing:DescribeRules",
        "elasticloadbalancing:DescribeTargetGroups",
        "elasticloadbalancing:DescribeTargetGroupAttributes",
        "elasticloadbalancing:DescribeTargetHealth",
        "elasticloadbalancing:DescribeTags",
        "elasticloadbalancing:DescribeTrustStores",
        "elasticloadbalancing:DescribeListenerAttributes",
        "elasticloadbalancing:DescribeCapacityReservation",
      ],
      Resource: "*",
    },
    {
      Effect: "Allow",
      Action: [
        "cognito-idp:DescribeUserPoolClient",
        "acm:ListCertificates",
        "acm:DescribeCertificate",
        "iam:ListServerCertificates",
        "iam:GetServerCertificate",
        "waf-regional:GetWebACL",
        "waf-regional:GetWebACLForResource",
        "waf-regional:AssociateWebACL",
        "waf-regional:DisassociateWebACL",
        "wafv2:GetWebACL",
        "wafv2:GetWebACLForResource",
        "wafv2:AssociateWebACL",
        "wafv2:DisassociateWebACL",
        "shield:GetSubscriptionState",
        "shield:DescribeProtection",
        "shield:CreateProtection",
        "shield:DeleteProtection",
      ],
      Resource: "*",
    },
    {
      Effect: "Allow",
      Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"],
      Resource: "*",
    },
    {
      Effect: "Allow",
      Action: ["ec2:CreateSecurityGroup"],
      Resource: "*",
    },
    {
      Effect: "Allow",
      Action: ["ec2:CreateTags"],
      Resource: "arn:aws:ec2:*:*:security-group/*",
      Condition: {
        StringEquals: {
          "ec2:CreateAction": "CreateSecurityGroup",
        },
        Null: {
          "aws:RequestTag/elbv2.k8s.aws/cluster": "false",
        },
      },
    },
    {
      Effect: "Allow",
      Action: ["ec2:CreateTags", "ec2:DeleteTags"],
      Resource: "arn:aws:ec2:*:*:security-group/*",
      Condition: {
        Null: {
          "aws:RequestTag/elbv2.k8s.aws/cluster": "true",
          "aws:ResourceTag/elbv2.k8s.aws/cluster": "false",
        },
      },
    },
    {
      Effect: "Allow",
      Action: [
        "ec2:AuthorizeSecurityGroupIngress",
        "ec2:RevokeSecurityGroupIngress",
        "ec2:DeleteSecurityGroup",
      ],
      Resource: "*",
      Condition: {
        Null: {
          "aws:ResourceTag/elbv2.k8s.aws/cluster": "false",
        },
      },
    },
    {
      Effect: "Allow",
      Action: ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"],
      Resource: "*",
      Condition: {
        Null: {
          "aws:RequestTag/elbv2.k8s.aws/cluster": "false",
        },
      },
    },
    {
      Effect: "Allow",
      Action: [
        "elasticloadbalancing:CreateListener",
        "elasticloadbalancing:DeleteListener",
        "elasticloadbalancing:CreateRule",
        "elasticloadbalancing:DeleteRule",
      ],
      Resource: "*",
    },
    {
      Effect: "Allow",
      Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
      Resource: [
        "arn:aws:elasticloadbalancing:*:*:targetgroup/*/*",
        "arn:aws:elasticloadbalancing:*:*:loadbalancer/net/*/*",
        "arn:aws:elasticloadbalancing:*:*:loadbalancer/app/*/*",
      ],
      Condition: {
        Null: {
          "aws:RequestTag/elbv2.k8s.aws/cluster": "true",
          "aws:ResourceTag/elbv2.k8s.aws/cluster": "false",
        },
      },
    },
    {
      Effect: "Allow",
      Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
      Resource: [
        "arn:aws:elasticloadbalancing:*:*:listener/net/*/*/*",
        "arn:aws:elasticloadbalancing:*:*:listener/app/*/*/*",
        "arn:aws:elasticloadbalancing:*:*:listener-rule/net/*/*/*",
        "arn:aws:elasticloadbalancing:*:*:listener-rule/app/*/*/*",
      ],
    },
    {
      Effect: "Allow",
      Action: [
        "elasticloadbalancing:ModifyLoadBalancerAttributes",
        "elasticloadbalancing:SetIpAddressType",
        "elasticloadbalancing:SetSecurityGroups",
        "elasticloadbalancing:SetSubnets",
        "elasticloadbalancing:DeleteLoadBalancer",
        "elasticloadbalancing:ModifyTargetGroup",
        "elasticloadbalancing:ModifyTargetGroupAttributes",
        "elasticloadbalancing:DeleteTargetGroup",
        "elasticloadbalancing:ModifyListenerAttributes",
        "elasticloadbalancing:ModifyCapacityReservation",
        "elasticloadbalancing:ModifyIpPools",
      ],
      Resource: "*",
      Condition: {
        Null: {
          "aws:ResourceTag/elbv2.k8s.aws/cluster": "false",
        },
      },
    },
    {
      Effect: "Allow",
      Action: ["elasticloadbalancing:AddTags"],
      Resource: [
        "arn:aws:elasticloadbalancing:*:*:targetgroup/*/*",
        "arn:aws:elasticloadbalancing:*:*:loadbalancer/net/*/*",
        "arn:aws:elasticloadbalancing:*:*:loadbalancer/app/*/*",
      ],
      Condition: {
        StringEquals: {
          "elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer"],
        },
        Null: {
          "aws:RequestTag/elbv2.k8s.aws/cluster": "false",
        },
      },
    },
    {
      Effect: "Allow",
      Action: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
      Resource: "arn:aws:elasticloadbalancing:*:*:targetgroup/*/*",
    },
    {
      Effect: "Allow",
      Action: [
        "elasticloadbalancing:SetWebAcl",
        "elasticloadbalancing:ModifyListener",
        "elasticloadbalancing:AddListenerCertificates",
        "elasticloadbalancing:RemoveListenerCertificates",
        "elasticloadbalancing:ModifyRule",
        "elasticloadbalancing:SetRulePriorities",
      ],
      Resource: "*",
    },
  ],
};

interface PolicyStatement {
  Sid?: string;
  Effect: string;
  Action: string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** Where this controller runs: its partition, account, region, VPC and cluster. */
export interface LbcPolicyScope {
  partition: string;
  accountId: string;
  region: string;
  /** `arn:<partition>:ec2:<region>:<account>:vpc/<id>` */
  vpcArn: string;
  /** The value the controller writes in the `elbv2.k8s.aws/cluster` tag of what it creates. */
  clusterName: string;
}

const CLUSTER_TAG = "elbv2.k8s.aws/cluster";

/**
 * What stays on `*` (or on every ARN of a type) after scoping, each with the AWS reason, from the
 * Service Authorization Reference (read 2026-12-07): Describe and Get calls are List/Read actions
 * without resource-level permissions; the rest below.
 */
export const LBC_UNSCOPED_MUTATIONS: Record<string, string> = {
  "ec2:CreateSecurityGroup":
    "scoped to this VPC and account (vpc + security-group resources); the new group has no tag to match until it exists (list_amazonec2.html)",
  "waf-regional:AssociateWebACL":
    "WAF Classic: the controller checks and associates ACLs through it while the chart's enableWaf is on; scoped to this account and region's load balancers is not expressible for WAF Classic's resource types (list_awswafregional.html)",
  "waf-regional:DisassociateWebACL": "as waf-regional:AssociateWebACL",
  "shield:CreateProtection":
    "Shield protections are account-wide resources created by id (arn:…:shield::<account>:protection/<id>), unknown before creation; used only with the shield-advanced-protection annotation, which this program never sets (list_awsshield.html)",
  "shield:DeleteProtection": "as shield:CreateProtection",
};

/**
 * The published policy made fit for this stack (issue 32 item 3, kubernetes-sigs/aws-load-balancer-controller#1647):
 * - every ARN in this stack's partition, account and region (the published text says `arn:aws:…:*:*:`);
 * - ownership checks match THIS cluster: the published `Null: {aws:ResourceTag/elbv2.k8s.aws/cluster:
 *   "false"}` (any cluster's tag) becomes `StringEquals: {…: <clusterName>}`, the value the controller
 *   writes; the same for `aws:RequestTag` on create;
 * - the statements the published policy leaves without a condition are scoped as far as the Service
 *   Authorization Reference allows (list_elasticloadbalancingv2.html, read 2026-12-07):
 *   CreateListener and SetWebAcl act on a load balancer, RegisterTargets/DeregisterTargets on a target
 *   group — both carry the cluster tag, so `aws:ResourceTag` = this cluster; listener and rule actions
 *   (DeleteListener, ModifyListener, listener certificates, CreateRule, DeleteRule, ModifyRule,
 *   SetRulePriorities) act on listener/listener-rule ARNs, which the controller does not reliably tag
 *   with the cluster, so they are confined to controller-named load balancers (`k8s-*`, the
 *   controller's generated names; this program sets no load-balancer-name annotation) in this account
 *   and region; wafv2 association to this region's regional web ACLs and load balancers;
 *   CreateSecurityGroup to this VPC;
 * - the one statement that lets the controller add and remove ingress rules on ANY security group
 *   (it must edit the node/cluster groups to admit the ALB, and those carry no `elbv2.k8s.aws/cluster`
 *   tag) is confined to security groups in this cluster's VPC with the `ec2:Vpc` condition key, as the
 *   VPC user guide's "Manage security group rules" policy example does
 *   (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-policy-examples.html).
 * What cannot be scoped: {@link LBC_UNSCOPED_MUTATIONS}.
 */
export function awsLoadBalancerControllerIamPolicy(scope: LbcPolicyScope): object {
  const { partition, accountId, region, vpcArn, clusterName } = scope;
  const here = (arn: string): string =>
    arn.replace(/^arn:aws:(elasticloadbalancing|ec2):\*:\*:/, `arn:${partition}:$1:${region}:${accountId}:`);
  const elb = (resource: string) =>
    `arn:${partition}:elasticloadbalancing:${region}:${accountId}:${resource}`;
  const controllerListeners = [elb("listener/app/k8s-*/*/*"), elb("listener/net/k8s-*/*/*")];
  const controllerRules = [elb("listener-rule/app/k8s-*/*/*/*"), elb("listener-rule/net/k8s-*/*/*/*")];
  const loadBalancers = [elb("loadbalancer/app/*/*"), elb("loadbalancer/net/*/*")];
  const thisCluster = { StringEquals: { [`aws:ResourceTag/${CLUSTER_TAG}`]: clusterName } };
  const statements = AWS_LOAD_BALANCER_CONTROLLER_IAM_POLICY.Statement as PolicyStatement[];
  const scoped = statements.flatMap((statement): PolicyStatement[] => {
    const resource = Array.isArray(statement.Resource)
      ? statement.Resource.map(here)
      : here(statement.Resource);
    const actions = statement.Action;
    if (actions.includes("iam:CreateServiceLinkedRole")) {
      return [
        {
          ...statement,
          Resource: `arn:${partition}:iam::${accountId}:role/aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing`,
        },
      ];
    }
    if (statement.Condition !== undefined) {
      return [
        { ...statement, Resource: resource, Condition: ownedByThisCluster(statement.Condition, clusterName) },
      ];
    }
    if (actions.includes("ec2:AuthorizeSecurityGroupIngress") && statement.Resource === "*") {
      return [
        {
          ...statement,
          Resource: `arn:${partition}:ec2:${region}:${accountId}:security-group/*`,
          Condition: { ArnEquals: { "ec2:Vpc": vpcArn } },
        },
      ];
    }
    if (actions.includes("ec2:CreateSecurityGroup")) {
      return [
        { ...statement, Resource: [`arn:${partition}:ec2:${region}:${accountId}:security-group/*`, vpcArn] },
      ];
    }
    if (actions.includes("elasticloadbalancing:CreateListener")) {
      return [
        {
          Effect: "Allow",
          Action: ["elasticloadbalancing:CreateListener"],
          Resource: loadBalancers,
          Condition: thisCluster,
        },
        {
          Effect: "Allow",
          Action: ["elasticloadbalancing:DeleteListener", "elasticloadbalancing:CreateRule"],
          Resource: controllerListeners,
        },
        { Effect: "Allow", Action: ["elasticloadbalancing:DeleteRule"], Resource: controllerRules },
      ];
    }
    if (actions.includes("elasticloadbalancing:RegisterTargets")) {
      return [{ ...statement, Resource: resource, Condition: thisCluster }];
    }
    if (actions.includes("elasticloadbalancing:SetWebAcl")) {
      return [
        {
          Effect: "Allow",
          Action: ["elasticloadbalancing:SetWebAcl"],
          Resource: loadBalancers,
          Condition: thisCluster,
        },
        {
          Effect: "Allow",
          Action: [
            "elasticloadbalancing:ModifyListener",
            "elasticloadbalancing:AddListenerCertificates",
            "elasticloadbalancing:RemoveListenerCertificates",
          ],
          Resource: controllerListeners,
        },
        {
          Effect: "Allow",
          Action: ["elasticloadbalancing:ModifyRule", "elasticloadbalancing:SetRulePriorities"],
          Resource: controllerRules,
        },
      ];
    }
    if (actions.includes("wafv2:AssociateWebACL")) {
      const wafv2Mutations = ["wafv2:AssociateWebACL", "wafv2:DisassociateWebACL"];
      return [
        { ...statement, Action: actions.filter((a) => !wafv2Mutations.includes(a)) },
        {
          Effect: "Allow",
          Action: wafv2Mutations,
          Resource: [
            `arn:${partition}:wafv2:${region}:${accountId}:regional/webacl/*/*`,
            elb("loadbalancer/app/*/*"),
          ],
        },
      ];
    }
    if (actions.includes("elasticloadbalancing:AddTags") && Array.isArray(statement.Resource)) {
      // The listener/listener-rule tagging statement: controller-named load balancers only.
      return [{ ...statement, Resource: [...controllerListeners, ...controllerRules] }];
    }
    return [{ ...statement, Resource: resource }];
  });
  return { Version: AWS_LOAD_BALANCER_CONTROLLER_IAM_POLICY.Version, Statement: scoped };
}

/** `Null: {<tag key>: "false"}` (the tag of any cluster) becomes `StringEquals: {<tag key>: <this cluster>}`. */
function ownedByThisCluster(
  condition: NonNullable<PolicyStatement["Condition"]>,
  clusterName: string,
): NonNullable<PolicyStatement["Condition"]> {
  const { Null: nulls, ...rest } = condition;
  if (nulls === undefined) return condition;
  const stillNull: Record<string, string | string[]> = {};
  const equals: Record<string, string | string[]> = { ...(rest.StringEquals ?? {}) };
  for (const [key, value] of Object.entries(nulls)) {
    if (key.endsWith(`/${CLUSTER_TAG}`) && value === "false") equals[key] = clusterName;
    else stillNull[key] = value;
  }
  return {
    ...rest,
    StringEquals: equals,
    ...(Object.keys(stillNull).length > 0 ? { Null: stillNull } : {}),
  };
}
