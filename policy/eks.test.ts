import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { type RecordedResource, ROOT } from "../tools/harness";
import * as eks from "./eks";
import {
  check,
  describeMutations,
  describeRejections,
  fixture,
  type Mutation,
  type Rejection,
} from "./testing";

const ROLE = "aws:iam/role:Role";
const RELEASE = "kubernetes:helm.sh/v3:Release";
const HARD_ZONE_SPREAD = {
  spec: {
    template: {
      spec: {
        topologySpreadConstraints: [
          { topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", maxSkew: 1 },
        ],
      },
    },
  },
};
const NODE_ROLE_URN = "urn:pulumi:test::fastify-deploy::aws:iam/role:Role::nodes";

const rejections: Rejection[] = [
  {
    policy: eks.eksClusterHardened,
    resources: () => [fixture("eks:index:Cluster", "c", { enabledClusterLogTypes: ["api", "audit"] })],
    messages: [
      'EKS cluster c: the Kubernetes version is not pinned. Set version (e.g. "1.33").',
      'EKS cluster c: authenticationMode null. Set authenticationMode: "API" (access entries, no aws-auth ConfigMap).',
      'EKS cluster c: control-plane logs authenticator are off. Include ["audit","authenticator"] in enabledClusterLogTypes.',
      "EKS cluster c: Kubernetes secrets are not envelope-encrypted. Set encryptionConfigKeyArn to a rotating aws.kms.Key.",
      "EKS cluster c: the private API endpoint is off. Set endpointPrivateAccess: true.",
      "EKS cluster c: the public API endpoint is open to the internet. Set endpointPublicAccess: false, or publicAccessCidrs to specific CIDRs (never 0.0.0.0/0).",
      "EKS cluster c: eks creates a default self-managed node group. Set skipDefaultNodeGroup: true and use eks.ManagedNodeGroup.",
    ],
  },
  {
    policy: eks.eksManagedNodeGroupsOnly,
    resources: () => [
      fixture("eks:index:ManagedNodeGroup", "ng", { remoteAccess: { ec2SshKey: "k" } }),
      fixture("eks:index:NodeGroupV2", "self", {}),
    ],
    messages: [
      "Node group ng: remoteAccess opens SSH to the nodes. Remove remoteAccess; use SSM or the bastion.",
      'Node group ng: no launch template, so IMDSv2 is not enforced. Set launchTemplate: { id, version } of an aws.ec2.LaunchTemplate with metadataOptions.httpTokens "required".',
      "self: self-managed node group. Use eks.ManagedNodeGroup.",
    ],
  },
  {
    policy: eks.eksNodeGroupPlacement,
    resources: () => [
      fixture(
        "awsx:ec2:Vpc",
        "vpc",
        {},
        { privateSubnetIds: ["subnet-private"], publicSubnetIds: ["subnet-public"] },
      ),
      fixture(
        "aws:ec2/launchTemplate:LaunchTemplate",
        "lt",
        { metadataOptions: { httpTokens: "optional" } },
        {
          metadataOptions: { httpTokens: "optional" },
          arn: "arn:aws:ec2:us-east-1:123456789012:launch-template/lt-1",
        },
      ),
      fixture("eks:index:ManagedNodeGroup", "ng", {
        subnetIds: ["subnet-public"],
        launchTemplate: { id: "lt-1", version: "1" },
      }),
    ],
    messages: [
      'Node group ng: subnets ["subnet-public"] are not private subnets of the stack\'s VPC. Set subnetIds: vpc.privateSubnetIds.',
      'Node group ng: its launch template lt allows IMDSv1. Set metadataOptions.httpTokens: "required" on the template.',
    ],
  },
  {
    // t3.micro: 2 ENIs x (2 - 1) + 2 = 4 pods (facts/instance-catalog.ts), 3 of them per-node system pods.
    policy: eks.eksNodeGroupPodCapacity,
    resources: () => [
      fixture("eks:index:ManagedNodeGroup", "ng", {
        instanceTypes: ["t3.micro"],
        scalingConfig: { minSize: 1, desiredSize: 2, maxSize: 4 },
      }),
    ],
    messages: [
      "Node group ng: t3.micro runs at most 4 pods per node (VPC CNI), 4 of them per-node system pods, so maxSize 4 leaves room for 0, under the cluster's own 6 and one app pod. Use a larger instance type (t3.medium runs 17 pods, m6i.large 29).",
    ],
  },
  {
    policy: eks.kmsKeyRotation,
    resources: () => [fixture("aws:kms/key:Key", "key", { enableKeyRotation: false })],
    messages: ["KMS key key: rotation is off. Set enableKeyRotation: true."],
  },
  {
    policy: eks.eksNodeGroupPerZone,
    resources: () => [
      fixture("awsx:ec2:Vpc", "vpc", {}, { privateSubnetIds: ["subnet-a", "subnet-b", "subnet-c"] }),
      fixture("kubernetes:apps/v1:Deployment", "app", HARD_ZONE_SPREAD),
      fixture(RELEASE, "ca", { chart: "cluster-autoscaler", values: { extraArgs: {} } }),
      fixture("eks:index:ManagedNodeGroup", "all-zones", {
        subnetIds: ["subnet-a", "subnet-b"],
        instanceTypes: ["m6i.large"],
      }),
      fixture("eks:index:ManagedNodeGroup", "zone-b", {
        subnetIds: ["subnet-b"],
        instanceTypes: ["c6i.large"],
      }),
    ],
    messages: [
      'Cluster Autoscaler ca: balance-similar-node-groups is off, so the zones\' node groups drift apart. Set values.extraArgs["balance-similar-node-groups"]: true.',
      "Node group all-zones: 2 subnets under the Cluster Autoscaler with a hard zone spread; a group over several zones is unsupported (AWS rebalancing terminates undrained nodes) and a scale-up can land in the wrong zone. Create one node group per zone, each with one subnet.",
      'Node groups: no group in private subnet(s) ["subnet-c"], so the hard zone spread has a zone the autoscaler cannot add nodes to. Create one node group per zone.',
      "Node group zone-b differs from all-zones in instanceTypes: the autoscaler balances only similar groups. Build every zone's group from the same settings.",
    ],
  },
  {
    policy: eks.eksPodIdentityOnly,
    resources: () => [
      fixture("eks:index:Cluster", "cluster", { createOidcProvider: true }),
      fixture(ROLE, "irsa", {
        assumeRolePolicy: JSON.stringify({
          Statement: [
            {
              Principal: {
                Federated: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/X",
              },
              Action: "sts:AssumeRoleWithWebIdentity",
            },
          ],
        }),
      }),
      fixture("kubernetes:core/v1:ServiceAccount", "sa", {
        metadata: { annotations: { "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/x" } },
      }),
      fixture(RELEASE, "lbc", {
        chart: "aws-load-balancer-controller",
        namespace: "kube-system",
        values: { serviceAccount: { name: "aws-load-balancer-controller" } },
      }),
      fixture(RELEASE, "logs", {
        chart: "fluent-bit",
        namespace: "kube-system",
        values: {
          serviceAccount: { name: "fluent-bit" },
          config: { outputs: "[OUTPUT]\n    Name  cloudwatch_logs\n" },
        },
      }),
      fixture("aws:eks/podIdentityAssociation:PodIdentityAssociation", "logs-1", {
        namespace: "kube-system",
        serviceAccount: "fluent-bit",
      }),
      fixture("aws:eks/podIdentityAssociation:PodIdentityAssociation", "logs-2", {
        namespace: "kube-system",
        serviceAccount: "fluent-bit",
      }),
      fixture("aws:eks/addon:Addon", "cni", { addonName: "vpc-cni" }),
      fixture("eks:index:ManagedNodeGroup", "ng", { nodeRole: NODE_ROLE_URN }),
      { ...fixture(ROLE, "nodes", { name: "nodes-role" }), urn: NODE_ROLE_URN },
      fixture("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "nodes-cni", {
        role: "nodes-role",
        policyArn: "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
      }),
      fixture("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "nodes-worker", {
        role: "nodes-role",
        policyArn: "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
      }),
      fixture("aws:iam/rolePolicy:RolePolicy", "nodes-extra", { role: "nodes-role", policy: "{}" }),
    ],
    messages: [
      "EKS cluster cluster: creates an IAM OIDC provider (IRSA), which EKS Pod Identity does not need. Set createOidcProvider: false.",
      "Role irsa: trusts the cluster's OIDC provider (IRSA). Trust pods.eks.amazonaws.com and bind the role with an aws.eks.PodIdentityAssociation.",
      "sa: a service account annotated eks.amazonaws.com/role-arn (IRSA). Remove the annotation; give the role through an aws.eks.PodIdentityAssociation.",
      "lbc: service account kube-system/aws-load-balancer-controller calls AWS and has 0 EKS Pod Identity associations. Give it exactly one.",
      "logs: service account kube-system/fluent-bit calls AWS and has 2 EKS Pod Identity associations. Give it exactly one.",
      "cni: service account kube-system/aws-node calls AWS and has 0 EKS Pod Identity associations. Give it exactly one.",
      "Node role nodes: arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy is attached, and every host-network pod can use the node role. Move it to the role of the workload that needs it (a Pod Identity association).",
      "Node role nodes: inline policy nodes-extra, which every host-network pod can use. Move it to the role of the workload that needs it.",
    ],
  },
];

