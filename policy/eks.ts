/**
 * EKS policies: the cluster, its node groups and where they run, and the KMS key of its secrets.
 */
import {
  EKS_SYSTEM_PODS_PER_CLUSTER,
  EKS_SYSTEM_PODS_PER_NODE,
  instanceTypeInfo,
} from "../facts/instance-catalog";
import { resourcePolicy, stackPolicy } from "./define";
import { LAUNCH_TEMPLATE, VPC } from "./ec2";
import { asArray, asObject, idFromArn, isObject, isWholeInternet } from "./rules";

/**
 * Control-plane logs a cluster must ship: who did what (audit) and who signed in as whom
 * (authenticator). The rest (api, controllerManager, scheduler) are verbose debug logs left to cost.
 */
const REQUIRED_CLUSTER_LOG_TYPES = ["audit", "authenticator"];

export const EKS_CLUSTER = "eks:index:Cluster";

export const eksClusterHardened = resourcePolicy(
  "eks-cluster-hardened",
  "EKS clusters: pinned version, API authentication, audit and authenticator control-plane logs, KMS secrets encryption, private endpoint on, public endpoint off or CIDR-restricted, no default node group.",
  [EKS_CLUSTER],
  (props, args) => {
    const out: string[] = [];
    const c = `EKS cluster ${args.name}`;
    if (typeof props.version !== "string" || props.version === "") {
      out.push(`${c}: the Kubernetes version is not pinned. Set version (e.g. "1.33").`);
    }
    if (props.authenticationMode !== "API") {
      out.push(
        `${c}: authenticationMode ${JSON.stringify(props.authenticationMode ?? null)}. Set authenticationMode: "API" (access entries, no aws-auth ConfigMap).`,
      );
    }
    const logs = asArray(props.enabledClusterLogTypes);
    const missing = REQUIRED_CLUSTER_LOG_TYPES.filter((t) => !logs.includes(t));
    if (missing.length > 0) {
      out.push(
        `${c}: control-plane logs ${missing.join(", ")} are off. Include ${JSON.stringify(REQUIRED_CLUSTER_LOG_TYPES)} in enabledClusterLogTypes.`,
      );
    }
    if (typeof props.encryptionConfigKeyArn !== "string" || props.encryptionConfigKeyArn === "") {
      out.push(
        `${c}: Kubernetes secrets are not envelope-encrypted. Set encryptionConfigKeyArn to a rotating aws.kms.Key.`,
      );
    }
    if (props.endpointPrivateAccess !== true) {
      out.push(`${c}: the private API endpoint is off. Set endpointPrivateAccess: true.`);
    }
    // eks defaults endpointPublicAccess to true and its CIDRs to 0.0.0.0/0.
    if (props.endpointPublicAccess !== false) {
      const cidrs = asArray(props.publicAccessCidrs);
      if (cidrs.length === 0 || cidrs.some(isWholeInternet)) {
        out.push(
          `${c}: the public API endpoint is open to the internet. Set endpointPublicAccess: false, or publicAccessCidrs to specific CIDRs (never 0.0.0.0/0).`,
        );
      }
    }
    if (props.skipDefaultNodeGroup !== true) {
      out.push(
        `${c}: eks creates a default self-managed node group. Set skipDefaultNodeGroup: true and use eks.ManagedNodeGroup.`,
      );
    }
    return out;
  },
);

export const eksManagedNodeGroupsOnly = resourcePolicy(
  "eks-managed-node-groups-only",
  "EKS nodes come from managed node groups with an explicit launch template and no SSH access.",
  [
    "eks:index:ManagedNodeGroup",
    "eks:index:NodeGroup",
    "eks:index:NodeGroupV2",
    "aws:eks/nodeGroup:NodeGroup",
  ],
  (props, args) => {
    if (args.type === "eks:index:NodeGroup" || args.type === "eks:index:NodeGroupV2") {
      return [`${args.name}: self-managed node group. Use eks.ManagedNodeGroup.`];
    }
    const out: string[] = [];
    if (props.remoteAccess !== undefined) {
      out.push(
        `Node group ${args.name}: remoteAccess opens SSH to the nodes. Remove remoteAccess; use SSM or the bastion.`,
      );
    }
    if (!isObject(props.launchTemplate) || !props.launchTemplate.id) {
      out.push(
        `Node group ${args.name}: no launch template, so IMDSv2 is not enforced. Set launchTemplate: { id, version } of an aws.ec2.LaunchTemplate with metadataOptions.httpTokens "required".`,
      );
    }
    return out;
  },
);

