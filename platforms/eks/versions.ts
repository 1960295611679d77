/**
 * Versions the EKS platform pins, per Kubernetes minor version, in ONE table keyed by the dated version
 * table of facts/eks-versions.ts (the compiler requires a row for every version it knows). Imports no SDK:
 * config, components, tests and `npm run facts` all read it.
 *
 * Upgrading Kubernetes means adding (or reading) the row for the next minor and changing
 * `kubernetesVersion`; the runbook in docs/eks.md gives the order. Nothing here floats: pulumi-eks's own
 * add-on handling resolves `mostRecent: true` on every run (nodejs/eks/cluster/cluster.ts,
 * `getAddonVersionOutput(... mostRecent: true)`), so it is turned off and these versions are used instead.
 *
 * Every row says where its values come from and which of them no first-party table confirmed
 * (`unconfirmed`, flagged by `npm run facts`): those MUST be checked with
 * `aws eks describe-addon-versions --kubernetes-version <v> --addon-name <name>` before the first
 * `pulumi up` on that version (no cloud was reachable when the rows were written). EKS rejects an unknown
 * add-on version at `pulumi up` with InvalidParameterException naming it, so a wrong row fails loudly and
 * early, never silently.
 */

import type { KubernetesVersion } from "../../facts";

export interface EksVersionRow {
  /** EKS managed add-on `vpc-cni`. */
  vpcCni: string;
  /** EKS managed add-on `kube-proxy` (its minor follows the cluster's). */
  kubeProxy: string;
  /** EKS managed add-on `coredns`. */
  coredns: string;
  /**
   * EKS community add-on `metrics-server` (the resource metrics API the HPA reads); installed and
   * upgraded through the EKS add-on API like the others
   * (https://docs.aws.amazon.com/eks/latest/userguide/community-addons.html).
   */
  metricsServer: string;
  /** Cluster Autoscaler image tag: its minor must equal the cluster's (the project's compatibility rule). */
  clusterAutoscaler: string;
  /**
   * EKS managed add-on `eks-pod-identity-agent`: the DaemonSet on every node that hands pods the
   * credentials of their Pod Identity association (EKS user guide, pod-id-agent-setup.html, read
   * 2026-12-07). Its version is not tied to the Kubernetes minor; {@link POD_IDENTITY_AGENT} says where
   * it was read.
   */
  podIdentityAgent: string;
}

/** Where a row's values come from. */
export interface EksVersionRowSource {
  /** Where the confirmed values were read. */
  source: string;
  /** The day they were read (YYYY-MM-DD). */
  read: string;
  /** Values no first-party table confirmed: to check before the first `up` on this version. */
  unconfirmed: readonly (keyof EksVersionRow)[];
}

/** The EKS user guide's add-on version tables (EN source: awsdocs/amazon-eks-user-guide latest/ug/networking/). */
const USER_GUIDE_2024 =
  "awsdocs/amazon-eks-user-guide latest/ug/networking/managing-vpc-cni.adoc, managing-kube-proxy.adoc, managing-coredns.adoc";
/**
 * The newest copy of those tables reachable here: the user guide's ja_jp build of managing-kube-proxy.md
 * and managing-coredns.md (the version strings are not translated), which lists 1.36 and 1.35. Its VPC
 * CNI table was not reachable in a version that lists 1.35 or 1.36.
 */
const USER_GUIDE_2026 =
  "https://docs.aws.amazon.com/ja_jp/eks/latest/userguide/managing-kube-proxy.md and managing-coredns.md";
/**
 * The eks-pod-identity-agent add-on: v1.3.10-eksbuild.2 is the version AWS's own EKS Blueprints pin for
 * Kubernetes 1.31 to 1.35 (aws-quickstart/cdk-eks-blueprints lib/addons/eks-pod-identity-agent/index.ts,
 * `versionMap`, read 2026-12-07). No source reachable here lists it for 1.36: unconfirmed there until
 * `aws eks describe-addon-versions --addon-name eks-pod-identity-agent --kubernetes-version 1.36` says so.
 */
export const POD_IDENTITY_AGENT = {
  version: "v1.3.10-eksbuild.2",
  source:
    "aws-quickstart/cdk-eks-blueprints lib/addons/eks-pod-identity-agent/index.ts (versionMap 1.31..1.35)",
  read: "2026-12-07",
} as const;

