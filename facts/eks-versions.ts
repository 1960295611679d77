/**
 * The EKS Kubernetes versions this program knows, in ONE dated table: when each was released on EKS, when
 * its standard support ends and when its extended support ends. Config decides from it what a stack may
 * choose (and what it warns about) on the day it runs, the EKS platform keys its add-on rows by it
 * (platforms/eks/versions.ts), and the cost estimate prices the control plane by it
 * (cost/rules/eks.ts). Imports nothing: config and the policy pack load it cheaply.
 *
 * The rule behind the dates (EKS user guide, "Understand the Kubernetes version lifecycle on EKS",
 * awsdocs/amazon-eks-user-guide latest/ug/versioning/kubernetes-versions.adoc, read 2026-12-07): standard
 * support for 14 months after a version's release on EKS, then extended support for 12 more months at an
 * extra charge per cluster hour; "Billing for extended support starts at the beginning of the day that the
 * version reaches end of standard support, in the UTC+0 timezone"; "On the end of extended support date,
 * you can no longer create new Amazon EKS clusters with the unsupported version", and EKS upgrades existing
 * control planes on its own after it.
 */

/** A date with the page it came from and the day that page was read. */
export interface EksVersionDates {
  /** Released on EKS (YYYY-MM-DD, UTC). */
  release: string;
  /** Last day of standard support is the day before this one: extended billing starts on it (UTC). */
  endOfStandardSupport: string;
  /** From this day EKS refuses new clusters on the version and upgrades existing ones (UTC). */
  endOfExtendedSupport: string;
  source: string;
  /** The day the source was read (YYYY-MM-DD). */
  read: string;
}

const CALENDAR =
  "https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html#kubernetes-release-calendar";

/**
 * 1.31..1.34: the EKS user guide's release calendar (awsdocs/amazon-eks-user-guide
 * latest/ug/versioning/kubernetes-versions.adoc, commit 01385604, read 2026-12-07), which agrees with
 * endoflife.date/amazon-eks (read 2026-12-07, its Feb 2026 snapshot). 1.35: endoflife.date/amazon-eks
 * (released 2026-01-28, end of support 2027-03-27, extended 2028-03-27; read 2026-12-07). 1.36: the EKS
 * user guide lists it under standard support ("Kubernetes 1.36 is now available in Amazon EKS",
 * kubernetes-versions-standard.html, read 2026-12-07); its dates (released 2026-06-02, standard support to
 * 2027-08-02) come from devopsdreams.blogspot.com/2026/08/kubernetes-136-on-amazon-eks-upgrade.html
 * (updated 2026-10-09, read 2026-12-07) and an EKS upgrade checklist verified against the user guide on
 * 2026-08-06 (same dates, extended support to 2028-08-02 = 14 + 12 months, the rule above). No stored copy
 * of the user guide's calendar row for 1.36 was reachable here: confirm with
 * `aws eks describe-cluster-versions --cluster-versions 1.36` (endOfStandardSupportDate).
 */
export const EKS_VERSION_DATES = {
  "1.31": {
    release: "2024-09-26",
    endOfStandardSupport: "2025-11-26",
    endOfExtendedSupport: "2026-11-26",
    source: CALENDAR,
    read: "2026-12-07",
  },
  "1.32": {
    release: "2025-01-23",
    endOfStandardSupport: "2026-03-23",
    endOfExtendedSupport: "2027-03-23",
    source: CALENDAR,
    read: "2026-12-07",
  },
  "1.33": {
    release: "2025-05-29",
    endOfStandardSupport: "2026-07-29",
    endOfExtendedSupport: "2027-07-29",
    source: CALENDAR,
    read: "2026-12-07",
  },
  "1.34": {
    release: "2025-10-02",
    endOfStandardSupport: "2026-12-02",
    endOfExtendedSupport: "2027-12-02",
    source: CALENDAR,
    read: "2026-12-07",
  },
  "1.35": {
    release: "2026-01-28",
    endOfStandardSupport: "2027-03-27",
    endOfExtendedSupport: "2028-03-27",
    source: "https://endoflife.date/amazon-eks",
    read: "2026-12-07",
  },
  "1.36": {
    release: "2026-06-02",
    endOfStandardSupport: "2027-08-02",
    endOfExtendedSupport: "2028-08-02",
    source: "https://devopsdreams.blogspot.com/2026/08/kubernetes-136-on-amazon-eks-upgrade.html",
    read: "2026-12-07",
  },
} as const satisfies Readonly<Record<string, EksVersionDates>>;

export type KubernetesVersion = keyof typeof EKS_VERSION_DATES;

/** Every version the table knows, oldest first (whether EKS still runs it is a question of the day). */
export const KNOWN_KUBERNETES_VERSIONS = Object.keys(EKS_VERSION_DATES) as KubernetesVersion[];

