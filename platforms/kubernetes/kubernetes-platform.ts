import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type {
  AppSettings,
  KubernetesAwsAccess,
  NetworkPolicySources,
  RolloutSettings,
  ScalingSettings,
  SecretSettings,
  ServiceType,
} from "../../facts";
import { ecrApiEndpoint, ecrImage } from "../../facts";
import type { PlatformImage } from "../args";
import {
  type GatewayRoute,
  KubernetesApp,
  type KubernetesAppArgs,
  type NetworkPolicySource,
  networkPolicySources,
  SERVICE_PORT,
  SYNTHETIC_CLIENT_LABELS,
  SyntheticClient,
  secretEnvNaming,
  type TargetKind,
} from "../workload";
import { createAwsAccess } from "./aws-access";
import { createProgressiveDelivery, type KubernetesProgressive } from "./rollouts";

export type ImagePullArgs =
  /**
   * A private ECR image: a pull-only IAM user for the one repository and an in-cluster refresher that
   * keeps the pull secret valid ({@link EcrPullSecret}).
   */
  | { ecr: { refresherImage: string } }
  /** Use a pull secret that already exists in the namespace (e.g. kept fresh by a credential helper). */
  | { existingSecretName: string }
  /** The image is public, or nodes can pull it on their own (e.g. an ECR credential provider on the node). */
  | { none: true };

/** The default drain delay on a cluster we know nothing about: long enough for kube-proxy and an ingress controller to notice. */
export const KUBERNETES_DRAIN_DELAY_MS = 10_000;

export interface KubernetesPlatformArgs {
  image: PlatformImage;
  app: AppSettings;
  scaling: ScalingSettings;
  cluster: {
    /** The cluster's kubeconfig. Must be a secret Output; it is the only way the program reaches the cluster. */
    kubeconfig: pulumi.Output<string>;
    /** kubeconfig context to use; the kubeconfig's current-context when unset. */
    context?: string;
    /**
     * The cluster's identity for the provider (`clusterIdentifier`): rotated credentials or another URL
     * for the same cluster update the provider in place; only a change of identity replaces it, and with
     * it every object on the cluster. Config gives the `clusterIdentifier` key or, by default, the
     * kubeconfig's API server URL.
     */
    identifier: string;
  };
  imagePull: ImagePullArgs;
  namespace: string;
  /** The cluster's DNS domain: the in-cluster URL is `http://<service>.<namespace>.svc.<clusterDomain>`. */
  clusterDomain: string;
  createNamespace: boolean;
  serviceType: ServiceType;
  /** An Ingress of this class in front of the Service; `tlsSecretName` comes with `host`. */
  ingress?: { className: string; host?: string; tlsSecretName?: string };
  /**
   * An HTTPRoute from this existing Gateway (Gateway API) to the Service, for `host` when given. The
   * NetworkPolicy admits the Gateway's namespace.
   */
  gateway?: GatewayRoute;
  /** Who else may reach the app port, besides what the exposure needs ({@link requiredNetworkPolicySources}). */
  networkPolicy: NetworkPolicySources;
  /** Namespace of the ingress controller that serves `ingress.className`. */
  ingressControllerNamespace: string;
  /** CIDRs traffic through a NodePort or LoadBalancer Service arrives from (the nodes, a pod-targeting LB). */
  nodeCidrs: string[];
  /**
   * Wait in `up` for the LoadBalancer Service's or Ingress's address. On kind, minikube, bare metal or
   * behind a controller that publishes no status it never comes, and `up` would fail.
   */
  awaitAddress: boolean;
  /** The in-cluster synthetic client (a CronJob every minute) in this Node.js image; undefined: none. */
  syntheticClient: { image: string } | undefined;
  /** Progressive delivery (issue 29): the strategy the rollout controller drives (docs/rollout.md). */
  rollout: RolloutSettings;
  /**
   * Environment variables from Secrets Manager / SSM, read into a Secret by the in-cluster refresher
   * (config requires `imagePull.ecr` when there are any).
   */
  secrets: SecretSettings;
  /** How the refresher reaches AWS: web identity through a public issuer, or rotating keys (aws-access.ts). */
  awsAccess: KubernetesAwsAccess;
}

/**
 * The app on any existing Kubernetes cluster, reached only through the kubeconfig given in stack config.
 */
export class KubernetesPlatform extends pulumi.ComponentResource {
  public readonly namespace: pulumi.Output<string>;
  public readonly serviceName: pulumi.Output<string>;
  /**
   * Where the app answers: `https://<ingress host>`, the load balancer's or Ingress's address once one is
   * known, else the in-cluster `http://<service>.<namespace>.svc.cluster.local`.
   */
  public readonly url: pulumi.Output<string>;
  /** A command that reaches the app from a workstation through the API server, whatever the Service type. */
  public readonly portForwardCommand: pulumi.Output<string>;

