/**
 * Kubernetes policies on keeping replicas serving through rollouts, scaling, node drains and zone
 * loss: the rollout strategy and grace period, HPAs and the metrics API they need, PDBs, topology
 * spread, and the ALB readiness gates of ip targets.
 */
import type { StackValidationArgs } from "@pulumi/policy";
import { ALB_ANNOTATION, INGRESS } from "./alb";
import { resourcePolicy, stackPolicy } from "./define";
import { VPC } from "./ec2";
import { EKS_CLUSTER } from "./eks";
import { DEPLOYMENT } from "./kubernetes";
import {
  asArray,
  asObject,
  containersOf,
  envMap,
  intOrPercent,
  type Props,
  podSpecOf,
  shutdownBudgetSeconds,
} from "./rules";

export const deploymentRolloutSafe = resourcePolicy(
  "k8s-deployment-rollout-safe",
  "Deployments never drop below the desired count during a rollout (maxUnavailable 0) and give pods longer than the app's drain + shutdown to stop.",
  [DEPLOYMENT],
  (props, args) => {
    const spec = asObject(props.spec);
    const pod = podSpecOf(args.type, props) ?? {};
    const out: string[] = [];
    const strategy = asObject(spec.strategy);
    const maxUnavailable = asObject(strategy.rollingUpdate).maxUnavailable;
    if (strategy.type === "Recreate" || !(maxUnavailable === 0 || maxUnavailable === "0%")) {
      out.push(
        `Deployment ${args.name}: a rollout may take serving pods away first. Set strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } }.`,
      );
    }
    const grace = pod.terminationGracePeriodSeconds;
    for (const c of containersOf(pod).filter((x) => asArray(pod.containers).includes(x.props))) {
      const budget = shutdownBudgetSeconds(envMap(c.props.env));
      if (budget === undefined) {
        out.push(
          `Deployment ${args.name}, container ${c.name}: SHUTDOWN_DRAIN_DELAY_MS and SHUTDOWN_TIMEOUT_MS are not in env. Pass both (appEnvironment()) so the grace period can be checked.`,
        );
      } else if (!(typeof grace === "number" && grace > budget)) {
        out.push(
          `Deployment ${args.name}: terminationGracePeriodSeconds ${JSON.stringify(grace ?? null)} does not exceed drain + shutdown (${budget} s) of container ${c.name}; the kubelet would kill the app mid-shutdown. Set it above ${budget}.`,
        );
      }
    }
    return out;
  },
);

const HPA_V2 = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";
const HPA_OLD = [
  "kubernetes:autoscaling/v1:HorizontalPodAutoscaler",
  "kubernetes:autoscaling/v2beta1:HorizontalPodAutoscaler",
  "kubernetes:autoscaling/v2beta2:HorizontalPodAutoscaler",
];

export const hpaBounds = resourcePolicy(
  "k8s-hpa-v2-bounds",
  "HorizontalPodAutoscalers use autoscaling/v2 with 1 ≤ minReplicas ≤ maxReplicas and at least one metric.",
  [HPA_V2, ...HPA_OLD],
  (props, args) => {
    if (args.type !== HPA_V2) {
      return [
        `HPA ${args.name}: ${args.type.split(":")[1]} is deprecated or removed. Use autoscaling/v2 (k8s.autoscaling.v2.HorizontalPodAutoscaler).`,
      ];
    }
    const spec = asObject(props.spec);
    const min = spec.minReplicas;
    const max = spec.maxReplicas;
    const out: string[] = [];
    if (!(typeof min === "number" && min >= 1 && typeof max === "number" && max >= min)) {
      out.push(
        `HPA ${args.name}: bounds minReplicas ${JSON.stringify(min ?? null)}, maxReplicas ${JSON.stringify(max ?? null)}. Set 1 ≤ minReplicas ≤ maxReplicas explicitly.`,
      );
    }
    if (asArray(spec.metrics).length === 0) {
      out.push(`HPA ${args.name}: no metrics. Set metrics (e.g. CPU utilization of the requests).`);
    }
    return out;
  },
);

