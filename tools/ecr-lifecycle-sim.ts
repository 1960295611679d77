/**
 * A day-by-day simulator of Amazon ECR lifecycle policies: given a policy document (the JSON the program
 * gives `aws.ecr.LifecyclePolicy`) and a history of pushes and pulls, it applies ECR's documented rule
 * evaluation once a day and reports which pulls failed, what was expired or archived, and how much was
 * stored. Pure TypeScript, no SDK: image.test.ts runs the program's recorded policy through it.
 *
 * Sources (read 2026-12-07):
 * - the rule evaluation ("Lifecycle policy evaluation rules"):
 *   https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html, also reproduced in
 *   @pulumi/awsx's classic `ecr.LifecyclePolicyRule` doc
 *   (https://www.pulumi.com/docs/reference/pkg/nodejs/pulumi/awsx/interfaces/classic.ecr.LifecyclePolicyRule.html);
 * - the fields and their rules (storageClass, countType sinceImagePulled / sinceImageTransitioned,
 *   action transition + targetStorageClass): https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html
 *   and .../lifecycle_policy_examples.html (the template), and the installed SDK's
 *   node_modules/@pulumi/aws/types/input.d.ts `ecr.GetLifecyclePolicyDocumentRuleSelection` (v7.48.0);
 * - archived images: https://docs.aws.amazon.com/AmazonECR/latest/userguide/archive-image.html
 *   ("Archived images cannot be pulled ... 404"; "a minimum storage duration of 90 days. You cannot
 *   configure lifecycle policies that delete images that have been in archive for less than 90 days");
 * - the recorded pull time: the ECR API's `ImageDetail.lastRecordedPullTime` ("Amazon ECR refreshes the
 *   last image pull timestamp at least once every 24 hours"), and
 *   https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-time-update-exclusions.html (every pull
 *   updates it, except Amazon Inspector's and excluded principals').
 *
 * What it models:
 * - rules in `rulePriority` order, lowest first; an image is acted on by at most one rule; an image
 *   that matches a rule's selection cannot be acted on by a lower-priority rule, though lower rules still
 *   count it ("Rules can never mark images that are marked by higher priority rules, but can still
 *   identify them");
 * - selection by `tagStatus` (tagged / untagged / any), `tagPrefixList` and `tagPatternList` (every
 *   listed prefix or pattern must match one of the image's tags; `*` is a wildcard), `storageClass`
 *   (default `standard`);
 * - `imageCountMoreThan` (images sorted youngest first by push time, those past the count are hit),
 *   `sinceImagePushed`, `sinceImagePulled`, `sinceImageTransitioned` (in whole days);
 * - actions `expire` (deleted) and `transition` to `archive` (kept, not pullable);
 * - one evaluation a day, at its end (ECR acts "within 24 hours"), and a recorded pull time up to
 *   `pullRecordLagDays` older than the pull;
 * - what ECR rejects when the policy is put (see {@link validatePolicy}).
 *
 * What it does not model, on purpose:
 * - restoring an archived image, re-pushing an expired digest, manual deletes;
 * - pull-time update exclusions and Inspector's pulls (they do not refresh the pull time: a history
 *   simply leaves them out);
 * - manifest lists and their child manifests, replication, layer sharing between images (storage is
 *   counted per image, an upper bound on what ECR bills);
 * - how `sinceImagePulled` treats an image never pulled: the documentation read does not say.
 *   {@link SimulationOptions.neverPulled} makes it a parameter: `"push-time"` (counted from its push,
 *   the default) or `"not-selected"` (never selected by such a rule).
 */

export type StorageClass = "standard" | "archive";

export interface LifecycleSelection {
  tagStatus: "tagged" | "untagged" | "any";
  tagPrefixList?: string[];
  tagPatternList?: string[];
  storageClass?: StorageClass;
  countType: "imageCountMoreThan" | "sinceImagePushed" | "sinceImagePulled" | "sinceImageTransitioned";
  countUnit?: "days";
  countNumber: number;
}

export interface LifecycleRule {
  rulePriority: number;
  description?: string;
  selection: LifecycleSelection;
  action: { type: "expire" | "transition"; targetStorageClass?: StorageClass };
}

export interface LifecyclePolicyDocument {
  rules: LifecycleRule[];
}

/** An image as the evaluator sees it; days are whole days since the history began. */
export interface SimImage {
  digest: string;
  tags: readonly string[];
  pushedDay: number;
  /** Order of the push, to sort images pushed the same day. */
  pushSeq: number;
  storageClass: StorageClass;
  /** `lastRecordedPullTime`, in days; undefined while never pulled. */
  lastPulledDay?: number;
  /** When it was archived; undefined while standard. */
  transitionedDay?: number;
}