  constructor(name: string, args: KubernetesPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super("fastify-deploy:platforms:KubernetesPlatform", name, {}, opts);
    const provider = createProvider(name, args.cluster, this);
    // Progressive delivery (issue 29): Argo Rollouts, only when a strategy other than rolling is set.
    const rollouts: KubernetesProgressive | undefined = createProgressiveDelivery(name, args, provider, this);
    const app = new KubernetesApp(
      `${name}-app`,
      {
        provider,
        image: args.image.uri,
        app: args.app,
        scaling: args.scaling,
        platform: "kubernetes",
        drainDelayMs: KUBERNETES_DRAIN_DELAY_MS,
        namespace: args.namespace,
        clusterDomain: args.clusterDomain,
        createNamespace: args.createNamespace,
        ...this.imagePull(name, args),
        serviceType: args.serviceType,
        ...(args.ingress !== undefined && { ingress: args.ingress }),
        ...(args.gateway !== undefined && { gateway: args.gateway }),
        networkPolicySources: [
          ...appSources(args),
          // Admitted whatever else is configured: it is part of the stack.
          ...(args.syntheticClient ? [{ podLabels: SYNTHETIC_CLIENT_LABELS }] : []),
          // The controller's web analysis probes the canary pods.
          ...(rollouts ? [rollouts.probeSource] : []),
        ],
        awaitAddress: args.awaitAddress,
        ...(rollouts && { progressive: rollouts.progressive }),
      },
      { parent: this },
    );
    rollouts?.createAnalysis(app.namespace);

    if (args.syntheticClient) {
      new SyntheticClient(
        `${name}-synthetic-client`,
        {
          provider,
          namespace: app.namespace,
          namePrefix: args.namespace,
          ...syntheticTarget(args, app),
          appPodSelector: app.podSelector,
          image: args.syntheticClient.image,
        },
        { parent: this },
      );
    }

    this.namespace = app.namespace;
    this.serviceName = app.serviceName;
    this.url = platformUrl(args, app);
    this.portForwardCommand = pulumi.interpolate`kubectl port-forward --namespace ${app.namespace} service/${app.serviceName} 8080:${SERVICE_PORT}`;
    this.registerOutputs({
      namespace: this.namespace,
      serviceName: this.serviceName,
      url: this.url,
      portForwardCommand: this.portForwardCommand,
    });
  }

  /** How the pods pull the image: a named secret, an ECR secret kept fresh in the cluster, or nothing. */
  private imagePull(
    name: string,
    args: KubernetesPlatformArgs,
  ): Pick<KubernetesAppArgs, "imagePull" | "secretEnv"> {
    const pull = args.imagePull;
    if ("existingSecretName" in pull) return { imagePull: { existingSecretName: pull.existingSecretName } };
    if ("ecr" in pull) {
      const hasSecrets = args.secrets.env.length > 0;
      const naming = hasSecrets ? secretEnvNaming(args.namespace, args.secrets) : undefined;
      const ecr = this.createEcrPuller(name, args, pull.ecr);
      return {
        imagePull: {
          ecr: {
            ...ecr,
            ...(naming && { appSecrets: { env: args.secrets.env, secretName: naming.secretName } }),
          },
        },
        // The refresher's initial Job fills the Secret; the Deployment already waits for that Job.
        ...(naming && { secretEnv: { ...naming, ready: [] } }),
      };
    }
    return {};
  }

  /**
   * The in-cluster refresher's AWS side: the image's registry and its pull-only (and secret-read-only)
   * identity, keyless through the cluster's public issuer when there is one (aws-access.ts).
   */
  private createEcrPuller(name: string, args: KubernetesPlatformArgs, settings: { refresherImage: string }) {
    const ecr = pulumi.output(args.image.uri).apply((uri) => {
      const found = ecrImage(uri);
      if (!found)
        throw new Error(`KubernetesPlatform: imagePull.ecr needs an ECR image, got ${JSON.stringify(uri)}`);
      return found;
    });
    const aws = createAwsAccess(
      name,
      {
        access: args.awsAccess,
        repositoryArn: ecr.repositoryArn,
        secrets: args.secrets,
        namespace: args.namespace,
      },
      this,
    );
    return {
      registryHost: ecr.host,
      region: ecr.region,
      ecrEndpoint: ecr.apply(ecrApiEndpoint),
      aws,
      image: settings.refresherImage,
    };
  }
}

/**
 * Who must reach the app for its exposure to work: the ingress controller's namespace when an Ingress
 * routes to it, the Gateway's namespace when an HTTPRoute does, the node (and pod-targeting load balancer) CIDRs when the Service is NodePort or
 * LoadBalancer (kube-proxy hands such traffic on from a node's address). Configured sources add to these.
 */
