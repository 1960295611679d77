import type { ClusterLogType, KubernetesVersion } from "../facts";
import {
  availableKubernetesVersions,
  daysBetween,
  EKS_CLUSTER_HOUR,
  EKS_EXTENDED_SUPPORT_EXTRA_PER_MONTH,
  EKS_SYSTEM_PODS,
  EKS_SYSTEM_PODS_PER_CLUSTER,
  EKS_SYSTEM_PODS_PER_NODE,
  eksSupportTier,
  eksVersionDates,
  instanceTypeInfo,
  isArmInstanceType,
  isKubernetesVersion,
  KNOWN_KUBERNETES_VERSIONS,
  SUPPORT_WARNING_DAYS,
  stateProtection,
} from "../facts";
import { awsProblems, awsWarnings, loadBalancerSettings, monitoringSettings, networkSettings } from "./aws";
import { appSettings, minDesiredMax, type PlatformModule, scalingSettings, type Valid } from "./common";
import { fullKey, type Values } from "./keys";
import { gatewayPairProblems, gatewaySettings } from "./kubernetes";
import { rolloutSettings } from "./rollout";
import { show } from "./schema";
import { secretSettings, secretsProblems } from "./secrets";
import type { PlatformArgs, StackIdentity } from "./stack-config";

/** RFC 5737 documentation ranges: placeholders that reach no one. */
const DOCUMENTATION_CIDRS = ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"];

/** EKS: its rules between keys and the mapping to EksPlatformArgs. */
export const eks: PlatformModule<PlatformArgs<"eks">> = {
  problems: (v, raw, stack, today) => [
    ...gatewayPairProblems(raw),
    ...kubernetesVersionProblems(v, today),
    ...clusterNameProblems(stack),
    ...natProblems(v),
    ...syntheticCheckProblems(v),
    ...minDesiredMax(
      ["nodeMinSize", v.nodeMinSize],
      ["nodeDesiredSize", v.nodeDesiredSize],
      ["nodeMaxSize", v.nodeMaxSize],
    ),
    ...nodeArchitectureProblems(v),
    ...nodeCapacityProblems(v),
    ...nodeZoneSplitProblems(v),
    ...bastionProblems(v),
    ...adminRoleProblems(v),
    ...domainAwaitProblems(v),
    ...awsProblems(v, raw, stack),
    ...secretsProblems(v, raw, { oneRegion: true }),
  ],
  warnings(v, stack, today) {
    const warnings: string[] = [...kubernetesVersionWarnings(v, today)];
    if (v.waitForAddress === "false") {
      warnings.push(
        `${fullKey("waitForAddress")} is false on eks: up no longer waits for the load balancer controller to reconcile the Ingress, so pods created before its target group bindings exist get no readiness gate (docs/rollout.md); keep auto unless the controller cannot publish an address`,
      );
    }
    const placeholders = v.endpointPublicAccessCidrs.filter((c) => DOCUMENTATION_CIDRS.includes(c));
    if (placeholders.length > 0) {
      warnings.push(
        `${fullKey("endpointPublicAccessCidrs")} contains ${placeholders.join(", ")}, a documentation range (RFC 5737) that reaches no one: set the egress CIDRs of the machines that run pulumi up (pulumi config set --path 'endpointPublicAccessCidrs[0]' <cidr>) before the first deploy`,
      );
    }
    return [...warnings, ...awsWarnings(v, stack)];
  },
  args: (v, { project, stack }, raw) => ({
    app: appSettings(v),
    scaling: scalingSettings(v),
    network: networkSettings(v),
    loadBalancer: loadBalancerSettings(v, raw),
    monitoring: monitoringSettings(v),
    clusterName: clusterName({ project, stack }),
    kubernetesVersion: v.kubernetesVersion as KubernetesVersion,
    kubernetesSupportType: v.kubernetesSupportType,
    endpointPublicAccessCidrs: v.endpointPublicAccessCidrs,
    adminRoleArns: v.adminRoleArns,
    deployerRoleArn: v.deployerRoleArn,
    nodeGroups: [
      {
        name: "general",
        instanceTypes: v.nodeInstanceTypes,
        ...perZoneNodeSizes(v),
        capacityType: v.nodeCapacityType,
        diskSizeGiB: v.nodeDiskSizeGiB,
      },
    ],
    bastion: {
      mode: v.bastionMode,
      sshAllowedCidrs: v.bastionSshAllowedCidrs,
      instanceType: v.bastionInstanceType,
      accessPolicy: v.bastionAccessPolicy,
    },
    namespace: v.namespace,
    awaitAddress: v.waitForAddress !== "false",
    networkPolicy: { namespaces: v.networkPolicyNamespaces, cidrs: v.networkPolicyCidrs },
    ...gatewaySettings(v, v.domainName),
    clusterLogTypes: v.clusterLogTypes as ClusterLogType[],
    logRetentionDays: v.logRetentionDays,
    protection: stateProtection(v.prodGrade),
    rollout: rolloutSettings(v),
    secrets: secretSettings(v),
  }),
};

