/**
 * The drift classifier (issue 27): reads what `pulumi preview --refresh --json` (or `pulumi refresh
 * --preview-only --json`) prints for one stack and sorts each difference into delegated by design
 * (a field the program hands to a controller: facts/delegated.ts, the same table the components take
 * their `ignoreChanges` from) or real drift (someone or something changed what the program owns).
 *
 * The input's shape is pulumi/pulumi's preview digest (pkg/display/json.go `PreviewDigest` and
 * `PreviewStep`, filled by pkg/backend/display/json.go ShowPreviewDigest; read 2026-12-07):
 * `{ steps: [{ op, urn, provider?, oldState?, newState?, diffReasons?, replaceReasons?,
 * detailedDiff?: { "<property path>": { kind, inputDiff } } }], changeSummary, duration, … }`, the ops
 * being pkg/resource/deploy/step.go's `StepOp` strings ("same", "create", "update", "delete",
 * "replace", "create-replacement", "delete-replaced", "read", "refresh", …).
 *
 * Rules, each conservative (an unknown shape is real drift, never silently delegated):
 * - a step that changes nothing (same, read, discard, a refresh with no diff) is no finding;
 * - a replacement (replace, create-replacement, delete-replaced) is real, whatever its reasons: a
 *   controller never forces a replacement, and ignoreChanges never shows a replace;
 * - create (the resource vanished and would be recreated) and delete are real;
 * - an update or refresh is delegated when every changed path is covered by a delegated entry for
 *   that resource (a path equal to, or below, a delegated path), real otherwise; without a
 *   detailedDiff the top-level diffReasons are the paths (coarser: `spec` is not `spec.replicas`),
 *   and without either, the top-level keys whose values differ between oldState and newState.
 */
import { DELEGATED_FIELDS, type DelegatedField } from "../../facts/delegated";

export interface PropertyDiff {
  kind: string;
  inputDiff?: boolean;
}
export interface PreviewStep {
  op: string;
  urn: string;
  provider?: string;
  diffReasons?: string[];
  replaceReasons?: string[];
  detailedDiff?: Record<string, PropertyDiff> | null;
  oldState?: unknown;
  newState?: unknown;
}
export interface PreviewDigest {
  steps?: PreviewStep[];
  changeSummary?: Record<string, number>;
  [key: string]: unknown;
}

export type DriftKind = "update" | "replace" | "create" | "delete";

export interface Finding {
  urn: string;
  type: string;
  name: string;
  kind: DriftKind;
  /** Changed paths no controller owns (for a replacement: its replace reasons). */
  paths: string[];
  /** Changed paths a controller owns, with the owner. */
  delegated: { path: string; owner: string }[];
}

export interface Classification {
  delegated: Finding[];
  real: Finding[];
}

const NO_CHANGE = new Set(["same", "read", "discard", "discard-replaced", "remove-pending-replace"]);
const REPLACE = new Set(["replace", "create-replacement", "delete-replaced", "read-replacement"]);

/** Type and name from a URN: `urn:pulumi:<stack>::<project>::<parent$…$type>::<name>`. */
export function parseUrn(urn: string): { type: string; name: string } {
  const parts = urn.split("::");
  const qualified = parts[2] ?? "";
  return { type: qualified.split("$").at(-1) ?? qualified, name: parts.slice(3).join("::") };
}

/** `path` equals `prefix` or lies below it (`data` covers `data[".dockerconfigjson"]` and `data.x`). */
export function covers(prefix: string, path: string): boolean {
  if (prefix.includes("*")) return matchesPattern(prefix, path);
  return path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);
}

/**
 * A table path with `*` (facts/delegated.ts: a key that carries a per-stack name, e.g. the ALB action
 * annotation's service name) covers the paths that fill it with a name and what lies below them.
 */
export function matchesPattern(pattern: string, path: string): boolean {
  const escaped = pattern
    .split("*")
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join('[^"\\]]+');
  return new RegExp(`^${escaped}(?:$|[.[])`).test(path);
}

