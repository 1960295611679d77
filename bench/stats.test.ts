import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { median, percentile, type RoundRecord, ratio, round, summarise, summariseStartup } from "./stats.mts";

const cleanAt10Percent = (foreignCpu: number | null) => foreignCpu === null || foreignCpu <= 0.1;

/** A round with the figures summarise reads; the rest of LoadSummary does not matter to it. */
function roundRecord(
  okPerSecond: number,
  foreignCpu: number | null,
  extra: Partial<RoundRecord> = {},
): RoundRecord {
  return {
    durationSeconds: 5,
    okRequests: okPerSecond * 5,
    okPerSecond,
    autocannonRequestsAverage: okPerSecond,
    non2xx: 0,
    statusCodes: { "200": okPerSecond * 5 },
    errors: 0,
    timeouts: 0,
    latencyMs: { p50: okPerSecond / 1000, p90: 0, p99: okPerSecond / 100, max: 0, mean: 0 },
    autocannonLatencyMs: { p50: 1, p99: 2 },
    foreignCpu,
    serverCores: 1,
    loaderCores: 0.5,
    okPerServerCpuSecond: okPerSecond,
    ...extra,
  };
}

describe("median", () => {
  it("takes the middle value of an odd count and the mean of the middle two of an even count", () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
  });
  it("ignores values that are not finite, and is NaN with none left", () => {
    assert.equal(median([Number.NaN, 5, Number.POSITIVE_INFINITY, 1]), 3);
    assert.ok(Number.isNaN(median([])));
    assert.ok(Number.isNaN(median([Number.NaN])));
  });
  it("does not reorder its input", () => {
    const values = [3, 1, 2];
    median(values);
    assert.deepEqual(values, [3, 1, 2]);
  });
});

describe("percentile", () => {
  const sorted = Float64Array.from({ length: 100 }, (_, i) => i + 1);
  it("is the nearest rank of a sorted sample", () => {
    assert.equal(percentile(sorted, 50), 50);
    assert.equal(percentile(sorted, 99), 99);
    assert.equal(percentile(sorted, 100), 100);
    assert.equal(percentile(Float64Array.of(7), 99), 7);
  });
  it("clamps to the sample and is NaN for an empty one", () => {
    assert.equal(percentile(sorted, 0), 1);
    assert.ok(Number.isNaN(percentile(new Float64Array(0), 50)));
  });
});

describe("round and ratio", () => {
  it("round keeps the given decimals and leaves NaN alone", () => {
    assert.equal(round(1.23456, 2), 1.23);
    assert.equal(round(43650.4, 0), 43650);
    assert.ok(Number.isNaN(round(Number.NaN, 1)));
  });
  it("ratio is NaN when a side is missing or the divisor is not positive", () => {
    assert.equal(ratio(3, 4), 0.75);
    assert.ok(Number.isNaN(ratio(undefined, 4)));
    assert.ok(Number.isNaN(ratio(3, undefined)));
    assert.ok(Number.isNaN(ratio(3, 0)));
  });
});

describe("summarise", () => {
  it("quotes the clean rounds when there are enough of them, and says so", () => {
    const rounds = [
      roundRecord(100, 0.01),
      roundRecord(110, 0.02),
      roundRecord(10, 0.5),
      roundRecord(120, null),
      roundRecord(20, 0.4),
    ];
    const result = summarise(rounds, cleanAt10Percent, 3);
    assert.equal(result.basis, "clean");
    assert.equal(result.cleanRounds, 3);
    assert.equal(result.medianOkPerSecond, 110);
    assert.equal(result.minOkPerSecond, 100);
    assert.equal(result.maxOkPerSecond, 120);
    assert.equal(result.medianP99Ms, 1.1);
    // Per CPU-second figures use every round: other load barely moves them.
    assert.equal(result.medianOkPerServerCpuSecond, 100);
    assert.equal(result.medianForeignCpu, 0.21, "the median over rounds that have a figure (null left out)");
  });

  it("falls back to every round (noisy) when too few are clean", () => {
    const rounds = [roundRecord(100, 0.01), roundRecord(10, 0.5), roundRecord(20, 0.4)];
    const result = summarise(rounds, cleanAt10Percent, 3);
    assert.equal(result.basis, "noisy");
    assert.equal(result.cleanRounds, 1);
    assert.equal(result.medianOkPerSecond, 20);
  });

  it("a run with fewer rounds than minCleanSamples is clean when all of them are", () => {
    const result = summarise([roundRecord(100, 0), roundRecord(200, 0)], cleanAt10Percent, 3);
    assert.equal(result.basis, "clean");
    assert.equal(result.medianOkPerSecond, 150);
  });

  it("totals failed requests over every round, clean or not", () => {
    const rounds = [
      roundRecord(100, 0, { non2xx: 2, errors: 1 }),
      roundRecord(100, 0.9, { timeouts: 4 }),
      roundRecord(100, 0),
    ];
    const result = summarise(rounds, cleanAt10Percent, 1);
    assert.deepEqual([result.totalNon2xx, result.totalErrors, result.totalTimeouts], [2, 1, 4]);
  });
});

describe("summariseStartup", () => {
  it("quotes the clean runs when most runs are clean", () => {
    const summary = summariseStartup(
      [
        { ms: 290.04, foreignCpu: 0 },
        { ms: 300, foreignCpu: 0.05 },
        { ms: 900, foreignCpu: 0.8 },
      ],
      cleanAt10Percent,
    );
    assert.deepEqual(summary, {
      runsMs: [290, 300, 900],
      runsForeignCpu: [0, 0.05, 0.8],
      basis: "clean",
      cleanRuns: 2,
      medianMs: 295,
      minMs: 290,
      maxMs: 300,
    });
  });

  it("uses every run (noisy) when most were not clean", () => {
    const summary = summariseStartup(
      [
        { ms: 300, foreignCpu: 0 },
        { ms: 800, foreignCpu: 0.5 },
        { ms: 900, foreignCpu: 0.6 },
      ],
      cleanAt10Percent,
    );
    assert.equal(summary.basis, "noisy");
    assert.equal(summary.medianMs, 800);
    assert.equal(summary.maxMs, 900);
  });
});
