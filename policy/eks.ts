/**
 * EKS policies: the cluster, its node groups and where they run (one per zone under the autoscaler), the
 * workloads' AWS identities (EKS Pod Identity, nothing to borrow from the node role), and the KMS key of
 * its secrets.
 */

import type { PolicyResource } from "@pulumi/policy";
import {
  EKS_SYSTEM_PODS_PER_CLUSTER,
  EKS_SYSTEM_PODS_PER_NODE,
  instanceTypeInfo,
} from "../facts/instance-catalog";
import { resourcePolicy, stackPolicy } from "./define";
import { LAUNCH_TEMPLATE, VPC } from "./ec2";
import { HELM_RELEASE } from "./helm";
import { DEPLOYMENT } from "./kubernetes";
import { asArray, asObject, idFromArn, isObject, isWholeInternet, type Props } from "./rules";

/**
 * Control-plane logs a cluster must ship: who did what (audit) and who signed in as whom
 * (authenticator). The rest (api, controllerManager, scheduler) are verbose debug logs left to cost.
 */
const REQUIRED_CLUSTER_LOG_TYPES = ["audit", "authenticator"];

export const EKS_CLUSTER = "eks:index:Cluster";
export const MANAGED_NODE_GROUP = "eks:index:ManagedNodeGroup";
export const POD_IDENTITY_ASSOCIATION = "aws:eks/podIdentityAssociation:PodIdentityAssociation";
const ADDON = "aws:eks/addon:Addon";
const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const ROLE_POLICY_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
const SERVICE_ACCOUNT = "kubernetes:core/v1:ServiceAccount";

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

const ZONE_KEY = "topology.kubernetes.io/zone";

/** Deployments whose pods must spread over zones (a zone constraint with DoNotSchedule). */
const hasHardZoneSpread = (deployment: Props): boolean =>
  asArray(asObject(asObject(asObject(deployment.spec).template).spec).topologySpreadConstraints).some(
    (c) => asObject(c).topologyKey === ZONE_KEY && asObject(c).whenUnsatisfiable === "DoNotSchedule",
  );

const isAutoscalerRelease = (r: PolicyResource): boolean =>
  r.type === HELM_RELEASE && r.props.chart === "cluster-autoscaler";

/** What must be the same on every zone's group for the autoscaler to treat them as similar. */
const SIMILAR_FIELDS = [
  "instanceTypes",
  "capacityType",
  "amiType",
  "labels",
  "taints",
  "scalingConfig",
] as const;

const json = (v: unknown): string => JSON.stringify(v ?? null);

/**
 * A hard zone spread under the Cluster Autoscaler needs one node group per zone: the autoscaler "does not
 * support Auto Scaling Groups which span multiple Availability Zones; instead you should use an Auto
 * Scaling Group for each Availability Zone and enable the --balance-similar-node-groups feature"
 * (kubernetes/autoscaler cluster-autoscaler/cloudprovider/aws/README.md, "Common Notes and Gotchas", read
 * 2026-12-07). So: each managed node group in exactly one subnet, one group per private subnet of the
 * stack's VPC, the groups similar (the comparator ignores only node-group names: processors/nodegroupset/
 * aws_nodegroups.go), and the autoscaler balancing them.
 */
