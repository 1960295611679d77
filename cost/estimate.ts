/**
 * A monthly cost estimate of a recorded resource graph (the offline harness's `ProgramRun`): every
 * resource ends up on a line that is priced, free (a price of $0 with the reason), or not priced (with
 * the reason). Nothing unknown is ever counted as $0: a type without a rule is listed as not priced.
 *
 * Depends on the graph's shape only (type, name, id, inputs; the `aws:region` config value), not on the
 * harness module, so it works on any recording with that shape.
 *
 * The rules live in `cost/rules/`, one module per AWS service; `RULES` below gathers them.
 */
import { type Assumptions, HOURS_PER_MONTH } from "./assumptions";
import { loadEksSupport, loadRegionPrices } from "./prices";
import { ACM_RULES } from "./rules/acm";
import { CLOUDWATCH_RULES } from "./rules/cloudwatch";
import { type Context, cents, free, notPriced, type Rule } from "./rules/common";
import { EC2_RULES } from "./rules/ec2";
import { ECR_RULES } from "./rules/ecr";
import { ECS_RULES } from "./rules/ecs";
import { EKS_RULES } from "./rules/eks";
import { ELB_RULES } from "./rules/elb";
import { IAM_RULES } from "./rules/iam";
import { KMS_RULES } from "./rules/kms";
import { KUBERNETES_RULES } from "./rules/kubernetes";
import { ROUTE53_RULES } from "./rules/route53";
import { S3_RULES } from "./rules/s3";
import { SNS_RULES } from "./rules/sns";
import { VPC_RULES } from "./rules/vpc";
import { WAF_RULES } from "./rules/waf";

export { AWSX_VPC_DEFAULTS } from "./rules/vpc";

export interface GraphResource {
  type: string;
  name: string;
  id?: string | undefined;
  inputs: Record<string, unknown>;
}

export interface Graph {
  config: { values: Record<string, string> };
  resources: GraphResource[];
}

export type LineKind = "priced" | "free" | "not-priced";

export interface Line {
  kind: LineKind;
  /** `<type> <name>` of the recorded resource the line belongs to. */
  resource: string;
  /** What is charged (priced), or what the resource is (free / not priced). */
  item: string;
  /** USD per month at the desired size; 0 for free; null when not priced. */
  monthly: number | null;
  /** USD per month at the autoscaling maximum (same as `monthly` for what does not scale). */
  monthlyAtMax: number | null;
  /** How the figure was computed, or why it is free / not priced. */
  detail: string;
  /** Pages the prices came from. */
  sources: string[];
  /** Set when no rule knows the resource type (so a test can insist every recorded type has one). */
  unknownType?: true;
  /**
   * A not-priced line whose cost is someone else's (objects on a cluster this stack does not own): it
   * does not make this stack's total a lower bound.
   */
  billedElsewhere?: true;
}

export interface Estimate {
  region: string;
  /** Hours every hourly price is multiplied by. */
  hoursPerMonth: number;
  assumptions: Assumptions;
  lines: Line[];
  /**
   * Sum of priced lines at the desired size, rounded to cents; null when nothing could be priced while
   * something was not (a region without a price file: a $0.00 total would be the headline a reader
   * skims, issue 28). With some lines not priced it is a lower bound: see `totalIs`.
   */
  total: number | null;
  /** Sum of priced lines at the autoscaling maximum (null, or a lower bound, as `total`). */
  totalAtMax: number | null;
  /** `exact`: every line priced or free; `at-least`: some lines not priced; `unknown`: none priced. */
  totalIs: "exact" | "at-least" | "unknown";
  /** What keeps the total from being exact, one sentence per reason with its line count (empty when exact). */
  missing: string[];
}

