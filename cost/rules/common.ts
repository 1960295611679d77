/**
 * What every rule module shares: the context a rule reads, the rule's shape, and the helpers that turn a
 * price into a priced, free or not-priced line.
 */
import { type Assumptions, HOURS_PER_MONTH } from "../assumptions";
import type { Graph, GraphResource, Line } from "../estimate";
import { type EksSupport, type Price, type PriceKey, pricedRegions, type RegionPrices } from "../prices";

export const cents = (usd: number): number => Math.round(usd * 100) / 100;
export const money = (usd: number): string => `$${Number(usd.toPrecision(6))}`;
export const rate = (p: Price): string => `${money(p.usd)}/${p.unit}`;

export const obj = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const num = (v: unknown): number | undefined => {
  const n = typeof v === "string" ? Number(v) : v;
  return typeof n === "number" && Number.isFinite(n) ? n : undefined;
};
export const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

export interface Context {
  graph: Graph;
  region: string;
  prices: RegionPrices | undefined;
  support: EksSupport;
  assumptions: Assumptions;
  ofType: (type: string) => GraphResource[];
  /** The graph creates the Kubernetes cluster its objects run on (EKS), rather than using someone else's. */
  ownsCluster: boolean;
}

export type Rule = (r: GraphResource, ctx: Context) => Omit<Line, "resource">[];

export const free =
  (reason: string): Rule =>
  () => [{ kind: "free", item: "no charge", monthly: 0, monthlyAtMax: 0, detail: reason, sources: [] }];

export const notPriced = (item: string, reason: string): Omit<Line, "resource"> => ({
  kind: "not-priced",
  item,
  monthly: null,
  monthlyAtMax: null,
  detail: reason,
  sources: [],
});

/**
 * A priced line: `perMonth(price)` at the desired size and at max. Without a price file for the region
 * the line is not priced (never $0).
 */
export function charge(
  ctx: Context,
  item: string,
  key: PriceKey | Price | undefined,
  quantity: number,
  quantityAtMax: number,
  explain: (p: Price) => string,
  perUnitMonthly: (p: Price) => number = (p) => p.usd * HOURS_PER_MONTH,
): Omit<Line, "resource"> {
  const price = typeof key === "string" ? ctx.prices?.prices[key] : key;
  if (price === undefined) {
    return notPriced(
      item,
      ctx.prices === undefined
        ? `no price file for region ${ctx.region} (cost/prices/ has ${pricedRegions().join(", ")})`
        : "no price for this item in the region's price file",
    );
  }
  return {
    kind: "priced",
    item,
    monthly: cents(quantity * perUnitMonthly(price)),
    monthlyAtMax: cents(quantityAtMax * perUnitMonthly(price)),
    detail: explain(price),
    sources: [price.source],
  };
}

export const hourly = (count: number, atMax: number, p: Price): string =>
  count === atMax
    ? `${count} × ${HOURS_PER_MONTH} h × ${rate(p)}`
    : `${count} (max ${atMax}) × ${HOURS_PER_MONTH} h × ${rate(p)}`;

export function publicIpv4(ctx: Context, what: string, count: number, atMax: number): Omit<Line, "resource"> {
  return charge(ctx, `public IPv4 addresses (${what})`, "publicIpv4Hour", count, atMax, (p) =>
    hourly(count, atMax, p),
  );
}

/** A monthly fee: `count` × the price per month. */
export function monthly(ctx: Context, item: string, key: PriceKey, count: number, what: string) {
  return charge(
    ctx,
    item,
    key,
    count,
    count,
    (p) => `${count} ${what} × ${rate(p)}`,
    (p) => p.usd,
  );
}