const usd = (n: number): string => (Number.isInteger(n) ? `$${n}` : `$${n.toFixed(2)}`);
/** The price difference every support message names, from the one price in facts/eks-versions.ts. */
const EXTENDED_COST = `$${EKS_CLUSTER_HOUR.extended.usd.toFixed(2)}/h instead of $${EKS_CLUSTER_HOUR.standard.usd.toFixed(2)}/h, ${usd(EKS_EXTENDED_SUPPORT_EXTRA_PER_MONTH)}/month more per cluster`;

/**
 * kubernetesVersion against the dated table and today: a version the table does not know, or one past
 * its end of extended support (EKS creates no cluster on it and upgrades existing ones on its own), is
 * refused; STANDARD on a version already in extended support is refused too, since "You cannot disable
 * extended support once your cluster has entered it" (facts/eks-versions.ts KUBERNETES_SUPPORT_TYPES).
 */
function kubernetesVersionProblems(v: Values, today: string): string[] {
  const version = v.kubernetesVersion;
  if (version === undefined) return [];
  const available = availableKubernetesVersions(today);
  const choices = `expected one of ${available.join(", ")} (the versions EKS runs on ${today}, facts/eks-versions.ts)`;
  const dates = eksVersionDates(version);
  if (dates === undefined) return [`${fullKey("kubernetesVersion")}: got ${show(version)}; ${choices}`];
  const tier = eksSupportTier(dates, today);
  if (tier === "ended") {
    return [
      `${fullKey("kubernetesVersion")}: got ${show(version)}; EKS extended support for ${version} ended ${dates.endOfExtendedSupport} (EKS creates no new cluster on it and upgrades existing control planes on its own); ${choices}`,
    ];
  }
  if (tier === "extended" && v.kubernetesSupportType === "STANDARD") {
    const standard = available.filter(
      (k) => eksSupportTier(eksVersionDates(k) ?? dates, today) === "standard",
    );
    return [
      `${fullKey("kubernetesSupportType")}: got "STANDARD" with kubernetesVersion ${version}, whose EKS standard support ended ${dates.endOfStandardSupport}; expected EXTENDED (${EXTENDED_COST}; EKS cannot turn extended support off once a cluster has entered it) or a kubernetesVersion in standard support (${standard.join(", ")})`,
    ];
  }
  return [];
}

/** The version EKS upgrades a STANDARD cluster to at the end of standard support. */
const nextVersion = (version: KubernetesVersion): string | undefined =>
  KNOWN_KUBERNETES_VERSIONS[KNOWN_KUBERNETES_VERSIONS.indexOf(version) + 1];

/**
 * A version in extended support costs more every hour; one whose standard support ends within
 * SUPPORT_WARNING_DAYS is about to (EXTENDED) or about to be upgraded by EKS behind the pin (STANDARD).
 * Held against today, so a committed stack starts warning as its version ages.
 */
function kubernetesVersionWarnings(v: Valid, today: string): string[] {
  const version = v.kubernetesVersion;
  if (!isKubernetesVersion(version)) return [];
  const dates = eksVersionDates(version);
  if (dates === undefined || eksSupportTier(dates, today) === "ended") return [];
  const key = fullKey("kubernetesVersion");
  const upgrade = "upgrade one minor at a time (docs/eks.md#upgrading-kubernetes)";
  if (eksSupportTier(dates, today) === "extended") {
    return [
      `${key}: ${version} is in EKS extended support since ${dates.endOfStandardSupport} (until ${dates.endOfExtendedSupport}, in ${daysBetween(today, dates.endOfExtendedSupport)} days): the control plane bills ${EXTENDED_COST}; ${upgrade}`,
    ];
  }
  const days = daysBetween(today, dates.endOfStandardSupport);
  if (days > SUPPORT_WARNING_DAYS) return [];
  const then =
    v.kubernetesSupportType === "STANDARD"
      ? `with kubernetesSupportType STANDARD, EKS then upgrades the control plane to ${nextVersion(version) ?? "the next minor"} on its own, away from the pinned version; or set EXTENDED to keep it (${EXTENDED_COST})`
      : `with kubernetesSupportType EXTENDED, the control plane then bills ${EXTENDED_COST}`;
  return [
    `${key}: ${version}'s EKS standard support ends ${dates.endOfStandardSupport} (in ${days} days): ${then}; ${upgrade} before`,
  ];
}