/** What serves `metrics.k8s.io` (the resource metrics API): metrics-server as an EKS add-on or a chart. */
function servesResourceMetrics(r: { type: string; props: Props }): boolean {
  if (r.type === "aws:eks/addon:Addon") return r.props.addonName === "metrics-server";
  if (r.type === "kubernetes:helm.sh/v3:Release" || r.type === "kubernetes:helm.sh/v4:Chart") {
    return r.props.chart === "metrics-server" || String(r.props.chart ?? "").endsWith("/metrics-server");
  }
  if (r.type === "kubernetes:apiregistration.k8s.io/v1:APIService") {
    return asObject(r.props.metadata).name === "v1beta1.metrics.k8s.io";
  }
  return false;
}

export const hpaHasMetricsApi = stackPolicy(
  "eks-hpa-has-metrics-api",
  "A program that creates an EKS cluster and an HPA on resource metrics (CPU/memory) also installs a metrics API: EKS ships none, and without one the HPA never scales.",
  (args) => {
    const all = args.resources;
    if (!all.some((r) => r.type === EKS_CLUSTER || r.type === "aws:eks/cluster:Cluster")) return [];
    if (all.some(servesResourceMetrics)) return [];
    return all
      .filter(
        (r) =>
          r.type === HPA_V2 &&
          asArray(asObject(r.props.spec).metrics).some((m) =>
            ["Resource", "ContainerResource"].includes(String(asObject(m).type)),
          ),
      )
      .map((hpa): [string, string | undefined] => [
        `HPA ${hpa.name}: scales on resource metrics, but nothing on this EKS cluster serves metrics.k8s.io (EKS installs no metrics-server), so it reports FailedGetResourceMetric and never scales. Add the metrics-server EKS add-on (aws.eks.Addon addonName "metrics-server") or its Helm chart, and create the HPA after it.`,
        hpa.urn,
      ]);
  },
);

const PDB = "kubernetes:policy/v1:PodDisruptionBudget";

type StackResource = StackValidationArgs["resources"][number];

/** The fewest replicas a Deployment runs: its HPA's minReplicas, else spec.replicas, else 1. */
function minimumReplicas(deployment: StackResource, all: readonly StackResource[]): number {
  const { name, namespace } = asObject(deployment.props.metadata);
  const hpa = all.find(
    (h) =>
      h.type === HPA_V2 &&
      asObject(h.props.metadata).namespace === namespace &&
      asObject(asObject(h.props.spec).scaleTargetRef).name === name,
  );
  const min = hpa ? asObject(hpa.props.spec).minReplicas : asObject(deployment.props.spec).replicas;
  return typeof min === "number" ? min : 1;
}

