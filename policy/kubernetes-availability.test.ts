import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as availability from "./kubernetes-availability";
import {
  check,
  describeMutations,
  describeRejections,
  fixture,
  type Mutation,
  type Rejection,
  recorded,
} from "./testing";

const rejections: Rejection[] = [
  {
    policy: availability.deploymentRolloutSafe,
    resources: () => [
      fixture("kubernetes:apps/v1:Deployment", "d", {
        spec: {
          strategy: { type: "Recreate" },
          template: {
            spec: {
              terminationGracePeriodSeconds: 30,
              containers: [
                {
                  name: "app",
                  env: [
                    { name: "SHUTDOWN_DRAIN_DELAY_MS", value: "15000" },
                    { name: "SHUTDOWN_TIMEOUT_MS", value: "15000" },
                  ],
                },
              ],
            },
          },
        },
      }),
    ],
    messages: [
      'Deployment d: a rollout may take serving pods away first. Set strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } }.',
      "Deployment d: terminationGracePeriodSeconds 30 does not exceed drain + shutdown (30 s) of container app; the kubelet would kill the app mid-shutdown. Set it above 30.",
    ],
  },
  {
    policy: availability.hpaBounds,
    resources: () => [
      fixture("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "hpa", {
        spec: { minReplicas: 3, maxReplicas: 2 },
      }),
      fixture("kubernetes:autoscaling/v1:HorizontalPodAutoscaler", "old", {}),
    ],
    messages: [
      "HPA hpa: bounds minReplicas 3, maxReplicas 2. Set 1 ≤ minReplicas ≤ maxReplicas explicitly.",
      "HPA hpa: no metrics. Set metrics (e.g. CPU utilization of the requests).",
      "HPA old: autoscaling/v1 is deprecated or removed. Use autoscaling/v2 (k8s.autoscaling.v2.HorizontalPodAutoscaler).",
    ],
  },
  {
    policy: availability.hpaHasMetricsApi,
    resources: () => [
      fixture("eks:index:Cluster", "c", {}),
      fixture("aws:eks/addon:Addon", "dns", { addonName: "coredns" }),
      fixture("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "hpa", {
        spec: { metrics: [{ type: "Resource", resource: { name: "cpu" } }] },
      }),
      // External metrics need no metrics.k8s.io: not reported.
      fixture("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "queue", {
        spec: { metrics: [{ type: "External", external: { metric: { name: "q" } } }] },
      }),
    ],
    messages: [
      'HPA hpa: scales on resource metrics, but nothing on this EKS cluster serves metrics.k8s.io (EKS installs no metrics-server), so it reports FailedGetResourceMetric and never scales. Add the metrics-server EKS add-on (aws.eks.Addon addonName "metrics-server") or its Helm chart, and create the HPA after it.',
    ],
  },
  {
    policy: availability.pdbAllowsDrain,
    resources: () => [
      fixture("kubernetes:apps/v1:Deployment", "d", {
        metadata: { name: "web", namespace: "app" },
        spec: { replicas: 2, template: { metadata: { labels: { app: "web" } } } },
      }),
      fixture("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "hpa", {
        metadata: { namespace: "app" },
        spec: { minReplicas: 2, scaleTargetRef: { name: "web" } },
      }),
      fixture("kubernetes:policy/v1:PodDisruptionBudget", "pdb", {
        metadata: { namespace: "app" },
        spec: { minAvailable: "100%", selector: { matchLabels: { app: "web" } } },
      }),
      fixture("kubernetes:policy/v1:PodDisruptionBudget", "zero", {
        metadata: { namespace: "app" },
        spec: { maxUnavailable: 0, selector: { matchLabels: { app: "web" } } },
      }),
    ],
    messages: [
      'PDB pdb: minAvailable "100%" is not below the minimum replica count, so node drains hang. Set maxUnavailable: 1 (or minAvailable below the minimum replica count, 2).',
      "PDB zero: maxUnavailable 0 lets no pod be evicted, so node drains hang. Set maxUnavailable: 1 (or minAvailable below the minimum replica count, 2).",
    ],
  },
  {
    policy: availability.pdbUnhealthyPodsEvictable,
    resources: () => [
      fixture("kubernetes:policy/v1:PodDisruptionBudget", "pdb", {
        spec: { maxUnavailable: 1, selector: { matchLabels: { app: "web" } } },
      }),
      fixture("kubernetes:policy/v1:PodDisruptionBudget", "guarded", {
        spec: { maxUnavailable: 1, unhealthyPodEvictionPolicy: "IfHealthyBudget" },
      }),
    ],
    messages: [
      'PDB pdb: unhealthyPodEvictionPolicy is "IfHealthyBudget (default)", so a crash-looping pod uses up the budget and node drains hang. Set spec.unhealthyPodEvictionPolicy: "AlwaysAllow".',
      'PDB guarded: unhealthyPodEvictionPolicy is "IfHealthyBudget", so a crash-looping pod uses up the budget and node drains hang. Set spec.unhealthyPodEvictionPolicy: "AlwaysAllow".',
    ],
  },
  {
    policy: availability.topologySpreadPerRevision,
    resources: () => [
      fixture("kubernetes:apps/v1:Deployment", "unspread", { spec: { template: { spec: {} } } }),
      fixture("kubernetes:apps/v1:Deployment", "mixed", {
        spec: {
          template: {
            spec: {
              topologySpreadConstraints: [
                { topologyKey: "topology.kubernetes.io/zone", maxSkew: 1 },
                {
                  topologyKey: "kubernetes.io/hostname",
                  maxSkew: 1,
                  matchLabelKeys: ["pod-template-hash"],
                },
              ],
            },
          },
        },
      }),
    ],
    messages: [
      'Deployment unspread: no topology spread over topology.kubernetes.io/zone. Add a topologySpreadConstraint with topologyKey: "topology.kubernetes.io/zone", maxSkew: 1, matchLabelKeys: ["pod-template-hash"].',
      'Deployment mixed: the topology.kubernetes.io/zone spread counts old and new ReplicaSets together, so a rollout skews it. Set matchLabelKeys: ["pod-template-hash"].',
    ],
  },
  {
    policy: availability.zoneSpreadMatchesReplicas,
    resources: () => {
      const zoneSpread = (whenUnsatisfiable: string) => ({
        template: {
          spec: {
            topologySpreadConstraints: [{ topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable }],
          },
        },
      });
      return [
        fixture("eks:index:Cluster", "cluster", {}),
        fixture("awsx:ec2:Vpc", "vpc", { numberOfAvailabilityZones: 3 }),
        fixture("kubernetes:apps/v1:Deployment", "few", {
          metadata: { name: "few", namespace: "app" },
          spec: { replicas: 2, ...zoneSpread("DoNotSchedule") },
        }),
        fixture("kubernetes:apps/v1:Deployment", "many", {
          metadata: { name: "many", namespace: "app" },
          spec: { replicas: 1, ...zoneSpread("ScheduleAnyway") },
        }),
        fixture("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "many-hpa", {
          metadata: { namespace: "app" },
          spec: { minReplicas: 3, scaleTargetRef: { name: "many" } },
        }),
      ];
    },
    messages: [
      'Deployment few: zone spread DoNotSchedule, but minimum replicas 2 < 3 zones. Set whenUnsatisfiable: "ScheduleAnyway".',
      'Deployment many: zone spread ScheduleAnyway, but minimum replicas 3 ≥ 3 zones. Set whenUnsatisfiable: "DoNotSchedule".',
    ],
  },
  {
    policy: availability.zoneSpreadMatchesReplicas,
    resources: () => [
      fixture("kubernetes:apps/v1:Deployment", "anywhere", {
        metadata: { name: "anywhere" },
        spec: {
          replicas: 6,
          template: {
            spec: { topologySpreadConstraints: [{ topologyKey: "topology.kubernetes.io/zone" }] },
          },
        },
      }),
    ],
    messages: [
      'Deployment anywhere: zone spread DoNotSchedule, but the stack does not know the cluster\'s zones (nodes without a zone label would leave pods Pending). Set whenUnsatisfiable: "ScheduleAnyway".',
    ],
  },
  {
    policy: availability.albIpTargetsReadinessGates,
    resources: () => {
      const ingress = fixture("kubernetes:networking.k8s.io/v1:Ingress", "ing", {
        metadata: { namespace: "app", annotations: { "alb.ingress.kubernetes.io/target-type": "ip" } },
      });
      return [
        fixture("kubernetes:core/v1:Namespace", "ns", { metadata: { name: "app", labels: {} } }),
        ingress,
        fixture("kubernetes:networking.k8s.io/v1:Ingress", "elsewhere", {
          metadata: { namespace: "theirs", annotations: { "alb.ingress.kubernetes.io/target-type": "ip" } },
        }),
        fixture("kubernetes:networking.k8s.io/v1:Ingress", "instance", {
          metadata: {
            namespace: "app",
            annotations: { "alb.ingress.kubernetes.io/target-type": "instance" },
          },
        }),
        fixture("kubernetes:apps/v1:Deployment", "early", { metadata: { namespace: "app" } }),
        {
          ...fixture("kubernetes:apps/v1:Deployment", "late", { metadata: { namespace: "app" } }),
          dependencies: [ingress.urn],
        },
      ];
    },
    messages: [
      "Ingress ing: ALB ip targets, but namespace app is not labelled elbv2.k8s.aws/pod-readiness-gate-inject: enabled; a rollout can leave only initial and draining targets. Create the namespace with that label.",
      "Deployment early: created without waiting for Ingress ing, so its first pods get no readiness gate (the controller injects one only when a TargetGroupBinding exists). Make the Deployment depend on the Service and Ingress.",
      "Ingress elsewhere: ALB ip targets, but namespace theirs is not created by this stack, so it cannot be seen labelled elbv2.k8s.aws/pod-readiness-gate-inject: enabled; a rollout can leave only initial and draining targets. Create the namespace with that label.",
    ],
  },
];

