/**
 * `npm run facts [-- --today YYYY-MM-DD] [--max-age-days N]`
 *
 * Every dated fact and pin the program relies on, with its age in days today, so staleness is visible
 * before it costs money: the EKS version table (facts/eks-versions.ts), the add-on rows and chart pins
 * (platforms/eks/versions.ts, the load balancer controller's chart), the base-image digests (every
 * `sha256:` pin in the Dockerfile and Pulumi.yaml), the EKS control-plane prices and the price files'
 * read dates (cost/prices/*.json). A row is flagged when it has no read date, is older than the age
 * threshold (180 days), names values no source confirmed, or has a date that has passed or comes within
 * SUPPORT_WARNING_DAYS (60). Prints a table; exits 0 (a report, not a gate: config's preview warnings and
 * the tests are the gates).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  daysBetween,
  EKS_CLUSTER_HOUR,
  EKS_VERSION_DATES,
  KNOWN_KUBERNETES_VERSIONS,
  ROLLOUT_LIMIT_FACTS,
  SUPPORT_WARNING_DAYS,
  utcToday,
} from "../facts";
import { AWS_LOAD_BALANCER_CONTROLLER_CHART_VERSION } from "../platforms/eks/load-balancer-controller";
import { CLUSTER_AUTOSCALER_CHART, EKS_VERSIONS, FLUENT_BIT_CHART } from "../platforms/eks/versions";
import { ARGO_ROLLOUTS_CHART, GATEWAY_API_PLUGIN } from "../platforms/workload";

/** One fact or pin as found in the repository. */
export interface DatedFact {
  kind: string;
  name: string;
  value: string;
  /** The day its source was read (YYYY-MM-DD); absent when nothing records it. */
  read?: string;
  source?: string;
  /** Dates that matter in their own right (end of support), flagged when passed or near. */
  deadlines?: readonly { label: string; date: string }[];
  /** Problems known from the fact itself (e.g. values no source confirmed). */
  caveats?: readonly string[];
}

export interface AssessedFact extends DatedFact {
  /** Days since `read`; undefined when undated. */
  ageDays?: number;
  flags: string[];
}

