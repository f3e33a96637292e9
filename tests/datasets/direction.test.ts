// The one score comparison: strict "better", "at least" (thresholds) and best-first order, both directions.
import { describe, expect, it } from "vitest";
import { bestFirst, isAtLeast, isBetter } from "../../datasets/index.js";

describe("metric direction", () => {
  it("lower is better", () => {
    expect([isBetter(1, 2, true), isBetter(2, 1, true), isBetter(1, 1, true)]).toEqual([true, false, false]);
    expect([isAtLeast(1, 1, true), isAtLeast(2, 1, true)]).toEqual([true, false]);
    expect([3, 1, 2].sort(bestFirst(true))).toEqual([1, 2, 3]);
  });
  it("higher is better", () => {
    expect([isBetter(2, 1, false), isBetter(1, 2, false), isBetter(1, 1, false)]).toEqual([true, false, false]);
    expect([isAtLeast(1, 1, false), isAtLeast(1, 2, false)]).toEqual([true, false]);
    expect([3, 1, 2].sort(bestFirst(false))).toEqual([3, 2, 1]);
  });
});
