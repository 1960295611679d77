/** The estimate as text (for `npm run plan`) and as Markdown with the change against a base (for PRs). */
import { ASSUMPTION_DOCS, type Assumptions } from "./assumptions";
import { groupByCategory, topDrivers } from "./categories";
import type { Estimate, Line } from "./estimate";
import { fold } from "./fold";

const usd = (n: number): string => `$${n.toFixed(2)}`;
const signed = (n: number): string => `${n < 0 ? "-" : "+"}$${Math.abs(n).toFixed(2)}`;

function assumptionList(a: Assumptions): string[] {
  return (Object.keys(ASSUMPTION_DOCS) as (keyof Assumptions)[]).map((k) => `${k}=${a[k]}`);
}

/** Free lines grouped by reason, so forty IAM and Kubernetes objects take a few lines, not forty. */
function groupFree(lines: Line[]): Array<{ reason: string; resources: string[] }> {
  const groups = new Map<string, string[]>();
  for (const l of lines.filter((x) => x.kind === "free")) {
    groups.set(l.detail, [...(groups.get(l.detail) ?? []), l.resource]);
  }
  return [...groups].map(([reason, resources]) => ({ reason, resources }));
}

/**
 * The headline figure: a dollar total only when every line is priced or free; "at least $X" when some
 * are not priced; no figure when none could be (a region without a price file): issue 28.
 */
export function totalText(e: Estimate): string {
  if (e.total === null) return `unknown: nothing could be priced (${e.missing[0] ?? "see Not priced"})`;
  const atMax =
    e.totalAtMax !== null && e.totalAtMax !== e.total
      ? ` (${usd(e.totalAtMax)}/month with every autoscaled resource at its maximum)`
      : "";
  if (e.totalIs === "at-least") {
    const count = e.lines.filter((l) => l.kind === "not-priced").length;
    const add = e.missing.find((m) => m.startsWith("add "));
    return `at least ${usd(e.total)}/month${atMax}: ${count} line(s) not priced, see below${add === undefined ? "" : ` (${add})`}`;
  }
  return `${usd(e.total)}/month${atMax}`;
}

/** The plan's opening: the largest lines first, then the headline total. */
export function renderDrivers(e: Estimate, count = 5): string {
  const drivers = topDrivers(e, count);
  const out = [`Top cost drivers (${e.region}, of the estimate at the end):`];
  const width = Math.max(...drivers.map((l) => usd(l.monthly ?? 0).length), 6);
  for (const l of drivers) {
    out.push(
      ...fold(
        `${l.item} [${l.resource}]`,
        `  ${usd(l.monthly ?? 0).padStart(width)}  `,
        `  ${"".padStart(width)}    `,
      ),
    );
  }
  if (drivers.length === 0) out.push("  none priced");
  out.push(...fold(`total ${totalText(e)}`, "  ", "      "));
  return out.join("\n");
}

