import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { grade, loadTask, rankScore, type Task } from "../../datasets/index.js";
import * as m from "../../datasets/metrics.js";
import { csv, tempDir, writeTask } from "./fixtures.js";

let root: string;
let rmseTask: Task;
let probTask: Task;
let labelTask: Task;
const ys = [3.5, 1, 4, 1.5, 5, 9];

async function submit(name: string, text: string | Buffer): Promise<string> {
  const path = join(root, name);
  await writeFile(path, text);
  return path;
}

beforeAll(async () => {
  root = await tempDir();
  rmseTask = await loadTask(
    await writeTask(root, "reg", {
      spec: { metric: { name: "rmse" }, lower_is_better: true, target_columns: ["y"] },
      answers: ys.map((y, i) => [i + 1, y]),
    }),
  );
  probTask = await loadTask(
    await writeTask(root, "prob", {
      spec: { metric: { name: "log_loss" }, lower_is_better: true, target_columns: ["a", "b"] },
      answers: [
        [1, 1, 0],
        [2, 0, 1],
        [3, 0, 1],
      ],
    }),
  );
  labelTask = await loadTask(
    await writeTask(root, "label", {
      spec: { metric: { name: "accuracy" }, target_columns: ["weather"] },
      answers: [
        [1, "rain"],
        [2, "sun"],
        [3, "sun"],
        [4, "fog"],
      ],
    }),
  );
});

describe("grade: valid submissions", () => {
  it("scores a submission in any row order with the metric's value", async () => {
    const preds = [3, 1.5, 4, 2, 4.5, 8];
    const rows = preds.map((p, i) => [i + 1, p]).reverse();
    const r = await grade(rmseTask, await submit("ok.csv", csv(["id", "y"], rows)));
    expect(r.errors).toEqual([]);
    expect(r.valid).toBe(true);
    expect(r.score).toBeCloseTo(m.rmse(ys, preds), 12);
    expect(r.lower_is_better).toBe(true);
    expect(r.metric).toBe("rmse");
  });

  it("accepts extra columns, CRLF line ends and quoted cells", async () => {
    const text = 'id,y,note\r\n1,3.5,"a, b"\r\n2,1,x\r\n3,4,x\r\n4,1.5,x\r\n5,5,x\r\n6,9,x\r\n';
    const r = await grade(rmseTask, await submit("crlf.csv", text));
    expect(r).toMatchObject({ valid: true, score: 0 });
  });

  it("grades string labels", async () => {
    const r = await grade(labelTask, await submit("labels.csv", csv(["id", "weather"], [[1, "rain"], [2, "sun"], [3, "rain"], [4, "fog"]])));
    expect(r).toMatchObject({ valid: true, score: 0.75 });
  });
});

describe("grade: invalid submissions are results with MLE-bench-like reasons", () => {
  const expectInvalid = async (task: Task, name: string, text: string | Buffer, pattern: RegExp) => {
    const r = await grade(task, await submit(name, text));
    expect(r.valid).toBe(false);
    expect(r.score).toBeNull();
    expect(r.errors.join("\n")).toMatch(pattern);
    return r;
  };

  it("missing file", async () => {
    const r = await grade(rmseTask, join(root, "does-not-exist.csv"));
    expect(r).toMatchObject({ valid: false, score: null });
    expect(r.errors[0]).toMatch(/Submission file not found/);
  });
  it("not a CSV (binary)", () => expectInvalid(rmseTask, "bin.csv", Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 1, 2]), /not a CSV file/));
  it("not a CSV (ragged rows)", () => expectInvalid(rmseTask, "ragged.csv", "id,y\n1,2,3\n", /not a valid CSV.*line 2 has 3 fields/));
  it("empty file", () => expectInvalid(rmseTask, "empty.csv", "", /is empty/));
  it("missing id column", () => expectInvalid(rmseTask, "noid.csv", csv(["row", "y"], ys.map((y, i) => [i + 1, y])), /missing the id column 'id'/));
  it("missing target column", () => expectInvalid(rmseTask, "notarget.csv", csv(["id", "pred"], ys.map((y, i) => [i + 1, y])), /missing target column\(s\) 'y'/));
  it("ids that don't match", () =>
    expectInvalid(rmseTask, "wrongids.csv", csv(["id", "y"], ys.map((y, i) => [i + 2, y])), /ids don't match the test ids: 1 test id\(s\) are missing \(e.g. '1'\); 1 id\(s\) are not in the test set \(e.g. '7'\)/));
  it("duplicate ids", () =>
    expectInvalid(rmseTask, "dups.csv", csv(["id", "y"], [...ys.map((y, i) => [i + 1, y]), [3, 1]]), /1 duplicate id\(s\), e.g. '3'/));
  it("wrong row count", () => expectInvalid(rmseTask, "short.csv", csv(["id", "y"], ys.slice(0, 4).map((y, i) => [i + 1, y])), /has 4 rows but the test set has 6/));
  it("NaN and empty values", () =>
    expectInvalid(rmseTask, "nan.csv", csv(["id", "y"], ys.map((y, i) => [i + 1, i === 2 ? "NaN" : i === 4 ? "" : y])), /'y' has 2 missing or NaN value\(s\) \(first on line 4\)/));
  it("non-numeric values", () =>
    expectInvalid(rmseTask, "text.csv", csv(["id", "y"], ys.map((y, i) => [i + 1, i === 1 ? "abc" : y])), /'y' has 1 non-numeric value\(s\), e.g. 'abc' on line 3/));
  it("probabilities outside [0, 1]", () =>
    expectInvalid(probTask, "probs.csv", csv(["id", "a", "b"], [[1, 1.2, 0], [2, 0.5, 0.5], [3, -0.1, 1]]), /'a' has 2 value\(s\) outside \[0, 1\].*e.g. 1.2 on line 2/));

  it("reports every problem at once", async () => {
    const r = await grade(probTask, await submit("many.csv", csv(["id", "a", "b"], [[1, "x", 0], [2, 0.5, "NaN"], [3, 2, 1]])));
    expect(r.valid).toBe(false);
    expect(r.errors).toHaveLength(3);
  });
});

