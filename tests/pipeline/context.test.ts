import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildTaskContext, type TaskInfo } from "../../instructions/index.js";
import { tempDir } from "./support.js";

function toyTask(description = "Predict y from x and colour."): TaskInfo {
  const dir = tempDir("lc-ctx-");
  const publicDir = join(dir, "public");
  mkdirSync(publicDir);
  writeFileSync(join(publicDir, "train.csv"), "id,x,colour,y\n1,1.5,red,10\n2,,blue,20\n3,3.5,red,30\n4,4.5,,40\n");
  writeFileSync(join(publicDir, "test.csv"), "id,x,colour\n5,2,red\n6,3,blue\n");
  writeFileSync(join(publicDir, "sample_submission.csv"), "id,y\n5,0\n6,0\n");
  return { id: "toy", title: "Toy", dataType: "tabular", metricName: "rmse", lowerIsBetter: true, idColumn: "id", targetColumns: ["y"], description, publicDir };
}

describe("task context", () => {
  it("summarizes columns of train and test: types, missing, uniques, min/max/mean, sample rows", () => {
    const ctx = buildTaskContext(toyTask());
    const train = ctx.tables.find((t) => t.name === "train.csv")!;
    const x = train.columns.find((c) => c.name === "x")!;
    expect(x).toMatchObject({ type: "float", missing: 1, unique: 3, min: 1.5, max: 4.5 });
    expect(x.mean).toBeCloseTo(9.5 / 3);
    expect(train.columns.find((c) => c.name === "colour")).toMatchObject({ type: "string", missing: 1, unique: 2, top: ["red", "blue"] });
    expect(train.columns.find((c) => c.name === "y")).toMatchObject({ type: "int", min: 10, max: 40, mean: 25 });
    expect(train.rows).toBe(4);
    expect(ctx.text).toContain("Metric: rmse — lower is better");
    expect(ctx.text).toContain("/data/train.csv");
    expect(ctx.text).toContain("1,1.5,red,10");
    expect(ctx.tables.map((t) => t.name)).toEqual(["train.csv", "test.csv", "sample_submission.csv"]);
  });

  it("noSchema drops the summary and the sample but keeps the file list", () => {
    const ctx = buildTaskContext(toyTask(), { noSchema: true });
    expect(ctx.tables).toEqual([]);
    expect(ctx.text).not.toContain("Data schema");
    expect(ctx.text).not.toContain("1,1.5,red,10");
    expect(ctx.text).toContain("/data/test.csv");
  });

  it("keeps within the token budget by cutting the description", () => {
    const ctx = buildTaskContext(toyTask("word ".repeat(20_000)), { tokenBudget: 1000 });
    expect(ctx.descriptionTruncated).toBe(true);
    expect(ctx.text.length).toBeLessThanOrEqual(1000 * 4 + 200);
    expect(ctx.text).toContain("Data schema");
  });
});
