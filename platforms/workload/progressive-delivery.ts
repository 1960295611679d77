import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { delegatedPaths } from "../../facts";
import {
  type AnalysisMetric,
  type CanaryStep,
  canarySteps,
  type ProgressiveSettings,
  type TrafficMode,
} from "./rollout-strategy";

/**
 * The app's progressive delivery through Argo Rollouts (docs/rollout.md "Kubernetes"): a Rollout that
 * takes its pod template from the app's Deployment (`workloadRef`), so KubernetesApp's Deployment stays
 * the one place the pod is described, and the strategy block per traffic mode.
 *
 * `workloadRef` with `scaleDown: progressively`: the controller scales the Deployment down as the
 * Rollout's pods become available, so a stack switching from `rolling` never drops below its count
 * (docs/migrating.md "Reference Deployment From Rollout", argoproj/argo-rollouts v1.9.0, read 2026-12-07).
 * After that the Deployment stays at 0 and a template change only creates an empty ReplicaSet; the
 * Rollout notices the template change and runs the strategy.
 */
export interface ProgressiveDelivery {
  settings: ProgressiveSettings;
  traffic: TrafficMode;
  /** The AnalysisTemplate (in the app's namespace) every rollout runs; see {@link createAnalysisTemplate}. */
  analysisTemplateName: string;
  /** The controller's release: its CRDs must exist before a Rollout can be created. */
  controller: pulumi.Resource;
}

export const ROLLOUT_API_VERSION = "argoproj.io/v1alpha1";

/** The Services Argo Rollouts points at the stable and the new ReplicaSet (it adds the hash to their selector). */
export const stableServiceName = (namespace: string): string => `${namespace}-stable`;
export const canaryServiceName = (namespace: string): string => `${namespace}-canary`;

/** Which extra Services a mode needs: the canary one always (the web probe and previews aim at it). */
export function progressiveServices(p: Pick<ProgressiveDelivery, "settings" | "traffic">): {
  stable: boolean;
  canary: boolean;
} {
  return { stable: !usesNativeBlueGreen(p), canary: true };
}

/**
 * Blue/green without a router is Argo's blueGreen strategy: the Service everyone reaches switches its
 * selector at promotion. With a router it is a canary whose steps scale the new version to full size
 * first and then move all the traffic ({@link canarySteps}): a rollback is one weight change.
 */
export function usesNativeBlueGreen(p: Pick<ProgressiveDelivery, "settings" | "traffic">): boolean {
  return p.settings.strategy === "blueGreen" && p.traffic === "replicas";
}

/** The ALB action annotation the controller rewrites (docs/features/traffic-management/alb.md). */
export const albActionAnnotation = (rootService: string): string =>
  `alb.ingress.kubernetes.io/actions.${rootService}`;

/**
 * The forward action before any rollout: everything to the stable Service. Argo Rollouts writes this
 * same JSON with the weights of each step; Pulumi creates it so the load balancer controller has an
 * action to build from the first reconcile, and ignores later changes to it (the controller's to change).
 */
export function initialAlbAction(namespace: string, servicePort: number): string {
  return JSON.stringify({
    Type: "forward",
    ForwardConfig: {
      TargetGroups: [
        { ServiceName: canaryServiceName(namespace), ServicePort: String(servicePort), Weight: 0 },
        { ServiceName: stableServiceName(namespace), ServicePort: String(servicePort), Weight: 100 },
      ],
    },
  });
}

export interface StrategyNames {
  /** The app's own Service (the Ingress's root service; the active Service of a native blue/green). */
  rootService: string;
  namespace: string;
  servicePort: number;
  /** The Ingress the ALB mode routes through. */
  ingress?: string;
  /** The HTTPRoute the Gateway mode routes through. */
  httpRoute?: string;
}

