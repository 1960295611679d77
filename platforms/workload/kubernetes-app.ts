import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  type AppSettings,
  DEFAULT_CLUSTER_DOMAIN,
  delegatedPaths,
  type ScalingSettings,
  type ServiceType,
} from "../../facts";
import {
  APP_GID,
  APP_PORT,
  APP_UID,
  type AppPlatformName,
  appEnvironment,
  appTracesEndpoint,
  LIVENESS_PATH,
  minimumKillWindowSeconds,
  READINESS_PATH,
  SHUTDOWN_TIMEOUT_MS,
} from "../app-contract";
import { EcrPullSecret, type EcrPullSecretArgs } from "./ecr-pull-secret";
import { restrictedContainerSecurityContext } from "./pod-security";
import {
  albActionAnnotation,
  canaryServiceName,
  createRollout,
  initialAlbAction,
  type ProgressiveDelivery,
  progressiveServices,
  ROLLOUT_API_VERSION,
  stableServiceName,
  usesNativeBlueGreen,
} from "./progressive-delivery";
import {
  type SecretEnv,
  secretEnvEntries,
  secretPodAnnotations,
  secretVolumeMounts,
  secretVolumes,
} from "./secret-env";
import { collectorSidecar, tracingEgress } from "./tracing";

/**
 * A source the NetworkPolicy admits on the app port: every pod of a namespace (e.g. the ingress
 * controller's), an IPv4 CIDR (a load balancer's subnets, the nodes behind a NodePort), or the pods
 * with these labels in the app's own namespace (the synthetic client).
 */
export type NetworkPolicySource =
  | { namespace: pulumi.Input<string> }
  | { cidr: pulumi.Input<string> }
  | { podLabels: Record<string, string> };

/**
 * The NetworkPolicy's sources: what the platform's exposure needs (`required`: the ALB's subnets, the
 * ingress controller's or gateway's namespace, the nodes behind a NodePort), then the configured ones.
 * Configured sources add to the required ones and never replace them: replacing them let
 * `networkPolicyNamespaces: ["monitoring"]` drop the ALB's subnets on EKS, a full outage (issue 24).
 */
export function networkPolicySources(
  configured: { namespaces: readonly string[]; cidrs: readonly string[] },
  required: () => NetworkPolicySource[],
): NetworkPolicySource[] {
  return [
    ...required(),
    ...configured.namespaces.map((namespace) => ({ namespace })),
    ...configured.cidrs.map((cidr) => ({ cidr })),
  ];
}

/** The annotation that makes pulumi-kubernetes return as soon as an object is accepted. */
export const SKIP_AWAIT_ANNOTATION = "pulumi.com/skipAwait";