const mutations: Mutation[] = [
  {
    policy: availability.deploymentRolloutSafe,
    setting: "maxUnavailable",
    from: "prod/kubernetes",
    type: "kubernetes:apps/v1:Deployment",
    mutate: (i) => {
      i.spec.strategy.rollingUpdate.maxUnavailable = 1;
    },
  },
  {
    policy: availability.deploymentRolloutSafe,
    setting: "terminationGracePeriodSeconds",
    from: "prod/kubernetes",
    type: "kubernetes:apps/v1:Deployment",
    mutate: (i) => {
      delete i.spec.template.spec.terminationGracePeriodSeconds;
    },
  },
  {
    policy: availability.hpaBounds,
    setting: "maxReplicas",
    from: "prod/kubernetes",
    type: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
    mutate: (i) => {
      i.spec.maxReplicas = 0;
    },
  },
  {
    policy: availability.hpaBounds,
    setting: "metrics",
    from: "prod/kubernetes",
    type: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
    mutate: (i) => {
      delete i.spec.metrics;
    },
  },
  {
    policy: availability.hpaHasMetricsApi,
    setting: "the metrics-server add-on",
    from: "eks",
    type: "aws:eks/addon:Addon",
    name: /metrics-server$/,
    mutate: (i) => {
      i.addonName = "kube-state-metrics";
    },
  },
  {
    policy: availability.pdbAllowsDrain,
    setting: "maxUnavailable",
    from: "prod/kubernetes",
    type: "kubernetes:policy/v1:PodDisruptionBudget",
    mutate: (i) => {
      i.spec.maxUnavailable = 0;
    },
  },
  {
    policy: availability.pdbAllowsDrain,
    setting: "minAvailable = min replicas",
    from: "prod/kubernetes",
    type: "kubernetes:policy/v1:PodDisruptionBudget",
    mutate: (i) => {
      delete i.spec.maxUnavailable;
      i.spec.minAvailable = 3;
    },
  },
  {
    policy: availability.pdbUnhealthyPodsEvictable,
    setting: "unhealthyPodEvictionPolicy",
    from: "eks",
    type: "kubernetes:policy/v1:PodDisruptionBudget",
    mutate: (i) => {
      delete i.spec.unhealthyPodEvictionPolicy;
    },
  },
  {
    policy: availability.topologySpreadPerRevision,
    setting: "matchLabelKeys",
    from: "prod/kubernetes",
    type: "kubernetes:apps/v1:Deployment",
    mutate: (i) => {
      delete i.spec.template.spec.topologySpreadConstraints[0].matchLabelKeys;
    },
  },
  {
    policy: availability.zoneSpreadMatchesReplicas,
    setting: "DoNotSchedule at 3 replicas over 3 zones",
    from: "eks",
    type: "kubernetes:apps/v1:Deployment",
    mutate: (i) => {
      i.spec.template.spec.topologySpreadConstraints[0].whenUnsatisfiable = "ScheduleAnyway";
    },
  },
  {
    policy: availability.zoneSpreadMatchesReplicas,
    setting: "ScheduleAnyway on a cluster of unknown zones",
    from: "prod/kubernetes",
    type: "kubernetes:apps/v1:Deployment",
    mutate: (i) => {
      i.spec.template.spec.topologySpreadConstraints[0].whenUnsatisfiable = "DoNotSchedule";
    },
  },
  {
    policy: availability.albIpTargetsReadinessGates,
    setting: "the readiness-gate namespace label",
    from: "eks",
    type: "kubernetes:core/v1:Namespace",
    mutate: (i) => {
      delete i.metadata.labels["elbv2.k8s.aws/pod-readiness-gate-inject"];
    },
  },
];

