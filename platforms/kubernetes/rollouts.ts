import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import {
  canaryServiceName,
  createAnalysisTemplate,
  type NetworkPolicySource,
  type ProgressiveDelivery,
  type ProgressiveSettings,
  progressiveSettings,
  ROLLOUTS_NAMESPACE,
  RolloutsController,
  SERVICE_PORT,
  webProbeMetric,
} from "../workload";
import type { KubernetesPlatformArgs } from "./kubernetes-platform";

/** Native blue/green (no Gateway) probes once a minute through the bake before the switch. */
function blueGreenProbes(settings: ProgressiveSettings, args: KubernetesPlatformArgs): number | undefined {
  return settings.strategy === "blueGreen" && args.gateway === undefined
    ? Math.max(1, settings.bakeMinutes)
    : undefined;
}

/** What the `kubernetes` platform adds for a progressive strategy. */
export interface KubernetesProgressive {
  progressive: ProgressiveDelivery;
  /** The controller's namespace, admitted to the app port (the web probe). */
  probeSource: NetworkPolicySource;
  /** The AnalysisTemplate, once the app's namespace exists. */
  createAnalysis: (namespace: pulumi.Input<string>) => void;
}

/**
 * Argo Rollouts on any cluster (docs/rollout.md "Kubernetes"): through the Gateway API plugin's HTTPRoute
 * weights when a Gateway is configured, else a replica-ratio canary behind the one Service, which needs
 * nothing of the cluster. The analysis is the web probe of the canary (rollout-strategy.ts): a cluster
 * we know nothing about has no metrics store this program could name. Undefined for `rolling`.
 */
export function createProgressiveDelivery(
  name: string,
  args: KubernetesPlatformArgs,
  provider: k8s.Provider,
  parent: pulumi.Resource,
): KubernetesProgressive | undefined {
  const settings = progressiveSettings(args.rollout);
  if (settings === undefined) return undefined;
  const controller = new RolloutsController(
    `${name}-rollouts`,
    { provider, gatewayApiPlugin: args.gateway !== undefined },
    { parent },
  );
  const templateName = `${args.namespace}-canary-analysis`;
  const canaryUrl = `http://${canaryServiceName(args.namespace)}.${args.namespace}.svc.${args.clusterDomain}:${SERVICE_PORT}`;
  return {
    progressive: {
      settings,
      traffic: args.gateway !== undefined ? "gateway" : "replicas",
      analysisTemplateName: templateName,
      controller: controller.release,
    },
    probeSource: { namespace: ROLLOUTS_NAMESPACE },
    createAnalysis: (namespace) => {
      createAnalysisTemplate(
        `${name}-canary-analysis`,
        {
          namespace,
          templateName,
          metrics: [webProbeMetric(canaryUrl, blueGreenProbes(settings, args))],
          controller: controller.release,
        },
        { parent, provider },
      );
    },
  };
}
