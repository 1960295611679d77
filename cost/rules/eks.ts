/** EKS: the control plane by its support tier on the estimate's date, and the managed node groups. */
import type { Line } from "../estimate";
import type { Context, Rule } from "./common";
import { arr, charge, free, hourly, notPriced, num, obj, str } from "./common";
import { gp3Lines, instanceHours } from "./ec2";

const nodeGroupRule: Rule = (r, ctx) => {
  const scaling = obj(r.inputs.scalingConfig);
  const desired = num(scaling.desiredSize) ?? 1;
  const max = Math.max(desired, num(scaling.maxSize) ?? desired);
  const types = arr(r.inputs.instanceTypes).map(String);
  const type = types[0] ?? "t3.medium";
  const label = `EKS managed nodes${types.length > 1 ? ` (first of ${types.join(", ")})` : ""}`;
  const lines: Omit<Line, "resource">[] = [];
  if (r.inputs.capacityType === "SPOT") {
    lines.push(
      notPriced(`${label}: ${desired} × ${type} (spot)`, "spot prices move hourly; no rule for them"),
    );
  } else {
    lines.push(instanceHours(ctx, type, desired, max, label));
  }
  const ltId = str(obj(r.inputs.launchTemplate).id);
  const templates = ctx.ofType("aws:ec2/launchTemplate:LaunchTemplate");
  const template =
    templates.find((t) => ltId !== undefined && t.id === ltId) ??
    (templates.length === 1 ? templates[0] : undefined);
  const ebs = obj(obj(arr(template?.inputs.blockDeviceMappings)[0]).ebs);
  const gib = num(ebs.volumeSize) ?? num(r.inputs.diskSize) ?? 20;
  lines.push(...gp3Lines(ctx, "node root volumes", desired, max, gib, str(ebs.volumeType) ?? "gp3"));
  return lines;
};

function eksTier(ctx: Context, version: string): { tier: "standard" | "extended"; from: string } | undefined {
  const row = ctx.support.versions[version];
  if (row === undefined) return undefined;
  // On and after the end-of-standard-support date the cluster bills extended support (it is the first
  // day of the new tier, so the estimate errs high on that day rather than low).
  return ctx.assumptions.asOf >= row.endOfStandardSupport
    ? { tier: "extended", from: row.endOfStandardSupport }
    : { tier: "standard", from: row.endOfStandardSupport };
}

const eksClusterRule: Rule = (r, ctx) => {
  const version = str(r.inputs.version) ?? "unpinned";
  const tier = eksTier(ctx, version);
  const lines: Omit<Line, "resource">[] = [];
  if (tier === undefined) {
    lines.push(
      notPriced(
        `EKS control plane (Kubernetes ${version})`,
        `no support dates for this version in cost/eks-support.json`,
      ),
    );
  } else {
    const when =
      tier.tier === "extended"
        ? `extended support since ${tier.from}`
        : `standard support until ${tier.from}, then $0.60/h`;
    lines.push(
      charge(
        ctx,
        `EKS control plane (Kubernetes ${version}, ${when}, as of ${ctx.assumptions.asOf})`,
        tier.tier === "extended" ? "eksClusterHourExtended" : "eksClusterHourStandard",
        1,
        1,
        (p) => `${hourly(1, 1, p)} (source for the dates: ${ctx.support.source}, read ${ctx.support.read})`,
      ),
    );
  }
  if (r.inputs.skipDefaultNodeGroup !== true) {
    lines.push(
      notPriced(
        "the eks component's default node group",
        "created inside eks.Cluster (opaque under mocks) with sizes this estimate does not see",
      ),
    );
  }
  return lines;
};

export const EKS_RULES: Readonly<Record<string, Rule>> = {
  "eks:index:Cluster": eksClusterRule,
  "eks:index:ManagedNodeGroup": nodeGroupRule,
  "aws:eks/addon:Addon": free(
    "EKS add-ons have no charge; their pods run on the nodes priced under the node group",
  ),
  "aws:eks/accessEntry:AccessEntry": free("EKS access entries have no charge"),
  "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": free("EKS access policies have no charge"),
};