describe("Kubernetes availability policies", () => {
  describeRejections(availability, rejections);
  describeMutations(availability, mutations);
  it("k8s-alb-ip-targets-readiness-gates: Deployment created before its Ingress (no dependency)", async () => {
    const eks = await recorded("eks");
    const deployment = eks.find((r) => r.type === "kubernetes:apps/v1:Deployment");
    const ingress = eks.find((r) => r.type === "kubernetes:networking.k8s.io/v1:Ingress");
    assert.ok(deployment?.dependencies && ingress);
    assert.ok(
      deployment.dependencies.includes(ingress.urn),
      "recorded: the Deployment depends on the Ingress",
    );
    assert.deepEqual(
      await check(availability.albIpTargetsReadinessGates, eks),
      [],
      "passes before the mutation",
    );
    // The order before readiness gates: Deployment first, then the Service and Ingress after it.
    const reordered = eks.map((r) =>
      r === deployment
        ? { ...r, dependencies: [] }
        : r.type === "kubernetes:core/v1:Service" || r === ingress
          ? { ...r, dependencies: [...(r.dependencies ?? []), deployment.urn] }
          : r,
    );
    assert.deepEqual(await check(availability.albIpTargetsReadinessGates, reordered), [
      `Deployment ${deployment.name}: created without waiting for Ingress ${ingress.name}, so its first pods get no readiness gate (the controller injects one only when a TargetGroupBinding exists). Make the Deployment depend on the Service and Ingress.`,
    ]);
  });
});
