/** EKS: the control plane by its support tier on the estimate's date, and the managed node groups. */
import { EKS_CLUSTER_HOUR, type EksVersionDates, eksSupportTier } from "../../facts";
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

/**
 * The control plane's price tier on the estimate's date, from the one dated table config also reads
 * (facts/eks-versions.ts). Billing for extended support starts at the beginning of the
 * end-of-standard-support day (UTC), so that day is already extended. Under upgradePolicy STANDARD EKS
 * upgrades the cluster instead of billing extended support: priced as standard, and the line says so.
 */
function eksTier(
  ctx: Context,
  version: string,
  supportType: string | undefined,
): { tier: "standard" | "extended" | "ended"; dates: EksVersionDates } | undefined {
  const dates = ctx.support.versions[version];
  if (dates === undefined) return undefined;
  const tier = eksSupportTier(dates, ctx.assumptions.asOf);
  return { tier: tier === "extended" && supportType === "STANDARD" ? "standard" : tier, dates };
}

function tierText(
  tier: "standard" | "extended",
  dates: EksVersionDates,
  supportType: string | undefined,
  asOf: string,
): string {
  if (tier === "extended") return `extended support since ${dates.endOfStandardSupport}`;
  if (asOf >= dates.endOfStandardSupport) {
    return `upgradePolicy STANDARD: EKS upgrades it from ${dates.endOfStandardSupport} rather than bill extended support`;
  }
  return supportType === "STANDARD"
    ? `standard support until ${dates.endOfStandardSupport}, then upgraded by EKS (upgradePolicy STANDARD)`
    : `standard support until ${dates.endOfStandardSupport}, then $${EKS_CLUSTER_HOUR.extended.usd.toFixed(2)}/h`;
}

const eksClusterRule: Rule = (r, ctx) => {
  const version = str(r.inputs.version) ?? "unpinned";
  const supportType = str(obj(r.inputs.upgradePolicy).supportType);
  const tier = eksTier(ctx, version, supportType);
  const lines: Omit<Line, "resource">[] = [];
  if (tier === undefined) {
    lines.push(
      notPriced(
        `EKS control plane (Kubernetes ${version})`,
        "no support dates for this version in facts/eks-versions.ts",
      ),
    );
  } else if (tier.tier === "ended") {
    lines.push(
      notPriced(
        `EKS control plane (Kubernetes ${version})`,
        `extended support ended ${tier.dates.endOfExtendedSupport}: EKS creates no cluster on this version (as of ${ctx.assumptions.asOf})`,
      ),
    );
  } else {
    const { tier: billed, dates } = tier;
    lines.push(
      charge(
        ctx,
        `EKS control plane (Kubernetes ${version}, ${tierText(billed, dates, supportType, ctx.assumptions.asOf)}, as of ${ctx.assumptions.asOf})`,
        billed === "extended" ? "eksClusterHourExtended" : "eksClusterHourStandard",
        1,
        1,
        (p) => `${hourly(1, 1, p)} (source for the dates: ${dates.source}, read ${dates.read})`,
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
  // An association is an EKS API object with no charge of its own; the agent is an EKS add-on (priced as
  // add-ons are, above) whose DaemonSet runs on the nodes priced under the node groups.
  "aws:eks/podIdentityAssociation:PodIdentityAssociation": free(
    "EKS Pod Identity associations have no charge; the agent runs on the nodes priced under the node groups",
  ),
};
