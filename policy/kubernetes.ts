/**
 * Kubernetes policies on what a workload and its namespace may be: Pod Security "restricted", probes
 * and resources, the provider's kubeconfig, NetworkPolicy sources and the AWS Load Balancer
 * Controller's webhook certificate. What keeps replicas serving is in kubernetes-availability.ts.
 */
import { resourcePolicy } from "./define";
import { asArray, asObject, containersOf, isObject, LONG_RUNNING, podSpecOf } from "./rules";

export const DEPLOYMENT = "kubernetes:apps/v1:Deployment";

export const namespaceRestricted = resourcePolicy(
  "k8s-namespace-pod-security-restricted",
  'Namespaces enforce the Pod Security "restricted" standard.',
  ["kubernetes:core/v1:Namespace"],
  (props, args) =>
    asObject(asObject(props.metadata).labels)["pod-security.kubernetes.io/enforce"] === "restricted"
      ? []
      : [
          `Namespace ${args.name}: Pod Security is not enforced. Label it pod-security.kubernetes.io/enforce: restricted.`,
        ],
);

/** Every Kubernetes kind that runs pods (its pod spec read by rules.ts podSpecOf); image-digest-pinned checks them too. */
export const WORKLOAD_TYPES = [
  "kubernetes:core/v1:Pod",
  DEPLOYMENT,
  "kubernetes:apps/v1:StatefulSet",
  "kubernetes:apps/v1:DaemonSet",
  "kubernetes:apps/v1:ReplicaSet",
  "kubernetes:batch/v1:Job",
  "kubernetes:batch/v1:CronJob",
];

export const podSecurityRestricted = resourcePolicy(
  "k8s-pod-security-restricted",
  'Every pod meets Pod Security "restricted" (non-root, no privilege escalation, all capabilities dropped, seccomp RuntimeDefault), has a read-only root filesystem and no service-account token.',
  WORKLOAD_TYPES,
  (props, args) => {
    const pod = podSpecOf(args.type, props) ?? {};
    const podSc = asObject(pod.securityContext);
    const out: string[] = [];
    const w = `${args.name}`;
    if (pod.automountServiceAccountToken !== false) {
      out.push(
        `${w}: the service-account token is mounted. Set automountServiceAccountToken: false on the pod spec.`,
      );
    }
    if (pod.hostNetwork === true || pod.hostPID === true || pod.hostIPC === true) {
      out.push(`${w}: shares a host namespace. Remove hostNetwork, hostPID and hostIPC.`);
    }
    for (const c of containersOf(pod)) {
      const sc = asObject(c.props.securityContext);
      const where = `${w}, container ${c.name}`;
      if (sc.runAsNonRoot !== true && !(podSc.runAsNonRoot === true && sc.runAsNonRoot === undefined)) {
        out.push(`${where}: may run as root. Set securityContext.runAsNonRoot: true.`);
      }
      if (sc.runAsUser === 0 || (sc.runAsUser === undefined && podSc.runAsUser === 0)) {
        out.push(`${where}: runs as uid 0. Set runAsUser to the image's non-root uid (65532).`);
      }
      if (sc.allowPrivilegeEscalation !== false) {
        out.push(
          `${where}: privilege escalation is allowed. Set securityContext.allowPrivilegeEscalation: false.`,
        );
      }
      if (sc.privileged === true) {
        out.push(`${where}: privileged. Remove securityContext.privileged.`);
      }
      const drop = asArray(asObject(sc.capabilities).drop);
      const add = asArray(asObject(sc.capabilities).add).filter((cap) => cap !== "NET_BIND_SERVICE");
      if (!drop.includes("ALL") || add.length > 0) {
        out.push(
          `${where}: capabilities are not all dropped. Set securityContext.capabilities: { drop: ["ALL"] }.`,
        );
      }
      const seccomp = asObject(sc.seccompProfile).type ?? asObject(podSc.seccompProfile).type;
      if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost") {
        out.push(
          `${where}: no seccomp profile. Set securityContext.seccompProfile: { type: "RuntimeDefault" }.`,
        );
      }
      if (sc.readOnlyRootFilesystem !== true) {
        out.push(
          `${where}: the root filesystem is writable. Set securityContext.readOnlyRootFilesystem: true (mount an emptyDir where the app writes).`,
        );
      }
    }
    return out;
  },
);

