import * as pulumi from "@pulumi/pulumi";
import { CLUSTER_PROFILES, ecrImage, imageRegistryHost, RATE_LIMITED_REGISTRIES } from "../facts";
import type { GatewayRoute } from "../platforms/workload";
import {
  appSettings,
  isUnset,
  type PlatformModule,
  type RawConfig,
  scalingSettings,
  type Valid,
} from "./common";
import { fullKey, type Values } from "./keys";
import { kubeconfigApiServer } from "./kubeconfig";
import { rolloutSettings } from "./rollout";
import { show } from "./schema";
import { awsAccessSettings, kubernetesSecretProblems, secretSettings, secretsProblems } from "./secrets";
import type { PlatformArgs } from "./stack-config";

/** Any Kubernetes cluster through a kubeconfig: its rules between keys and KubernetesPlatformArgs. */
export const kubernetes: PlatformModule<PlatformArgs<"kubernetes">> = {
  problems: (v, raw) => [
    ...kubeconfigProblems(v, raw),
    ...exposureProblems(v, raw),
    ...secretsProblems(v, raw, { oneRegion: false }),
    ...kubernetesSecretProblems(v),
  ],
  warnings: (v) => [...inClusterImageWarnings(v), ...clusterProfileWarnings(v)],
  args(v, _stack, _raw, today) {
    // Valid here (kubeconfigProblems found nothing): the server URL names the cluster.
    const apiServer = kubeconfigApiServer(v.kubeconfig, v.kubeconfigContext) as string;
    return {
      app: appSettings(v),
      scaling: scalingSettings(v),
      cluster: {
        kubeconfig: pulumi.secret(v.kubeconfig),
        ...(v.kubeconfigContext !== undefined && { context: v.kubeconfigContext }),
        identifier: v.clusterIdentifier ?? apiServer,
      },
      imagePull: imagePull(v),
      namespace: v.namespace,
      clusterDomain: v.clusterDomain,
      createNamespace: v.createNamespace,
      serviceType: v.serviceType,
      ...(v.ingressClassName !== undefined && {
        ingress: {
          className: v.ingressClassName,
          ...(v.ingressHost !== undefined && { host: v.ingressHost }),
          ...(v.ingressTlsSecret !== undefined && { tlsSecretName: v.ingressTlsSecret }),
        },
      }),
      ...gatewaySettings(v, v.ingressHost),
      networkPolicy: { namespaces: v.networkPolicyNamespaces, cidrs: v.networkPolicyCidrs },
      ingressControllerNamespace: v.ingressControllerNamespace,
      nodeCidrs: v.nodeCidrs,
      awaitAddress: v.waitForAddress === "true",
      // The refresher's pinned Node image runs the synthetic client too: one image to trust and update.
      syntheticClient: v.syntheticCheck ? { image: v.ecrRefresherImage } : undefined,
      rollout: rolloutSettings(v),
      secrets: secretSettings(v),
      awsAccess: awsAccessSettings(v, today),
    };
  },
};

/** How the cluster pulls the image: a named secret, a refreshed ECR secret, or nothing for other registries. */
function imagePull(v: Valid): PlatformArgs<"kubernetes">["imagePull"] {
  if (v.imagePullSecret !== undefined) return { existingSecretName: v.imagePullSecret };
  // A built image always lives in this stack's ECR repository.
  if (v.imageUri === undefined || ecrImage(v.imageUri) !== undefined) {
    return { ecr: { refresherImage: v.ecrRefresherImage } };
  }
  return { none: true };
}

/** Required, and naming a context with a server; never quoted (it holds credentials). */
function kubeconfigProblems(v: Values, raw: RawConfig): string[] {
  if (v.kubeconfig === undefined) return [];
  if (v.kubeconfig.trim() === "") {
    return [
      `${fullKey("kubeconfig")}: got ${raw[fullKey("kubeconfig")] ? "an empty value" : "nothing"}; expected the cluster's kubeconfig as a secret when platform is kubernetes (pulumi config set --secret kubeconfig < kubeconfig.yaml); the program never falls back to ~/.kube/config`,
    ];
  }
  const found = kubeconfigApiServer(v.kubeconfig, v.kubeconfigContext);
  return typeof found === "string" ? [] : [`${fullKey("kubeconfig")}: ${found.problem}`];
}

/**
 * A host needs an Ingress class or a Gateway, a Gateway both its name and namespace, TLS a host, and
 * node-address traffic the nodes' CIDRs.
 */
function exposureProblems(v: Values, raw: RawConfig): string[] {
  const problems: string[] = [];
  const { ingressHost, ingressTlsSecret } = v;
  if (ingressHost !== undefined && isUnset(v, "ingressClassName") && isUnset(v, "gatewayName")) {
    problems.push(
      `${fullKey("ingressHost")}: got ${show(ingressHost)} without ingressClassName or gatewayName; expected ingressClassName (an Ingress needs a class) or gatewayName and gatewayNamespace (an HTTPRoute needs a Gateway)`,
    );
  }
  problems.push(...gatewayPairProblems(raw));
  const { serviceType, nodeCidrs, networkPolicyNamespaces, networkPolicyCidrs } = v;
  if (
    (serviceType === "NodePort" || serviceType === "LoadBalancer") &&
    nodeCidrs?.length === 0 &&
    networkPolicyNamespaces?.length === 0 &&
    networkPolicyCidrs?.length === 0
  ) {
    problems.push(
      `${fullKey("nodeCidrs")}: got [] with serviceType ${serviceType}; expected the IPv4 CIDRs of the cluster's nodes (kubectl get nodes -o wide), which the NetworkPolicy admits on the app port because traffic through a ${serviceType} Service reaches the pods from node addresses (or set networkPolicyCidrs / networkPolicyNamespaces)`,
    );
  }
  // A host without a class is the rule above's to report: this one needs only the host.
  if (ingressTlsSecret !== undefined && isUnset(v, "ingressHost")) {
    problems.push(
      `${fullKey("ingressTlsSecret")}: got ${show(ingressTlsSecret)} without ingressHost; expected ingressHost and ingressClassName too (a TLS certificate is for a host on an Ingress)`,
    );
  }
  return problems;
}

