import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { AppSettings, ScalingSettings, ServiceType } from "../facts";
import {
  APP_GID,
  APP_PORT,
  APP_UID,
  type AppPlatformName,
  appEnvironment,
  LIVENESS_PATH,
  minimumKillWindowSeconds,
  READINESS_PATH,
} from "./app-contract";
import { EcrPullSecret, type EcrPullSecretArgs } from "./ecr-pull-secret";
import { restrictedContainerSecurityContext } from "./pod-security";

/**
 * A source the NetworkPolicy admits on the app port: every pod of a namespace (e.g. the ingress
 * controller's), or an IPv4 CIDR (a load balancer's subnets, the nodes behind a NodePort).
 */
export type NetworkPolicySource = { namespace: pulumi.Input<string> } | { cidr: pulumi.Input<string> };

/**
 * The NetworkPolicy's sources: the configured ones (namespaces, then CIDRs) when any is set, for they
 * replace every default; else the platform's `defaults`, only then computed.
 */
export function networkPolicySources(
  configured: { namespaces: readonly string[]; cidrs: readonly string[] },
  defaults: () => NetworkPolicySource[],
): NetworkPolicySource[] {
  if (configured.namespaces.length === 0 && configured.cidrs.length === 0) return defaults();
  return [
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
/** In-flight requests get this long after the drain (the app's `SHUTDOWN_TIMEOUT_MS`). */
export const SHUTDOWN_TIMEOUT_MS = 10_000;
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
  /** The Service's in-cluster URL, `http://<service>.<namespace>.svc.cluster.local`. */
  public readonly clusterUrl: pulumi.Output<string>;

  constructor(name: string, args: KubernetesAppArgs, opts?: pulumi.ComponentResourceOptions) {
    super("fastify-deploy:platforms:KubernetesApp", name, {}, opts);
    validate(args);

    const childOpts: pulumi.CustomResourceOptions = { parent: this, provider: args.provider };
    const labels = {
      "app.kubernetes.io/name": "fastify-app",
      "app.kubernetes.io/instance": args.namespace,
      "app.kubernetes.io/component": "api",
      "app.kubernetes.io/part-of": "fastify-deploy",
      "app.kubernetes.io/managed-by": "pulumi",
    };
    // Selectors are immutable: only labels that never change select pods.
    const selector = {
      "app.kubernetes.io/name": labels["app.kubernetes.io/name"],
      "app.kubernetes.io/instance": args.namespace,
    };

    let namespace: pulumi.Output<string>;
    if (args.createNamespace) {
      const ns = new k8s.core.v1.Namespace(
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
        childOpts,
      );
      namespace = ns.metadata.name;
    } else {
      namespace = pulumi.output(args.namespace);
    }
    const metadata = (suffix?: string) => ({
      name: suffix ? `${args.namespace}-${suffix}` : args.namespace,
      namespace,
      labels,
    });

    const serviceAccount = new k8s.core.v1.ServiceAccount(
      `${name}-service-account`,
      // The app never calls the Kubernetes API: no token in the pod.
      {
        metadata: { ...metadata(), annotations: args.serviceAccountAnnotations ?? {} },
        automountServiceAccountToken: false,
      },
      childOpts,
    );

    let imagePullSecretName: pulumi.Input<string> | undefined;
    const deploymentDependsOn: pulumi.Resource[] = [];
    if (args.imagePull && "existingSecretName" in args.imagePull) {
      imagePullSecretName = args.imagePull.existingSecretName;
    } else if (args.imagePull) {
      const pullSecret = new EcrPullSecret(
        `${name}-ecr-pull`,
        {
          ...args.imagePull.ecr,
          provider: args.provider,
          namespace,
          namePrefix: args.namespace,
          labels,
          previously: { name: `${name}-image-pull`, parent: this },
        },
        { parent: this },
      );
      imagePullSecretName = pullSecret.secretName;
      // The first pods pull with the token the initial refresh wrote.
      deploymentDependsOn.push(pullSecret.initialRefresh);
    }
    // Without the await, up returns as soon as the object is accepted (pulumi-kubernetes
    // provider/pkg/metadata/overrides.go ReadyCondition; provider/pkg/await/await.go skips the Service and
    // Ingress awaiters, on create, update and refresh). Read at v4.32.0; @pulumi/kubernetes 4.34.2 here.
    const skipAwait: Record<string, string> = args.awaitAddress ? {} : { [SKIP_AWAIT_ANNOTATION]: "true" };

    function createIngress(ingressArgs: KubernetesIngressArgs, backend: k8s.core.v1.Service) {
      return new k8s.networking.v1.Ingress(
        `${name}-ingress`,
        {
          metadata: {
            ...metadata(),
            annotations: pulumi
              .output(ingressArgs.annotations ?? {})
              .apply((annotations): Record<string, string> => ({ ...annotations, ...skipAwait })),
          },
          spec: {
            ingressClassName: ingressArgs.className,
            ...(ingressArgs.tlsSecretName && ingressArgs.host
              ? { tls: [{ hosts: [ingressArgs.host], secretName: ingressArgs.tlsSecretName }] }
              : {}),
            rules: [
              {
                ...(ingressArgs.host ? { host: ingressArgs.host } : {}),
                http: {
                  paths: [
                    {
                      path: "/",
                      pathType: "Prefix",
                      backend: { service: { name: backend.metadata.name, port: { name: "http" } } },
                    },
                  ],
                },
              },
            ],
          },
        },
        childOpts,
      );
    }

    const env = {
      logLevel: args.app.logLevel,
      drainDelayMs: args.drainDelayMs,
      shutdownTimeoutMs: SHUTDOWN_TIMEOUT_MS,
      commit: args.app.commit,
      platform: args.platform,
    };
    const killWindow =
      minimumKillWindowSeconds(env.drainDelayMs, env.shutdownTimeoutMs) + KILL_WINDOW_MARGIN_SECONDS;
    const gated = args.podReadinessGates ?? false;
    const serviceAnnotations = pulumi
      .output(args.serviceAnnotations ?? {})
      // Created before its pods, the Service would wait in Pulumi's await for endpoints that only the
      // Deployment after it brings (pulumi-kubernetes await: a Service waits for ready endpoints).
      .apply(
        (annotations): Record<string, string> =>
          gated ? { ...annotations, [SKIP_AWAIT_ANNOTATION]: "true" } : annotations,
      )
      // A LoadBalancer Service waits for its address too, unless the stack says not to (skipAwait above).
      .apply(
        (annotations): Record<string, string> =>
          args.serviceType === "LoadBalancer" ? { ...annotations, ...skipAwait } : annotations,
      );
    const createService = (dependsOn: pulumi.Resource[]) =>
      new k8s.core.v1.Service(
        `${name}-service`,
        {
          metadata: { ...metadata(), annotations: serviceAnnotations },
          spec: {
            type: args.serviceType,
            selector,
            ports: [{ name: "http", port: SERVICE_PORT, targetPort: "http", protocol: "TCP" }],
          },
        },
        { ...childOpts, dependsOn },
      );

    const createFront = (dependsOn: pulumi.Resource[]) => {
      const service = createService(dependsOn);
      const ingress = args.ingress ? createIngress(args.ingress, service) : undefined;
      return { service, ingress, resources: ingress ? [service, ingress] : [service] };
    };
    // With readiness gates (AWS Load Balancer Controller docs, deploy/pod_readiness_gate.md): the
    // webhook injects a gate only at pod creation and only when a TargetGroupBinding already refers to
    // a Service matching the pod, so Service and Ingress come first. The Ingress's await (an ALB
    // address in its status) ends after the controller has reconciled it and created its bindings.
    // Without gates the Service follows the Deployment, so its own await finds ready endpoints.
    const early = gated ? createFront([]) : undefined;

    const deployment = new k8s.apps.v1.Deployment(
      `${name}-deployment`,
      {
        metadata: metadata(),
        spec: {
          // The autoscaler owns the count after creation (see ignoreChanges below).
          replicas: args.scaling.desiredCount,
          selector: { matchLabels: selector },
          revisionHistoryLimit: 5,
          progressDeadlineSeconds: 300,
          // Never below the desired count during a rollout: a new pod must be ready before an old one goes.
          strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
          template: {
            metadata: { labels },
            spec: {
              serviceAccountName: serviceAccount.metadata.name,
              automountServiceAccountToken: false,
              enableServiceLinks: false,
              terminationGracePeriodSeconds: killWindow,
              ...(imagePullSecretName ? { imagePullSecrets: [{ name: imagePullSecretName }] } : {}),
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
                  whenUnsatisfiable: zoneSpreadWhenUnsatisfiable(args.scaling.minCount, args.zoneCount),
                },
                { topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway" },
              ].map((constraint) => ({
                maxSkew: 1,
                ...constraint,
                labelSelector: { matchLabels: selector },
                matchLabelKeys: ["pod-template-hash"],
              })),
              containers: [
                {
                  name: "app",
                  image: args.image,
                  imagePullPolicy: "IfNotPresent",
                  ports: [{ name: "http", containerPort: APP_PORT, protocol: "TCP" }],
                  env: appEnvironment(env),
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
                  volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
                },
              ],
              volumes: [{ name: "tmp", emptyDir: { medium: "Memory", sizeLimit: "16Mi" } }],
            },
          },
        },
      },
      {
        ...childOpts,
        ignoreChanges: ["spec.replicas"],
        dependsOn: [...(early?.resources ?? []), ...deploymentDependsOn],
      },
    );

    const { service, ingress } = early ?? createFront([deployment]);

    new k8s.autoscaling.v2.HorizontalPodAutoscaler(
      `${name}-hpa`,
      {
        metadata: metadata(),
        spec: {
          scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: deployment.metadata.name },
          minReplicas: args.scaling.minCount,
          maxReplicas: args.scaling.maxCount,
          metrics: [
            {
              type: "Resource",
              resource: {
                name: "cpu",
                target: { type: "Utilization", averageUtilization: args.scaling.targetCpuUtilization },
              },
            },
          ],
          // Scale up at once, down slowly: flapping costs more than a few idle minutes.
          behavior: { scaleDown: { stabilizationWindowSeconds: 300 } },
        },
      },
      { ...childOpts, dependsOn: args.metricsApi !== undefined ? [args.metricsApi] : [] },
    );

    new k8s.policy.v1.PodDisruptionBudget(
      `${name}-pdb`,
      {
        metadata: metadata(),
        // maxUnavailable 1 (not minAvailable) so a node drain can always proceed, even at one replica;
        // AlwaysAllow so a crash-looping (running, never ready) pod can be evicted too instead of using up
        // the budget and blocking every drain (the default IfHealthyBudget protects it).
        spec: {
          maxUnavailable: 1,
          unhealthyPodEvictionPolicy: "AlwaysAllow",
          selector: { matchLabels: selector },
        },
      },
      childOpts,
    );

    new k8s.networking.v1.NetworkPolicy(
      `${name}-network-policy`,
      {
        metadata: metadata(),
        spec: {
          podSelector: { matchLabels: selector },
          policyTypes: ["Ingress", "Egress"],
          // Only the app port comes in, and only from the named sources (the load balancer, the ingress
          // controller). Kubelet probes come from the pod's own node, which NetworkPolicy does not block
          // ("traffic to and from the node where a Pod is running is always allowed"): the AWS VPC CNI
          // policy agent adds the node IP to every ingress map (aws-network-policy-agent #65, #636),
          // Cilium allows its host identity in (allow-localhost, default auto), kindnet's
          // kube-network-policies exempts node traffic (its issue #65). Nothing goes out: the app calls
          // no other service, so a compromised pod cannot either.
          ingress:
            args.networkPolicySources.length > 0
              ? [
                  {
                    from: args.networkPolicySources.map(networkPolicyPeer),
                    ports: [{ port: APP_PORT, protocol: "TCP" }],
                  },
                ]
              : [],
          egress: [],
        },
      },
      childOpts,
    );

    const ingressAddress = ingress
      ? ingress.status.apply((status) => loadBalancerAddress(status?.loadBalancer?.ingress))
      : pulumi.output("");

    this.namespace = namespace;
    this.serviceName = service.metadata.name;
    this.deploymentName = deployment.metadata.name;
    this.loadBalancerAddress = service.status.apply((status) =>
      loadBalancerAddress(status?.loadBalancer?.ingress),
    );
    this.ingressAddress = ingressAddress;
    this.clusterUrl = pulumi.interpolate`http://${service.metadata.name}.${namespace}.svc.cluster.local`;
    this.registerOutputs({
      namespace: this.namespace,
      serviceName: this.serviceName,
      deploymentName: this.deploymentName,
      loadBalancerAddress: this.loadBalancerAddress,
      ingressAddress: this.ingressAddress,
      clusterUrl: this.clusterUrl,
    });
  }
}

function networkPolicyPeer(source: NetworkPolicySource) {
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
}