/** The Rollout's `spec.strategy`. */
export function rolloutStrategy(p: ProgressiveDelivery, names: StrategyNames): Record<string, unknown> {
  const analysis = { templates: [{ templateName: p.analysisTemplateName }] };
  const canary = canaryServiceName(names.namespace);
  if (usesNativeBlueGreen(p)) {
    return {
      blueGreen: {
        activeService: names.rootService,
        previewService: canary,
        // The new version is probed (pre-promotion analysis) and then baked as a preview; promotion
        // switches the active Service's selector. The old ReplicaSet stays 30 s for connections in flight.
        prePromotionAnalysis: analysis,
        autoPromotionSeconds: p.settings.bakeMinutes * 60,
        scaleDownDelaySeconds: 30,
      },
    };
  }
  const steps: CanaryStep[] = canarySteps(p.settings);
  return {
    canary: {
      stableService: stableServiceName(names.namespace),
      canaryService: canary,
      ...trafficRouting(p.traffic, names),
      // Never below the desired count: a new pod is ready before an old one goes (as the Deployment).
      maxSurge: 1,
      maxUnavailable: 0,
      steps,
      analysis,
    },
  };
}

function trafficRouting(traffic: TrafficMode, names: StrategyNames): Record<string, unknown> {
  switch (traffic) {
    case "alb":
      return {
        trafficRouting: {
          alb: { ingress: names.ingress, rootService: names.rootService, servicePort: names.servicePort },
        },
      };
    case "gateway":
      return {
        trafficRouting: {
          plugins: { "argoproj-labs/gatewayAPI": { httpRoute: names.httpRoute, namespace: names.namespace } },
        },
      };
    case "replicas":
      return {};
  }
}

export interface RolloutArgs {
  progressive: ProgressiveDelivery;
  names: StrategyNames;
  metadata: { name: string; namespace: pulumi.Input<string>; labels: Record<string, string> };
  selector: Record<string, string>;
  replicas: number;
  deploymentName: pulumi.Input<string>;
}

/** The Rollout; the HPA scales it (`spec.replicas` is then the HPA's: ignored after creation). */
export function createRollout(
  name: string,
  args: RolloutArgs,
  opts: pulumi.CustomResourceOptions,
  dependsOn: pulumi.Resource[],
): k8s.apiextensions.CustomResource {
  return new k8s.apiextensions.CustomResource(
    name,
    {
      apiVersion: ROLLOUT_API_VERSION,
      kind: "Rollout",
      metadata: args.metadata,
      spec: {
        replicas: args.replicas,
        revisionHistoryLimit: 5,
        selector: { matchLabels: args.selector },
        workloadRef: {
          apiVersion: "apps/v1",
          kind: "Deployment",
          name: args.deploymentName,
          scaleDown: "progressively",
        },
        // A new version that never becomes ready is aborted, not left half-rolled (as the Deployment's 300 s).
        progressDeadlineSeconds: 300,
        progressDeadlineAbort: true,
        strategy: rolloutStrategy(args.progressive, args.names),
      },
    },
    {
      ...opts,
      ignoreChanges: delegatedPaths("rolloutReplicas"),
      dependsOn: [args.progressive.controller, ...dependsOn],
    },
  );
}

/** The analysis every rollout runs, in the app's namespace. */
export function createAnalysisTemplate(
  name: string,
  args: {
    namespace: pulumi.Input<string>;
    templateName: string;
    labels?: Record<string, string>;
    metrics: pulumi.Input<AnalysisMetric[]>;
    controller: pulumi.Resource;
  },
  opts: pulumi.CustomResourceOptions,
): k8s.apiextensions.CustomResource {
  return new k8s.apiextensions.CustomResource(
    name,
    {
      apiVersion: ROLLOUT_API_VERSION,
      kind: "AnalysisTemplate",
      metadata: { name: args.templateName, namespace: args.namespace, labels: args.labels ?? {} },
      spec: { metrics: args.metrics },
    },
    { ...opts, dependsOn: [args.controller] },
  );
}
