import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  KubernetesApp,
  type KubernetesIngressArgs,
  type KubernetesWorkloadArgs,
  SERVICE_PORT,
  type ServiceType,
  workloadSettings,
} from "./kubernetes-app";

export type ImagePullArgs =
  /** Build a kubernetes.io/dockerconfigjson Secret from an ECR authorization token (valid 12 hours). */
  | { ecrRegistryId: pulumi.Input<string> }
  /** Use a pull secret that already exists in the namespace (e.g. kept fresh by a credential helper). */
  | { existingSecretName: string }
  /** The image is public, or nodes can pull it on their own (e.g. an ECR credential provider on the node). */
  | { none: true };

export interface KubernetesPlatformArgs {
  /** The cluster's kubeconfig. Must be a secret Output; it is the only way the program reaches the cluster. */
  kubeconfig: pulumi.Output<string>;
  /** kubeconfig context to use. @default the kubeconfig's current-context */
  context?: string;
  /**
   * Identifies the cluster (its API server URL). Rotated credentials update the provider in place; only a
   * change of cluster replaces it, and with it every object on the cluster.
   */
  clusterIdentifier: string;
  /** Digest-pinned image URI. */
  image: pulumi.Input<string>;
  imagePull: ImagePullArgs;
  /** @default "fastify-app" */
  namespace?: string;
  /** @default true */
  createNamespace?: boolean;
  /** @default "ClusterIP" */
  serviceType?: ServiceType;
  ingress?: KubernetesIngressArgs;
  /** Drain delay @default 10000: long enough for kube-proxy and an ingress controller to notice. */
  app: KubernetesWorkloadArgs;
}

/**
 * The app on any existing Kubernetes cluster, reached only through the kubeconfig given in stack config.
 */
export class KubernetesPlatform extends pulumi.ComponentResource {
  public readonly namespace: pulumi.Output<string>;
  public readonly serviceName: pulumi.Output<string>;
  /** A URL where the app answers, or how to reach it (`kubectl port-forward …`) for a ClusterIP Service. */
  public readonly url: pulumi.Output<string>;

  constructor(name: string, args: KubernetesPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super("fastify-deploy:platforms:KubernetesPlatform", name, {}, opts);
    const namespace = args.namespace ?? "fastify-app";
    if (args.ingress?.tlsSecretName && !args.ingress.host) {
      throw new Error(
        "KubernetesPlatform: ingress.tlsSecretName needs ingress.host (a TLS certificate names a host)",
      );
    }

    const kubeconfig = pulumi.secret(args.kubeconfig);
    const provider = new k8s.Provider(
      `${name}-provider`,
      {
        kubeconfig,
        ...(args.context !== undefined && { context: args.context }),
        clusterIdentifier: args.clusterIdentifier,
        enableServerSideApply: true,
        // A stack whose cluster is gone must fail loudly, not silently forget its objects.
        deleteUnreachable: false,
      },
      { parent: this },
    );

    let imagePull: { existingSecretName: string } | { dockerConfigJson: pulumi.Input<string> } | undefined;
    if ("existingSecretName" in args.imagePull) {
      imagePull = { existingSecretName: args.imagePull.existingSecretName };
    } else if ("ecrRegistryId" in args.imagePull) {
      const token = aws.ecr.getAuthorizationTokenOutput(
        { registryId: args.imagePull.ecrRegistryId },
        { parent: this },
      );
      imagePull = {
        dockerConfigJson: pulumi.secret(
          pulumi
            .all([token.proxyEndpoint, token.userName, token.password])
            .apply(([endpoint, username, password]) => dockerConfigJson(endpoint, username, password)),
        ),
      };
    }

    const app = new KubernetesApp(
      `${name}-app`,
      {
        provider,
        image: args.image,
        namespace,
        createNamespace: args.createNamespace ?? true,
        ...workloadSettings(args.app, "kubernetes", 10_000),
        ...(imagePull !== undefined && { imagePull }),
        serviceType: args.serviceType ?? "ClusterIP",
        ...(args.ingress !== undefined && { ingress: args.ingress }),
      },
      { parent: this },
    );

    this.namespace = app.namespace;
    this.serviceName = app.serviceName;
    this.url = platformUrl(args, app);
    this.registerOutputs({ namespace: this.namespace, serviceName: this.serviceName, url: this.url });
  }
}

function platformUrl(args: KubernetesPlatformArgs, app: KubernetesApp): pulumi.Output<string> {
  if (args.ingress?.host) {
    const scheme = args.ingress.tlsSecretName ? "https" : "http";
    return pulumi.interpolate`${scheme}://${args.ingress.host}`;
  }
  if (args.ingress) return pulumi.interpolate`http://${app.ingressAddress}`;
  if (args.serviceType === "LoadBalancer") return pulumi.interpolate`http://${app.loadBalancerAddress}`;
  // ClusterIP or NodePort: nothing outside the cluster has an address to print; say how to get one.
  return pulumi.interpolate`kubectl port-forward --namespace ${app.namespace} service/${app.serviceName} 8080:${SERVICE_PORT}, then http://127.0.0.1:8080`;
}

/** A `.dockerconfigjson` document for one registry. */
export function dockerConfigJson(endpoint: string, username: string, password: string): string {
  const server = endpoint.replace(/^https:\/\//, "");
  const auth = Buffer.from(`${username}:${password}`).toString("base64");
  return JSON.stringify({ auths: { [server]: { username, password, auth } } });
}
