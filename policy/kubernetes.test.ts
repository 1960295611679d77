import { describe } from "node:test";
import * as kubernetes from "./kubernetes";
import {
  container,
  describeMutations,
  describeRejections,
  fixture,
  type Mutation,
  type Rejection,
} from "./testing";

const rejections: Rejection[] = [
  {
    policy: kubernetes.networkPolicyNamedSources,
    resources: () => [
      fixture("kubernetes:networking.k8s.io/v1:NetworkPolicy", "np", {
        spec: {
          podSelector: {},
          policyTypes: ["Ingress"],
          ingress: [
            { ports: [{ port: 3000 }] },
            { from: [{ ipBlock: { cidr: "0.0.0.0/0" } }] },
            { from: [{ ipBlock: { cidr: "10.0.0.0/24" } }] },
          ],
        },
      }),
    ],
    messages: [
      "NetworkPolicy np: ingress rule 0 admits every source the network lets through. Name them: from: [{ namespaceSelector: … }] for the ingress controller, or [{ ipBlock: { cidr: <load balancer or node CIDR> } }].",
      "NetworkPolicy np: ingress rule 1 admits every source the network lets through. Name them: from: [{ namespaceSelector: … }] for the ingress controller, or [{ ipBlock: { cidr: <load balancer or node CIDR> } }].",
    ],
  },
  {
    policy: kubernetes.namespaceRestricted,
    resources: () => [
      fixture("kubernetes:core/v1:Namespace", "ns", {
        metadata: { labels: { "pod-security.kubernetes.io/enforce": "baseline" } },
      }),
    ],
    messages: [
      "Namespace ns: Pod Security is not enforced. Label it pod-security.kubernetes.io/enforce: restricted.",
    ],
  },
  {
    policy: kubernetes.podSecurityRestricted,
    resources: () => [
      fixture("kubernetes:apps/v1:Deployment", "d", {
        spec: {
          template: {
            spec: {
              hostNetwork: true,
              containers: [
                {
                  name: "app",
                  securityContext: {
                    runAsUser: 0,
                    privileged: true,
                    capabilities: { drop: ["ALL"], add: ["SYS_ADMIN"] },
                  },
                },
              ],
            },
          },
        },
      }),
    ],
    messages: [
      "d: the service-account token is mounted. Set automountServiceAccountToken: false on the pod spec.",
      "d: shares a host namespace. Remove hostNetwork, hostPID and hostIPC.",
      "d, container app: may run as root. Set securityContext.runAsNonRoot: true.",
      "d, container app: runs as uid 0. Set runAsUser to the image's non-root uid (65532).",
      "d, container app: privilege escalation is allowed. Set securityContext.allowPrivilegeEscalation: false.",
      "d, container app: privileged. Remove securityContext.privileged.",
      'd, container app: capabilities are not all dropped. Set securityContext.capabilities: { drop: ["ALL"] }.',
      'd, container app: no seccomp profile. Set securityContext.seccompProfile: { type: "RuntimeDefault" }.',
      "d, container app: the root filesystem is writable. Set securityContext.readOnlyRootFilesystem: true (mount an emptyDir where the app writes).",
    ],
  },
  {
    policy: kubernetes.workloadProbesAndResources,
    resources: () => [
      fixture("kubernetes:apps/v1:Deployment", "d", {
        spec: {
          template: { spec: { containers: [{ name: "app", resources: { requests: { cpu: "100m" } } }] } },
        },
      }),
    ],
    messages: [
      "d, container app: no readinessProbe. Probe the app's /readyz.",
      "d, container app: no livenessProbe. Probe the app's /healthz.",
      "d, container app: no requests for memory. Set resources.requests.{cpu,memory}.",
      "d, container app: no limits for cpu and memory. Set resources.limits.{cpu,memory}.",
    ],
  },
  {
    policy: kubernetes.lbcKeepsWebhookCertificate,
    resources: () => [
      fixture("kubernetes:helm.sh/v3:Release", "lbc", {
        chart: "aws-load-balancer-controller",
        values: { clusterName: "c" },
      }),
      fixture("kubernetes:helm.sh/v3:Release", "other", { chart: "ingress-nginx", values: {} }),
    ],
    messages: [
      "Helm release lbc: the AWS Load Balancer Controller chart without keepTLSSecret: true issues a new webhook certificate on every upgrade. Set values.keepTLSSecret: true.",
    ],
  },
  {
    policy: kubernetes.kubernetesProviderExplicit,
    resources: () => [fixture("pulumi:providers:kubernetes", "k8s", { enableServerSideApply: true })],
    messages: [
      "Kubernetes provider k8s: no kubeconfig, so it falls back to the machine's ambient kubeconfig. Pass kubeconfig: pulumi.secret(<kubeconfig>) from stack config or the cluster.",
    ],
  },
];

