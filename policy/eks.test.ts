import { describe } from "node:test";
import * as eks from "./eks";
import { describeMutations, describeRejections, fixture, type Mutation, type Rejection } from "./testing";

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
      "Node group ng: t3.micro runs at most 4 pods per node (VPC CNI), 3 of them per-node system pods, so maxSize 4 leaves room for 4, under the cluster's own 6 and one app pod. Use a larger instance type (t3.medium runs 17 pods, m6i.large 29).",
    ],
  },
  {
    policy: eks.kmsKeyRotation,
    resources: () => [fixture("aws:kms/key:Key", "key", { enableKeyRotation: false })],
    messages: ["KMS key key: rotation is off. Set enableKeyRotation: true."],
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
];

describe("EKS policies", () => {
  describeRejections(eks, rejections);
  describeMutations(eks, mutations);
});
