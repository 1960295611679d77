import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  evaluate,
  type HistoryEvent,
  type LifecyclePolicyDocument,
  type LifecycleRule,
  type SimImage,
  simulate,
  validatePolicy,
} from "./ecr-lifecycle-sim";

const image = (digest: string, pushedDay: number, extra: Partial<SimImage> = {}): SimImage => ({
  digest,
  tags: [`t-${digest}`],
  pushedDay,
  pushSeq: pushedDay,
  storageClass: "standard",
  ...extra,
});

const rule = (
  rulePriority: number,
  selection: LifecycleRule["selection"],
  action: LifecycleRule["action"] = { type: "expire" },
): LifecycleRule => ({
  rulePriority,
  selection,
  action,
});

const hit = (policy: LifecyclePolicyDocument, images: SimImage[], now: number, options = {}) =>
  Object.fromEntries([...evaluate(policy, images, now, options)].map(([d, r]) => [d, r.rulePriority]));

describe("evaluate: ECR's documented rule evaluation", () => {
  it("imageCountMoreThan keeps the youngest by push time and hits the rest", () => {
    const policy = {
      rules: [rule(1, { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 2 })],
    };
    const images = [image("a", 1), image("b", 3), image("c", 2), image("d", 0)];
    assert.deepEqual(hit(policy, images, 10), { a: 1, d: 1 });
  });

  it("a rule counts images a higher rule selected but never acts on them", () => {
    // "Rules can never mark images that are marked by higher priority rules, but can still identify them".
    const policy = {
      rules: [
        rule(1, {
          tagStatus: "untagged",
          countType: "sinceImagePushed",
          countUnit: "days",
          countNumber: 100,
        }),
        rule(2, { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 1 }),
      ],
    };
    const images = [image("u1", 5, { tags: [] }), image("u2", 4, { tags: [] }), image("t", 1)];
    // u1 and u2 fill the count, so t goes; the untagged ones are rule 1's even though it hits neither.
    assert.deepEqual(hit(policy, images, 10), { t: 2 });
  });

  it("tag lists: every prefix or pattern must match one of the image's tags", () => {
    const expireTagged = (selection: Partial<LifecycleRule["selection"]>) => ({
      rules: [
        rule(1, {
          tagStatus: "tagged",
          countType: "sinceImagePushed",
          countUnit: "days",
          countNumber: 0,
          ...selection,
        }),
      ],
    });
    const images = [
      image("prod", 0, { tags: ["prod-1", "v2"] }),
      image("dev", 0, { tags: ["dev-1"] }),
      image("none", 0, { tags: [] }),
    ];
    assert.deepEqual(hit(expireTagged({ tagPrefixList: ["prod"] }), images, 5), { prod: 1 });
    assert.deepEqual(hit(expireTagged({ tagPrefixList: ["prod", "v"] }), images, 5), { prod: 1 });
    assert.deepEqual(hit(expireTagged({ tagPrefixList: ["prod", "x"] }), images, 5), {});
    assert.deepEqual(hit(expireTagged({ tagPatternList: ["*-1"] }), images, 5), { prod: 1, dev: 1 });
    assert.deepEqual(hit(expireTagged({ tagPatternList: ["*"] }), images, 5), { prod: 1, dev: 1 });
  });

  it("sinceImagePushed and sinceImagePulled count whole days from the push or the recorded pull", () => {
    const days = (countType: "sinceImagePushed" | "sinceImagePulled") => ({
      rules: [rule(1, { tagStatus: "any", countType, countUnit: "days", countNumber: 10 })],
    });
    const images = [image("old-pulled", 0, { lastPulledDay: 15 }), image("old", 0), image("new", 12)];
    assert.deepEqual(hit(days("sinceImagePushed"), images, 20), { "old-pulled": 1, old: 1 });
    assert.deepEqual(hit(days("sinceImagePulled"), images, 20), { old: 1 });
    assert.deepEqual(hit(days("sinceImagePulled"), images, 20, { neverPulled: "not-selected" }), {});
    assert.deepEqual(hit(days("sinceImagePulled"), images, 10), {}, "exactly 10 days is not older than 10");
  });

  it("storage classes: a rule selects its own class only; sinceImageTransitioned counts from the archiving", () => {
    const policy = {
      rules: [
        rule(1, { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 0 }),
        rule(2, {
          tagStatus: "any",
          storageClass: "archive",
          countType: "sinceImageTransitioned",
          countUnit: "days",
          countNumber: 90,
        }),
      ],
    };
    const images = [
      image("active", 0),
      image("archived-long", 0, { storageClass: "archive", transitionedDay: 5 }),
      image("archived-recently", 0, { storageClass: "archive", transitionedDay: 50 }),
    ];
    assert.deepEqual(hit(policy, images, 100), { active: 1, "archived-long": 2 });
  });
});