const mutations: Mutation[] = [
  {
    policy: kubernetes.networkPolicyNamedSources,
    setting: "NetworkPolicy ingress from",
    from: "prod/kubernetes",
    type: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    // The app's policy: the namespace's default deny has no ingress rule to remove a `from` from.
    name: /-app-network-policy$/,
    mutate: (i) => {
      delete i.spec.ingress[0].from;
    },
  },
  {
    policy: kubernetes.namespaceRestricted,
    setting: "pod-security enforce label",
    from: "prod/kubernetes",
    type: "kubernetes:core/v1:Namespace",
    mutate: (i) => {
      delete i.metadata.labels["pod-security.kubernetes.io/enforce"];
    },
  },
  {
    policy: kubernetes.podSecurityRestricted,
    setting: "runAsNonRoot",
    from: "prod/kubernetes",
    type: "kubernetes:apps/v1:Deployment",
    mutate: (i) => {
      delete container(i).securityContext.runAsNonRoot;
      delete i.spec.template.spec.securityContext.runAsNonRoot;
    },
  },
  {
    policy: kubernetes.podSecurityRestricted,
    setting: "allowPrivilegeEscalation",
    from: "prod/kubernetes",
    type: "kubernetes:apps/v1:Deployment",
    mutate: (i) => {
      delete container(i).securityContext.allowPrivilegeEscalation;
    },
  },
  {
    policy: kubernetes.podSecurityRestricted,
    setting: "capabilities drop ALL",
    from: "prod/kubernetes",
    type: "kubernetes:apps/v1:Deployment",
    mutate: (i) => {
      delete container(i).securityContext.capabilities;
    },
  },
  {
    policy: kubernetes.podSecurityRestricted,
    setting: "readOnlyRootFilesystem",
    from: "prod/kubernetes",
    type: "kubernetes:apps/v1:Deployment",
    mutate: (i) => {
      container(i).securityContext.readOnlyRootFilesystem = false;
    },
  },
  {
    policy: kubernetes.podSecurityRestricted,
    setting: "seccompProfile",
    from: "prod/kubernetes",
    type: "kubernetes:apps/v1:Deployment",
    mutate: (i) => {
      delete container(i).securityContext.seccompProfile;
      delete i.spec.template.spec.securityContext.seccompProfile;
    },
  },
  {
    policy: kubernetes.podSecurityRestricted,
    setting: "automountServiceAccountToken",
    from: "prod/kubernetes",
    type: "kubernetes:apps/v1:Deployment",
    mutate: (i) => {
      delete i.spec.template.spec.automountServiceAccountToken;
    },
  },
  {
    policy: kubernetes.workloadProbesAndResources,
    setting: "readinessProbe",
    from: "prod/kubernetes",
    type: "kubernetes:apps/v1:Deployment",
    mutate: (i) => {
      delete container(i).readinessProbe;
    },
  },
  {
    policy: kubernetes.workloadProbesAndResources,
    setting: "livenessProbe",
    from: "prod/kubernetes",
    type: "kubernetes:apps/v1:Deployment",
    mutate: (i) => {
      delete container(i).livenessProbe;
    },
  },
  {
    policy: kubernetes.workloadProbesAndResources,
    setting: "limits",
    from: "prod/kubernetes",
    type: "kubernetes:apps/v1:Deployment",
    mutate: (i) => {
      delete container(i).resources.limits;
    },
  },
  {
    policy: kubernetes.workloadProbesAndResources,
    setting: "requests",
    from: "prod/kubernetes",
    type: "kubernetes:apps/v1:Deployment",
    mutate: (i) => {
      delete container(i).resources.requests.memory;
    },
  },
  {
    policy: kubernetes.lbcKeepsWebhookCertificate,
    setting: "keepTLSSecret",
    from: "eks",
    type: "kubernetes:helm.sh/v3:Release",
    name: /-lbc-release$/,
    mutate: (i) => {
      delete i.values.keepTLSSecret;
    },
  },
  {
    policy: kubernetes.kubernetesProviderExplicit,
    setting: "kubeconfig",
    from: "prod/kubernetes",
    type: "pulumi:providers:kubernetes",
    mutate: (i) => {
      delete i.kubeconfig;
    },
  },
  {
    policy: kubernetes.kubernetesProviderExplicit,
    setting: "EKS kubeconfig",
    from: "eks",
    type: "pulumi:providers:kubernetes",
    mutate: (i) => {
      i.kubeconfig = "";
    },
  },
];

describe("Kubernetes workload policies", () => {
  describeRejections(kubernetes, rejections);
  describeMutations(kubernetes, mutations);
});