export const pdbAllowsDrain = stackPolicy(
  "k8s-pdb-allows-drain",
  "PodDisruptionBudgets (policy/v1) never block a node drain at the minimum replica count.",
  (args) => {
    const out: Array<[string, string | undefined]> = [];
    const all = args.resources;
    for (const pdb of all.filter((r) => r.type === "kubernetes:policy/v1beta1:PodDisruptionBudget")) {
      out.push([`PDB ${pdb.name}: policy/v1beta1 is removed. Use policy/v1.`, pdb.urn]);
    }
    for (const pdb of all.filter((r) => r.type === PDB)) {
      const spec = asObject(pdb.props.spec);
      const namespace = asObject(pdb.props.metadata).namespace;
      const selector = asObject(asObject(spec.selector).matchLabels);
      const deployments = all.filter((d) => {
        if (d.type !== DEPLOYMENT || asObject(d.props.metadata).namespace !== namespace) return false;
        const labels = asObject(asObject(asObject(asObject(d.props.spec).template).metadata).labels);
        return Object.entries(selector).every(([k, v]) => labels[k] === v);
      });
      // The smallest count the budget may face: the HPA's minimum, else the Deployment's replicas.
      const minimum = Math.min(
        ...deployments.map((d) => minimumReplicas(d, all)),
        deployments.length === 0 ? 1 : Number.POSITIVE_INFINITY,
      );
      const fix = `Set maxUnavailable: 1 (or minAvailable below the minimum replica count, ${minimum}).`;
      if (spec.maxUnavailable !== undefined) {
        const allowed = intOrPercent(spec.maxUnavailable, minimum);
        if (allowed === undefined || allowed < 1) {
          out.push([
            `PDB ${pdb.name}: maxUnavailable ${JSON.stringify(spec.maxUnavailable)} lets no pod be evicted, so node drains hang. ${fix}`,
            pdb.urn,
          ]);
        }
      } else if (spec.minAvailable !== undefined) {
        const required = intOrPercent(spec.minAvailable, minimum);
        if (required === undefined || required >= minimum) {
          out.push([
            `PDB ${pdb.name}: minAvailable ${JSON.stringify(spec.minAvailable)} is not below the minimum replica count, so node drains hang. ${fix}`,
            pdb.urn,
          ]);
        }
      } else {
        out.push([`PDB ${pdb.name}: neither maxUnavailable nor minAvailable. ${fix}`, pdb.urn]);
      }
    }
    return out;
  },
);

export const pdbUnhealthyPodsEvictable = resourcePolicy(
  "k8s-pdb-unhealthy-pods-evictable",
  "PodDisruptionBudgets let running but unready pods be evicted (unhealthyPodEvictionPolicy: AlwaysAllow), so one crash-looping pod cannot block every node drain.",
  [PDB],
  (props, args) =>
    asObject(props.spec).unhealthyPodEvictionPolicy === "AlwaysAllow"
      ? []
      : [
          `PDB ${args.name}: unhealthyPodEvictionPolicy is ${JSON.stringify(asObject(props.spec).unhealthyPodEvictionPolicy ?? "IfHealthyBudget (default)")}, so a crash-looping pod uses up the budget and node drains hang. Set spec.unhealthyPodEvictionPolicy: "AlwaysAllow".`,
        ],
);

const ZONE_KEY = "topology.kubernetes.io/zone";

export const topologySpreadPerRevision = resourcePolicy(
  "k8s-topology-spread-per-revision",
  "Deployments spread their pods over zones and nodes, counting only pods of the same revision (matchLabelKeys: [pod-template-hash]).",
  [DEPLOYMENT],
  (props, args) => {
    const constraints = asArray(asObject(podSpecOf(args.type, props)).topologySpreadConstraints).map(
      asObject,
    );
    if (!constraints.some((c) => c.topologyKey === ZONE_KEY)) {
      return [
        `Deployment ${args.name}: no topology spread over ${ZONE_KEY}. Add a topologySpreadConstraint with topologyKey: "${ZONE_KEY}", maxSkew: 1, matchLabelKeys: ["pod-template-hash"].`,
      ];
    }
    return constraints
      .filter((c) => !asArray(c.matchLabelKeys).includes("pod-template-hash"))
      .map(
        (c) =>
          `Deployment ${args.name}: the ${String(c.topologyKey)} spread counts old and new ReplicaSets together, so a rollout skews it. Set matchLabelKeys: ["pod-template-hash"].`,
      );
  },
);