const mutations: Mutation[] = [
  {
    policy: eks.eksClusterHardened,
    setting: "authenticationMode",
    from: "eks",
    type: "eks:index:Cluster",
    mutate: (i) => {
      i.authenticationMode = "CONFIG_MAP";
    },
  },
  {
    policy: eks.eksClusterHardened,
    setting: "enabledClusterLogTypes",
    from: "eks",
    type: "eks:index:Cluster",
    mutate: (i) => {
      i.enabledClusterLogTypes = ["api"];
    },
  },
  {
    policy: eks.eksClusterHardened,
    setting: "encryptionConfigKeyArn",
    from: "eks",
    type: "eks:index:Cluster",
    mutate: (i) => {
      delete i.encryptionConfigKeyArn;
    },
  },
  {
    policy: eks.eksClusterHardened,
    setting: "endpointPrivateAccess",
    from: "eks",
    type: "eks:index:Cluster",
    mutate: (i) => {
      delete i.endpointPrivateAccess;
    },
  },
  {
    policy: eks.eksClusterHardened,
    setting: "publicAccessCidrs",
    from: "eks",
    type: "eks:index:Cluster",
    mutate: (i) => {
      i.publicAccessCidrs = ["0.0.0.0/0"];
    },
  },
  {
    policy: eks.eksClusterHardened,
    setting: "skipDefaultNodeGroup",
    from: "eks",
    type: "eks:index:Cluster",
    mutate: (i) => {
      delete i.skipDefaultNodeGroup;
    },
  },
  {
    policy: eks.eksClusterHardened,
    setting: "version",
    from: "eks",
    type: "eks:index:Cluster",
    mutate: (i) => {
      delete i.version;
    },
  },
  {
    policy: eks.eksManagedNodeGroupsOnly,
    setting: "launchTemplate",
    from: "eks",
    type: "eks:index:ManagedNodeGroup",
    mutate: (i) => {
      delete i.launchTemplate;
    },
  },
  {
    policy: eks.eksManagedNodeGroupsOnly,
    setting: "remoteAccess",
    from: "eks",
    type: "eks:index:ManagedNodeGroup",
    mutate: (i) => {
      i.remoteAccess = { ec2SshKey: "ops" };
    },
  },
  {
    policy: eks.eksNodeGroupPlacement,
    setting: "private subnets",
    from: "eks",
    type: "eks:index:ManagedNodeGroup",
    mutate: (i) => {
      i.subnetIds = ["subnet-public"];
    },
  },
  {
    policy: eks.eksNodeGroupPlacement,
    setting: "launch template IMDSv2",
    from: "eks",
    type: "aws:ec2/launchTemplate:LaunchTemplate",
    mutate: (i) => {
      i.metadataOptions.httpTokens = "optional";
    },
  },
  {
    policy: eks.eksNodeGroupPodCapacity,
    setting: "pod capacity (t3.micro nodes)",
    from: "eks",
    type: "eks:index:ManagedNodeGroup",
    mutate: (i) => {
      i.instanceTypes = ["t3.micro"];
    },
  },
  {
    policy: eks.kmsKeyRotation,
    setting: "enableKeyRotation",
    from: "eks",
    type: "aws:kms/key:Key",
    mutate: (i) => {
      delete i.enableKeyRotation;
    },
  },
  {
    policy: eks.eksClusterHardened,
    setting: "audit logs",
    from: "eks",
    type: "eks:index:Cluster",
    mutate: (i) => {
      i.enabledClusterLogTypes = ["authenticator"];
    },
  },
  {
    policy: eks.eksNodeGroupPerZone,
    setting: "one subnet per group",
    from: "eks",
    type: "eks:index:ManagedNodeGroup",
    name: /-az1$/,
    mutate: (i) => {
      i.subnetIds = ["subnet-a", "subnet-b", "subnet-c"];
    },
  },
  {
    policy: eks.eksNodeGroupPerZone,
    setting: "balance-similar-node-groups",
    from: "eks",
    type: "kubernetes:helm.sh/v3:Release",
    name: /cluster-autoscaler/,
    mutate: (i) => {
      delete i.values.extraArgs["balance-similar-node-groups"];
    },
  },
  {
    policy: eks.eksNodeGroupPerZone,
    setting: "similar groups",
    from: "eks",
    type: "eks:index:ManagedNodeGroup",
    name: /-az2$/,
    mutate: (i) => {
      i.labels = { ...i.labels, zone: "b" };
    },
  },
  {
    policy: eks.eksPodIdentityOnly,
    setting: "the controller's association",
    from: "eks",
    type: "aws:eks/podIdentityAssociation:PodIdentityAssociation",
    name: /lbc/,
    mutate: (i) => {
      i.serviceAccount = "someone-else";
    },
  },
  {
    policy: eks.eksPodIdentityOnly,
    setting: "the VPC CNI's own role",
    from: "eks",
    type: "aws:eks/addon:Addon",
    name: /vpc-cni/,
    mutate: (i) => {
      delete i.podIdentityAssociations;
    },
  },
  {
    policy: eks.eksPodIdentityOnly,
    setting: "createOidcProvider false",
    from: "eks",
    type: "eks:index:Cluster",
    mutate: (i) => {
      i.createOidcProvider = true;
    },
  },
  {
    policy: eks.eksPodIdentityOnly,
    setting: "a node role without pod permissions",
    from: "eks",
    type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    name: /app-node-AmazonEKSWorkerNodePolicy/,
    mutate: (i) => {
      i.policyArn = "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy";
    },
  },
];

