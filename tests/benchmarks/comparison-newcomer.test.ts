// The comparison a newcomer gets (issue 21), through the built CLI: `tasks references` computes and records the
// constant and standard-model baselines of any task folder in the sandbox (and says why when no standard model
// applies); the report always shows win/tie/loss within a task in the metric's direction, and runs the tests on
// whatever normalisation the tasks have — reference baselines, or an MLE-bench leaderboard — saying which.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Report } from "../../benchmarks/report.js";
import { writeGeneratedBench, type GeneratedOutcome, type GeneratedTask } from "../support/bench-records.js";
import { buildCli, linguacodus } from "../support/cli.js";
import { csv, tempDir } from "../datasets/fixtures.js";
import type { RunKey } from "../../benchmarks/matrix.js";

let root: string;
beforeAll(async () => {
  root = await tempDir("lc-newcomer-");
  await buildCli();
}, 300_000);

/** A regression task folder with a learnable target (y = 3x + 1 + noise), its answers hidden. */
function regressionTask(id: string): string {
  const dir = join(root, id);
  mkdirSync(join(dir, "public"), { recursive: true });
  mkdirSync(join(dir, "private"), { recursive: true });
  const rows = Array.from({ length: 240 }, (_, i) => ({ id: i + 1, x: (i * 37) % 100, y: 3 * ((i * 37) % 100) + 1 + ((i * 7) % 5) }));
  const train = rows.slice(0, 200);
  const test = rows.slice(200);
  writeFileSync(join(dir, "public", "train.csv"), csv(["id", "x", "y"], train.map((r) => [r.id, r.x, r.y])));
  writeFileSync(join(dir, "public", "test.csv"), csv(["id", "x"], test.map((r) => [r.id, r.x])));
  writeFileSync(join(dir, "public", "sample_submission.csv"), csv(["id", "y"], test.map((r) => [r.id, 0])));
  writeFileSync(join(dir, "private", "answers.csv"), csv(["id", "y"], test.map((r) => [r.id, r.y])));
  writeFileSync(join(dir, "description.md"), `# ${id}\n\nPredict y from x.\n`);
  const spec = { id, title: id, data_type: "tabular", metric: { name: "rmse" }, lower_is_better: true, id_column: "id", target_columns: ["y"], source: { package: "test", version: "1", dataset: id, license: "CC0" }, license: "CC0" };
  writeFileSync(join(dir, "task.json"), JSON.stringify(spec, null, 2));
  return dir;
}

