/**
 * Cost lines grouped the way a reader decides (issue 28: "34 unsorted lines, ten $0.10 alarms bury the
 * ALB"): each recorded type falls into one category by the first matching prefix; categories are shown
 * by subtotal, lines by amount. The table is ordered: more specific prefixes first.
 */
import type { Estimate, Line } from "./estimate";

const LOAD_BALANCING = "Load balancing and edge (ALB, WAF, DNS, certificates)";

export const CATEGORIES: ReadonlyArray<readonly [prefix: string, category: string]> = [
  ["aws:route53/healthCheck:", "Observability (logs, alarms, dashboards, synthetic checks)"],
  ["aws:cloudwatch/", "Observability (logs, alarms, dashboards, synthetic checks)"],
  ["aws:sns/", "Observability (logs, alarms, dashboards, synthetic checks)"],
  ["aws:appautoscaling/", "Observability (logs, alarms, dashboards, synthetic checks)"],
  ["awsx:ec2:Vpc", "Network (NAT gateways, public IPv4)"],
  ["aws:ec2/instance:", "Compute (tasks, nodes, bastion)"],
  ["aws:ec2/launchTemplate:", "Compute (tasks, nodes, bastion)"],
  ["aws:ecs/", "Compute (tasks, nodes, bastion)"],
  ["eks:index:ManagedNodeGroup", "Compute (tasks, nodes, bastion)"],
  ["eks:index:", "Kubernetes control plane and add-ons"],
  ["aws:eks/", "Kubernetes control plane and add-ons"],
  ["kubernetes:", "Kubernetes control plane and add-ons"],
  ["aws:ec2/", "Network (NAT gateways, public IPv4)"],
  ["aws:vpc/", "Network (NAT gateways, public IPv4)"],
  ["aws:lb/", LOAD_BALANCING],
  ["aws:wafv2/", LOAD_BALANCING],
  ["aws:route53/", LOAD_BALANCING],
  ["aws:acm/", LOAD_BALANCING],
  ["aws:ecr/", "Images, storage and keys (ECR, S3, KMS)"],
  ["aws:s3/", "Images, storage and keys (ECR, S3, KMS)"],
  ["aws:kms/", "Images, storage and keys (ECR, S3, KMS)"],
];
export const OTHER = "Other";

/**
 * A line's category, from the type at the head of its `resource` ("<type> <name>"); an ALB charged on
 * the Ingress that makes the AWS Load Balancer Controller create it counts as load balancing.
 */
export function categoryOf(line: Pick<Line, "resource" | "item">): string {
  if (/Application Load Balancer|\bALB\b/.test(line.item)) return LOAD_BALANCING;
  const type = line.resource.split(" ")[0] ?? "";
  return CATEGORIES.find(([prefix]) => type.startsWith(prefix))?.[1] ?? OTHER;
}

export interface CategoryGroup {
  category: string;
  subtotal: number;
  subtotalAtMax: number;
  /** Priced lines, largest first. */
  lines: Line[];
}

const cents = (n: number): number => Math.round(n * 100) / 100;

/** The priced lines by category, largest subtotal first, largest line first within each. */
export function groupByCategory(e: Estimate): CategoryGroup[] {
  const groups = new Map<string, Line[]>();
  for (const l of e.lines.filter((x) => x.kind === "priced")) {
    const category = categoryOf(l);
    groups.set(category, [...(groups.get(category) ?? []), l]);
  }
  return [...groups]
    .map(([category, lines]) => ({
      category,
      subtotal: cents(lines.reduce((s, l) => s + (l.monthly ?? 0), 0)),
      subtotalAtMax: cents(lines.reduce((s, l) => s + (l.monthlyAtMax ?? 0), 0)),
      lines: [...lines].sort((a, b) => (b.monthly ?? 0) - (a.monthly ?? 0)),
    }))
    .sort((a, b) => b.subtotal - a.subtotal || a.category.localeCompare(b.category));
}

/**
 * The `count` largest priced charges (the top cost drivers). Lines with the same item are one charge
 * split across resources (issue 26's node group per zone: three "1 × m6i.large" lines are one fleet),
 * so they are summed into one driver naming every resource; otherwise a split would push the
 * biggest charge below smaller undivided ones.
 */
export function topDrivers(e: Estimate, count: number): Line[] {
  const byItem = new Map<string, Line[]>();
  for (const l of e.lines.filter((x) => x.kind === "priced"))
    byItem.set(l.item, [...(byItem.get(l.item) ?? []), l]);
  return [...byItem.values()]
    .map((alike) => (alike.length === 1 ? (alike[0] as Line) : merged(alike)))
    .sort((a, b) => (b.monthly ?? 0) - (a.monthly ?? 0))
    .slice(0, count);
}

/** One driver for the same charge on several resources: summed, each resource named. */
function merged(alike: Line[]): Line {
  const first = alike[0] as Line;
  const [type] = first.resource.split(" ");
  const sameType = alike.every((l) => l.resource.split(" ")[0] === type);
  const names = alike.map((l) => (sameType ? l.resource.slice((type ?? "").length + 1) : l.resource));
  return {
    ...first,
    item: `${first.item}, in each of ${alike.length}`,
    resource: sameType ? `${type} ${names.join(", ")}` : names.join(", "),
    monthly: cents(alike.reduce((s, l) => s + (l.monthly ?? 0), 0)),
    monthlyAtMax: cents(alike.reduce((s, l) => s + (l.monthlyAtMax ?? 0), 0)),
  };
}