export interface KubernetesIngressArgs {
  /** `spec.ingressClassName`, e.g. `alb` (AWS Load Balancer Controller) or `nginx`. */
  className: pulumi.Input<string>;
  /** Host name to route; every host when omitted. */
  host?: pulumi.Input<string>;
  /** Secret of type kubernetes.io/tls in the app's namespace; needs `host`. */
  tlsSecretName?: pulumi.Input<string>;
  /** Controller-specific settings, e.g. `alb.ingress.kubernetes.io/*`. */
  annotations?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * An existing Gateway (Gateway API) the Service is attached to by an HTTPRoute: the one shape of the
 * `gateway` setting from config through both platforms' Args to here.
 */
export interface GatewayRoute {
  /** The Gateway's name and namespace (`spec.parentRefs`); its listeners must allow routes from the app's namespace. */
  name: string;
  namespace: string;
  /** Host name to route (`spec.hostnames`); every host the Gateway's listener accepts when omitted. */
  host?: string;
}

export interface KubernetesAppArgs {
  /** The cluster to deploy to. Every object is created through this provider, never the ambient kubeconfig. */
  provider: k8s.Provider;
  /** Digest-pinned image URI (`repo@sha256:…`). */
  image: pulumi.Input<string>;
  app: AppSettings;
  /** Replica count at creation and the HorizontalPodAutoscaler's bounds and CPU target. */
  scaling: ScalingSettings;
  /** What the app reports as its platform (`GET /version`). */
  platform: AppPlatformName;
  /**
   * How long a terminating pod keeps serving with readiness at 503 before it closes. Kubernetes sends
   * SIGTERM while it is still removing the pod from endpoints; whatever routes to the pod (kube-proxy,
   * an ingress controller, a cloud load balancer) picks that up seconds later, sooner or later per platform.
   */
  drainDelayMs: number;
  /** Name of the namespace and of every object in it. */
  namespace: string;
  /** The cluster's DNS domain, for {@link KubernetesApp.clusterUrl}. @default "cluster.local" */
  clusterDomain?: string;
  /**
   * Create the namespace (labelled for Pod Security "restricted"); false deploys into an existing one,
   * whose labels are then the cluster owner's business.
   */
  createNamespace: boolean;
  /**
   * How nodes authenticate to the registry: the name of an existing kubernetes.io/dockerconfigjson
   * Secret in the namespace, or a Secret for a private ECR registry kept fresh in the cluster
   * ({@link EcrPullSecret}). None for a public image or nodes that authenticate on their own.
   */
  imagePull?:
    | { existingSecretName: string }
    | { ecr: Omit<EcrPullSecretArgs, "provider" | "namespace" | "namePrefix" | "labels" | "previously"> };
  serviceType: ServiceType;
  serviceAnnotations?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Annotations on the app's service account (e.g. an IRSA role). @default {} */
  serviceAccountAnnotations?: Record<string, pulumi.Input<string>>;
  /**
   * What serves the resource metrics API on this cluster (e.g. metrics-server), when this program
   * installs it: the HPA is created after it, so it never starts without metrics.
   */
  metricsApi?: pulumi.Resource;
  /** An Ingress in front of the Service, when given. */
  ingress?: KubernetesIngressArgs;
  /** An HTTPRoute (gateway.networking.k8s.io/v1) from an existing Gateway to the Service, when given. */
  gateway?: GatewayRoute;
  /**
   * Who may connect to the app port, each a `from` of the NetworkPolicy. Empty admits nobody but the
   * pod's own node (kubelet probes, which NetworkPolicy never blocks) and `kubectl port-forward`.
   */
  networkPolicySources: NetworkPolicySource[];
  /**
   * Whether `pulumi up` waits for a LoadBalancer Service's and the Ingress's address. pulumi-kubernetes
   * waits up to 10 minutes and then fails, every run, where nothing ever assigns one (kind, minikube,
   * bare metal without MetalLB, an ingress controller that publishes no status); false sets
   * `pulumi.com/skipAwait` on those two objects and the address outputs become best effort.
   */
  awaitAddress: boolean;
  /**
   * Zones the cluster's nodes span, when the program knows it (EKS: the VPC's availability zones).
   * The zone spread is hard (`DoNotSchedule`) when minReplicas ≥ zoneCount, soft otherwise; unknown
   * means soft (see {@link zoneSpreadWhenUnsatisfiable}).
   */
  zoneCount?: number;
  /**
   * The Ingress's load balancer targets pod IPs (AWS Load Balancer Controller, `target-type: ip`): label
   * the namespace `elbv2.k8s.aws/pod-readiness-gate-inject: enabled` and create the Service and Ingress
   * before the Deployment, so the controller's webhook gives every pod a readiness gate that turns true
   * only once its target is healthy. Needs `ingress` and a namespace this component creates.
   * @default false
   */
  podReadinessGates?: boolean;
  /**
   * With `app.tracing` xray: the region the ADOT collector sidecar exports to (EKS). Required then (the
   * collector signs for one region); ignored otherwise.
   */
  xrayRegion?: pulumi.Input<string>;
  /**
   * Progressive delivery through Argo Rollouts (progressive-delivery.ts): a Rollout runs the pods from the
   * Deployment's template, the HPA scales it, and the traffic mode's objects (stable/canary Services,
   * the Ingress's forward action, the HTTPRoute's weights) are the controller's to change. Unset: the
   * Deployment's rolling update, as before.
   */
  progressive?: ProgressiveDelivery;
  /**
   * Environment variables from a Secret the platform's delivery keeps (secret-env.ts); the pod template
   * carries the references' digest, so pinning a new version rolls out. @default none
   */
  secretEnv?: SecretEnv;
}

/** The namespace label that makes the AWS Load Balancer Controller inject pod readiness gates. */
export const POD_READINESS_GATE_LABEL = "elbv2.k8s.aws/pod-readiness-gate-inject";

/**
 * The zone constraint of the pod spread. Hard only when the zone count is known and there is at least
 * one replica per zone: then DoNotSchedule keeps a zone outage from taking more than its share. With
 * fewer replicas than zones a hard constraint would force each pod into a distinct zone and leave it
 * Pending when that zone lacks room. With an unknown zone count (a cluster the program never reads:
 * kind, minikube and many on-premises nodes carry no `topology.kubernetes.io/zone` label, and under
 * DoNotSchedule nodes without the key are not eligible) every pod could stay Pending, so it stays soft.
 */
export function zoneSpreadWhenUnsatisfiable(
  minReplicas: number,
  zoneCount: number | undefined,
): "DoNotSchedule" | "ScheduleAnyway" {
  return zoneCount !== undefined && minReplicas >= zoneCount ? "DoNotSchedule" : "ScheduleAnyway";
}

/** The port the Service exposes inside the cluster. */
export const SERVICE_PORT = 80;
/** Seconds between readiness probes: a pod leaves the endpoints within two of them. */
export const READINESS_PERIOD_SECONDS = 5;
/** Added to the app's drain + shutdown timeout for process exit. */
export const KILL_WINDOW_MARGIN_SECONDS = 5;
/** The app container's requests and limits: a small JSON API, sized so a t3.medium node fits several. */
export const CONTAINER_RESOURCES = {
  requests: { cpu: "100m", memory: "128Mi" },
  limits: { cpu: "500m", memory: "256Mi" },
} as const;

/**
 * The app as a Kubernetes workload, the same on every cluster: namespace, service account, Deployment,
 * Service, HorizontalPodAutoscaler, PodDisruptionBudget, NetworkPolicy and an optional Ingress.
 */
export class KubernetesApp extends pulumi.ComponentResource {
  public readonly namespace: pulumi.Output<string>;
  public readonly serviceName: pulumi.Output<string>;
  public readonly deploymentName: pulumi.Output<string>;
  /** Load balancer host name or IP of a `LoadBalancer` Service, "" otherwise or until it is assigned. */
  public readonly loadBalancerAddress: pulumi.Output<string>;
  /** Load balancer host name or IP of the Ingress, "" without one or until it is assigned. */
  public readonly ingressAddress: pulumi.Output<string>;
  /** The Ingress's name, "" without one (the load balancer controller tags its ALB with it). */
  public readonly ingressName: pulumi.Output<string>;
  /** The Service's in-cluster URL, `http://<service>.<namespace>.svc.<cluster domain>`. */
  public readonly clusterUrl: pulumi.Output<string>;
  /** The app pods' labels every selector uses (a client's NetworkPolicy egress names them). */
  public readonly podSelector: Record<string, string>;

