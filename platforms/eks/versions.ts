/**
 * Versions the EKS platform pins, per Kubernetes minor version, in ONE table. Imports no SDK: config,
 * components and tests all read it.
 *
 * Upgrading Kubernetes means adding (or reading) the row for the next minor and changing
 * `kubernetesVersion`; the runbook in docs/eks.md gives the order. Nothing here floats: pulumi-eks's own
 * add-on handling resolves `mostRecent: true` on every run (nodejs/eks/cluster/cluster.ts,
 * `getAddonVersionOutput(... mostRecent: true)`), so it is turned off and these versions are used instead.
 *
 * Sources (read 2026-12-02): the EKS user guide's version tables (awsdocs/amazon-eks-user-guide
 * latest/ug/networking/managing-vpc-cni.adoc, managing-kube-proxy.adoc, managing-coredns.adoc) for the
 * 1.31/1.32 rows; later rows follow the same build series and MUST be confirmed with
 * `aws eks describe-addon-versions --kubernetes-version <v> --addon-name <name>` before the first
 * `pulumi up` on that version (no cloud was reachable when the table was written). EKS rejects an
 * unknown add-on version at `pulumi up` with InvalidParameterException naming it, so a wrong row fails
 * loudly and early, never silently.
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
}

export const EKS_VERSIONS: Readonly<Record<KubernetesVersion, EksVersionRow>> = {
  "1.31": {
    vpcCni: "v1.19.2-eksbuild.5",
    kubeProxy: "v1.31.7-eksbuild.7",
    coredns: "v1.11.4-eksbuild.2",
    metricsServer: "v0.7.2-eksbuild.3",
    clusterAutoscaler: "v1.31.0",
  },
  "1.32": {
    vpcCni: "v1.19.2-eksbuild.5",
    kubeProxy: "v1.32.3-eksbuild.7",
    coredns: "v1.11.4-eksbuild.2",
    metricsServer: "v0.7.2-eksbuild.3",
    clusterAutoscaler: "v1.32.0",
  },
  "1.33": {
    vpcCni: "v1.19.5-eksbuild.1",
    kubeProxy: "v1.33.0-eksbuild.2",
    coredns: "v1.12.1-eksbuild.2",
    metricsServer: "v0.7.2-eksbuild.3",
    clusterAutoscaler: "v1.33.0",
  },
  "1.34": {
    vpcCni: "v1.20.1-eksbuild.1",
    kubeProxy: "v1.34.0-eksbuild.2",
    coredns: "v1.12.3-eksbuild.1",
    metricsServer: "v0.8.0-eksbuild.1",
    clusterAutoscaler: "v1.34.0",
  },
  "1.35": {
    vpcCni: "v1.20.4-eksbuild.1",
    kubeProxy: "v1.35.0-eksbuild.1",
    coredns: "v1.12.4-eksbuild.1",
    metricsServer: "v0.8.0-eksbuild.1",
    clusterAutoscaler: "v1.35.0",
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
} as const;
/** aws/eks-charts stable/aws-for-fluent-bit 0.2.0 = AWS for Fluent Bit 3.2.1 (its Chart.yaml). */
export const FLUENT_BIT_CHART = {
  repository: "https://aws.github.io/eks-charts",
  chart: "aws-for-fluent-bit",
  version: "0.2.0",
} as const;

/** The log group EKS writes control-plane logs to: fixed by EKS, `/aws/eks/<cluster-name>/cluster`. */
export const controlPlaneLogGroupName = (clusterName: string): string => `/aws/eks/${clusterName}/cluster`;
/** Where Fluent Bit ships every pod's stdout/stderr. */
export const containerLogGroupName = (clusterName: string): string => `/aws/eks/${clusterName}/containers`;
