import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { EKS_POD_IDENTITY_AGENT } from "../../facts";
import { APP_PORT } from "../app-contract";
import { type PinnedChart, pinnedRelease } from "./pinned-chart";
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from "./pod-security";

/**
 * Argo Rollouts, the progressive-delivery controller on eks and `kubernetes` (why Argo Rollouts and not
 * Flagger: docs/rollout.md, "Kubernetes: the controller"). argoproj/argo-helm charts/argo-rollouts 2.41.0
 * = Argo Rollouts v1.9.0 (Chart.yaml appVersion, main af0a931, 2026-07-02); digest from the gh-pages
 * index.yaml (commit c77d0b1, 2026-07-02). Read 2026-12-07. The CRDs it installs are the ones vendored
 * in test/schemas/ (argo-rollouts tag v1.9.0).
 */
export const ARGO_ROLLOUTS_CHART: PinnedChart & { appVersion: string; source: string; read: string } = {
  repository: "https://argoproj.github.io/argo-helm",
  chart: "argo-rollouts",
  version: "2.41.0",
  digest: "sha256:ff53d617efb369cd07acc595309e7fa73a602576375e0a52a78dab1e2d970df5",
  digestSource:
    "argoproj/argo-helm gh-pages index.yaml (commit c77d0b1, 2026-07-02), entry argo-rollouts 2.41.0; read 2026-12-07",
  appVersion: "v1.9.0",
  source: "https://github.com/argoproj/argo-helm/blob/main/charts/argo-rollouts/Chart.yaml",
  read: "2026-12-07",
};

/**
 * The Gateway API traffic-router plugin (argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi), which
 * the controller downloads at start from this release URL (docs/installation.md of the plugin, tag
 * v0.15.0, the newest tag stored, commit 96c63fd, 2026-06-26; read 2026-12-07). Its sha256 is NOT pinned:
 * no stored source lists the release asset's hash (the controller accepts a `sha256` field; add it when
 * read from the release page).
 */
export const GATEWAY_API_PLUGIN = {
  name: "argoproj-labs/gatewayAPI",
  version: "v0.15.0",
  location:
    "https://github.com/argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi/releases/download/v0.15.0/gatewayapi-plugin-linux-amd64",
  read: "2026-12-07",
} as const;

/** The controller's namespace and service account (fixed: an IRSA trust policy names them). */
export const ROLLOUTS_NAMESPACE = "argo-rollouts";
export const ROLLOUTS_SERVICE_ACCOUNT = "argo-rollouts";
/** Controller replicas: the chart's default, two with leader election, so a node drain never pauses a rollout. */
export const ROLLOUTS_CONTROLLER_REPLICAS = 2;
/** Each controller pod's requests (what cost/rules prices) and limit; the chart sets none. */
export const ROLLOUTS_CONTROLLER_RESOURCES = {
  requests: { cpu: "100m", memory: "128Mi" },
  limits: { memory: "512Mi" },
} as const;
/** The chart image's user (quay.io/argoproj/argo-rollouts runs as 999). */
const CONTROLLER_UID = 999;

export interface RolloutsControllerArgs {
  provider: k8s.Provider;
  /** Install the Gateway API plugin (the `kubernetes` platform with a Gateway configured). */
  gatewayApiPlugin: boolean;
  /** Annotations on the controller's service account. */
  serviceAccountAnnotations?: Record<string, pulumi.Input<string>>;
  /**
   * Admit egress to the EKS Pod Identity agent (EKS: the controller's role for cloudwatch:GetMetricData
   * comes through a Pod Identity association). @default false
   */
  podIdentityAgent?: boolean;
  /** Extra environment (EKS: AWS_REGION, which the CloudWatch provider needs). */
  env?: Record<string, pulumi.Input<string>>;
  /** What the release must wait for (EKS: the nodes and cluster DNS; the IRSA role's permissions). */
  dependsOn?: pulumi.Resource[];
}

/**
 * The controller in its own namespace, under the workload wing's conventions: the namespace enforces Pod
 * Security "restricted", the pods run restricted (non-root, no capability, read-only root, seccomp),
 * and NetworkPolicies deny everything but what it needs: DNS, the Kubernetes API and AWS APIs on 443 /
 * 6443, and the app port (the web analysis probes the canary). Nothing connects to it (no webhook; its
 * metrics port is not scraped here).
 */