/**
 * EKS cluster names: 1..100 of letters, digits, - and _, starting alphanumeric (EKS CreateCluster API
 * reference, `name` pattern `^[0-9A-Za-z][A-Za-z0-9\-_]*`, length 1-100). Pulumi stack names may hold
 * `.` and be longer, so the name derived from the stack is checked here.
 */
const CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;

/** One cluster per stack, its name known before the cluster exists (the control-plane log group needs it). */
const clusterName = ({ project, stack }: Pick<StackIdentity, "project" | "stack">): string =>
  `${project}-${stack}`;

function clusterNameProblems(stack: StackIdentity): string[] {
  const name = clusterName(stack);
  if (CLUSTER_NAME.test(name)) return [];
  return [
    `${fullKey("platform")}: got eks on stack ${show(stack.stack)}, whose EKS cluster name would be ${show(name)}; expected a stack name that makes ${show(`${stack.project}-<stack>`)} 1..100 letters, digits, - or _ (EKS cluster names allow nothing else)`,
  ];
}

function natProblems(v: Values): string[] {
  if (v.natGateways !== "none") return [];
  return [
    `${fullKey("natGateways")}: got "none" with platform eks; expected single or onePerAz (EKS nodes run in private subnets and need NAT egress to join the cluster, pull images and reach AWS APIs)`,
  ];
}

/**
 * The Route 53 health checks target the ALB's DNS name, which `up` knows only when it waits for the
 * Ingress's address (the controller creates the ALB after the Ingress).
 */
function syntheticCheckProblems(v: Values): string[] {
  if (v.syntheticCheck !== true || v.waitForAddress !== "false") return [];
  return [
    `${fullKey("syntheticCheck")}: got true with waitForAddress false on eks; expected syntheticCheck false, or waitForAddress auto (the Route 53 health checks need the ALB's DNS name, which up knows only when it waits for the Ingress's address)`,
  ];
}

/** One node group runs one AMI, of the image's architecture. */
function nodeArchitectureProblems(v: Values): string[] {
  const types = v.nodeInstanceTypes;
  if (types === undefined) return [];
  // Valid values only: the key's schema guarantees at least one type.
  const arm = types.map(isArmInstanceType);
  if (new Set(arm).size > 1) {
    return [
      `${fullKey("nodeInstanceTypes")}: got ${show(types)}; expected instance types of one architecture (one node group runs one AMI: arm64 Graviton types such as m7g.large or x86_64 types such as m6i.large)`,
    ];
  }
  const nodePlatform = arm[0] ? "linux/arm64" : "linux/amd64";
  if (v.imagePlatform === undefined || nodePlatform === v.imagePlatform) return [];
  return [
    `${fullKey("nodeInstanceTypes")}: got ${show(types)} (${nodePlatform}) with imagePlatform ${v.imagePlatform}; expected nodes of the image's architecture (set imagePlatform ${nodePlatform} or pick ${v.imagePlatform === "linux/arm64" ? "Graviton" : "x86_64"} instance types)`,
  ];
}

const listed = (counts: Record<string, number>): string =>
  Object.entries(counts)
    .map(([name, n]) => `${name} ${n}`)
    .join(", ");

/**
 * Nodes too small for the cluster's own pods and the app. A node runs at most its VPC CNI max pods
 * (facts/instance-catalog.ts eniMaxPods: t3.micro 4), and EKS_SYSTEM_PODS_PER_NODE of them are the
 * DaemonSets every node runs; the rest, over nodeMaxSize nodes of the smallest listed type (the most
 * the Cluster Autoscaler can add), must hold the cluster's own Deployments and minCount app replicas,
 * or they stay Pending and `up` times out waiting for the app.
 */
function nodeCapacityProblems(v: Values): string[] {
  const { nodeInstanceTypes: types, nodeMaxSize: nodes, minCount } = v;
  if (types === undefined || nodes === undefined || minCount === undefined) return [];
  const smallest = types
    .map((type) => ({ type, maxPods: instanceTypeInfo(type)?.maxPods ?? Number.POSITIVE_INFINITY }))
    .sort((a, b) => a.maxPods - b.maxPods)[0];
  if (smallest === undefined || !Number.isFinite(smallest.maxPods)) return [];
  const free = Math.max(0, smallest.maxPods - EKS_SYSTEM_PODS_PER_NODE) * nodes;
  const needed = EKS_SYSTEM_PODS_PER_CLUSTER + minCount;
  if (free >= needed) return [];
  return [
    `${fullKey("nodeInstanceTypes")}: got ${show(types)}, whose ${smallest.type} runs at most ${smallest.maxPods} pods per node (the VPC CNI's limit), ${EKS_SYSTEM_PODS_PER_NODE} of them the cluster's own on every node (${listed(EKS_SYSTEM_PODS.perNode)}): nodeMaxSize ${nodes} nodes leave room for ${free}; expected room for ${needed}, the cluster's own ${EKS_SYSTEM_PODS_PER_CLUSTER} (${listed(EKS_SYSTEM_PODS.perCluster)}) and minCount ${minCount} app pods: a larger type (t3.medium runs ${instanceTypeInfo("t3.medium")?.maxPods}, m6i.large ${instanceTypeInfo("m6i.large")?.maxPods}) or more nodes`,
  ];
}