export function renderText(e: Estimate): string {
  const notPriced = e.lines.filter((l) => l.kind === "not-priced");
  const out = [
    ...fold(
      `Monthly cost estimate (${e.region}, ${e.hoursPerMonth} h/month, on-demand list prices, Fargate Spot where used; see docs/cost.md)`,
      "",
      "  ",
    ),
    ...fold(`assumptions: ${assumptionList(e.assumptions).join("  ")}`, "", "  "),
  ];
  const width = Math.max(...e.lines.map((l) => usd(l.monthly ?? 0).length), 6);
  for (const g of groupByCategory(e)) {
    const atMax = g.subtotalAtMax !== g.subtotal ? `  (at max ${usd(g.subtotalAtMax)})` : "";
    out.push("", `${g.category}: subtotal ${usd(g.subtotal)}${atMax}`);
    for (const l of g.lines) {
      const lineAtMax = l.monthlyAtMax !== l.monthly ? `  (at max ${usd(l.monthlyAtMax ?? 0)})` : "";
      const indent = `  ${"".padStart(width)}    `;
      out.push(...fold(`${l.item}${lineAtMax}`, `  ${usd(l.monthly ?? 0).padStart(width)}  `, indent));
      out.push(...fold(`${l.resource}: ${l.detail}`, indent, `${indent}  `));
    }
  }
  out.push("", ...fold(`total ${totalText(e)}`, "  ", "      "), "");
  out.push(`Not priced (${notPriced.length}; never counted as $0):`);
  const byReason = new Map<string, string[]>();
  for (const l of notPriced) {
    const reason = `${l.item}: ${l.detail}`;
    byReason.set(reason, [...(byReason.get(reason) ?? []), l.resource]);
  }
  for (const [reason, resources] of byReason) {
    out.push(...fold(`${resources.length} × ${reason}`, "  ", "      "));
    out.push(...fold(resources.join(", "), "      ", "      "));
  }
  if (notPriced.length === 0) out.push("  none");
  out.push("", "Free ($0, with the reason):");
  for (const g of groupFree(e.lines))
    out.push(...fold(`${g.resources.length} × ${g.reason}`, "  ", "      "));
  return out.join("\n");
}

/** A line's identity across two estimates: the resource and what is charged (without the figures). */
const key = (l: Line): string => `${l.resource}|${l.item.replace(/[\d.]+/g, "#")}`;

export function renderMarkdown(head: Estimate, base: Estimate | undefined, title: string): string {
  const out = [`### Monthly cost estimate: ${title}`, ""];
  const change =
    base === undefined ||
    head.total === null ||
    base.total === null ||
    head.totalIs !== (base.totalIs ?? "exact")
      ? ""
      : ` (${signed(head.total - base.total)} against the base branch)`;
  // The headline as before when every line is priced; otherwise what totalText says (issue 28).
  const headline =
    head.totalIs === "exact" && head.total !== null && head.totalAtMax !== null
      ? `**${usd(head.total)}/month**${change}; ${usd(head.totalAtMax)}/month at autoscaling maximum.`
      : `**${totalText(head)}**${change}.`;
  out.push(
    `${headline} ${head.region}, ${head.hoursPerMonth} h, on-demand list prices, Fargate Spot where used.`,
    "",
  );

  if (base === undefined) out.push("_No estimate from the base branch to compare with._", "");
  const baseByKey = new Map((base?.lines ?? []).filter((l) => l.kind === "priced").map((l) => [key(l), l]));
  const headPriced = head.lines.filter((l) => l.kind === "priced");
  out.push("| item | resource | monthly | at max | change |", "|---|---|--:|--:|--:|");
  for (const l of headPriced) {
    const before = baseByKey.get(key(l));
    baseByKey.delete(key(l));
    const delta =
      base === undefined
        ? ""
        : before === undefined
          ? "new"
          : signed((l.monthly ?? 0) - (before.monthly ?? 0));
    out.push(
      `| ${l.item} | \`${l.resource}\` | ${usd(l.monthly ?? 0)} | ${usd(l.monthlyAtMax ?? 0)} | ${delta === "+$0.00" ? "" : delta} |`,
    );
  }
  for (const l of baseByKey.values()) {
    out.push(`| ~~${l.item}~~ | \`${l.resource}\` | removed | | ${signed(-(l.monthly ?? 0))} |`);
  }
  const notPriced = head.lines.filter((l) => l.kind === "not-priced");
  if (notPriced.length > 0) {
    out.push("", `**Not priced** (${notPriced.length}, never counted as $0):`, "");
    for (const l of notPriced) out.push(`- \`${l.resource}\`: ${l.item}: ${l.detail}`);
  }
  out.push("", `<details><summary>Assumptions and free resources</summary>`, "");
  out.push(`Assumptions: ${assumptionList(head.assumptions).join(", ")}.`, "");
  for (const g of groupFree(head.lines)) out.push(`- ${g.resources.length} × ${g.reason}`);
  out.push("", "</details>");
  return out.join("\n");
}