export const eksNodeGroupPlacement = stackPolicy(
  "eks-node-group-private-imdsv2",
  "Managed node groups run in private subnets and use a launch template that requires IMDSv2.",
  (args) => {
    const out: Array<[string, string | undefined]> = [];
    const privateSubnets = new Set(
      args.resources
        .filter((r) => r.type === VPC)
        .flatMap((v) => asArray(v.props.privateSubnetIds).map(String)),
    );
    const templates = args.resources.filter((r) => r.type === LAUNCH_TEMPLATE);
    for (const group of args.resources.filter(
      (r) => r.type === "eks:index:ManagedNodeGroup" || r.type === "aws:eks/nodeGroup:NodeGroup",
    )) {
      const subnets = asArray(group.props.subnetIds).map(String);
      const publicOnes = subnets.filter((s) => !privateSubnets.has(s));
      if (subnets.length === 0 || publicOnes.length > 0) {
        out.push([
          `Node group ${group.name}: subnets ${JSON.stringify(publicOnes)} are not private subnets of the stack's VPC. Set subnetIds: vpc.privateSubnetIds.`,
          group.urn,
        ]);
      }
      const templateId = asObject(group.props.launchTemplate).id;
      const template = templates.find(
        (t) => idFromArn(t.props.arn) === templateId || t.props.id === templateId,
      );
      if (template && asObject(template.props.metadataOptions).httpTokens !== "required") {
        out.push([
          `Node group ${group.name}: its launch template ${template.name} allows IMDSv1. Set metadataOptions.httpTokens: "required" on the template.`,
          group.urn,
        ]);
      }
    }
    return out;
  },
);

/**
 * A node group whose nodes cannot hold the cluster's own pods and one app pod, even at maxSize: pods stay
 * Pending and `up` waits for the app until it times out. Max pods per node is the VPC CNI's limit
 * (facts/instance-catalog.ts eniMaxPods: t3.micro runs 4), of which the per-node system pods take
 * EKS_SYSTEM_PODS_PER_NODE; config refuses the same (config/eks.ts, with minCount), this keeps it for a
 * node group built otherwise. A type the catalog does not know is config's to report.
 */
export const eksNodeGroupPodCapacity = resourcePolicy(
  "eks-node-group-pod-capacity",
  "Managed node groups at their maxSize hold the cluster's own pods and at least one app pod (the VPC CNI's max pods per instance type).",
  ["eks:index:ManagedNodeGroup"],
  (props, args) => {
    const maxSize = Number(asObject(props.scalingConfig).maxSize ?? 0);
    const sized = asArray(props.instanceTypes)
      .map((type) => ({ type: String(type), maxPods: instanceTypeInfo(String(type))?.maxPods }))
      .filter((t): t is { type: string; maxPods: number } => t.maxPods !== undefined)
      .sort((a, b) => a.maxPods - b.maxPods);
    const smallest = sized[0];
    if (smallest === undefined) return [];
    const room = Math.max(0, smallest.maxPods - EKS_SYSTEM_PODS_PER_NODE) * maxSize;
    const needed = EKS_SYSTEM_PODS_PER_CLUSTER + 1;
    if (room >= needed) return [];
    return [
      `Node group ${args.name}: ${smallest.type} runs at most ${smallest.maxPods} pods per node (VPC CNI), ${EKS_SYSTEM_PODS_PER_NODE} of them per-node system pods, so maxSize ${maxSize} leaves room for ${room}, under the cluster's own ${EKS_SYSTEM_PODS_PER_CLUSTER} and one app pod. Use a larger instance type (t3.medium runs 17 pods, m6i.large 29).`,
    ];
  },
);

export const kmsKeyRotation = resourcePolicy(
  "kms-key-rotation",
  "KMS keys (the EKS secrets key) rotate yearly.",
  ["aws:kms/key:Key"],
  (props, args) =>
    props.enableKeyRotation === true
      ? []
      : [`KMS key ${args.name}: rotation is off. Set enableKeyRotation: true.`],
);