export const EKS_VERSIONS: Readonly<Record<KubernetesVersion, EksVersionRow & EksVersionRowSource>> = {
  "1.31": {
    vpcCni: "v1.19.2-eksbuild.5",
    kubeProxy: "v1.31.7-eksbuild.7",
    coredns: "v1.11.4-eksbuild.2",
    metricsServer: "v0.7.2-eksbuild.3",
    clusterAutoscaler: "v1.31.0",
    podIdentityAgent: POD_IDENTITY_AGENT.version,
    source: USER_GUIDE_2024,
    read: "2026-12-02",
    unconfirmed: ["metricsServer"],
  },
  "1.32": {
    vpcCni: "v1.19.2-eksbuild.5",
    kubeProxy: "v1.32.3-eksbuild.7",
    coredns: "v1.11.4-eksbuild.2",
    metricsServer: "v0.7.2-eksbuild.3",
    clusterAutoscaler: "v1.32.0",
    podIdentityAgent: POD_IDENTITY_AGENT.version,
    source: USER_GUIDE_2024,
    read: "2026-12-02",
    unconfirmed: ["metricsServer"],
  },
  "1.33": {
    vpcCni: "v1.19.5-eksbuild.1",
    kubeProxy: "v1.33.0-eksbuild.2",
    coredns: "v1.12.1-eksbuild.2",
    metricsServer: "v0.7.2-eksbuild.3",
    clusterAutoscaler: "v1.33.0",
    podIdentityAgent: POD_IDENTITY_AGENT.version,
    source: "the 1.31/1.32 rows' build series",
    read: "2026-12-02",
    unconfirmed: ["vpcCni", "kubeProxy", "coredns", "metricsServer", "clusterAutoscaler"],
  },
  "1.34": {
    vpcCni: "v1.20.1-eksbuild.1",
    kubeProxy: "v1.34.0-eksbuild.2",
    coredns: "v1.12.3-eksbuild.1",
    metricsServer: "v0.8.0-eksbuild.1",
    clusterAutoscaler: "v1.34.0",
    podIdentityAgent: POD_IDENTITY_AGENT.version,
    source: "the 1.31/1.32 rows' build series",
    read: "2026-12-02",
    unconfirmed: ["vpcCni", "kubeProxy", "coredns", "metricsServer", "clusterAutoscaler"],
  },
  // kube-proxy and coredns: the user guide's tables (USER_GUIDE_2026: 1.35 → v1.35.3-eksbuild.13,
  // v1.14.3-eksbuild.3). Cluster Autoscaler v1.35.1: registry.k8s.io/autoscaling/cluster-autoscaler:v1.35.1,
  // a kubernetes/autoscaler release image. vpc-cni and metrics-server: the earlier guesses, unconfirmed.
  "1.35": {
    vpcCni: "v1.20.4-eksbuild.1",
    kubeProxy: "v1.35.3-eksbuild.13",
    coredns: "v1.14.3-eksbuild.3",
    metricsServer: "v0.8.0-eksbuild.1",
    clusterAutoscaler: "v1.35.1",
    podIdentityAgent: POD_IDENTITY_AGENT.version,
    source: USER_GUIDE_2026,
    read: "2026-12-07",
    unconfirmed: ["vpcCni", "metricsServer"],
  },
  // kube-proxy v1.36.0-eksbuild.14 and coredns v1.14.3-eksbuild.3: the user guide's tables
  // (USER_GUIDE_2026). Cluster Autoscaler v1.36.1: the kubernetes/autoscaler cluster-autoscaler-1.36.1
  // release notes list registry.k8s.io/autoscaling/cluster-autoscaler:v1.36.1 (read 2026-12-07; chart
  // 9.59.0 still defaults to v1.35.0, which is why the tag is set here, not taken from the chart).
  // vpc-cni v1.22.4-eksbuild.3 and metrics-server v0.9.0-eksbuild.11: NOT from a first-party table, only
  // seen together with kube-proxy v1.36.0-eksbuild.25 in public Terraform that ran 1.36 clusters (read
  // 2026-12-07); unconfirmed until describe-addon-versions says so.
  "1.36": {
    vpcCni: "v1.22.4-eksbuild.3",
    kubeProxy: "v1.36.0-eksbuild.14",
    coredns: "v1.14.3-eksbuild.3",
    metricsServer: "v0.9.0-eksbuild.11",
    clusterAutoscaler: "v1.36.1",
    podIdentityAgent: POD_IDENTITY_AGENT.version,
    source: USER_GUIDE_2026,
    read: "2026-12-07",
    unconfirmed: ["vpcCni", "metricsServer", "podIdentityAgent"],
  },
};

