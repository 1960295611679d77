/**
 * Every dollar figure in docs/*.md agrees with the cost estimate (issue 28: "figures in docs disagree
 * with the plan"). A figure passes when it is
 * - one the estimate prints for a committed stack × platform in a priced region (a total, a line, a
 *   category subtotal; at the desired size or at max), or a unit price of a price file (or its 730-hour
 *   month), found without a tag; or
 * - followed by a tag `<!--= EXPR -->` whose expression, recomputed here from estimates, gives it:
 *   `est(stack, { platform, set, region, assume })` runs the program under mocks and returns the estimate
 *   with `sum(/re/)` (priced lines whose item or resource matches, at the desired size) and `sumAtMax`;
 *   `price(key, region?)` reads a price file; or
 * - followed by `<!--$ not from the estimate: REASON -->` (a budget, a price of something no stack
 *   creates): the reason is required.
 * Rounded as the docs write it: to the cents given, or to whole dollars after "about", "~" or "≈".
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { applyAssumptions, defaultAssumptions } from "../cost/assumptions";
import { groupByCategory } from "../cost/categories";
import { type Estimate, estimate } from "../cost/estimate";
import { loadRegionPrices, type PriceKey, pricedRegions } from "../cost/prices";
import { ROOT, runProgram, stackPlatformCases } from "../tools/harness";

const DOCS = path.join(ROOT, "docs");
/** The estimate's date, as cost/estimate.test.ts pins it, so figures do not move with the calendar. */
const assumptions = (assume: Record<string, string> = {}) =>
  applyAssumptions(defaultAssumptions(), { asOf: "2026-12-07", ...assume });

interface Figure {
  file: string;
  line: number;
  text: string;
  value: number;
  /** Whole dollars ("about $32") rather than cents. */
  approximate: boolean;
  tag?: { kind: "expr" | "reason"; body: string };
}

/** Every `$N` / `USD N` in docs/*.md with the tag that follows it, if any. */
function figures(): Figure[] {
  const out: Figure[] = [];
  for (const file of readdirSync(DOCS).filter((f) => f.endsWith(".md"))) {
    readFileSync(path.join(DOCS, file), "utf8")
      .split("\n")
      .forEach((line, i) => {
        for (const m of line.matchAll(
          /(?:\$|USD )(\d[\d,]*(?:\.\d+)?)(\*\*)?(<!--([=$])\s*([\s\S]*?)\s*-->)?/g,
        )) {
          const before = line.slice(Math.max(0, (m.index ?? 0) - 8), m.index);
          const figure: Figure = {
            file,
            line: i + 1,
            text: m[0],
            value: Number((m[1] as string).replaceAll(",", "")),
            approximate: /(about|~|≈)\s*(\*\*)?$/.test(before) || !(m[1] as string).includes("."),
          };
          if (m[3] !== undefined)
            figure.tag = { kind: m[4] === "=" ? "expr" : "reason", body: m[5] as string };
          out.push(figure);
        }
      });
  }
  return out;
}

type EstimateView = Estimate & { sum(re: RegExp): number; sumAtMax(re: RegExp): number };
const cache = new Map<string, Promise<EstimateView>>();

/** An estimate of a stack, with overrides, as the docs' expressions use it. */
function est(
  stack: string,
  options: {
    platform?: string;
    set?: Record<string, string>;
    region?: string;
    assume?: Record<string, string>;
  } = {},
): Promise<EstimateView> {
  const key = JSON.stringify([stack, options]);
  const cached = cache.get(key);
  if (cached) return cached;
  const made = (async () => {
    const c = stackPlatformCases().find(
      (x) =>
        x.stack === stack &&
        (options.platform === undefined
          ? x.options.config === undefined || Object.keys(x.options.config).length === 0
          : x.platform === options.platform),
    );
    const base = c?.options ?? { stack };
    const run = await runProgram({ ...base, config: { ...(base.config ?? {}), ...(options.set ?? {}) } });
    const e = estimate(run, {
      assumptions: assumptions(options.assume),
      ...(options.region ? { region: options.region } : {}),
    });
    const match = (re: RegExp) =>
      e.lines.filter((l) => l.kind === "priced" && (re.test(l.item) || re.test(l.resource)));
    return {
      ...e,
      sum: (re: RegExp) => match(re).reduce((s, l) => s + (l.monthly ?? 0), 0),
      sumAtMax: (re: RegExp) => match(re).reduce((s, l) => s + (l.monthlyAtMax ?? 0), 0),
    };
  })();
  cache.set(key, made);
  return made;
}

function price(key: PriceKey, region = "us-east-1"): number {
  const p = loadRegionPrices(region)?.prices[key];
  assert.ok(p, `${region} ${key}`);
  return p.usd;
}

/** What the estimate prints for the committed stacks × platforms in every priced region, and the unit prices. */
async function knownFigures(): Promise<Set<string>> {
  const known = new Set<string>();
  const add = (n: number | null | undefined) => {
    if (typeof n === "number") known.add(n.toFixed(2));
  };
  for (const c of stackPlatformCases()) {
    const run = await runProgram(c.options);
    for (const region of pricedRegions()) {
      const e = estimate(run, { assumptions: assumptions(), region });
      add(e.total);
      add(e.totalAtMax);
      for (const l of e.lines) {
        add(l.monthly);
        add(l.monthlyAtMax);
      }
      for (const g of groupByCategory(e)) {
        add(g.subtotal);
        add(g.subtotalAtMax);
      }
    }
  }
  for (const region of pricedRegions()) {
    const p = loadRegionPrices(region);
    for (const v of [...Object.values(p?.prices ?? {}), ...Object.values(p?.ec2InstanceHour ?? {})]) {
      known.add(String(v.usd));
      add(v.usd);
      add(v.usd * 730);
    }
  }
  return known;
}

const agrees = (f: Figure, computed: number): boolean =>
  f.approximate ? Math.round(computed) === Math.round(f.value) : Math.abs(computed - f.value) < 0.005;

describe("dollar figures in docs/ (issue 28)", () => {
  it("every figure is the estimate's, a price file's, recomputed by its tag, or says why it is not from the estimate", async () => {
    const known = await knownFigures();
    const problems: string[] = [];
    const all = figures();
    for (const f of all) {
      const where = `docs/${f.file}:${f.line}: ${f.text.replace(/<!--[\s\S]*-->/, "")}`;
      if (f.tag?.kind === "reason") {
        if (!/^not from the estimate: \S/.test(f.tag.body))
          problems.push(`${where}: a reason tag needs "not from the estimate: <why>"`);
        continue;
      }
      if (f.tag?.kind === "expr") {
        const fn = new Function("est", "price", `return (async () => (${f.tag.body}))();`) as (
          e: typeof est,
          p: typeof price,
        ) => Promise<number>;
        const computed = await fn(est, price);
        if (!agrees(f, computed))
          problems.push(`${where}: the estimate gives ${computed.toFixed(2)} (${f.tag.body})`);
        continue;
      }
      if (!(known.has(String(f.value)) || known.has(f.value.toFixed(2)))) {
        problems.push(
          `${where}: not a figure of the estimate: tag it <!--= EXPR --> or <!--$ not from the estimate: why -->`,
        );
      }
    }
    assert.ok(all.length > 50, `found ${all.length} figures`);
    assert.deepEqual(problems, []);
  });
});