export const eksNodeGroupPerZone = stackPolicy(
  "eks-node-group-per-zone",
  "With a hard zone spread and the Cluster Autoscaler, one single-subnet managed node group per zone, all similar, balanced by --balance-similar-node-groups.",
  (args) => {
    const autoscaler = args.resources.find(isAutoscalerRelease);
    const spread = args.resources.some((r) => r.type === DEPLOYMENT && hasHardZoneSpread(r.props));
    if (autoscaler === undefined || !spread) return [];
    const out: Array<[string, string | undefined]> = [];
    const extraArgs = asObject(asObject(autoscaler.props.values).extraArgs);
    if (extraArgs["balance-similar-node-groups"] !== true) {
      out.push([
        `Cluster Autoscaler ${autoscaler.name}: balance-similar-node-groups is off, so the zones' node groups drift apart. Set values.extraArgs["balance-similar-node-groups"]: true.`,
        autoscaler.urn,
      ]);
    }
    const groups = args.resources.filter((r) => r.type === MANAGED_NODE_GROUP);
    const bySubnet = new Map<string, string[]>();
    for (const group of groups) {
      const subnets = asArray(group.props.subnetIds).map(String);
      if (subnets.length !== 1) {
        out.push([
          `Node group ${group.name}: ${subnets.length} subnets under the Cluster Autoscaler with a hard zone spread; a group over several zones is unsupported (AWS rebalancing terminates undrained nodes) and a scale-up can land in the wrong zone. Create one node group per zone, each with one subnet.`,
          group.urn,
        ]);
      }
      for (const subnet of subnets) bySubnet.set(subnet, [...(bySubnet.get(subnet) ?? []), group.name]);
    }
    const privateSubnets = args.resources
      .filter((r) => r.type === VPC)
      .flatMap((v) => asArray(v.props.privateSubnetIds).map(String));
    const uncovered = privateSubnets.filter((s) => (bySubnet.get(s) ?? []).length === 0);
    if (uncovered.length > 0) {
      out.push([
        `Node groups: no group in private subnet(s) ${JSON.stringify(uncovered)}, so the hard zone spread has a zone the autoscaler cannot add nodes to. Create one node group per zone.`,
        undefined,
      ]);
    }
    for (const [subnet, names] of bySubnet) {
      if (names.length > 1 && groups.every((g) => asArray(g.props.subnetIds).length === 1)) {
        out.push([
          `Node groups ${names.join(", ")} share subnet ${subnet}. Give each zone one node group.`,
          undefined,
        ]);
      }
    }
    const [first, ...rest] = groups;
    for (const group of first === undefined ? [] : rest) {
      const differ = SIMILAR_FIELDS.filter((f) => json(group.props[f]) !== json(first.props[f]));
      if (differ.length > 0) {
        out.push([
          `Node group ${group.name} differs from ${first.name} in ${differ.join(", ")}: the autoscaler balances only similar groups. Build every zone's group from the same settings.`,
          group.urn,
        ]);
      }
    }
    return out;
  },
);

/** Charts whose pods call AWS, and where their values name the service account. */
const AWS_CALLING_CHARTS: Record<string, (values: Props) => Props> = {
  "aws-load-balancer-controller": (v) => asObject(v.serviceAccount),
  "cluster-autoscaler": (v) => asObject(asObject(v.rbac).serviceAccount),
  "fluent-bit": (v) => asObject(v.serviceAccount),
};
/** Fluent Bit calls AWS only with an AWS output plugin. */
const FLUENT_BIT_AWS_OUTPUT =
  /Name\s+(cloudwatch_logs|cloudwatch|kinesis_streams|kinesis_firehose|firehose|s3)\b/;
/** What a node role may hold: the node's own needs, nothing a pod should use. */
const NODE_ONLY_POLICIES = [
  "AmazonEKSWorkerNodePolicy",
  "AmazonEC2ContainerRegistryPullOnly",
  "AmazonEC2ContainerRegistryReadOnly",
  "AmazonSSMManagedInstanceCore",
];
const IRSA_ANNOTATION = "eks.amazonaws.com/role-arn";

/** Every (namespace/serviceAccount) that has an association, counted: the API objects and add-ons' own. */
function associations(resources: readonly PolicyResource[]): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  for (const r of resources) {
    if (r.type === POD_IDENTITY_ASSOCIATION) add(`${r.props.namespace}/${r.props.serviceAccount}`);
    if (r.type === ADDON) {
      // An add-on's associations live in kube-system (EKS add-ons install there).
      for (const a of asArray(r.props.podIdentityAssociations))
        add(`kube-system/${asObject(a).serviceAccount}`);
    }
  }
  return counts;
}

/** The service accounts this stack runs that call AWS: the AWS add-on charts' and the VPC CNI's. */
function awsCallers(resources: readonly PolicyResource[]): Array<[string, PolicyResource]> {
  const out: Array<[string, PolicyResource]> = [];
  for (const r of resources) {
    if (r.type === HELM_RELEASE) {
      const chart = String(r.props.chart);
      const values = asObject(r.props.values);
      const serviceAccount = AWS_CALLING_CHARTS[chart]?.(values);
      if (serviceAccount === undefined) continue;
      if (chart === "fluent-bit" && !FLUENT_BIT_AWS_OUTPUT.test(String(asObject(values.config).outputs)))
        continue;
      out.push([`${r.props.namespace}/${serviceAccount.name}`, r]);
    }
    if (r.type === ADDON && r.props.addonName === "vpc-cni") out.push(["kube-system/aws-node", r]);
  }
  return out;
}