/**
 * The refresher's and synthetic client's image from a registry that limits anonymous pulls per address
 * (Docker Hub: facts/kubernetes.ts RATE_LIMITED_REGISTRIES) works until a busy or NAT-shared cluster
 * hits the limit; a warning, since the user chose it.
 */
function inClusterImageWarnings(v: Valid): string[] {
  const host = imageRegistryHost(v.ecrRefresherImage);
  if (!(RATE_LIMITED_REGISTRIES as readonly string[]).includes(host)) return [];
  return [
    `${fullKey("ecrRefresherImage")}: ${show(v.ecrRefresherImage)} pulls from ${host}, which limits anonymous pulls per address (10 per hour on Docker Hub): the refresher's and synthetic client's Jobs can fail with ErrImagePull on busy or NAT-shared nodes; prefer a mirror such as public.ecr.aws/docker/library/node@<the same digest>`,
  ];
}

/**
 * Where the stack's settings and the named cluster's conventions (facts/cluster-profiles.ts) disagree.
 * Warnings, not problems: a cluster can be set up otherwise than its kind's default.
 */
function clusterProfileWarnings(v: Valid): string[] {
  const key = fullKey("clusterProfile");
  const profile = CLUSTER_PROFILES[v.clusterProfile];
  const on = `${key}: on ${profile.title}`;
  const warnings: string[] = [];
  if (v.ingressClassName !== undefined && profile.ingress !== undefined) {
    if (v.ingressControllerNamespace !== profile.ingress.namespace) {
      warnings.push(
        `${on} the ingress controller (${profile.ingress.className}) runs in ${show(profile.ingress.namespace)}, but ingressControllerNamespace is ${show(v.ingressControllerNamespace)}: the NetworkPolicy would shut it out; set ingressControllerNamespace ${profile.ingress.namespace}`,
      );
    }
  }
  if (v.ingressClassName !== undefined && profile.ingress === undefined && profile.gateway !== undefined) {
    warnings.push(
      `${on} the built-in Ingress ignores spec.ingressClassName and its load balancer does not come from pods the NetworkPolicy can name; prefer gatewayName/gatewayNamespace (class ${profile.gateway.className})`,
    );
  }
  if (
    (v.serviceType === "NodePort" || v.serviceType === "LoadBalancer") &&
    !profile.nodeAddressMatchesIpBlock
  ) {
    warnings.push(
      `${on} traffic a node forwards (serviceType ${v.serviceType}) does not match nodeCidrs as ipBlock peers unless Cilium runs with policy-cidr-match-mode: nodes (cilium-config); set it, or expose the app through an Ingress or Gateway`,
    );
  }
  if (v.serviceType === "LoadBalancer" && !profile.loadBalancer) {
    warnings.push(
      `${on} nothing assigns a LoadBalancer address out of the box (kind: cloud-provider-kind; minikube: minikube tunnel; bare metal: MetalLB); keep waitForAddress false or install one`,
    );
  }
  if (profile.metricsApi === false) {
    warnings.push(
      `${on} the resource metrics API is not served out of the box, and the HorizontalPodAutoscaler never scales without it: install metrics-server (kubectl get apiservice v1beta1.metrics.k8s.io shows it)`,
    );
  }
  return warnings;
}

/** gatewayName and gatewayNamespace come together (kubernetes and eks both attach an HTTPRoute). */
export function gatewayPairProblems(raw: RawConfig): string[] {
  // Set at all (a value its own schema rejected is reported there, not again as missing here).
  const isSet = (key: "gatewayName" | "gatewayNamespace") => Boolean(raw[fullKey(key)]?.value);
  if (isSet("gatewayName") === isSet("gatewayNamespace")) return [];
  const [given, missing] = isSet("gatewayName")
    ? (["gatewayName", "gatewayNamespace"] as const)
    : (["gatewayNamespace", "gatewayName"] as const);
  return [
    `${fullKey(given)}: got ${show(raw[fullKey(given)]?.value)} without ${missing}; expected both (an HTTPRoute's parentRef names the Gateway and its namespace)`,
  ];
}

/**
 * The `gateway` Args of both Kubernetes platforms: the Gateway an HTTPRoute attaches to, for `host`
 * (ingressHost on kubernetes, domainName on eks; every host when unset). Nothing without both keys.
 */
export function gatewaySettings(v: Valid, host: string | undefined): { gateway?: GatewayRoute } {
  if (v.gatewayName === undefined || v.gatewayNamespace === undefined) return {};
  return {
    gateway: { name: v.gatewayName, namespace: v.gatewayNamespace, ...(host !== undefined && { host }) },
  };
}