export type HistoryEvent =
  | { day: number; kind: "push"; digest: string; tags: readonly string[] }
  | { day: number; kind: "pull"; digest: string; who: string };

export interface SimulationOptions {
  /** How `sinceImagePulled` counts an image never pulled. @default "push-time" */
  neverPulled?: "push-time" | "not-selected";
  /** How far `lastRecordedPullTime` may trail the pull (ECR refreshes it at least daily). @default 1 */
  pullRecordLagDays?: number;
}

export interface FailedPull {
  day: number;
  digest: string;
  who: string;
  /** Deleted by the lifecycle (or never pushed), or archived (a pull answers 404 until restored). */
  reason: "expired" | "archived";
}

export interface Removal {
  /** The day whose end-of-day evaluation acted. */
  day: number;
  digest: string;
  action: "expire" | "transition";
  rulePriority: number;
  storageClass: StorageClass;
  /** Days since the image's last recorded pull when it was acted on; undefined if never pulled. */
  daysSincePull?: number;
}

export interface SimulationResult {
  failedPulls: FailedPull[];
  removals: Removal[];
  /** Images held at the end of each day, per storage class. */
  stored: { day: number; standard: number; archive: number }[];
  /** What is left at the end. */
  images: SimImage[];
}

/** The rule's storage class: ECR's default is standard (SDK doc of `storageClass`). */
const classOf = (s: LifecycleSelection): StorageClass => s.storageClass ?? "standard";

/**
 * Problems ECR reports when the policy is put (PutLifecyclePolicy validates the document; the
 * provider only checks that it is JSON: terraform-provider-aws internal/service/ecr/lifecycle_policy.go
 * `ValidateFunc: validation.StringIsJSON`, read 2026-12-07). Only the documented ones are checked.
 */
export function validatePolicy(policy: LifecyclePolicyDocument): string[] {
  const problems: string[] = [];
  const priorities = policy.rules.map((r) => r.rulePriority);
  if (new Set(priorities).size !== priorities.length) problems.push("rulePriority values must be unique");
  for (const rule of policy.rules) {
    const s = rule.selection;
    const at = `rule ${rule.rulePriority}`;
    const lists = (s.tagPrefixList?.length ?? 0) + (s.tagPatternList?.length ?? 0);
    if (s.tagStatus === "tagged" && lists === 0)
      problems.push(`${at}: tagStatus tagged needs a tagPrefixList or tagPatternList`);
    if (s.tagStatus === "untagged" && lists > 0)
      problems.push(`${at}: tagStatus untagged must omit tagPrefixList and tagPatternList`);
    for (const pattern of s.tagPatternList ?? []) {
      if ((pattern.match(/\*/g) ?? []).length > 4)
        problems.push(`${at}: tag pattern ${pattern} has more than four wildcards`);
    }
    if (s.countType !== "imageCountMoreThan" && s.countUnit !== "days")
      problems.push(`${at}: countType ${s.countType} needs countUnit "days"`);
    if (s.countType === "sinceImageTransitioned" && classOf(s) !== "archive")
      problems.push(`${at}: sinceImageTransitioned selects storageClass archive only`);
    if (s.countType !== "sinceImageTransitioned" && classOf(s) !== "standard")
      problems.push(`${at}: ${s.countType} selects storageClass standard only`);
    if (rule.action.type === "transition" && rule.action.targetStorageClass !== "archive")
      problems.push(`${at}: a transition needs targetStorageClass archive`);
    if (rule.action.type === "transition" && classOf(s) !== "standard")
      problems.push(`${at}: only standard images can be transitioned`);
    if (rule.action.type === "expire" && classOf(s) === "archive" && s.countNumber < 90)
      problems.push(`${at}: archived images cannot be expired before 90 days in archive`);
    // "A rule with a tagStatus value of any must have the highest value for rulePriority": read per
    // storage class, as the SDK's own example pairs an `any` transition with an `any` archive expiry.
    const later = policy.rules.filter(
      (r) => r.rulePriority > rule.rulePriority && classOf(r.selection) === classOf(s),
    );
    if (s.tagStatus === "any" && later.length > 0)
      problems.push(`${at}: a tagStatus any rule must have the highest rulePriority`);
  }
  for (const storageClass of ["standard", "archive"] as const) {
    const untagged = policy.rules.filter(
      (r) => r.selection.tagStatus === "untagged" && classOf(r.selection) === storageClass,
    );
    if (untagged.length > 1) problems.push("only one rule may select untagged images");
  }
  return problems;
}