describe("tasks references", () => {
  it("computes and records the constant and standard-model baselines of a hand-made task folder in the sandbox", async () => {
    const dir = regressionTask("hand-made");
    const r = await linguacodus(["tasks", "references", dir]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^hand-made: constant [\d.]+, model [\d.]+ \(HistGradientBoosting \(scikit-learn\)\)$/m);
    const spec = JSON.parse(readFileSync(join(dir, "task.json"), "utf8")) as { reference_scores?: { constant: number; model: number } };
    expect(spec.reference_scores!.model).toBeLessThan(spec.reference_scores!.constant / 5);
  }, 600_000);

  it("says why no standard model applies (no train.csv), and exits 1", async () => {
    const dir = regressionTask("no-train");
    const { rmSync } = await import("node:fs");
    rmSync(join(dir, "public", "train.csv"));
    const r = await linguacodus(["tasks", "references", dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^no-train: no standard model applies: it has no public\/train\.csv, which the baselines read/m);
  });
});

const tasks: GeneratedTask[] = [
  { id: "reg-a", dataType: "tabular", metric: "rmse", reference: { constant: 10, model: 2 } },
  { id: "cls-b", dataType: "text", metric: "accuracy", reference: { constant: 0.5, model: 0.9 } },
];
const at = (task: GeneratedTask, q: number) => task.reference.constant + (task.reference.model - task.reference.constant) * q;
/** linguacodus: q = 0.8 everywhere. direct: seed 1 fails, else q = 0.5 — so linguacodus wins every pair. */
const outcomeOf = (key: RunKey, task: GeneratedTask): GeneratedOutcome =>
  key.mode === "linguacodus" ? { attempts: [{ score: at(task, 0.8) }] } : key.seed === 1 ? { attempts: [{ errorClass: "KeyError" }] } : { attempts: [{ score: at(task, 0.5) }] };

/** A bench whose tasks lost their reference scores; `mlebench` tasks get a competition block and a leaderboard. */
function benchWithout(name: string, mlebench: string[] = []): string {
  const bench = writeGeneratedBench(join(root, name), { tasks, modes: ["linguacodus", "direct"], repeats: 3, outcomeOf });
  for (const t of tasks) {
    const path = join(bench.dir, "tasks", t.id, "task.json");
    const spec = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
    delete spec.reference_scores;
    if (mlebench.includes(t.id)) {
      spec.mlebench = { competition_id: t.id, grader: "accuracy", grade_fn: `mlebench.competitions.${t.id}.grade:grade`, answers: "private/mlebench/test.csv", builtin: "approximation" };
      // 10 teams: gold = the 1st score (0.9), median = 0.6.
      writeFileSync(join(bench.dir, "tasks", t.id, "leaderboard.csv"), csv(["teamName", "score"], [0.9, 0.85, 0.8, 0.7, 0.65, 0.55, 0.5, 0.45, 0.4, 0.3].map((s, i) => [`t${i}`, s])));
    }
    writeFileSync(path, JSON.stringify(spec, null, 2));
  }
  return bench.dir;
}

async function reportOf(dir: string): Promise<Report> {
  const r = await linguacodus(["report", dir, "--format", "json"]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(readFileSync(join(dir, "report", "report.json"), "utf8")) as Report;
}

describe("the report's paired comparison", () => {
  it("without any normalisation: win/tie/loss in each task's metric direction over every pair, and says the tests need normalised scores", async () => {
    const report = await reportOf(benchWithout("bench-none"));
    const c = report.comparisons.find((x) => x.a === "linguacodus" && x.b === "direct")!;
    // 2 tasks × 3 seeds; linguacodus better on RMSE (lower) and accuracy (higher) and against the failed run.
    expect(c.raw).toEqual({ n: 6, wins: 6, ties: 0, losses: 0 });
    expect(c.result.n).toBe(0);
    expect(c.normalisedBy).toMatch(/^none/);
    expect(c.result.conclusion).toMatch(/no normalised scores, so no tests: see W \/ T \/ L \(metric\)/);
    const paired = report.tables.find((t) => t.id === "paired")!;
    expect(paired.columns).toContain("W / T / L (metric)");
    expect(paired.rows[0]!.map((cell) => cell.text)).toContain("6 / 0 / 0");
    expect(report.notes.join("\n")).toMatch(/the paired comparison still shows win\/tie\/loss within each task in its metric's direction/);
  }, 120_000);

  it("an MLE-bench task without reference scores is normalised by its leaderboard (median 0, gold 1), and the table says so", async () => {
    const report = await reportOf(benchWithout("bench-leaderboard", ["cls-b"]));
    const c = report.comparisons.find((x) => x.a === "linguacodus" && x.b === "direct")!;
    expect(c.raw).toEqual({ n: 6, wins: 6, ties: 0, losses: 0 });
    // cls-b's two seeds where both runs are valid: 0.82 and 0.7 → (0.82 − 0.6)/0.3 and (0.7 − 0.6)/0.3.
    expect(c.result.n).toBe(2);
    expect(c.result.meanDifference).toBeCloseTo((0.82 - 0.7) / 0.3, 9);
    expect(c.normalisedBy).toBe("leaderboard (0 = median, 1 = gold)");
    const run = report.runs.find((r) => r.taskId === "cls-b" && r.mode === "linguacodus")!;
    expect(run.normalisedBy).toBe("leaderboard");
    expect(run.normalised).toBeCloseTo((0.82 - 0.6) / 0.3, 9);
  }, 120_000);
});

describe("built-in tasks prepared by run and bench get their reference scores", () => {
  const referenceOf = (home: string) => (JSON.parse(readFileSync(join(home, "tasks", "concrete-strength", "task.json"), "utf8")) as { reference_scores?: { constant: number; model: number; model_name: string } }).reference_scores;
  // A replay folder with no transcript: the run (or the bench's cell) fails at its first model call, after the task is ready.
  const noReplay = () => {
    const dir = join(root, "no-replay");
    mkdirSync(dir, { recursive: true });
    return `replay:${dir}`;
  };

  it("bench on a fresh machine records them as 'tasks prepare' does", async () => {
    const home = join(root, "home-bench");
    const r = await linguacodus(["bench", "concrete-strength", "--modes", "direct", "--models", noReplay(), "--repeats", "1", "--out", join(root, "bench-fresh")], { LINGUACODUS_HOME: home });
    expect(r.stderr).toMatch(/recording the reference scores of concrete-strength \(constant and standard-model baselines in the sandbox, as 'tasks prepare' does\)/);
    expect(referenceOf(home)).toMatchObject({ model_name: "HistGradientBoosting (scikit-learn)" });
    expect(referenceOf(home)!.model).toBeLessThan(referenceOf(home)!.constant);
  }, 600_000);

  it("run on a fresh machine records them too", async () => {
    const home = join(root, "home-run");
    const r = await linguacodus(["run", "concrete-strength", "--model", noReplay(), "--out", join(root, "run-fresh")], { LINGUACODUS_HOME: home });
    expect(r.stderr).toMatch(/recording the reference scores of concrete-strength/);
    expect(referenceOf(home)!.model).toBeLessThan(referenceOf(home)!.constant);
  }, 600_000);

  it("a bench over a task folder without them says up front what the report will and will not show", async () => {
    const dir = regressionTask("hand-made-bench");
    const r = await linguacodus(["bench", dir, "--modes", "direct", "--models", noReplay(), "--repeats", "1", "--out", join(root, "bench-hand-made")], { LINGUACODUS_HOME: join(root, "home-hand") });
    const lines = r.stderr.split("\n");
    const said = lines.findIndex((l) => /^no reference scores for hand-made-bench: the report shows win\/tie\/loss within each task in its metric's direction, but no normalised scores or sign\/Wilcoxon tests for them; record them with 'linguacodus tasks references .*hand-made-bench'$/.test(l));
    expect(said, r.stderr).toBeGreaterThanOrEqual(0);
    // Up front: before the first cell runs.
    expect(said).toBeLessThan(lines.findIndex((l) => l.startsWith("[1/1]")));
  }, 600_000);
});