export function requiredNetworkPolicySources(
  args: Pick<
    KubernetesPlatformArgs,
    "serviceType" | "ingress" | "gateway" | "ingressControllerNamespace" | "nodeCidrs"
  >,
): NetworkPolicySource[] {
  const sources: NetworkPolicySource[] = [];
  if (args.ingress !== undefined) sources.push({ namespace: args.ingressControllerNamespace });
  const gatewayNamespace = args.gateway?.namespace;
  if (
    gatewayNamespace !== undefined &&
    !sources.some((s) => "namespace" in s && s.namespace === gatewayNamespace)
  ) {
    sources.push({ namespace: gatewayNamespace });
  }
  if (args.serviceType !== "ClusterIP") sources.push(...args.nodeCidrs.map((cidr) => ({ cidr })));
  return sources;
}

/**
 * The required sources plus the configured ones; with none of either (a ClusterIP Service, no Ingress,
 * nothing configured), the pods of the app's own namespace, so clients in it can still be added there.
 */
function appSources(args: KubernetesPlatformArgs): NetworkPolicySource[] {
  const sources = networkPolicySources(args.networkPolicy, () => requiredNetworkPolicySources(args));
  return sources.length > 0 ? sources : [{ namespace: args.namespace }];
}

/**
 * The one way the program reaches the cluster: the given kubeconfig, kept secret. Identified by
 * `cluster.identifier`, so rotated credentials update the provider in place and only another cluster
 * replaces it (@pulumi/kubernetes 4.34.2 provider.d.ts ProviderArgs.clusterIdentifier: "the provider
 * will only be replaced when clusterIdentifier changes", read 2026-12-07).
 */
function createProvider(
  name: string,
  cluster: KubernetesPlatformArgs["cluster"],
  parent: pulumi.Resource,
): k8s.Provider {
  return new k8s.Provider(
    `${name}-provider`,
    {
      kubeconfig: pulumi.secret(cluster.kubeconfig),
      ...(cluster.context !== undefined && { context: cluster.context }),
      clusterIdentifier: cluster.identifier,
      enableServerSideApply: true,
      // A stack whose cluster is gone must fail loudly, not silently forget its objects.
      deleteUnreachable: false,
    },
    { parent },
  );
}

function platformUrl(args: KubernetesPlatformArgs, app: KubernetesApp): pulumi.Output<string> {
  return publicOrServiceUrl(args, app).url;
}

/**
 * The app's URL and what it is: the public one users reach when the stack has one, else the Service's.
 * The stack's `url` output and the synthetic client's target are the same URL (issue 31: the client tests
 * what users reach, so an Ingress, Gateway, TLS or LoadBalancer failure fails it).
 */
function publicOrServiceUrl(
  args: KubernetesPlatformArgs,
  app: KubernetesApp,
): { url: pulumi.Output<string>; kind: pulumi.Output<TargetKind> } {
  if (args.ingress?.host) {
    const scheme = args.ingress.tlsSecretName ? "https" : "http";
    return { url: pulumi.interpolate`${scheme}://${args.ingress.host}`, kind: pulumi.output("ingress") };
  }
  // TLS on a Gateway is its listeners' business, which the program does not read: http, the scheme
  // every listener can serve; a redirect to https is the Gateway owner's to add.
  if (args.gateway?.host) {
    return { url: pulumi.output(`http://${args.gateway.host}`), kind: pulumi.output("gateway") };
  }
  // An address exists only once something assigned it (and, without the await, once a later up or
  // refresh read it back); until then the in-cluster URL is the one that works.
  const [external, kind]: [pulumi.Output<string>, TargetKind] = args.ingress
    ? [app.ingressAddress, "ingress"]
    : args.serviceType === "LoadBalancer"
      ? [app.loadBalancerAddress, "load-balancer"]
      : [pulumi.output(""), "service"];
  const chosen = pulumi.all([external, app.clusterUrl]).apply(([address, clusterUrl]) => ({
    url: address ? `http://${address}` : clusterUrl,
    kind: address ? kind : ("service" as TargetKind),
  }));
  return { url: chosen.url, kind: chosen.kind };
}

/** The synthetic client's target: the same URL as the stack's `url`, and whether it may be public. */
function syntheticTarget(args: KubernetesPlatformArgs, app: KubernetesApp) {
  const { url, kind } = publicOrServiceUrl(args, app);
  const publicTarget =
    args.ingress !== undefined || args.gateway !== undefined || args.serviceType === "LoadBalancer";
  return { targetUrl: url, targetKind: kind, publicTarget };
}