const wildcard = (pattern: string): RegExp =>
  new RegExp(
    `^${pattern
      .split("*")
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
  );

/** Whether the rule's selection filters (not its count) take in `image`. */
export function selects(s: LifecycleSelection, image: SimImage): boolean {
  if (classOf(s) !== image.storageClass) return false;
  if (s.tagStatus === "untagged") return image.tags.length === 0;
  if (s.tagStatus === "any") return true;
  if (image.tags.length === 0) return false;
  const prefixes = s.tagPrefixList ?? [];
  const patterns = (s.tagPatternList ?? []).map(wildcard);
  return (
    prefixes.every((p) => image.tags.some((t) => t.startsWith(p))) &&
    patterns.every((p) => image.tags.some((t) => p.test(t)))
  );
}

/**
 * One evaluation at time `now` (in days): the action per image digest. `now - reference > countNumber`
 * makes an image "older than countNumber days".
 */
export function evaluate(
  policy: LifecyclePolicyDocument,
  images: readonly SimImage[],
  now: number,
  options: SimulationOptions = {},
): Map<string, LifecycleRule> {
  const neverPulled = options.neverPulled ?? "push-time";
  const claimed = new Set<string>();
  const marked = new Map<string, LifecycleRule>();
  const rules = [...policy.rules].sort((a, b) => a.rulePriority - b.rulePriority);
  for (const rule of rules) {
    const s = rule.selection;
    const selected = images.filter((i) => selects(s, i));
    const olderThan = (reference: number | undefined) =>
      reference !== undefined && now - reference > s.countNumber;
    let hits: SimImage[];
    switch (s.countType) {
      case "imageCountMoreThan":
        hits = [...selected]
          .sort((a, b) => b.pushedDay - a.pushedDay || b.pushSeq - a.pushSeq)
          .slice(s.countNumber);
        break;
      case "sinceImagePushed":
        hits = selected.filter((i) => olderThan(i.pushedDay));
        break;
      case "sinceImagePulled":
        hits = selected.filter((i) =>
          olderThan(i.lastPulledDay ?? (neverPulled === "push-time" ? i.pushedDay : undefined)),
        );
        break;
      case "sinceImageTransitioned":
        hits = selected.filter((i) => olderThan(i.transitionedDay));
        break;
    }
    for (const hit of hits) if (!claimed.has(hit.digest)) marked.set(hit.digest, rule);
    for (const image of selected) claimed.add(image.digest);
  }
  return marked;
}

/** Runs `history` for `days` days under `policy`, evaluating at the end of each day. */
export function simulate(
  policy: LifecyclePolicyDocument,
  history: readonly HistoryEvent[],
  days: number,
  options: SimulationOptions = {},
): SimulationResult {
  const problems = validatePolicy(policy);
  if (problems.length > 0) throw new Error(`ECR would reject the lifecycle policy: ${problems.join("; ")}`);
  const lag = options.pullRecordLagDays ?? 1;
  const byDay = new Map<number, HistoryEvent[]>();
  for (const event of history) byDay.set(event.day, [...(byDay.get(event.day) ?? []), event]);

  const images = new Map<string, SimImage>();
  const result: SimulationResult = { failedPulls: [], removals: [], stored: [], images: [] };
  let seq = 0;
  for (let day = 0; day < days; day++) {
    // Pushes before pulls: a stack deploys what CI pushed that day.
    const events = [...(byDay.get(day) ?? [])].sort((a, b) =>
      a.kind === b.kind ? 0 : a.kind === "push" ? -1 : 1,
    );
    for (const event of events) {
      const image = images.get(event.digest);
      if (event.kind === "push") {
        if (image === undefined)
          images.set(event.digest, {
            digest: event.digest,
            tags: event.tags,
            pushedDay: day,
            pushSeq: seq++,
            storageClass: "standard",
          });
        continue;
      }
      if (image === undefined) {
        result.failedPulls.push({ day, digest: event.digest, who: event.who, reason: "expired" });
      } else if (image.storageClass === "archive") {
        result.failedPulls.push({ day, digest: event.digest, who: event.who, reason: "archived" });
      } else {
        image.lastPulledDay = Math.max(image.lastPulledDay ?? Number.NEGATIVE_INFINITY, day - lag);
      }
    }
    const now = day + 1;
    for (const [digest, rule] of evaluate(policy, [...images.values()], now, options)) {
      const image = images.get(digest) as SimImage;
      result.removals.push({
        day,
        digest,
        action: rule.action.type,
        rulePriority: rule.rulePriority,
        storageClass: image.storageClass,
        ...(image.lastPulledDay !== undefined && { daysSincePull: now - image.lastPulledDay }),
      });
      if (rule.action.type === "expire") {
        images.delete(digest);
      } else {
        image.storageClass = "archive";
        image.transitionedDay = now;
      }
    }
    const held = [...images.values()];
    result.stored.push({
      day,
      standard: held.filter((i) => i.storageClass === "standard").length,
      archive: held.filter((i) => i.storageClass === "archive").length,
    });
  }
  result.images = [...images.values()];
  return result;
}