/**
 * The graph before issue 26 (one node group over three subnets, IRSA roles, the CNI policy on the node
 * role; test/fixtures/eks-before-issue-26.json): both policies reject it, naming each thing to change.
 */
const BEFORE_ISSUE_26 = (
  JSON.parse(readFileSync(join(ROOT, "test/fixtures/eks-before-issue-26.json"), "utf8")) as {
    resources: RecordedResource[];
  }
).resources;

describe("EKS policies", () => {
  describeRejections(eks, rejections);
  describeMutations(eks, mutations);

  describe("the recorded graph before issue 26 fails the zone and identity policies", () => {
    it("eks-node-group-per-zone: the one group over three zones", async () => {
      assert.deepEqual(await check(eks.eksNodeGroupPerZone, BEFORE_ISSUE_26), [
        "Node group app-general: 3 subnets under the Cluster Autoscaler with a hard zone spread; a group over several zones is unsupported (AWS rebalancing terminates undrained nodes) and a scale-up can land in the wrong zone. Create one node group per zone, each with one subnet.",
      ]);
    });
    it("eks-pod-identity-only: the OIDC provider, four IRSA roles and annotations, no associations, the CNI policy on the node role", async () => {
      assert.deepEqual(await check(eks.eksPodIdentityOnly, BEFORE_ISSUE_26), [
        "EKS cluster app-cluster: creates an IAM OIDC provider (IRSA), which EKS Pod Identity does not need. Set createOidcProvider: false.",
        ...["app-cluster-autoscaler-role", "app-fluent-bit-role", "app-app-role", "app-lbc-role"].map(
          (role) =>
            `Role ${role}: trusts the cluster's OIDC provider (IRSA). Trust pods.eks.amazonaws.com and bind the role with an aws.eks.PodIdentityAssociation.`,
        ),
        ...[
          "app-app-service-account",
          "app-cluster-autoscaler-release",
          "app-lbc-release",
          "app-fluent-bit-release",
        ].map(
          (r) =>
            `${r}: a service account annotated eks.amazonaws.com/role-arn (IRSA). Remove the annotation; give the role through an aws.eks.PodIdentityAssociation.`,
        ),
        ...[
          ["app-addon-vpc-cni", "aws-node"],
          ["app-cluster-autoscaler-release", "cluster-autoscaler"],
          ["app-lbc-release", "aws-load-balancer-controller"],
          ["app-fluent-bit-release", "fluent-bit"],
        ].map(
          ([r, sa]) =>
            `${r}: service account kube-system/${sa} calls AWS and has 0 EKS Pod Identity associations. Give it exactly one.`,
        ),
        "Node role app-node-role: arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy is attached, and every host-network pod can use the node role. Move it to the role of the workload that needs it (a Pod Identity association).",
      ]);
    });
  });
});