  constructor(name: string, args: KubernetesAppArgs, opts?: pulumi.ComponentResourceOptions) {
    super("fastify-deploy:platforms:KubernetesApp", name, {}, opts);
    validate(args);

    const childOpts: pulumi.CustomResourceOptions = { parent: this, provider: args.provider };
    const labels = workloadLabels(args.namespace);
    const namespace = args.createNamespace
      ? createNamespace(name, args, labels, childOpts)
      : pulumi.output(args.namespace);
    this.podSelector = podSelector(labels);
    const w: Workload = {
      name,
      args,
      opts: childOpts,
      labels,
      selector: podSelector(labels),
      metadata: { name: args.namespace, namespace, labels },
    };

    const serviceAccount = createServiceAccount(w);
    const pullSecret = createImagePull(w, this);
    // With readiness gates (AWS Load Balancer Controller docs, deploy/pod_readiness_gate.md): the
    // webhook injects a gate only at pod creation and only when a TargetGroupBinding already refers to
    // a Service matching the pod, so Service and Ingress come first. The Ingress's await (an ALB
    // address in its status) ends after the controller has reconciled it and created its bindings.
    // Without gates the Service follows the Deployment, so its own await finds ready endpoints.
    const early = args.podReadinessGates ? createFront(w, []) : undefined;
    const deployment = createDeployment(w, {
      serviceAccount,
      pullSecretName: pullSecret?.name,
      dependsOn: [
        ...(early?.resources ?? []),
        ...(pullSecret?.ready ?? []),
        ...(args.secretEnv?.ready ?? []),
      ],
    });
    const { service, ingress } = early ?? createFront(w, [deployment]);
    const rollout = args.progressive
      ? createRollout(
          `${name}-rollout`,
          {
            progressive: args.progressive,
            names: progressiveNames(w),
            metadata: w.metadata,
            selector: w.selector,
            replicas: args.scaling.desiredCount,
            deploymentName: deployment.metadata.name,
          },
          w.opts,
          [deployment, service, ...(ingress ? [ingress] : [])],
        )
      : undefined;
    createAutoscaler(
      w,
      rollout
        ? { apiVersion: ROLLOUT_API_VERSION, kind: "Rollout", name: rollout.metadata.name }
        : { apiVersion: "apps/v1", kind: "Deployment", name: deployment.metadata.name },
    );
    createDisruptionBudget(w);
    createNetworkPolicy(w);
    if (args.createNamespace) createDefaultDeny(w);

    this.namespace = namespace;
    this.serviceName = service.metadata.name;
    this.deploymentName = deployment.metadata.name;
    this.loadBalancerAddress = service.status.apply((status) =>
      loadBalancerAddress(status?.loadBalancer?.ingress),
    );
    this.ingressAddress = ingress
      ? ingress.status.apply((status) => loadBalancerAddress(status?.loadBalancer?.ingress))
      : pulumi.output("");
    this.ingressName = ingress ? ingress.metadata.name : pulumi.output("");
    const domain = args.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN;
    this.clusterUrl = pulumi.interpolate`http://${service.metadata.name}.${namespace}.svc.${domain}`;
    this.registerOutputs({
      namespace: this.namespace,
      serviceName: this.serviceName,
      deploymentName: this.deploymentName,
      loadBalancerAddress: this.loadBalancerAddress,
      ingressAddress: this.ingressAddress,
      ingressName: this.ingressName,
      clusterUrl: this.clusterUrl,
    });
  }
}

/** What every step of {@link KubernetesApp} shares. */
interface Workload {
  /** The component's name; every child's name derives from it. */
  name: string;
  args: KubernetesAppArgs;
  /** Parent and provider: every object goes through the given provider. */
  opts: pulumi.CustomResourceOptions;
  labels: Record<string, string>;
  /** The pods' immutable selector. */
  selector: Record<string, string>;
  /** Every object is named after the namespace and waits for it (its name is the Namespace's Output). */
  metadata: { name: string; namespace: pulumi.Output<string>; labels: Record<string, string> };
}

function workloadLabels(instance: string): Record<string, string> {
  return {
    "app.kubernetes.io/name": "fastify-app",
    "app.kubernetes.io/instance": instance,
    "app.kubernetes.io/component": "api",
    "app.kubernetes.io/part-of": "fastify-deploy",
    "app.kubernetes.io/managed-by": "pulumi",
  };
}

/** Selectors are immutable: only labels that never change select pods. */
function podSelector(labels: Record<string, string>): Record<string, string> {
  return {
    "app.kubernetes.io/name": labels["app.kubernetes.io/name"] ?? "",
    "app.kubernetes.io/instance": labels["app.kubernetes.io/instance"] ?? "",
  };
}

/** The namespace, labelled for Pod Security "restricted" (and for readiness gates when asked). */
function createNamespace(
  name: string,
  args: KubernetesAppArgs,
  labels: Record<string, string>,
  opts: pulumi.CustomResourceOptions,
): pulumi.Output<string> {
  const namespace = new k8s.core.v1.Namespace(
    `${name}-namespace`,
    {
      metadata: {
        name: args.namespace,
        labels: {
          ...labels,
          "pod-security.kubernetes.io/enforce": "restricted",
          "pod-security.kubernetes.io/enforce-version": "latest",
          "pod-security.kubernetes.io/audit": "restricted",
          "pod-security.kubernetes.io/warn": "restricted",
          ...(args.podReadinessGates ? { [POD_READINESS_GATE_LABEL]: "enabled" } : {}),
        },
      },
    },
    opts,
  );
  return namespace.metadata.name;
}

function createServiceAccount(w: Workload): k8s.core.v1.ServiceAccount {
  return new k8s.core.v1.ServiceAccount(
    `${w.name}-service-account`,
    // The app never calls the Kubernetes API: no token in the pod.
    {
      metadata: { ...w.metadata, annotations: w.args.serviceAccountAnnotations ?? {} },
      automountServiceAccountToken: false,
    },
    w.opts,
  );
}

/**
 * The pull secret the pods name: an existing one, or an ECR one kept fresh in the cluster, whose first
 * refresh the pods wait for (`ready`) so their first pull already has a token.
 */
function createImagePull(
  w: Workload,
  component: pulumi.ComponentResource,
): { name: pulumi.Input<string>; ready: pulumi.Resource[] } | undefined {
  const pull = w.args.imagePull;
  if (pull === undefined) return undefined;
  if ("existingSecretName" in pull) return { name: pull.existingSecretName, ready: [] };
  const secret = new EcrPullSecret(
    `${w.name}-ecr-pull`,
    {
      ...pull.ecr,
      provider: w.args.provider,
      namespace: w.metadata.namespace,
      namePrefix: w.args.namespace,
      labels: w.labels,
      previously: { name: `${w.name}-image-pull`, parent: component },
    },
    { parent: component },
  );
  return { name: secret.secretName, ready: [secret.initialRefresh] };
}

/**
 * Without the await, up returns as soon as the object is accepted (pulumi-kubernetes
 * provider/pkg/metadata/overrides.go ReadyCondition; provider/pkg/await/await.go skips the Service and
 * Ingress awaiters, on create, update and refresh). Read at v4.32.0; @pulumi/kubernetes 4.34.2 here.
 */
function addressAwait(args: KubernetesAppArgs): Record<string, string> {
  return args.awaitAddress ? {} : { [SKIP_AWAIT_ANNOTATION]: "true" };
}

/** The Service and, when asked, the Ingress in front of it. */
function createFront(w: Workload, dependsOn: pulumi.Resource[]) {
  const service = createService(w, dependsOn);
  const extra = w.args.progressive ? createProgressiveServices(w, dependsOn) : [];
  const ingress = w.args.ingress ? createIngress(w, w.args.ingress, service) : undefined;
  if (w.args.gateway) createHttpRoute(w, w.args.gateway, service);
  return { service, ingress, resources: [service, ...extra, ...(ingress ? [ingress] : [])] };
}

function createService(w: Workload, dependsOn: pulumi.Resource[]): k8s.core.v1.Service {
  const { args } = w;
  const annotations = pulumi.output(args.serviceAnnotations ?? {}).apply(
    (given): Record<string, string> => ({
      ...given,
      // Created before its pods, the Service would wait in Pulumi's await for endpoints that only the
      // Deployment after it brings (pulumi-kubernetes await: a Service waits for ready endpoints).
      ...(args.podReadinessGates ? { [SKIP_AWAIT_ANNOTATION]: "true" } : {}),
      // A LoadBalancer Service waits for its address too, unless the stack says not to.
      ...(args.serviceType === "LoadBalancer" ? addressAwait(args) : {}),
    }),
  );
  return new k8s.core.v1.Service(
    `${w.name}-service`,
    {
      metadata: { ...w.metadata, annotations },
      spec: {
        type: args.serviceType,
        selector: w.selector,
        ports: [{ name: "http", port: SERVICE_PORT, targetPort: "http", protocol: "TCP" }],
      },
    },
    {
      ...w.opts,
      dependsOn,
      // Native blue/green: the controller switches this Service's selector at promotion.
      ...(w.args.progressive && usesNativeBlueGreen(w.args.progressive)
        ? { ignoreChanges: ["spec.selector"] }
        : {}),
    },
  );
}

/**
 * The stable and canary Services of a progressive rollout: the app's selector, to which the controller
 * adds the ReplicaSet's hash (so `spec.selector` is its to change). Created with the app's Service, so
 * with readiness gates their target groups exist before the pods.
 */
function createProgressiveServices(w: Workload, dependsOn: pulumi.Resource[]): k8s.core.v1.Service[] {
  const progressive = w.args.progressive;
  if (progressive === undefined) return [];
  const wanted = progressiveServices(progressive);
  const names = [
    ...(wanted.stable ? [["stable", stableServiceName(w.args.namespace)]] : []),
    ...(wanted.canary ? [["canary", canaryServiceName(w.args.namespace)]] : []),
  ];
  return names.map(
    ([role, serviceName]) =>
      new k8s.core.v1.Service(
        `${w.name}-${role}-service`,
        {
          metadata: {
            ...w.metadata,
            name: serviceName ?? "",
            // Their endpoints come and go with the rollout; nothing here waits on them.
            annotations: { [SKIP_AWAIT_ANNOTATION]: "true" },
          },
          spec: {
            type: "ClusterIP",
            selector: w.selector,
            ports: [{ name: "http", port: SERVICE_PORT, targetPort: "http", protocol: "TCP" }],
          },
        },
        {
          ...w.opts,
          dependsOn,
          ignoreChanges: delegatedPaths(
            role === "stable" ? "rolloutStableServiceSelector" : "rolloutCanaryServiceSelector",
          ),
        },
      ),
  );
}

/** The names the Rollout's strategy refers to (the objects KubernetesApp creates). */
function progressiveNames(w: Workload) {
  return {
    rootService: w.args.namespace,
    namespace: w.args.namespace,
    servicePort: SERVICE_PORT,
    ...(w.args.ingress ? { ingress: w.args.namespace } : {}),
    ...(w.args.gateway ? { httpRoute: w.args.namespace } : {}),
  };
}

/** Through the ALB, the Ingress's rule uses the forward action the controller rewrites (progressive-delivery.ts). */
function albRouted(w: Workload): boolean {
  return w.args.progressive?.traffic === "alb";
}

function createIngress(
  w: Workload,
  ingress: KubernetesIngressArgs,
  backend: k8s.core.v1.Service,
): k8s.networking.v1.Ingress {
  return new k8s.networking.v1.Ingress(
    `${w.name}-ingress`,
    {
      metadata: {
        ...w.metadata,
        annotations: pulumi.output(ingress.annotations ?? {}).apply(
          (annotations): Record<string, string> => ({
            ...annotations,
            ...addressAwait(w.args),
            ...(albRouted(w)
              ? { [albActionAnnotation(w.args.namespace)]: initialAlbAction(w.args.namespace, SERVICE_PORT) }
              : {}),
          }),
        ),
      },
      spec: {
        ingressClassName: ingress.className,
        ...(ingress.tlsSecretName && ingress.host
          ? { tls: [{ hosts: [ingress.host], secretName: ingress.tlsSecretName }] }
          : {}),
        rules: [
          {
            ...(ingress.host ? { host: ingress.host } : {}),
            http: {
              paths: [
                {
                  path: "/",
                  pathType: "Prefix",
                  backend: {
                    service: {
                      name: backend.metadata.name,
                      // `use-annotation`: the rule forwards as the action annotation says (the LBC's
                      // weighted target groups), the port name Argo Rollouts' ALB mode requires.
                      port: { name: albRouted(w) ? "use-annotation" : "http" },
                    },
                  },
                },
              ],
            },
          },
        ],
      },
    },
    albRouted(w)
      ? {
          ...w.opts,
          ignoreChanges: [`metadata.annotations["${albActionAnnotation(w.args.namespace)}"]`],
        }
      : w.opts,
  );
}

/** The Gateway API's stable HTTP route kind (standard channel, v1 since Gateway API v1.0). */
export const HTTP_ROUTE_API_VERSION = "gateway.networking.k8s.io/v1";

/**
 * An HTTPRoute from an existing Gateway to the Service: every path, to the Service's port. Gateway API is
 * where the ecosystem went after ingress-nginx's retirement (GKE, AKS, Cilium, Traefik, Envoy Gateway,
 * the AWS Load Balancer Controller); the Gateway itself (listeners, TLS, addresses) is the cluster
 * owner's. A parentRef across namespaces needs no ReferenceGrant, only listeners whose allowedRoutes
 * admit this namespace (Gateway API spec: ParentReference, AllowedRoutes; read 2026-12-07 at v1.6.1).
 */
function createHttpRoute(
  w: Workload,
  route: GatewayRoute,
  backend: k8s.core.v1.Service,
): k8s.apiextensions.CustomResource {
  return new k8s.apiextensions.CustomResource(
    `${w.name}-http-route`,
    {
      apiVersion: HTTP_ROUTE_API_VERSION,
      kind: "HTTPRoute",
      metadata: w.metadata,
      spec: {
        parentRefs: [
          {
            group: "gateway.networking.k8s.io",
            kind: "Gateway",
            name: route.name,
            namespace: route.namespace,
          },
        ],
        ...(route.host ? { hostnames: [route.host] } : {}),
        rules: [
          {
            matches: [{ path: { type: "PathPrefix", value: "/" } }],
            backendRefs: gatewayRouted(w)
              ? [
                  // The plugin sets these weights at each step; all on stable until a rollout starts.
                  {
                    kind: "Service",
                    name: stableServiceName(w.args.namespace),
                    port: SERVICE_PORT,
                    weight: 100,
                  },
                  {
                    kind: "Service",
                    name: canaryServiceName(w.args.namespace),
                    port: SERVICE_PORT,
                    weight: 0,
                  },
                ]
              : [{ kind: "Service", name: backend.metadata.name, port: SERVICE_PORT }],
          },
        ],
      },
    },
    gatewayRouted(w)
      ? {
          ...w.opts,
          ignoreChanges: delegatedPaths("httpRouteWeights"),
        }
      : w.opts,
  );
}

function gatewayRouted(w: Workload): boolean {
  return w.args.progressive?.traffic === "gateway";
}

function createDeployment(
  w: Workload,
  pod: {
    serviceAccount: k8s.core.v1.ServiceAccount;
    pullSecretName: pulumi.Input<string> | undefined;
    dependsOn: pulumi.Resource[];
  },
): k8s.apps.v1.Deployment {
  return new k8s.apps.v1.Deployment(
    `${w.name}-deployment`,
    {
      metadata: w.metadata,
      spec: {
        // The autoscaler owns the count after creation (see ignoreChanges below).
        replicas: w.args.scaling.desiredCount,
        selector: { matchLabels: w.selector },
        revisionHistoryLimit: 5,
        progressDeadlineSeconds: 300,
        // Never below the desired count during a rollout: a new pod must be ready before an old one goes.
        strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
        template: {
          // With readiness gates the pods carry the gate label too: the controller's webhook, fail-closed,
          // selects exactly them (see the AWS Load Balancer Controller's objectSelector). Not in the selector.
          metadata: {
            labels: w.args.podReadinessGates
              ? { ...w.labels, [POD_READINESS_GATE_LABEL]: "enabled" }
              : w.labels,
            ...(w.args.secretEnv !== undefined && { annotations: secretPodAnnotations(w.args.secretEnv) }),
          },
          spec: podSpec(w, pod.serviceAccount, pod.pullSecretName),
        },
      },
    },
    { ...w.opts, ignoreChanges: delegatedPaths("deploymentReplicas"), dependsOn: pod.dependsOn },
  );
}

function podSpec(
  w: Workload,
  serviceAccount: k8s.core.v1.ServiceAccount,
  pullSecretName: pulumi.Input<string> | undefined,
) {
  const killWindow =
    minimumKillWindowSeconds(w.args.drainDelayMs, SHUTDOWN_TIMEOUT_MS) + KILL_WINDOW_MARGIN_SECONDS;
  return {
    serviceAccountName: serviceAccount.metadata.name,
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    terminationGracePeriodSeconds: killWindow,
    ...(pullSecretName ? { imagePullSecrets: [{ name: pullSecretName }] } : {}),
    securityContext: {
      runAsNonRoot: true,
      runAsUser: APP_UID,
      runAsGroup: APP_GID,
      fsGroup: APP_GID,
      seccompProfile: { type: "RuntimeDefault" },
    },
    // matchLabelKeys: only pods of the same ReplicaSet count, so during a rollout the new pods
    // spread among themselves instead of around the old ones that are about to go. Nodes stay
    // soft (a small cluster still schedules every replica); zones: see zoneSpreadWhenUnsatisfiable.
    topologySpreadConstraints: [
      {
        topologyKey: "topology.kubernetes.io/zone",
        whenUnsatisfiable: zoneSpreadWhenUnsatisfiable(w.args.scaling.minCount, w.args.zoneCount),
      },
      { topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway" },
    ].map((constraint) => ({
      maxSkew: 1,
      ...constraint,
      labelSelector: { matchLabels: w.selector },
      matchLabelKeys: ["pod-template-hash"],
    })),
    // tracing xray: the collector as a native sidecar (workload/tracing.ts), before the app in start order.
    ...(w.args.app.tracing.mode === "xray" && w.args.xrayRegion !== undefined
      ? { initContainers: [collectorSidecar(w.args.xrayRegion, APP_UID, APP_GID)] }
      : {}),
    containers: [appContainer(w.args)],
    volumes: [
      { name: "tmp", emptyDir: { medium: "Memory", sizeLimit: "16Mi" } },
      ...secretVolumes(w.args.secretEnv),
    ],
  };
}

function appContainer(args: KubernetesAppArgs) {
  return {
    name: "app",
    image: args.image,
    imagePullPolicy: "IfNotPresent",
    ports: [{ name: "http", containerPort: APP_PORT, protocol: "TCP" }],
    env: [
      ...appEnvironment({
        logLevel: args.app.logLevel,
        drainDelayMs: args.drainDelayMs,
        shutdownTimeoutMs: SHUTDOWN_TIMEOUT_MS,
        commit: args.app.commit,
        platform: args.platform,
        tracesEndpoint: appTracesEndpoint(args.app.tracing),
      }),
      ...secretEnvEntries(args.secretEnv),
    ],
    resources: CONTAINER_RESOURCES,
    securityContext: restrictedContainerSecurityContext(APP_UID, APP_GID),
    startupProbe: {
      httpGet: { path: LIVENESS_PATH, port: "http" },
      periodSeconds: 2,
      failureThreshold: 30,
      timeoutSeconds: 2,
    },
    readinessProbe: {
      httpGet: { path: READINESS_PATH, port: "http" },
      periodSeconds: READINESS_PERIOD_SECONDS,
      failureThreshold: 2,
      successThreshold: 1,
      timeoutSeconds: 2,
    },
    livenessProbe: {
      httpGet: { path: LIVENESS_PATH, port: "http" },
      periodSeconds: 10,
      failureThreshold: 3,
      timeoutSeconds: 2,
    },
    // The root filesystem is read-only; /tmp is the one writable place (Node may spill there).
    volumeMounts: [{ name: "tmp", mountPath: "/tmp" }, ...secretVolumeMounts(args.secretEnv)],
  };
}

function createAutoscaler(
  w: Workload,
  target: { apiVersion: string; kind: string; name: pulumi.Output<string> },
): void {
  const { scaling, metricsApi } = w.args;
  new k8s.autoscaling.v2.HorizontalPodAutoscaler(
    `${w.name}-hpa`,
    {
      metadata: w.metadata,
      spec: {
        scaleTargetRef: target,
        minReplicas: scaling.minCount,
        maxReplicas: scaling.maxCount,
        metrics: [
          {
            type: "Resource",
            resource: {
              name: "cpu",
              target: { type: "Utilization", averageUtilization: scaling.targetCpuUtilization },
            },
          },
        ],
        // Scale up at once, down slowly: flapping costs more than a few idle minutes.
        behavior: { scaleDown: { stabilizationWindowSeconds: 300 } },
      },
    },
    { ...w.opts, dependsOn: metricsApi !== undefined ? [metricsApi] : [] },
  );
}

function createDisruptionBudget(w: Workload): void {
  new k8s.policy.v1.PodDisruptionBudget(
    `${w.name}-pdb`,
    {
      metadata: w.metadata,
      // maxUnavailable 1 (not minAvailable) so a node drain can always proceed, even at one replica;
      // AlwaysAllow so a crash-looping (running, never ready) pod can be evicted too instead of using up
      // the budget and blocking every drain (the default IfHealthyBudget protects it).
      spec: {
        maxUnavailable: 1,
        unhealthyPodEvictionPolicy: "AlwaysAllow",
        selector: { matchLabels: w.selector },
      },
    },
    w.opts,
  );
}

function createNetworkPolicy(w: Workload): void {
  const sources = w.args.networkPolicySources;
  new k8s.networking.v1.NetworkPolicy(
    `${w.name}-network-policy`,
    {
      metadata: w.metadata,
      spec: {
        podSelector: { matchLabels: w.selector },
        policyTypes: ["Ingress", "Egress"],
        // Only the app port comes in, and only from the named sources (the load balancer, the ingress
        // controller). Kubelet probes come from the pod's own node, which NetworkPolicy does not block
        // ("traffic to and from the node where a Pod is running is always allowed"): the AWS VPC CNI
        // policy agent adds the node IP to every ingress map (aws-network-policy-agent #65, #636),
        // Cilium allows its host identity in (allow-localhost, default auto), kindnet's
        // kube-network-policies exempts node traffic (its issue #65). Nothing goes out: the app calls
        // no other service, so a compromised pod cannot either; with tracing, exactly its exporter's
        // peer (workload/tracing.ts).
        ingress:
          sources.length > 0
            ? [{ from: sources.map(networkPolicyPeer), ports: [{ port: APP_PORT, protocol: "TCP" }] }]
            : [],
        egress: tracingEgress(w.args.app.tracing),
      },
    },
    w.opts,
  );
}

/** The label every ECR pull-secret refresher pod carries (ecr-pull-secret.ts). */
const REFRESHER_COMPONENT = "ecr-pull-refresher";

/**
 * Default deny for the namespace this component owns: any pod no policy of its own admits (a debug pod,
 * a future workload, an attacker's pod scheduled there) gets nothing in and nothing out. Policies add up,
 * so the app's and the synthetic client's own policies still admit what they name (the load balancer or
 * ingress sources, the client's DNS and app-port egress), and kubelet probes come from the node, which
 * NetworkPolicy never blocks. Kubernetes "Network Policies", "Default deny all ingress and all egress
 * traffic" (https://kubernetes.io/docs/concepts/services-networking/network-policies/, read 2026-12-07).
 *
 * The ECR pull-secret refresher is left out: it calls ECR and the Kubernetes API on 443 (6443 on some
 * clusters), addresses this component does not know, and it has no egress policy of its own yet. Only
 * in a namespace this component creates: in a shared one, it would cut off other teams' pods.
 */
function createDefaultDeny(w: Workload): void {
  new k8s.networking.v1.NetworkPolicy(
    `${w.name}-default-deny`,
    {
      metadata: { ...w.metadata, name: `${w.metadata.name}-default-deny` },
      spec: {
        podSelector: {
          matchExpressions: [
            { key: "app.kubernetes.io/component", operator: "NotIn", values: [REFRESHER_COMPONENT] },
          ],
        },
        policyTypes: ["Ingress", "Egress"],
        ingress: [],
        egress: [],
      },
    },
    w.opts,
  );
}

function networkPolicyPeer(source: NetworkPolicySource) {
  if ("podLabels" in source) return { podSelector: { matchLabels: source.podLabels } };
  return "namespace" in source
    ? { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": source.namespace } } }
    : { ipBlock: { cidr: source.cidr } };
}

function loadBalancerAddress(entries: Array<{ hostname?: string; ip?: string }> | undefined): string {
  const first = entries?.[0];
  return first?.hostname ?? first?.ip ?? "";
}

/**
 * The one combination a caller can get wrong in code (every user-given value is config's to check): the
 * readiness-gate label goes on a namespace this component creates, and gates only mean something with
 * an Ingress whose load balancer targets the pods.
 */
function validate(args: KubernetesAppArgs): void {
  if (args.podReadinessGates && (!args.createNamespace || !args.ingress)) {
    throw new Error(
      "KubernetesApp: podReadinessGates needs an ingress and a namespace this component creates (the gate is injected through a namespace label)",
    );
  }
  if (args.app.tracing.mode === "xray" && args.xrayRegion === undefined) {
    throw new Error(
      "KubernetesApp: app.tracing xray needs xrayRegion (the collector sidecar exports to one region)",
    );
  }
}
