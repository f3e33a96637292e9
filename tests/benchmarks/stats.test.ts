// Reference p-values below were computed with scipy 1.17.1 (scipy.stats.wilcoxon default arguments,
// scipy.stats.binomtest, scipy.stats.norm.sf); the inputs are printed next to them.
import { describe, expect, it } from "vitest";
import {
  averageRanks,
  bootstrapMeanInterval,
  comparePaired,
  mean,
  meanWithError,
  normalSurvival,
  normalisedScore,
  signTestPValue,
  standardError,
  wilcoxonSignedRank,
} from "../../benchmarks/stats.js";

describe("mean and standard error", () => {
  it("computes the sample standard error over repeats", () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    // sd (n-1) of 1..4 is sqrt(5/3); se = sd / 2
    expect(standardError([1, 2, 3, 4])).toBeCloseTo(Math.sqrt(5 / 3) / 2, 12);
    expect(meanWithError([7]).se).toBeNaN();
    expect(meanWithError([]).mean).toBeNaN();
  });
});

describe("normalisedScore", () => {
  it("maps constant → 0 and reference model → 1 for higher-is-better metrics", () => {
    expect(normalisedScore(0.5, { constant: 0.5, model: 0.9 })).toBe(0);
    expect(normalisedScore(0.9, { constant: 0.5, model: 0.9 })).toBeCloseTo(1, 12);
    expect(normalisedScore(0.7, { constant: 0.5, model: 0.9 })).toBeCloseTo(0.5, 12);
  });
  it("works for lower-is-better metrics (rmse) without a direction flag", () => {
    expect(normalisedScore(10, { constant: 10, model: 2 })).toBe(0);
    expect(normalisedScore(2, { constant: 10, model: 2 })).toBe(1);
    expect(normalisedScore(4, { constant: 10, model: 2 })).toBeCloseTo(0.75, 12);
    // worse than the constant baseline goes negative
    expect(normalisedScore(12, { constant: 10, model: 2 })).toBeCloseTo(-0.25, 12);
  });
  it("is undefined when the references coincide or the score is not finite", () => {
    expect(normalisedScore(1, { constant: 3, model: 3 })).toBeUndefined();
    expect(normalisedScore(Number.NaN, { constant: 0, model: 1 })).toBeUndefined();
  });
});

describe("sign test (scipy.stats.binomtest)", () => {
  it.each([
    [7, 10, 0.34375],
    [2, 10, 0.109375],
    [0, 5, 0.0625],
    [5, 10, 1.0],
    [12, 20, 0.5034446716308594],
    [3, 4, 0.625],
  ])("%i of %i → p = %f", (k, n, p) => {
    expect(signTestPValue(k, n)).toBeCloseTo(p, 12);
  });
});

describe("normal tail", () => {
  it("matches scipy.stats.norm.sf to 1e-7 relative", () => {
    expect(normalSurvival(1.5) / 0.06680720126885807).toBeCloseTo(1, 6);
    expect(normalSurvival(3.2) / 0.0006871379379158471).toBeCloseTo(1, 6);
    expect(normalSurvival(-1.5)).toBeCloseTo(1 - 0.06680720126885807, 7);
  });
});

describe("wilcoxonSignedRank (scipy.stats.wilcoxon)", () => {
  it("average ranks share tied positions", () => {
    expect(averageRanks([3, 1, 3, 2])).toEqual([3.5, 1, 3.5, 2]);
  });
  it("exact distribution without ties (n = 9)", () => {
    const d = [0.952, -0.147, 1.022, 0.43, 0.62, 0.59, 0.49, -0.08, 0.01];
    const r = wilcoxonSignedRank(d);
    expect(r.method).toBe("exact");
    expect(r.statistic).toBe(5);
    expect(r.pValue).toBeCloseTo(0.0390625, 12);
  });
  it("exact distribution (n = 8)", () => {
    const r = wilcoxonSignedRank([0.1, -0.3, 0.5, 0.7, 1.1, 1.3, -0.2, 0.9]);
    expect(r.statistic).toBe(5);
    expect(r.pValue).toBeCloseTo(0.078125, 12);
  });
  it("exact distribution (n = 20)", () => {
    const d = Array.from({ length: 20 }, (_, i) => 0.5 + i * 0.37 * (i % 3 === 0 ? -1 : 1));
    const r = wilcoxonSignedRank(d);
    expect(r.method).toBe("exact");
    expect(r.statistic).toBe(57);
    expect(r.pValue).toBeCloseTo(0.0758514404296875, 12);
  });
  it("ties and a zero with small n: all sign flips (scipy's permutation test)", () => {
    const r = wilcoxonSignedRank([1, 1, -1, 2, 2, 3, -2, 0, 4]);
    expect(r.method).toBe("permutation");
    expect(r.n).toBe(8);
    expect(r.statistic).toBe(7);
    expect(r.pValue).toBeCloseTo(0.1640625, 12);
  });
  it("ties with larger n: normal approximation with tie correction", () => {
    const d = [1, 2, 2, 3, -1, 4, 5, -2, 3, 3, 6, 7, -1, 2, 8, 1, 2, -3, 4, 5];
    const r = wilcoxonSignedRank(d);
    expect(r.method).toBe("normal");
    expect(r.statistic).toBe(23.5);
    expect(r.pValue / 0.0022595848961172384).toBeCloseTo(1, 5);
  });
  it("all zeros → p = 1", () => {
    expect(wilcoxonSignedRank([0, 0, 0]).pValue).toBe(1);
  });
});

