/** The estimate as text (for `npm run plan`) and as Markdown with the change against a base (for PRs). */
import { ASSUMPTION_DOCS, type Assumptions } from "./assumptions";
import type { Estimate, Line } from "./estimate";

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

export function renderText(e: Estimate): string {
  const priced = e.lines.filter((l) => l.kind === "priced");
  const notPriced = e.lines.filter((l) => l.kind === "not-priced");
  const out = [
    `Monthly cost estimate (${e.region}, ${e.hoursPerMonth} h/month, on-demand list prices; see docs/cost.md)`,
    `assumptions: ${assumptionList(e.assumptions).join("  ")}`,
    "",
  ];
  const width = Math.max(...priced.map((l) => usd(l.monthly ?? 0).length), 6);
  for (const l of priced) {
    const atMax = l.monthlyAtMax !== l.monthly ? `  (at max ${usd(l.monthlyAtMax ?? 0)})` : "";
    out.push(`  ${usd(l.monthly ?? 0).padStart(width)}  ${l.item}${atMax}`);
    out.push(`  ${"".padStart(width)}    ${l.resource}: ${l.detail}`);
  }
  out.push(
    "",
    `  total ${usd(e.total)}/month${e.totalAtMax !== e.total ? ` (${usd(e.totalAtMax)}/month with every autoscaled resource at its maximum)` : ""}`,
    "",
    `Not priced (${notPriced.length}; never counted as $0):`,
  );
  const byReason = new Map<string, string[]>();
  for (const l of notPriced) {
    const reason = `${l.item}: ${l.detail}`;
    byReason.set(reason, [...(byReason.get(reason) ?? []), l.resource]);
  }
  for (const [reason, resources] of byReason) {
    out.push(`  ${resources.length} × ${reason}`, `      ${resources.join(", ")}`);
  }
  if (notPriced.length === 0) out.push("  none");
  out.push("", "Free ($0, with the reason):");
  for (const g of groupFree(e.lines)) out.push(`  ${g.resources.length} × ${g.reason}`);
  return out.join("\n");
}

/** A line's identity across two estimates: the resource and what is charged (without the figures). */
const key = (l: Line): string => `${l.resource}|${l.item.replace(/[\d.]+/g, "#")}`;

export function renderMarkdown(head: Estimate, base: Estimate | undefined, title: string): string {
  const out = [`### Monthly cost estimate: ${title}`, ""];
  const change = base === undefined ? "" : ` (${signed(head.total - base.total)} against the base branch)`;
  out.push(
    `**${usd(head.total)}/month**${change}; ${usd(head.totalAtMax)}/month at autoscaling maximum. ${head.region}, ${head.hoursPerMonth} h, on-demand list prices.`,
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
