/**
 * Price data: one JSON file per region in `cost/prices/`, every price with the page it came from and the
 * date it was read. No AWS pricing API is reachable where this runs, so the figures are transcribed;
 * `evidence` says whether the figure was in the text of that page when read ("page"), is the list
 * price as last known, to be confirmed ("recall"), or is computed from other prices of the same file
 * the way the source documents ("derived": the note gives the computation; cost/estimate.test.ts
 * recomputes it).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { EKS_CLUSTER_HOUR, EKS_VERSION_DATES, type EksVersionDates } from "../facts";

const priceSchema = z.strictObject({
  usd: z.number().nonnegative(),
  unit: z.string().min(1),
  source: z.url({ protocol: /^https?$/ }),
  read: z.iso.date(),
  evidence: z.enum(["page", "recall", "derived"]),
  note: z.string().min(1).optional(),
});
export type Price = z.infer<typeof priceSchema>;

export const PRICE_KEYS = [
  "natGatewayHour",
  "natGatewayGb",
  "publicIpv4Hour",
  "albHour",
  "albLcuHour",
  "fargateVcpuHourX86",
  "fargateGbHourX86",
  "fargateVcpuHourArm",
  "fargateGbHourArm",
  "eksClusterHourStandard",
  "eksClusterHourExtended",
  "ebsGp3GbMonth",
  "kmsKeyMonth",
  "logsIngestGb",
  "logsStorageGbMonth",
  "cloudwatchAlarmMonth",
  "ecrStorageGbMonth",
  "fargateSpotVcpuHourX86",
  "fargateSpotGbHourX86",
  "fargateSpotVcpuHourArm",
  "fargateSpotGbHourArm",
  "s3StandardGbMonth",
  "wafWebAclMonth",
  "wafRuleMonth",
  "wafMillionRequests",
  "route53HealthCheckAwsMonth",
  "route53HealthCheckNonAwsMonth",
  "route53HealthCheckOptionAwsMonth",
  "route53HealthCheckOptionNonAwsMonth",
  "cloudwatchDashboardMonth",
] as const;
export type PriceKey = (typeof PRICE_KEYS)[number];

/**
 * Prices that are the same in every region and that config quotes too: they live once, in facts/
 * (the EKS control plane per support tier, facts/eks-versions.ts), and are added to every region's prices.
 */
const GLOBAL_PRICES = {
  eksClusterHourStandard: EKS_CLUSTER_HOUR.standard,
  eksClusterHourExtended: EKS_CLUSTER_HOUR.extended,
} as const satisfies Partial<Record<PriceKey, Price>>;
type GlobalPriceKey = keyof typeof GLOBAL_PRICES;
const FILE_PRICE_KEYS = PRICE_KEYS.filter(
  (k): k is Exclude<PriceKey, GlobalPriceKey> => !(k in GLOBAL_PRICES),
);

const regionFileSchema = z.strictObject({
  region: z.string(),
  currency: z.literal("USD"),
  prices: z.strictObject(
    Object.fromEntries(FILE_PRICE_KEYS.map((k) => [k, priceSchema])) as Record<
      Exclude<PriceKey, GlobalPriceKey>,
      typeof priceSchema
    >,
  ),
  /** On-demand Linux price per instance type; a type missing here is "not priced", never $0. */
  ec2InstanceHour: z.record(z.string(), priceSchema),
});
type RegionFile = z.infer<typeof regionFileSchema>;
export type RegionPrices = Omit<RegionFile, "prices"> & { prices: Record<PriceKey, Price> };

/** EKS support dates per Kubernetes version: the one dated table in facts/eks-versions.ts. */
export interface EksSupport {
  versions: Readonly<Record<string, EksVersionDates>>;
}

export const PRICES_DIR = path.join(__dirname, "prices");

/** Regions with a price file. */
export function pricedRegions(): string[] {
  return fs
    .readdirSync(PRICES_DIR)
    .filter((f) => f.endsWith(".json"))
    .map((f) => f.replace(/\.json$/, ""))
    .sort();
}

function parseFile<T>(file: string, schema: z.ZodType<T>): T {
  const result = schema.safeParse(JSON.parse(fs.readFileSync(file, "utf8")));
  if (!result.success) {
    throw new Error(`${path.relative(process.cwd(), file)}: ${z.prettifyError(result.error)}`);
  }
  return result.data;
}

/** The prices of a region, or undefined when no file exists for it. */
export function loadRegionPrices(region: string): RegionPrices | undefined {
  const file = path.join(PRICES_DIR, `${region}.json`);
  if (!fs.existsSync(file)) return undefined;
  const parsed = parseFile(file, regionFileSchema);
  if (parsed.region !== region) throw new Error(`${file}: region is ${parsed.region}, expected ${region}`);
  return { ...parsed, prices: { ...parsed.prices, ...GLOBAL_PRICES } };
}

/** The support dates the control plane's tier follows: facts/eks-versions.ts, not a file of its own. */
export function loadEksSupport(): EksSupport {
  return { versions: EKS_VERSION_DATES };
}