/** The three cluster-wide node counts, each split evenly over the zones. */
const NODE_SIZE_KEYS = ["nodeMinSize", "nodeDesiredSize", "nodeMaxSize"] as const;

/**
 * One managed node group per availability zone (platforms/eks/eks-platform.ts says why: the Cluster
 * Autoscaler's AWS README, "Common Notes and Gotchas"), so the cluster-wide nodeMinSize, nodeDesiredSize
 * and nodeMaxSize are split evenly: each zone's group gets `size / availabilityZones`. They keep their
 * meaning for the whole cluster only when every zone gets the same whole number, so a size that is not a
 * multiple of availabilityZones is refused (a remainder would make one zone's group different from the
 * others, which is what balancing similar groups is meant to avoid; rounding would change the total).
 * This also refuses a nodeMaxSize below the zone count: a zone without a node cannot hold its share of a
 * hard zone spread.
 */
function nodeZoneSplitProblems(v: Values): string[] {
  const zones = v.availabilityZones;
  if (zones === undefined) return [];
  return NODE_SIZE_KEYS.flatMap((key) => {
    const size = v[key];
    if (size === undefined || size % zones === 0) return [];
    const lower = Math.floor(size / zones) * zones;
    const nearest = [lower, lower + zones].filter((n) => n >= zones).join(" or ");
    return [
      `${fullKey(key)}: got ${size} with availabilityZones ${zones}; expected a multiple of ${zones} such as ${nearest} (one node group per zone, each with ${key} / ${zones} nodes, so the cluster-wide count splits evenly)`,
    ];
  });
}

/** Each zone's node group sizes (nodeZoneSplitProblems guarantees the division is exact). */
export function perZoneNodeSizes(v: Pick<Valid, (typeof NODE_SIZE_KEYS)[number] | "availabilityZones">): {
  minSizePerZone: number;
  desiredSizePerZone: number;
  maxSizePerZone: number;
} {
  const zones = v.availabilityZones;
  return {
    minSizePerZone: v.nodeMinSize / zones,
    desiredSizePerZone: v.nodeDesiredSize / zones,
    maxSizePerZone: v.nodeMaxSize / zones,
  };
}

function bastionProblems(v: Values): string[] {
  const ssh = v.bastionSshAllowedCidrs;
  if (v.bastionMode === "ssh" && ssh !== undefined && ssh.length === 0) {
    return [
      `${fullKey("bastionSshAllowedCidrs")}: got [] with bastionMode ssh; expected at least one IPv4 CIDR to admit on port 22 (or bastionMode ssm, which needs no open port)`,
    ];
  }
  if (v.bastionMode === "ssm" && ssh !== undefined && ssh.length > 0) {
    return [
      `${fullKey("bastionSshAllowedCidrs")}: got ${show(ssh)} with bastionMode ssm; expected [] (the CIDRs apply only to bastionMode ssh)`,
    ];
  }
  return [];
}

/** Each admin role names its access entry, so two roles may not share a name. */
function adminRoleProblems(v: Values): string[] {
  const problems: string[] = [];
  const roleNames = new Map<string, string>();
  // The deployer's entry is named the same way (the same ARN in both lists is one entry).
  const deployer = v.deployerRoleArn === undefined ? [] : [v.deployerRoleArn];
  for (const arn of [...new Set([...deployer, ...(v.adminRoleArns ?? [])])]) {
    const name = arn.split("/").pop() ?? arn;
    const other = roleNames.get(name);
    if (other !== undefined) {
      problems.push(
        `${fullKey("adminRoleArns")}: got ${show(arn)} and ${show(other)}; expected roles with distinct names (each names its access entry)`,
      );
    }
    roleNames.set(name, arn);
  }
  return problems;
}

/**
 * On EKS the alias record points at the ALB the load balancer controller creates; its DNS name is known
 * only from the Ingress's status, which `up` reads only while it waits for the address.
 */
function domainAwaitProblems(v: Values): string[] {
  if (v.domainName === undefined || v.waitForAddress !== "false") return [];
  return [
    `${fullKey("waitForAddress")}: got "false" with domainName ${show(v.domainName)} on eks; expected auto or true (the alias record needs the ALB's DNS name, which up reads from the Ingress's status only while it waits for it)`,
  ];
}