export class RolloutsController extends pulumi.ComponentResource {
  public readonly namespace: pulumi.Output<string>;
  public readonly release: k8s.helm.v3.Release;
  /** The cluster it runs on: objects for it (AnalysisTemplates) go through the same provider. */
  public readonly provider: k8s.Provider;

  constructor(name: string, args: RolloutsControllerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("fastify-deploy:platforms:RolloutsController", name, {}, opts);
    const childOpts = { parent: this, provider: args.provider };
    const namespace = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      {
        metadata: {
          name: ROLLOUTS_NAMESPACE,
          labels: {
            "pod-security.kubernetes.io/enforce": "restricted",
            "pod-security.kubernetes.io/enforce-version": "latest",
            "pod-security.kubernetes.io/audit": "restricted",
            "pod-security.kubernetes.io/warn": "restricted",
          },
        },
      },
      childOpts,
    );
    const policies = createControllerNetworkPolicies(
      name,
      namespace.metadata.name,
      args.podIdentityAgent ?? false,
      childOpts,
    );
    this.release = pinnedRelease(
      `${name}-release`,
      ARGO_ROLLOUTS_CHART,
      ROLLOUTS_NAMESPACE,
      rolloutsControllerValues(args),
      { ...childOpts, dependsOn: [namespace, ...policies, ...(args.dependsOn ?? [])] },
    );
    this.namespace = namespace.metadata.name;
    this.provider = args.provider;
    this.registerOutputs({ namespace: this.namespace });
  }
}

/** The chart's values: restricted pods, pinned replicas and resources, no dashboard. */
export function rolloutsControllerValues(
  args: Pick<RolloutsControllerArgs, "gatewayApiPlugin" | "serviceAccountAnnotations" | "env">,
): Record<string, unknown> {
  return {
    fullnameOverride: "argo-rollouts",
    installCRDs: true,
    // The Rollouts of other stacks on a shared cluster outlive this release.
    keepCRDs: true,
    serviceAccount: {
      create: true,
      name: ROLLOUTS_SERVICE_ACCOUNT,
      annotations: args.serviceAccountAnnotations ?? {},
    },
    podSecurityContext: restrictedPodSecurityContext(CONTROLLER_UID, CONTROLLER_UID),
    containerSecurityContext: restrictedContainerSecurityContext(CONTROLLER_UID, CONTROLLER_UID),
    controller: {
      replicas: ROLLOUTS_CONTROLLER_REPLICAS,
      resources: ROLLOUTS_CONTROLLER_RESOURCES,
      extraEnv: Object.entries(args.env ?? {}).map(([name, value]) => ({ name, value })),
      trafficRouterPlugins: args.gatewayApiPlugin
        ? [{ name: GATEWAY_API_PLUGIN.name, location: GATEWAY_API_PLUGIN.location }]
        : [],
    },
    dashboard: { enabled: false },
  };
}

/** Default deny in the controller's namespace, then the egress it needs. */
function createControllerNetworkPolicies(
  name: string,
  namespace: pulumi.Output<string>,
  podIdentityAgent: boolean,
  opts: pulumi.CustomResourceOptions,
): k8s.networking.v1.NetworkPolicy[] {
  const policy = (suffix: string, spec: k8s.types.input.networking.v1.NetworkPolicySpec) =>
    new k8s.networking.v1.NetworkPolicy(
      `${name}-${suffix}`,
      { metadata: { name: `argo-rollouts-${suffix}`, namespace }, spec },
      opts,
    );
  return [
    policy("default-deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"], ingress: [], egress: [] }),
    policy("egress", {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [
        // Cluster DNS.
        { ports: [53, 53].map((port, i) => ({ port, protocol: i === 0 ? "UDP" : "TCP" })) },
        // The Kubernetes API (443 behind the kubernetes Service, 6443 on many control planes), AWS's
        // CloudWatch and STS on EKS, the plugin download: addresses the program cannot know.
        { ports: [443, 6443].map((port) => ({ port, protocol: "TCP" })) },
        // The web analysis's probe of the canary pods.
        { ports: [{ port: APP_PORT, protocol: "TCP" }] },
        ...(podIdentityAgent
          ? [
              {
                to: [{ ipBlock: { cidr: EKS_POD_IDENTITY_AGENT.cidr } }],
                ports: [{ port: EKS_POD_IDENTITY_AGENT.port, protocol: "TCP" }],
              },
            ]
          : []),
      ],
    }),
  ];
}