/** How complete the sums are, and what is missing (issue 28: never a bare $0.00 for an unpriced stack). */
function completeness(
  lines: Line[],
  region: string,
  hasPriceFile: boolean,
): Pick<Estimate, "totalIs" | "missing"> {
  const notPricedLines = lines.filter((l) => l.kind === "not-priced" && l.billedElsewhere !== true);
  if (notPricedLines.length === 0) return { totalIs: "exact", missing: [] };
  const byDetail = new Map<string, number>();
  for (const l of notPricedLines) byDetail.set(l.detail, (byDetail.get(l.detail) ?? 0) + 1);
  const missing = [...byDetail].map(([detail, count]) => `${count} line(s) not priced: ${detail}`);
  if (!hasPriceFile) missing.unshift(`add cost/prices/${region}.json to price this region`);
  // "unknown" only when nothing could be priced: a sum of zero lines is no figure to print.
  return { totalIs: lines.some((l) => l.kind === "priced") ? "at-least" : "unknown", missing };
}

/**
 * One table from the services' tables. A type that two modules both claim is a mistake (spreading them
 * would let the later one win silently), so it throws, naming the type.
 */
export function gatherRules(
  ...tables: ReadonlyArray<Readonly<Record<string, Rule>>>
): Readonly<Record<string, Rule>> {
  const all: Record<string, Rule> = {};
  for (const table of tables) {
    for (const [type, rule] of Object.entries(table)) {
      if (type in all)
        throw new Error(`cost: ${type} has a rule in two modules of cost/rules/; keep it in one`);
      all[type] = rule;
    }
  }
  return all;
}

export const RULES: Readonly<Record<string, Rule>> = gatherRules(
  { "pulumi:pulumi:Stack": free("the stack itself: no cloud resource") },
  VPC_RULES,
  ELB_RULES,
  ECS_RULES,
  CLOUDWATCH_RULES,
  KMS_RULES,
  EC2_RULES,
  EKS_RULES,
  IAM_RULES,
  ECR_RULES,
  KUBERNETES_RULES,
  WAF_RULES,
  S3_RULES,
  ACM_RULES,
  ROUTE53_RULES,
  SNS_RULES,
);

/** Types matched by prefix: this project's own components and Pulumi providers are no cloud resources. */
const PREFIX_RULES: ReadonlyArray<[string, Rule]> = [
  ["fastify-deploy:", free("a component of this project: its children are listed on their own lines")],
  ["pulumi:providers:", free("a Pulumi provider: no cloud resource")],
];

export function ruleFor(type: string): Rule | undefined {
  return RULES[type] ?? PREFIX_RULES.find(([prefix]) => type.startsWith(prefix))?.[1];
}

export interface EstimateOptions {
  assumptions: Assumptions;
  /** Defaults to the graph's `aws:region`. */
  region?: string;
}

export function estimate(graph: Graph, options: EstimateOptions): Estimate {
  const region = options.region ?? graph.config.values["aws:region"] ?? "us-east-1";
  const byType = new Map<string, GraphResource[]>();
  for (const r of graph.resources) byType.set(r.type, [...(byType.get(r.type) ?? []), r]);
  const ctx: Context = {
    graph,
    region,
    prices: loadRegionPrices(region),
    support: loadEksSupport(),
    assumptions: options.assumptions,
    ofType: (type) => byType.get(type) ?? [],
    ownsCluster: (byType.get("eks:index:Cluster") ?? []).length > 0,
  };
  const lines: Line[] = graph.resources.flatMap((r) => {
    const resource = `${r.type} ${r.name}`;
    const rule = ruleFor(r.type);
    if (rule === undefined) {
      return [
        {
          ...notPriced(r.type, "no price rule for this resource type (cost/estimate.ts RULES)"),
          resource,
          unknownType: true as const,
        },
      ];
    }
    return rule(r, ctx).map((line) => ({ ...line, resource }));
  });
  const status = completeness(lines, region, ctx.prices !== undefined);
  const sum = (pick: (l: Line) => number | null): number | null =>
    status.totalIs === "unknown"
      ? null
      : cents(lines.reduce((total, l) => total + (l.kind === "priced" ? (pick(l) ?? 0) : 0), 0));
  return {
    region,
    hoursPerMonth: HOURS_PER_MONTH,
    assumptions: options.assumptions,
    lines,
    total: sum((l) => l.monthly),
    totalAtMax: sum((l) => l.monthlyAtMax),
    ...status,
  };
}