export const zoneSpreadMatchesReplicas = stackPolicy(
  "k8s-zone-spread-hard-iff-replicas-cover-zones",
  "The zone spread is DoNotSchedule exactly when the minimum replica count is at least the number of zones (known on EKS: the VPC's zones); ScheduleAnyway otherwise, and when the zone count is unknown.",
  (args) => {
    const all = args.resources;
    const vpcs = all.filter((r) => r.type === VPC);
    const zones =
      all.some((r) => r.type === EKS_CLUSTER) && vpcs.length === 1
        ? asObject(vpcs[0]?.props).numberOfAvailabilityZones
        : undefined;
    const zoneCount = typeof zones === "number" ? zones : undefined;
    const out: Array<[string, string | undefined]> = [];
    for (const d of all.filter((r) => r.type === DEPLOYMENT)) {
      const minimum = minimumReplicas(d, all);
      const expected = zoneCount !== undefined && minimum >= zoneCount ? "DoNotSchedule" : "ScheduleAnyway";
      const zone = asArray(asObject(podSpecOf(d.type, d.props)).topologySpreadConstraints)
        .map(asObject)
        .find((c) => c.topologyKey === ZONE_KEY);
      if (zone === undefined) continue; // k8s-topology-spread-per-revision reports it
      const actual = zone.whenUnsatisfiable ?? "DoNotSchedule";
      if (actual === expected) continue;
      const why =
        zoneCount === undefined
          ? "the stack does not know the cluster's zones (nodes without a zone label would leave pods Pending)"
          : `minimum replicas ${minimum} ${minimum >= zoneCount ? "≥" : "<"} ${zoneCount} zones`;
      out.push([
        `Deployment ${d.name}: zone spread ${actual}, but ${why}. Set whenUnsatisfiable: "${expected}".`,
        d.urn,
      ]);
    }
    return out;
  },
);

const ALB_IP_TARGETS = `${ALB_ANNOTATION}target-type`;

/** URNs `resource` depends on, directly or through others. */
function transitiveDependencies(resource: StackResource): Set<string> {
  const seen = new Set<string>();
  const stack = [...resource.dependencies];
  while (stack.length > 0) {
    const next = stack.pop();
    if (!next || seen.has(next.urn)) continue;
    seen.add(next.urn);
    stack.push(...next.dependencies);
  }
  return seen;
}

export const albIpTargetsReadinessGates = stackPolicy(
  "k8s-alb-ip-targets-readiness-gates",
  "Pods behind ALB ip targets get the AWS Load Balancer Controller's readiness gates: their namespace is labelled elbv2.k8s.aws/pod-readiness-gate-inject=enabled and the Ingress exists before the Deployment.",
  (args) => {
    const all = args.resources;
    const out: Array<[string, string | undefined]> = [];
    for (const ingress of all.filter((r) => r.type === INGRESS)) {
      const metadata = asObject(ingress.props.metadata);
      if (asObject(metadata.annotations)[ALB_IP_TARGETS] !== "ip") continue;
      const namespace = all.find(
        (r) =>
          r.type === "kubernetes:core/v1:Namespace" && asObject(r.props.metadata).name === metadata.namespace,
      );
      const labels = asObject(asObject(namespace?.props.metadata).labels);
      if (labels["elbv2.k8s.aws/pod-readiness-gate-inject"] !== "enabled") {
        out.push([
          `Ingress ${ingress.name}: ALB ip targets, but namespace ${String(metadata.namespace)} ${namespace ? "is not labelled" : "is not created by this stack, so it cannot be seen labelled"} elbv2.k8s.aws/pod-readiness-gate-inject: enabled; a rollout can leave only initial and draining targets. Create the namespace with that label.`,
          ingress.urn,
        ]);
      }
      for (const d of all.filter(
        (r) => r.type === DEPLOYMENT && asObject(r.props.metadata).namespace === metadata.namespace,
      )) {
        if (!transitiveDependencies(d).has(ingress.urn)) {
          out.push([
            `Deployment ${d.name}: created without waiting for Ingress ${ingress.name}, so its first pods get no readiness gate (the controller injects one only when a TargetGroupBinding exists). Make the Deployment depend on the Service and Ingress.`,
            d.urn,
          ]);
        }
      }
    }
    return out;
  },
);
