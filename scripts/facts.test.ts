import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assess, collectFacts, type DatedFact, dateIn, render } from "./facts";

const TODAY = "2026-12-07";
const fact = (extra: Partial<DatedFact>): DatedFact => ({ kind: "k", name: "n", value: "v", ...extra });

describe("npm run facts: ages and flags (pure logic)", () => {
  const cases: { name: string; fact: DatedFact; ageDays?: number; flags: string[] }[] = [
    { name: "read today: age 0, nothing flagged", fact: fact({ read: TODAY }), ageDays: 0, flags: [] },
    {
      name: "read 180 days ago: at the threshold, not past it",
      fact: fact({ read: "2026-06-10" }),
      ageDays: 180,
      flags: [],
    },
    {
      name: "read 181 days ago: flagged",
      fact: fact({ read: "2026-06-09" }),
      ageDays: 181,
      flags: ["read 181 days ago (> 180)"],
    },
    { name: "no read date: flagged, no age", fact: fact({}), flags: ["no read date recorded"] },
    {
      name: "a deadline 61 days away: silent",
      fact: fact({ read: TODAY, deadlines: [{ label: "end of standard support", date: "2027-02-06" }] }),
      ageDays: 0,
      flags: [],
    },
    {
      name: "a deadline 60 days away: flagged with the days left",
      fact: fact({ read: TODAY, deadlines: [{ label: "end of standard support", date: "2027-02-05" }] }),
      ageDays: 0,
      flags: ["end of standard support in 60 days (2027-02-05)"],
    },
    {
      name: "a deadline today: passed (EKS bills extended support from the start of that day)",
      fact: fact({ read: TODAY, deadlines: [{ label: "end of standard support", date: TODAY }] }),
      ageDays: 0,
      flags: [`end of standard support passed ${TODAY}`],
    },
    {
      name: "caveats are flags",
      fact: fact({ read: TODAY, caveats: ["unconfirmed: vpcCni"] }),
      ageDays: 0,
      flags: ["unconfirmed: vpcCni"],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const [row] = assess([c.fact], TODAY);
      assert.equal(row?.ageDays, c.ageDays);
      assert.deepEqual(row?.flags, c.flags);
    });
  }

  it("a lower age threshold flags sooner", () => {
    assert.deepEqual(
      assess([fact({ read: "2026-11-06" })], TODAY, { maxAgeDays: 30, warnDays: 60 })[0]?.flags,
      ["read 31 days ago (> 30)"],
    );
  });

  it("reads the dates the repository writes: ISO and the Dockerfile's '27 Aug 2026'", () => {
    assert.equal(dateIn("read 2026-12-02 on the page"), "2026-12-02");
    assert.equal(
      dateIn("index digest published by Docker's official-images build of 27 Aug 2026)."),
      "2026-08-27",
    );
    assert.equal(dateIn("no date here"), undefined);
  });

  it("renders one line per fact, flagged ones marked, and the count", () => {
    const text = render(assess([fact({ read: TODAY }), fact({ name: "old" })], TODAY), TODAY);
    assert.match(text, /^ {1,}0d {2}n: v$/m);
    assert.match(text, /^! {4}\?d {2}old: v {2}\[no read date recorded\]$/m);
    assert.match(text, /2 facts, 1 flagged$/);
  });
});

describe("npm run facts: what it finds in the repository", () => {
  const rows = assess(collectFacts(), TODAY);
  const kinds = new Set(rows.map((r) => r.kind));

  it("lists every kind of dated fact: versions, add-on rows, charts, image digests, prices", () => {
    assert.deepEqual(
      [...kinds],
      [
        "EKS Kubernetes versions (facts/eks-versions.ts)",
        "EKS add-on rows (platforms/eks/versions.ts)",
        "Helm chart pins",
        "Image digests",
        "Prices (cost/prices/*.json, facts/eks-versions.ts)",
        "API limits (facts/rollout.ts)",
      ],
    );
  });

  it("flags 1.31 (extended support ended 2026-11-26) and 1.36's unconfirmed add-ons; dates the base image", () => {
    const named = (kind: string, name: string) =>
      rows.find((r) => r.kind.startsWith(kind) && r.name === name);
    assert.ok(named("EKS Kubernetes", "1.31")?.flags.includes("end of extended support passed 2026-11-26"));
    assert.deepEqual(named("EKS Kubernetes", "1.36")?.flags, []);
    assert.deepEqual(named("EKS add-on", "1.36")?.flags, [
      "unconfirmed: vpcCni, metricsServer, podIdentityAgent",
    ]);
    const images = rows.filter((r) => r.kind === "Image digests");
    assert.ok(images.length >= 3, "both Dockerfile ARGs and Pulumi.yaml's refresher image");
    for (const image of images) assert.equal(image.read, "2026-08-27", image.name);
  });
});