describe("simulate", () => {
  const archiveThenDelete: LifecyclePolicyDocument = {
    rules: [
      rule(
        1,
        {
          tagStatus: "tagged",
          tagPatternList: ["*"],
          countType: "sinceImagePulled",
          countUnit: "days",
          countNumber: 10,
        },
        { type: "transition", targetStorageClass: "archive" },
      ),
      rule(2, {
        tagStatus: "any",
        storageClass: "archive",
        countType: "sinceImageTransitioned",
        countUnit: "days",
        countNumber: 90,
      }),
    ],
  };

  it("a pull of an archived image fails, of an expired one too; pulls refresh the recorded time", () => {
    const history: HistoryEvent[] = [
      { day: 0, kind: "push", digest: "a", tags: ["a"] },
      { day: 0, kind: "push", digest: "b", tags: ["b"] },
      ...[5, 10, 15].map((day) => ({ day, kind: "pull" as const, digest: "b", who: "prod" })),
      { day: 20, kind: "pull", digest: "a", who: "rollback" },
      { day: 120, kind: "pull", digest: "a", who: "late" },
    ];
    const result = simulate(archiveThenDelete, history, 130);
    assert.deepEqual(result.failedPulls, [
      { day: 20, digest: "a", who: "rollback", reason: "archived" },
      { day: 120, digest: "a", who: "late", reason: "expired" },
    ]);
    assert.deepEqual(
      result.removals.map((r) => [r.day, r.digest, r.action]),
      [
        [10, "a", "transition"],
        [24, "b", "transition"],
        [101, "a", "expire"],
        [115, "b", "expire"],
      ],
    );
    // b's last pull (day 15) is recorded as day 14 (pullRecordLagDays 1): archived at the end of day 24.
    assert.equal(result.removals[1]?.daysSincePull, 11);
    assert.deepEqual(result.stored.at(-1), { day: 129, standard: 0, archive: 0 });
  });

  it("refuses a policy ECR would reject, naming every problem", () => {
    const bad: LifecyclePolicyDocument = {
      rules: [
        rule(1, { tagStatus: "any", countType: "sinceImagePulled", countNumber: 5 }),
        rule(1, { tagStatus: "tagged", countType: "imageCountMoreThan", countNumber: 5 }),
        rule(3, {
          tagStatus: "untagged",
          tagPrefixList: ["x"],
          countType: "imageCountMoreThan",
          countNumber: 1,
        }),
        rule(
          4,
          {
            tagStatus: "tagged",
            tagPatternList: ["*a*b*c*d*e"],
            countType: "imageCountMoreThan",
            countNumber: 1,
          },
          { type: "transition" },
        ),
        rule(5, {
          tagStatus: "untagged",
          storageClass: "archive",
          countType: "sinceImageTransitioned",
          countUnit: "days",
          countNumber: 30,
        }),
        rule(6, {
          tagStatus: "any",
          storageClass: "archive",
          countType: "sinceImagePushed",
          countUnit: "days",
          countNumber: 90,
        }),
        rule(7, { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 1 }),
      ],
    };
    assert.deepEqual(validatePolicy(bad), [
      "rulePriority values must be unique",
      'rule 1: countType sinceImagePulled needs countUnit "days"',
      "rule 1: a tagStatus any rule must have the highest rulePriority",
      "rule 1: tagStatus tagged needs a tagPrefixList or tagPatternList",
      "rule 3: tagStatus untagged must omit tagPrefixList and tagPatternList",
      "rule 4: tag pattern *a*b*c*d*e has more than four wildcards",
      "rule 4: a transition needs targetStorageClass archive",
      "rule 5: archived images cannot be expired before 90 days in archive",
      "rule 6: sinceImagePushed selects storageClass standard only",
      "only one rule may select untagged images",
    ]);
    assert.throws(() => simulate(bad, [], 1), /^Error: ECR would reject the lifecycle policy: rulePriority/);
    assert.deepEqual(validatePolicy(archiveThenDelete), []);
  });
});