export const isKubernetesVersion = (value: string): value is KubernetesVersion =>
  Object.hasOwn(EKS_VERSION_DATES, value);

/** `EKS_VERSION_DATES[version]`, typed for a version only known as a string. */
export function eksVersionDates(version: string): EksVersionDates | undefined {
  return isKubernetesVersion(version) ? EKS_VERSION_DATES[version] : undefined;
}

export type EksSupportTier = "standard" | "extended" | "ended";

/**
 * The tier a version is in on `today` (YYYY-MM-DD, UTC). Dates compare as strings (ISO order): on the
 * end-of-standard-support day the cluster already bills extended support (billing starts at the beginning
 * of that day), and on the end-of-extended-support day EKS no longer creates clusters on it.
 */
export function eksSupportTier(dates: EksVersionDates, today: string): EksSupportTier {
  if (today >= dates.endOfExtendedSupport) return "ended";
  if (today >= dates.endOfStandardSupport) return "extended";
  return "standard";
}

/** The versions EKS still creates clusters on, on `today`. */
export const availableKubernetesVersions = (today: string): KubernetesVersion[] =>
  KNOWN_KUBERNETES_VERSIONS.filter((v) => eksSupportTier(EKS_VERSION_DATES[v], today) !== "ended");

/** Whole days from `from` to `to` (both YYYY-MM-DD, UTC); negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** Today in UTC as YYYY-MM-DD: the dates above are UTC days. */
export const utcToday = (now: Date = new Date()): string => now.toISOString().slice(0, 10);

/**
 * How long before a date a preview starts warning about it. EKS itself announces the end of standard
 * support "at least 60 days in advance" (kubernetes-versions.adoc, version FAQ, read 2026-12-07), so a
 * stack hears of it no later than AWS Health does.
 */
export const SUPPORT_WARNING_DAYS = 60;

/**
 * `upgradePolicy.supportType` of the EKS cluster (aws:eks/Cluster upgradePolicy, "Valid support types
 * are STANDARD and EXTENDED. Defaults to EXTENDED": /work/shared/reference/pulumi-eks-schema.json,
 * eks:index:Cluster inputProperties.upgradePolicy, read 2026-12-07). STANDARD: at the end of standard
 * support EKS upgrades the control plane to the next minor on its own, and never bills extended support.
 * EXTENDED: the version stays until the end of extended support, billed at the extended rate from the
 * end of standard support. "You cannot disable extended support once your cluster has entered it"
 * (awsdocs/amazon-eks-user-guide latest/ug/versioning/disable-extended-support.adoc, read 2026-12-07).
 */
export const KUBERNETES_SUPPORT_TYPES = ["STANDARD", "EXTENDED"] as const;
export type KubernetesSupportType = (typeof KUBERNETES_SUPPORT_TYPES)[number];

/** A price with its source, in the shape of cost/prices/<region>.json entries (cost/prices.ts `Price`). */
export interface SourcedPrice {
  usd: number;
  unit: string;
  source: string;
  read: string;
  evidence: "page" | "recall";
  note?: string;
}

const EKS_PRICING_BLOG =
  "https://aws.amazon.com/blogs/containers/amazon-eks-extended-support-for-kubernetes-versions-pricing/";

/**
 * The EKS control plane's hourly price per support tier: one price in every region, so it lives here
 * rather than in each region's price file. The cost estimate reads it through cost/prices.ts and config's
 * warnings quote it, so both say the same figure.
 */
export const EKS_CLUSTER_HOUR = {
  standard: {
    usd: 0.1,
    unit: "cluster-hour (standard support)",
    source: EKS_PRICING_BLOG,
    read: "2026-12-02",
    evidence: "page",
    note: "One price in every region.",
  },
  extended: {
    usd: 0.6,
    unit: "cluster-hour (extended support, total)",
    source: EKS_PRICING_BLOG,
    read: "2026-12-02",
    evidence: "page",
    note: "One price in every region: $0.10 + $0.50 extended-support fee.",
  },
} as const satisfies Readonly<Record<"standard" | "extended", SourcedPrice>>;

/**
 * Hours in the month every hourly price is multiplied by (AWS's own calculator uses 730); cost/assumptions.ts
 * re-exports it as HOURS_PER_MONTH.
 */
export const HOURS_PER_MONTH = 730;

/** What extended support adds to one cluster's month: ($0.60 - $0.10) × 730 h = $365. */
export const EKS_EXTENDED_SUPPORT_EXTRA_PER_MONTH =
  Math.round((EKS_CLUSTER_HOUR.extended.usd - EKS_CLUSTER_HOUR.standard.usd) * HOURS_PER_MONTH * 100) / 100;
