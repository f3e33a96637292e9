// The report over real search runs (real Docker sandbox, scripted models): the oracle gap says what selection by
// validation gave up, the operator table counts drafts, debugs and improvements, and the anytime curves follow
// the selected node step by step.
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildReport, collectRuns } from "../../benchmarks/index.js";
import { loadTask } from "../../datasets/index.js";
import { runTask } from "../../execution/index.js";
import { sandboxSuite, scriptedDeps } from "../pipeline/support.js";
import { SEARCH, greedyScript } from "./support.js";

describe("the report over tree searches", () => {
  const suite = sandboxSuite();

  it("shows the oracle gap, the operators and the anytime curves of greedy searches over two seeds", async () => {
    const root = suite.dir("lc-search-report-");
    // A copy of the task with reference scores, so test scores normalise (0 = constant baseline, 1 = reference).
    const taskDir = join(root, "task");
    cpSync(suite.task().dir, taskDir, { recursive: true });
    const spec = JSON.parse(readFileSync(join(taskDir, "task.json"), "utf8")) as Record<string, unknown>;
    writeFileSync(join(taskDir, "task.json"), JSON.stringify({ ...spec, reference_scores: { constant: 12, model: 6, model_name: "test reference" } }));
    const task = await loadTask(taskDir);
    const runs = join(root, "runs");
    for (const seed of [7, 8]) await runTask(task, { ...SEARCH, seed }, { ...scriptedDeps(suite.sandbox(), greedyScript), outDir: runs });
    const report = buildReport(collectRuns(runs), { linkOf: (dir) => dir });

    const summary = report.tables.find((t) => t.id === "search")!;
    expect(summary.rows).toHaveLength(1);
    const row = Object.fromEntries(summary.columns.map((c, i) => [c, summary.rows[0]![i]!.text]));
    expect(row).toMatchObject({ Mode: "search-greedy", Runs: "2", "Nodes / run": "5.0", "Valid-node rate": "0.80", "Selected = oracle": "0/2" });
    // The liar (selected) predicts 0: its normalised test score is far below the fixed script's.
    expect(Number(row["Oracle gap (normalised)"])).toBeGreaterThan(0.5);

    const operators = report.tables.find((t) => t.id === "search-operators")!;
    expect(operators.rows.map((r) => [r[1]!.text, r[2]!.text, r[3]!.text])).toEqual([
      ["draft", "6", "0.67"],
      ["debug", "2", "1.00"],
      ["improve", "2", "1.00"],
    ]);

    const anytime = report.charts.find((c) => c.id === "search-anytime-step")!;
    const points = (anytime.spec as { data: { values: Array<{ x: number; mean: number; n: number }> } }).data.values;
    expect(points.map((p) => p.x)).toEqual([2, 3, 4, 5]);
    // After step 2 the working draft is selected; from step 3 on the liar (best validation) is.
    expect(points[0]!.mean).toBeGreaterThan(points[1]!.mean);
    expect(report.charts.some((c) => c.id === "search-anytime-time")).toBe(true);
  });
});