/** A role an EKS cluster's IAM OIDC provider can assume (IRSA's trust). */
const trustsOidcProvider = (role: Props): boolean =>
  /oidc-provider\/oidc\.eks\./.test(
    typeof role.assumeRolePolicy === "string" ? role.assumeRolePolicy : json(role.assumeRolePolicy),
  );

/** The node roles: the roles the managed node groups name (their URN, as recorded). */
function nodeRoles(resources: readonly PolicyResource[]): PolicyResource[] {
  const urns = new Set(
    resources.filter((r) => r.type === MANAGED_NODE_GROUP).map((g) => String(g.props.nodeRole)),
  );
  return resources.filter((r) => r.type === ROLE && (urns.has(r.urn) || urns.has(String(r.props.arn))));
}

/**
 * Every service account that calls AWS gets its role through exactly one EKS Pod Identity association, and
 * nothing else offers it AWS permissions: no IRSA (no role trusting the cluster's OIDC provider, no
 * `eks.amazonaws.com/role-arn` annotation, no IAM OIDC provider), and no permission on the node role
 * beyond the node's own, since every host-network process can use the node role (the VPC CNI's policy
 * belongs on its own role: EKS user guide cni-iam-role.html, "We recommend that you assign it to a
 * separate role"; Pod Identity over IRSA: service-accounts.html, read 2026-12-07).
 */
export const eksPodIdentityOnly = stackPolicy(
  "eks-pod-identity-only",
  "Every service account that calls AWS has exactly one EKS Pod Identity association; no IRSA trust or annotation, no IAM OIDC provider, no pod permission on the node role.",
  (args) => {
    const clusters = args.resources.filter((r) => r.type === EKS_CLUSTER);
    if (clusters.length === 0) return [];
    const out: Array<[string, string | undefined]> = [];
    for (const cluster of clusters) {
      if (cluster.props.createOidcProvider !== false) {
        out.push([
          `EKS cluster ${cluster.name}: creates an IAM OIDC provider (IRSA), which EKS Pod Identity does not need. Set createOidcProvider: false.`,
          cluster.urn,
        ]);
      }
    }
    for (const role of args.resources.filter((r) => r.type === ROLE && trustsOidcProvider(r.props))) {
      out.push([
        `Role ${role.name}: trusts the cluster's OIDC provider (IRSA). Trust pods.eks.amazonaws.com and bind the role with an aws.eks.PodIdentityAssociation.`,
        role.urn,
      ]);
    }
    for (const r of args.resources) {
      const annotated =
        r.type === SERVICE_ACCOUNT
          ? asObject(asObject(r.props.metadata).annotations)[IRSA_ANNOTATION] !== undefined
          : r.type === HELM_RELEASE && json(r.props.values).includes(IRSA_ANNOTATION);
      if (annotated) {
        out.push([
          `${r.name}: a service account annotated ${IRSA_ANNOTATION} (IRSA). Remove the annotation; give the role through an aws.eks.PodIdentityAssociation.`,
          r.urn,
        ]);
      }
    }
    const counts = associations(args.resources);
    for (const [account, source] of awsCallers(args.resources)) {
      const n = counts.get(account) ?? 0;
      if (n !== 1) {
        out.push([
          `${source.name}: service account ${account} calls AWS and has ${n} EKS Pod Identity associations. Give it exactly one.`,
          source.urn,
        ]);
      }
    }
    for (const [account, n] of counts) {
      if (n > 1 && !awsCallers(args.resources).some(([a]) => a === account)) {
        out.push([
          `Service account ${account}: ${n} EKS Pod Identity associations. Give it exactly one.`,
          undefined,
        ]);
      }
    }
    for (const role of nodeRoles(args.resources)) {
      const name = String(role.props.name);
      for (const attachment of args.resources.filter(
        (r) => r.type === ROLE_POLICY_ATTACHMENT && r.props.role === name,
      )) {
        const policy = String(attachment.props.policyArn);
        if (!NODE_ONLY_POLICIES.some((p) => policy.endsWith(`:policy/${p}`))) {
          out.push([
            `Node role ${role.name}: ${policy} is attached, and every host-network pod can use the node role. Move it to the role of the workload that needs it (a Pod Identity association).`,
            attachment.urn,
          ]);
        }
      }
      for (const inline of args.resources.filter((r) => r.type === ROLE_POLICY && r.props.role === name)) {
        out.push([
          `Node role ${role.name}: inline policy ${inline.name}, which every host-network pod can use. Move it to the role of the workload that needs it.`,
          inline.urn,
        ]);
      }
    }
    return out;
  },
);