export interface Thresholds {
  /** A source read longer ago than this is flagged. */
  maxAgeDays: number;
  /** A deadline this close (or passed) is flagged. */
  warnDays: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = { maxAgeDays: 180, warnDays: SUPPORT_WARNING_DAYS };

/** The pure part: each fact's age on `today` and its flags. */
export function assess(
  facts: readonly DatedFact[],
  today: string,
  thresholds: Thresholds = DEFAULT_THRESHOLDS,
): AssessedFact[] {
  return facts.map((fact) => {
    const flags: string[] = [];
    const ageDays = fact.read === undefined ? undefined : daysBetween(fact.read, today);
    if (ageDays === undefined) flags.push("no read date recorded");
    else if (ageDays > thresholds.maxAgeDays)
      flags.push(`read ${ageDays} days ago (> ${thresholds.maxAgeDays})`);
    for (const { label, date } of fact.deadlines ?? []) {
      const days = daysBetween(today, date);
      if (days <= 0) flags.push(`${label} passed ${date}`);
      else if (days <= thresholds.warnDays) flags.push(`${label} in ${days} days (${date})`);
    }
    flags.push(...(fact.caveats ?? []));
    return { ...fact, ...(ageDays === undefined ? {} : { ageDays }), flags };
  });
}

/** The report as text: one line per fact, flagged ones marked, and a count. */
export function render(rows: readonly AssessedFact[], today: string): string {
  const lines = [`Dated facts and pins as of ${today} (age in days since the source was read)`, ""];
  let kind = "";
  for (const r of rows) {
    if (r.kind !== kind) {
      kind = r.kind;
      lines.push(`${kind}:`);
    }
    const age = r.ageDays === undefined ? "   ?" : String(r.ageDays).padStart(4);
    const mark = r.flags.length > 0 ? "!" : " ";
    lines.push(
      `${mark} ${age}d  ${r.name}: ${r.value}${r.flags.length > 0 ? `  [${r.flags.join("; ")}]` : ""}`,
    );
  }
  const flagged = rows.filter((r) => r.flags.length > 0).length;
  lines.push("", `${rows.length} facts, ${flagged} flagged`);
  return lines.join("\n");
}

const ROOT = path.join(__dirname, "..");
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** The first date in `text`, written YYYY-MM-DD or "27 Aug 2026", as YYYY-MM-DD. */
export function dateIn(text: string): string | undefined {
  const iso = /\b(\d{4}-\d{2}-\d{2})\b/.exec(text);
  if (iso) return iso[1];
  const written = /\b(\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* (\d{4})\b/.exec(text);
  if (!written) return undefined;
  const month = String(MONTHS.indexOf(written[2] as string) + 1).padStart(2, "0");
  return `${written[3]}-${month}-${(written[1] as string).padStart(2, "0")}`;
}

function eksVersionFacts(): DatedFact[] {
  return KNOWN_KUBERNETES_VERSIONS.map((v) => {
    const d = EKS_VERSION_DATES[v];
    return {
      kind: "EKS Kubernetes versions (facts/eks-versions.ts)",
      name: v,
      value: `released ${d.release}, standard support until ${d.endOfStandardSupport}, extended until ${d.endOfExtendedSupport}`,
      read: d.read,
      source: d.source,
      deadlines: [
        { label: "end of standard support", date: d.endOfStandardSupport },
        { label: "end of extended support", date: d.endOfExtendedSupport },
      ],
    };
  });
}

function addonFacts(): DatedFact[] {
  return KNOWN_KUBERNETES_VERSIONS.map((v) => {
    const row = EKS_VERSIONS[v];
    return {
      kind: "EKS add-on rows (platforms/eks/versions.ts)",
      name: v,
      value: `vpc-cni ${row.vpcCni}, kube-proxy ${row.kubeProxy}, coredns ${row.coredns}, metrics-server ${row.metricsServer}, cluster-autoscaler ${row.clusterAutoscaler}, eks-pod-identity-agent ${row.podIdentityAgent}`,
      read: row.read,
      source: row.source,
      caveats: row.unconfirmed.length > 0 ? [`unconfirmed: ${row.unconfirmed.join(", ")}`] : [],
    };
  });
}

function chartFacts(): DatedFact[] {
  const kind = "Helm chart pins";
  return [
    { kind, name: CLUSTER_AUTOSCALER_CHART.chart, value: CLUSTER_AUTOSCALER_CHART.version },
    {
      kind,
      name: FLUENT_BIT_CHART.chart,
      value: FLUENT_BIT_CHART.version,
      read: FLUENT_BIT_CHART.read,
      source: FLUENT_BIT_CHART.source,
    },
    { kind, name: "aws-load-balancer-controller", value: AWS_LOAD_BALANCER_CONTROLLER_CHART_VERSION },
    // Progressive delivery (issue 29): the controller's chart and the Gateway API plugin it downloads.
    {
      kind,
      name: ARGO_ROLLOUTS_CHART.chart,
      value: ARGO_ROLLOUTS_CHART.version,
      read: ARGO_ROLLOUTS_CHART.read,
      source: ARGO_ROLLOUTS_CHART.source,
    },
    { kind, name: GATEWAY_API_PLUGIN.name, value: GATEWAY_API_PLUGIN.version, read: GATEWAY_API_PLUGIN.read },
  ];
}

/**
 * Every `sha256:` image pin in the Dockerfile and Pulumi.yaml. The Dockerfile's comment names the day
 * its digest was published ("Digest source: ... of 27 Aug 2026"); a pin of the same digest elsewhere
 * (Pulumi.yaml's ecrRefresherImage, kept equal by config.test.ts) carries that date too.
 */
function imageFacts(): DatedFact[] {
  const kind = "Image digests";
  const pin = /([\w./:-]+@sha256:[0-9a-f]{64})/g;
  const dockerfile = fs.readFileSync(path.join(ROOT, "Dockerfile"), "utf8");
  const sourceLine = dockerfile.split("\n").findIndex((l) => l.includes("Digest source"));
  const published =
    sourceLine < 0
      ? undefined
      : dateIn(
          dockerfile
            .split("\n")
            .slice(sourceLine, sourceLine + 2)
            .join(" "),
        );
  const dated = new Map<string, string | undefined>();
  const facts: DatedFact[] = [];
  for (const [file, text] of [
    ["Dockerfile", dockerfile],
    ["Pulumi.yaml", fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")],
  ] as const) {
    for (const [i, line] of text.split("\n").entries()) {
      for (const match of line.matchAll(pin)) {
        const image = match[1] as string;
        const digest = image.slice(image.indexOf("@"));
        if (file === "Dockerfile") dated.set(digest, published);
        const read = dated.get(digest);
        facts.push({
          kind,
          name: `${file}:${i + 1}`,
          value: image.replace(/^(ARG )?\w+=/, ""),
          ...(read === undefined ? {} : { read }),
        });
      }
    }
  }
  return facts;
}

interface PriceEntry {
  read: string;
  evidence: string;
}

/** Per price file, the prices grouped by read date and evidence ("recall" ones are flagged). */
function priceFacts(): DatedFact[] {
  const kind = "Prices (cost/prices/*.json, facts/eks-versions.ts)";
  const facts: DatedFact[] = [];
  const dir = path.join(ROOT, "cost", "prices");
  for (const file of fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()) {
    const json = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")) as {
      prices: Record<string, PriceEntry>;
      ec2InstanceHour: Record<string, PriceEntry>;
    };
    const groups = new Map<string, string[]>();
    for (const [key, p] of [...Object.entries(json.prices), ...Object.entries(json.ec2InstanceHour)]) {
      const group = `${p.read}|${p.evidence}`;
      groups.set(group, [...(groups.get(group) ?? []), key]);
    }
    for (const [group, keys] of [...groups].sort()) {
      const [read, evidence] = group.split("|") as [string, string];
      facts.push({
        kind,
        name: `${file} (${evidence})`,
        value: `${keys.length} prices`,
        read,
        caveats: evidence === "recall" ? [`list price as last known, to confirm: ${keys.join(", ")}`] : [],
      });
    }
  }
  for (const [tier, p] of Object.entries(EKS_CLUSTER_HOUR)) {
    facts.push({
      kind,
      name: `EKS control plane, ${tier}`,
      value: `$${p.usd}/h`,
      read: p.read,
      source: p.source,
    });
  }
  return facts;
}

/** Issue 29: the ECS API limits config validates the rollout keys against. */
function rolloutLimitFacts(): DatedFact[] {
  return ROLLOUT_LIMIT_FACTS.map((f) => ({ kind: "API limits (facts/rollout.ts)", ...f }));
}

export function collectFacts(): DatedFact[] {
  return [
    ...eksVersionFacts(),
    ...addonFacts(),
    ...chartFacts(),
    ...imageFacts(),
    ...priceFacts(),
    ...rolloutLimitFacts(),
  ];
}

function main(argv: string[]): void {
  const option = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i < 0 ? undefined : argv[i + 1];
  };
  const today = option("--today") ?? utcToday();
  const maxAge = option("--max-age-days");
  const thresholds = {
    ...DEFAULT_THRESHOLDS,
    ...(maxAge === undefined ? {} : { maxAgeDays: Number(maxAge) }),
  };
  console.log(render(assess(collectFacts(), today, thresholds), today));
}

if (require.main === module) main(process.argv.slice(2));