function delegatedEntries(type: string, name: string): DelegatedField[] {
  return (Object.values(DELEGATED_FIELDS) as DelegatedField[]).filter(
    (d) => d.type === type && (d.nameSuffix === undefined || name.endsWith(d.nameSuffix)),
  );
}

/** A state's property map (`outputs`, else `inputs`) as apitype.ResourceV3 serializes it. */
function properties(state: unknown): Record<string, unknown> | undefined {
  if (state === null || typeof state !== "object") return undefined;
  const s = state as { outputs?: Record<string, unknown>; inputs?: Record<string, unknown> };
  return s.outputs ?? s.inputs;
}

/**
 * The changed property paths: the detailed diff's keys, else the diff reasons; else, for a step that
 * carries both states and nothing more (a refresh step of a CLI that sends no diff), the top-level
 * keys whose values differ between them, so an unannotated change is never read as "no change".
 */
function changedPaths(step: PreviewStep): string[] {
  const detailed = Object.keys(step.detailedDiff ?? {});
  if (detailed.length > 0) return detailed;
  if ((step.diffReasons ?? []).length > 0) return [...(step.diffReasons ?? [])];
  const [before, after] = [properties(step.oldState), properties(step.newState)];
  if (before === undefined || after === undefined) return [];
  return [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
    (key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]),
  );
}

function kindOf(op: string): DriftKind | "update" | undefined {
  if (REPLACE.has(op)) return "replace";
  if (op === "create" || op === "import") return "create";
  if (op === "delete") return "delete";
  if (op === "update" || op === "refresh") return "update";
  return undefined;
}

/** One finding per resource (a replacement's several steps are one), in the order of the steps. */
export function classify(digest: PreviewDigest): Classification {
  const byUrn = new Map<string, Finding>();
  for (const step of digest.steps ?? []) {
    const { type, name } = parseUrn(step.urn);
    if (NO_CHANGE.has(step.op) || type === "pulumi:pulumi:Stack") continue;
    const kind = kindOf(step.op) ?? "update";
    const paths = kind === "replace" ? (step.replaceReasons ?? changedPaths(step)) : changedPaths(step);
    if (kind === "update" && paths.length === 0) continue;
    const entries = kind === "update" ? delegatedEntries(type, name) : [];
    const finding = byUrn.get(step.urn) ?? { urn: step.urn, type, name, kind, paths: [], delegated: [] };
    if (kind === "replace") finding.kind = "replace";
    for (const path of paths) {
      const owner = entries.find((d) => d.paths.some((p) => covers(p, path)))?.owner;
      if (owner !== undefined) {
        if (!finding.delegated.some((d) => d.path === path)) finding.delegated.push({ path, owner });
      } else if (!finding.paths.includes(path)) finding.paths.push(path);
    }
    byUrn.set(step.urn, finding);
  }
  const findings = [...byUrn.values()];
  const isReal = (f: Finding): boolean => f.kind !== "update" || f.paths.length > 0;
  return { delegated: findings.filter((f) => !isReal(f)), real: findings.filter(isReal) };
}

const code = (s: string): string => `\`${s.replaceAll("`", "'")}\``;

/** The issue's title for `stack`: the drift workflow finds its one issue per stack by it. */
export const issueTitle = (stack: string): string => `Drift: stack ${stack}`;

/** The issue's body: the real drift only, and how many delegated differences were left out. */
export function renderIssue(stack: string, result: Classification, runUrl?: string): string {
  const lines = [
    `Real drift in stack **${stack}**: what \`pulumi up\` would change back, because it differs from the program and no controller owns it.`,
    "",
    "| resource | type | change | properties |",
    "|---|---|---|---|",
    ...result.real.map(
      (f) => `| ${code(f.name)} | ${code(f.type)} | ${f.kind} | ${f.paths.map(code).join(", ") || "—"} |`,
    ),
    "",
    `${result.delegated.length} resource(s) differ only in fields delegated to a controller (facts/delegated.ts): not drift.`,
    "",
    "Review each row: adopt the change in the program, or run `pulumi up` to restore the program's state (docs/day-two.md, Drift).",
  ];
  if (runUrl !== undefined) lines.push("", `Found by ${runUrl}.`);
  return lines.join("\n");
}