describe("leaderboard placement (Kaggle progression rules, as MLE-bench's rank_score)", () => {
  const ascending = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

  it("small leaderboards (<100 teams): top 10% / 20% / 40% positions", () => {
    const lb = ascending(50).map((i) => 100 - i); // 99 (best) … 50, higher is better
    const p = rankScore(95, lb, false)!;
    // positions 5, 10, 20 hold 95, 90, 80
    expect(p.thresholds).toMatchObject({ gold: 95, silver: 90, bronze: 80 });
    expect(p.medal).toBe("gold");
    expect(rankScore(94.5, lb, false)!.medal).toBe("silver");
    expect(rankScore(85, lb, false)!.medal).toBe("bronze");
    expect(rankScore(79, lb, false)!.medal).toBe("none");
    expect(rankScore(79, lb, false)!.above_median).toBe(true); // median 74.5
    expect(rankScore(74, lb, false)!.above_median).toBe(false);
    expect(p.percentile).toBeCloseTo((100 * 45) / 50, 10); // beats 94 … 50
  });

  it("100–249 teams: gold is the 10th place, silver/bronze at 20% / 40%", () => {
    const lb = ascending(150); // lower is better: 1 is best
    const p = rankScore(10, lb, true)!;
    expect(p.thresholds).toMatchObject({ gold: 10, silver: 30, bronze: 60 });
    expect(p.medal).toBe("gold");
    expect(rankScore(11, lb, true)!.medal).toBe("silver");
    expect(rankScore(61, lb, true)!.medal).toBe("none");
  });

  it("250–999 teams: gold at 10 + 0.2% of teams, silver 50th, bronze 100th", () => {
    const p = rankScore(12, ascending(500), true)!;
    expect(p.thresholds).toMatchObject({ gold: 11, silver: 50, bronze: 100 });
    expect(p.medal).toBe("silver");
  });

  it("1000+ teams: gold at 10 + 0.2%, silver 5%, bronze 10%", () => {
    const p = rankScore(150, ascending(2000), true)!;
    expect(p.thresholds).toMatchObject({ gold: 14, silver: 100, bronze: 200 });
    expect(p.medal).toBe("bronze");
    expect(p.leaderboard_size).toBe(2000);
  });

  it("ranks the leaderboard by the task's direction, whatever the file order", () => {
    const shuffled = [3, 1, 2, 5, 4];
    expect(rankScore(1, shuffled, true)!.medal).toBe("gold");
    expect(rankScore(1, shuffled, false)!.medal).toBe("none");
  });

  it("grade() adds percentile and medal when the task has leaderboard.csv", async () => {
    const task = await loadTask(
      await writeTask(root, "withlb", {
        spec: { metric: { name: "rmse" }, lower_is_better: true, target_columns: ["y"] },
        answers: ys.map((y, i) => [i + 1, y]),
        leaderboard: [0.5, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      }),
    );
    const preds = ys.map((y) => y + 0.75);
    const r = await grade(task, await submit("lb.csv", csv(["id", "y"], preds.map((p, i) => [i + 1, p]))));
    expect(r.score).toBeCloseTo(0.75, 12);
    expect(r.medal).toBe("silver"); // gold = 1st (0.5), silver = 2nd (1)
    expect(r.percentile).toBeCloseTo(90, 10);
    expect(r.above_median).toBe(true);
  });
});

describe("grade: numeric class labels", () => {
  it("treats 1 and 1.0 as the same class when the answers are numbers", async () => {
    const task = await loadTask(
      await writeTask(root, "numlabels", { spec: { metric: { name: "accuracy" }, target_columns: ["c"] }, answers: [[1, 0], [2, 1], [3, 2], [4, 1]] }),
    );
    const r = await grade(task, await submit("numlabels.csv", csv(["id", "c"], [[1, "0.0"], [2, "1.0"], [3, "2"], [4, "0"]])));
    expect(r).toMatchObject({ valid: true, score: 0.75 });
  });
});