/**
 * Helm charts the EKS platform installs, pinned (a chart version fixes its templates and defaults).
 * cluster-autoscaler 9.59.0 is the kubernetes/autoscaler tag `cluster-autoscaler-chart-9.59.0`; the image
 * tag comes from {@link EKS_VERSIONS}, not the chart's appVersion, so the chart does not decide it.
 */
export const CLUSTER_AUTOSCALER_CHART = {
  repository: "https://kubernetes.github.io/autoscaler",
  chart: "cluster-autoscaler",
  version: "9.59.0",
  digest: "sha256:90276dafe65cf5d4328ef8313baf6cfb9d130683e0c9f3c28a03b4d8a9ed8f6e",
  digestSource:
    "kubernetes/autoscaler gh-pages index.yaml (commit be36214, generated 2026-07-26), entry cluster-autoscaler 9.59.0; read 2026-12-07",
} as const;
/**
 * fluent/helm-charts charts/fluent-bit 0.58.1 = Fluent Bit 5.1.1 (its Chart.yaml `appVersion`, at the
 * repository's newest stored commit 5b81bf7, 2026-08-18, read 2026-12-07). Chosen over aws/eks-charts
 * stable/aws-for-fluent-bit 0.2.0, whose templates/clusterrole.yaml grants `get` on `nodes/proxy`
 * unconditionally (same commit range, 5239609, read 2026-12-07); this chart grants nodes, nodes/metrics
 * and nodes/proxy only with `rbac.nodeAccess` (templates/clusterrole.yaml), which is false here.
 * The image tag is pinned to the appVersion (`FLUENT_BIT_IMAGE_TAG`); its digest is NOT pinned: no stored
 * source gives the digest of cr.fluentbit.io/fluent/fluent-bit:5.1.1 (issue 32 item 6, open).
 */
export const FLUENT_BIT_CHART = {
  repository: "https://fluent.github.io/helm-charts",
  chart: "fluent-bit",
  version: "0.58.1",
  digest: "sha256:fc2235278cdb4e76befb8520464a66ff459c6d7711bbbc8755dedcc32799877b",
  digestSource:
    "fluent/helm-charts gh-pages index.yaml (commit 26ab995, generated 2026-08-18), entry fluent-bit 0.58.1; read 2026-12-07",
  source: "https://github.com/fluent/helm-charts/blob/main/charts/fluent-bit/Chart.yaml",
  read: "2026-12-07",
} as const;
/** The Fluent Bit image tag: the chart's appVersion, set explicitly so a values change cannot float it. */
export const FLUENT_BIT_IMAGE_TAG = "5.1.1";

/** The log group EKS writes control-plane logs to: fixed by EKS, `/aws/eks/<cluster-name>/cluster`. */
export const controlPlaneLogGroupName = (clusterName: string): string => `/aws/eks/${clusterName}/cluster`;
/** Where Fluent Bit ships every pod's stdout/stderr. */
export const containerLogGroupName = (clusterName: string): string => `/aws/eks/${clusterName}/containers`;

/**
 * The AWS provider (ASCP) for the Secrets Store CSI driver, with the driver itself as its pinned
 * subchart: aws/secrets-store-csi-driver-provider-aws charts/secrets-store-csi-driver-provider-aws
 * Chart.yaml version 3.1.1 (image tag 3.1.1 in values.yaml), whose Chart.lock pins the
 * kubernetes-sigs secrets-store-csi-driver subchart at 1.6.0 (the packaged chart carries it), at commit
 * a74182c (2026-06-04); digest from the repository's gh-pages index.yaml (commit 1986b33, generated
 * 2026-06-02), entry 3.1.1; all read 2026-12-07. Installed only on a stack that declares secrets.
 */
export const SECRETS_STORE_PROVIDER_CHART = {
  repository: "https://aws.github.io/secrets-store-csi-driver-provider-aws",
  chart: "secrets-store-csi-driver-provider-aws",
  version: "3.1.1",
  digest: "sha256:985aaf5c533873d14473aad878f87d1efabb14c6a7570c7e5029572c0e31f64c",
  digestSource:
    "aws/secrets-store-csi-driver-provider-aws gh-pages index.yaml (commit 1986b33, generated 2026-06-02), entry secrets-store-csi-driver-provider-aws 3.1.1; read 2026-12-07",
  source:
    "https://github.com/aws/secrets-store-csi-driver-provider-aws/blob/main/charts/secrets-store-csi-driver-provider-aws/Chart.yaml",
  read: "2026-12-07",
} as const;