export const workloadProbesAndResources = resourcePolicy(
  "k8s-probes-and-resources",
  "Serving containers have readiness and liveness probes; every container has CPU and memory requests and limits.",
  WORKLOAD_TYPES,
  (props, args) => {
    const pod = podSpecOf(args.type, props) ?? {};
    const out: string[] = [];
    for (const c of asArray(pod.containers).map((x, i) => ({
      name: String(asObject(x).name ?? `#${i}`),
      props: asObject(x),
    }))) {
      const where = `${args.name}, container ${c.name}`;
      if (LONG_RUNNING.has(args.type)) {
        if (!isObject(c.props.readinessProbe))
          out.push(`${where}: no readinessProbe. Probe the app's /readyz.`);
        if (!isObject(c.props.livenessProbe))
          out.push(`${where}: no livenessProbe. Probe the app's /healthz.`);
      }
      const resources = asObject(c.props.resources);
      for (const kind of ["requests", "limits"] as const) {
        const values = asObject(resources[kind]);
        const missing = ["cpu", "memory"].filter((k) => values[k] === undefined || values[k] === "");
        if (missing.length > 0) {
          out.push(`${where}: no ${kind} for ${missing.join(" and ")}. Set resources.${kind}.{cpu,memory}.`);
        }
      }
    }
    return out;
  },
);

export const lbcKeepsWebhookCertificate = resourcePolicy(
  "k8s-lbc-keeps-webhook-certificate",
  "The AWS Load Balancer Controller chart keeps its webhook TLS secret across upgrades (keepTLSSecret: true), so its fail-closed webhooks do not reject writes while a new certificate propagates.",
  ["kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Chart", "kubernetes:helm.sh/v3:Chart"],
  (props, args) =>
    props.chart !== "aws-load-balancer-controller" || asObject(props.values).keepTLSSecret === true
      ? []
      : [
          `Helm release ${args.name}: the AWS Load Balancer Controller chart without keepTLSSecret: true issues a new webhook certificate on every upgrade. Set values.keepTLSSecret: true.`,
        ],
);

export const kubernetesProviderExplicit = resourcePolicy(
  "k8s-provider-explicit-kubeconfig",
  "Kubernetes providers get their kubeconfig explicitly from the program, never from ~/.kube/config or KUBECONFIG.",
  ["pulumi:providers:kubernetes"],
  (props, args) =>
    typeof props.kubeconfig === "string" && props.kubeconfig.trim() !== ""
      ? []
      : [
          `Kubernetes provider ${args.name}: no kubeconfig, so it falls back to the machine's ambient kubeconfig. Pass kubeconfig: pulumi.secret(<kubeconfig>) from stack config or the cluster.`,
        ],
);

const NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";

export const networkPolicyNamedSources = resourcePolicy(
  "k8s-network-policy-named-sources",
  "Every NetworkPolicy ingress rule names its sources (a `from` of namespaces, pods or CIDRs narrower than /0), so nothing reaches the pods around the load balancer or ingress controller.",
  [NETWORK_POLICY],
  (props, args) =>
    asArray(asObject(props.spec).ingress).flatMap((rule, i) => {
      const from = asArray(asObject(rule).from);
      const open =
        from.length === 0 ||
        from.some((peer) => String(asObject(asObject(peer).ipBlock).cidr ?? "").endsWith("/0"));
      return open
        ? [
            `NetworkPolicy ${args.name}: ingress rule ${i} admits every source the network lets through. Name them: from: [{ namespaceSelector: … }] for the ingress controller, or [{ ipBlock: { cidr: <load balancer or node CIDR> } }].`,
          ]
        : [];
    }),
);
