import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { EksVersionRow } from "./versions";

export type ManagedAddonName = "vpc-cni" | "kube-proxy" | "coredns" | "metrics-server";

export interface ManagedAddonArgs {
  clusterName: pulumi.Input<string>;
  versions: EksVersionRow;
  tags: Record<string, string>;
}

const VERSION_KEY: Record<ManagedAddonName, keyof EksVersionRow> = {
  "vpc-cni": "vpcCni",
  "kube-proxy": "kubeProxy",
  coredns: "coredns",
  "metrics-server": "metricsServer",
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
  configurationValues?: Record<string, unknown>,
): aws.eks.Addon {
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
      tags: args.tags,
    },
    opts,
  );
}
