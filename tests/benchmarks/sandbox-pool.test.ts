import { describe, expect, it } from "vitest";
import { benchPoolOptions } from "../../benchmarks/sandbox-pool.js";

describe("benchPoolOptions", () => {
  it("keeps the default pool when attempts run one at a time", () => {
    expect(benchPoolOptions({ parallel: 1, tasks: 3 })).toBeUndefined();
  });
  it("keeps P warm containers per task, and room for the tasks plus the syntax-check key", () => {
    expect(benchPoolOptions({ parallel: 3, tasks: 2 })).toEqual({ maxIdlePerKey: 3, maxIdleTotal: 9 });
    // More than four tasks: the total is capped at four tasks' worth, never below the default four.
    expect(benchPoolOptions({ parallel: 2, tasks: 10 })).toEqual({ maxIdlePerKey: 2, maxIdleTotal: 10 });
  });
});