describe("bootstrap interval", () => {
  it("is deterministic for a seed and differs across seeds", () => {
    const values = [0.1, 0.4, -0.2, 0.3, 0.5, 0.05, 0.2];
    const a = bootstrapMeanInterval(values, { seed: 42 });
    expect(bootstrapMeanInterval(values, { seed: 42 })).toEqual(a);
    expect(bootstrapMeanInterval(values, { seed: 7 })).not.toEqual(a);
    expect(a[0]).toBeLessThan(mean(values));
    expect(a[1]).toBeGreaterThan(mean(values));
  });
  it("approaches mean ± 1.96·SE for a large sample", () => {
    const values = Array.from({ length: 400 }, (_, i) => Math.sin(i * 12.9898) * 2 + 0.3);
    const [lo, hi] = bootstrapMeanInterval(values, { seed: 1, resamples: 20_000 });
    const m = mean(values);
    const se = standardError(values);
    expect(lo).toBeCloseTo(m - 1.96 * se, 1);
    expect(hi).toBeCloseTo(m + 1.96 * se, 1);
    expect((hi - lo) / (2 * 1.96 * se)).toBeGreaterThan(0.93);
    expect((hi - lo) / (2 * 1.96 * se)).toBeLessThan(1.07);
  });
  it("collapses to a point when every difference is equal", () => {
    const [lo, hi] = bootstrapMeanInterval([0.2, 0.2, 0.2], { seed: 3 });
    expect(lo).toBeCloseTo(0.2, 12);
    expect(hi).toBeCloseTo(0.2, 12);
  });
});

describe("comparePaired", () => {
  const pairs = (diffs: number[]) => diffs.map((d, i) => ({ key: `t${i}`, a: 0.5 + d, b: 0.5 }));
  it("counts wins, ties and losses and quotes both tests", () => {
    const c = comparePaired(pairs([0.952, -0.147, 1.022, 0.43, 0.62, 0.59, 0.49, -0.08, 0.01, 0]), { labelA: "A", labelB: "B", seed: 1 });
    expect([c.wins, c.ties, c.losses]).toEqual([7, 1, 2]);
    expect(c.n).toBe(10);
    expect(c.wilcoxon.pValue).toBeCloseTo(0.0390625, 9);
    expect(c.signTestP).toBeCloseTo(signTestPValue(7, 9), 12);
    expect(c.meanDifference).toBeCloseTo(0.3887, 9);
    expect(c.conclusion).toMatch(/^A scores higher than B \(Wilcoxon p = 0\.039 < 0\.05/);
  });
  it("says the sample is too small when even unanimous pairs could not be significant", () => {
    const c = comparePaired(pairs([0.3, 0.2, 0.1, 0.4, 0.2]), { labelA: "linguacodus", labelB: "direct" });
    expect(c.wins).toBe(5);
    expect(c.conclusion).toMatch(/^Sample too small to conclude: 5 untied pair\(s\) of 5/);
    expect(c.conclusion).toMatch(/at least 6 untied pairs/);
  });
  it("reports no significant difference when p ≥ α", () => {
    const c = comparePaired(pairs([0.1, -0.3, 0.5, 0.7, 1.1, 1.3, -0.2, 0.9]), { labelA: "A", labelB: "B" });
    expect(c.conclusion).toMatch(/^No significant difference between A and B \(Wilcoxon p = 0\.078/);
  });
  it("names B as better when B wins", () => {
    const c = comparePaired(pairs([-0.952, 0.147, -1.022, -0.43, -0.62, -0.59, -0.49, 0.08, -0.01]), { labelA: "A", labelB: "B" });
    expect(c.conclusion).toMatch(/^B scores higher than A/);
  });
});
