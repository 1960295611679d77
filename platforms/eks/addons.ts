import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { EksVersionRow } from "./versions";

export type ManagedAddonName =
  | "vpc-cni"
  | "kube-proxy"
  | "coredns"
  | "metrics-server"
  | "eks-pod-identity-agent";

export interface ManagedAddonArgs {
  clusterName: pulumi.Input<string>;
  versions: EksVersionRow;
  tags: Record<string, string>;
}

/** What an add-on may be given beyond its version. */
export interface ManagedAddonSettings {
  /** The add-on's configuration schema values (`describe-addon-configuration`). */
  configurationValues?: Record<string, unknown>;
  /**
   * The add-on's own EKS Pod Identity associations (its service account → a role), created and deleted
   * with the add-on (aws.eks.Addon `podIdentityAssociations`; EKS user guide, add-ons-iam.html, read
   * 2026-12-07). The cluster needs the eks-pod-identity-agent add-on for them to take effect.
   */
  podIdentityAssociations?: aws.types.input.eks.AddonPodIdentityAssociation[];
}

const VERSION_KEY: Record<ManagedAddonName, keyof EksVersionRow> = {
  "vpc-cni": "vpcCni",
  "kube-proxy": "kubeProxy",
  coredns: "coredns",
  "metrics-server": "metricsServer",
  "eks-pod-identity-agent": "podIdentityAgent",
};

/**
 * One EKS managed add-on at the version the table pins. OVERWRITE on create adopts the self-managed
 * copy EKS bootstrapped (vpc-cni, kube-proxy, coredns); OVERWRITE on update lets a version bump apply
 * even where EKS's own fields drifted. `preserve: false`: the add-on's objects go with the stack.
 */
export function managedAddon(
  component: string,
  addon: ManagedAddonName,
  args: ManagedAddonArgs,
  opts: pulumi.CustomResourceOptions,
  settings: ManagedAddonSettings = {},
): aws.eks.Addon {
  const { configurationValues, podIdentityAssociations } = settings;
  return new aws.eks.Addon(
    `${component}-addon-${addon}`,
    {
      clusterName: args.clusterName,
      addonName: addon,
      addonVersion: args.versions[VERSION_KEY[addon]],
      resolveConflictsOnCreate: "OVERWRITE",
      resolveConflictsOnUpdate: "OVERWRITE",
      preserve: false,
      ...(configurationValues !== undefined && { configurationValues: JSON.stringify(configurationValues) }),
      ...(podIdentityAssociations !== undefined && { podIdentityAssociations }),
      tags: args.tags,
    },
    opts,
  );
}
