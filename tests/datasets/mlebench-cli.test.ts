// import-mlebench on a small competition folder laid out as MLE-bench prepares one, and the CLI's
// tasks/grade commands (run through tsx on the real entry point) with their exit codes.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { checkTaskFolder, grade, importMleBench, loadTask, metricForGrader, readCsv } from "../../datasets/index.js";
import { linguacodus } from "../support/cli.js";
import { csv, tempDir } from "./fixtures.js";

const cli = (args: string[]) => linguacodus(args, { NO_COLOR: "1" }, { sources: true, cwd: process.cwd() });

const N = 20;
const truth = Array.from({ length: N }, (_, i) => (i % 3 === 0 ? "True" : "False"));
let comp: string;

/** A competition folder in MLE-bench's layout (config.yaml, description.md, leaderboard.csv, prepared/…). */
async function writeCompetition(root: string): Promise<string> {
  const dir = join(root, "spaceship-mini");
  await mkdir(join(dir, "prepared", "public"), { recursive: true });
  await mkdir(join(dir, "prepared", "private"), { recursive: true });
  await writeFile(
    join(dir, "config.yaml"),
    [
      "id: spaceship-mini",
      "name: Spaceship Mini",
      "competition_type: simple",
      "awards_medals: true",
      "description: mlebench/competitions/spaceship-mini/description.md",
      "",
      "dataset:",
      "  answers: spaceship-mini/prepared/private/test.csv",
      "  sample_submission: spaceship-mini/prepared/public/sample_submission.csv",
      "",
      "grader:",
      "  name: accuracy",
      "  grade_fn: mlebench.competitions.spaceship-mini.grade:grade",
      "",
      "preparer: mlebench.competitions.spaceship-mini.prepare:prepare",
    ].join("\n"),
  );
  await writeFile(join(dir, "description.md"), "# Spaceship Mini\n\nPredict which passengers were transported.\n");
  await writeFile(join(dir, "leaderboard.csv"), csv(["scoreNullable", "teamId", "hasTeamName", "submissionDate", "score", "hasScore"], [0.9, 0.8, 0.7, 0.6, 0.5].map((s, i) => [s, i, "True", "2022-01-01", s, "True"])));
  const ids = Array.from({ length: N }, (_, i) => `${String(i).padStart(4, "0")}_01`);
  await writeFile(join(dir, "prepared", "public", "train.csv"), csv(["PassengerId", "Age", "Transported"], ids.map((id, i) => [`t${id}`, 20 + i, truth[i]!])));
  await writeFile(join(dir, "prepared", "public", "test.csv"), csv(["PassengerId", "Age"], ids.map((id, i) => [id, 30 + i])));
  await writeFile(join(dir, "prepared", "public", "sample_submission.csv"), csv(["PassengerId", "Transported"], ids.map((id) => [id, "False"])));
  await writeFile(join(dir, "prepared", "public", "description.md"), "# Spaceship Mini\n");
  await writeFile(join(dir, "prepared", "private", "test.csv"), csv(["PassengerId", "Transported", "Usage"], ids.map((id, i) => [id, truth[i]!, "Public"])));
  return dir;
}

beforeAll(async () => {
  comp = await writeCompetition(await tempDir("lc-mle-"));
});

describe("import-mlebench", () => {
  it("maps MLE-bench grader names onto metrics", () => {
    expect(metricForGrader("auc-roc")).toEqual({ metric: "roc_auc", params: {} });
    expect(metricForGrader("map@5")).toEqual({ metric: "map_at_k", params: { k: 5 } });
    expect(metricForGrader("quadratic-weighted-kappa")?.metric).toBe("qwk");
    expect(metricForGrader("multi-class-log-loss")?.metric).toBe("log_loss");
    expect(metricForGrader("rmse")?.metric).toBe("rmse");
    expect(metricForGrader("some-custom-jaccard")).toBeNull();
  });

  it("turns the prepared layout into a task folder that passes check and grades with medals", async () => {
    const out = await tempDir("lc-mle-out-");
    const result = await importMleBench(comp, { outDir: out });
    expect(result.problems).toEqual([]);
    expect(result.spec).toMatchObject({ id: "spaceship-mini", title: "Spaceship Mini", metric: { name: "accuracy" }, id_column: "PassengerId", target_columns: ["Transported"], lower_is_better: false });
    expect((await checkTaskFolder(result.dir)).ok).toBe(true);
    const answers = await readCsv(join(result.dir, "private", "answers.csv"));
    expect(answers.header).toEqual(["PassengerId", "Transported"]);
    const task = await loadTask(result.dir);
    expect(task.description).toMatch(/Predict which passengers were transported/);
    expect(task.leaderboardPath).toBeDefined();
    // 16 of 20 right = 0.8 ties the 2nd of five teams: bronze (gold and silver are the 1st place, bronze the 2nd)
    const preds = truth.map((t, i) => (i < 4 ? (t === "True" ? "False" : "True") : t));
    const sub = join(out, "sub.csv");
    await writeFile(sub, csv(["PassengerId", "Transported"], preds.map((p, i) => [`${String(i).padStart(4, "0")}_01`, p])));
    const graded = await grade(task, sub);
    expect(graded).toMatchObject({ valid: true, score: 0.8, medal: "bronze", percentile: 60 });
  });

  it("says what is missing when the folder is not a prepared competition", async () => {
    await expect(importMleBench(join(comp, "prepared"), { outDir: await tempDir() })).rejects.toThrow(/not an MLE-bench prepared competition: missing .*prepared\/public/);
    await expect(importMleBench(comp, { outDir: await tempDir(), grader: "jaccard-custom" })).rejects.toThrow(/grader 'jaccard-custom' has no built-in equivalent/);
  });
});

describe("CLI: tasks and grade", () => {
  let taskDir: string;
  beforeAll(async () => {
    const out = await tempDir("lc-cli-");
    const r = await cli(["tasks", "import-mlebench", comp, "--out", out, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    taskDir = (JSON.parse(r.stdout) as { dir: string }).dir;
  }, 120_000);

  it("grade --json: exit 0 and the result for a valid submission", async () => {
    const r = await cli(["grade", taskDir, join(taskDir, "public", "sample_submission.csv"), "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ valid: true, score: 0.65, metric: "accuracy", errors: [] });
  });

  it("grade --json: exit 1 and the reasons for an invalid submission", async () => {
    const bad = join(taskDir, "..", "bad.csv");
    await writeFile(bad, csv(["PassengerId", "Wrong"], [["0000_01", "True"]]));
    const r = await cli(["grade", taskDir, bad, "--json"]);
    expect(r.code).toBe(1);
    const result = JSON.parse(r.stdout) as { valid: boolean; errors: string[] };
    expect(result.valid).toBe(false);
    expect(result.errors.join(" ")).toMatch(/missing target column\(s\) 'Transported'/);
  });

  it("grade: exit 2 with a one-line reason for an unknown task", async () => {
    const r = await cli(["grade", "no-such-task", "x.csv", "--dir", taskDir]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/neither a task folder nor a built-in task/);
  });

  it("tasks check: exit 1 and every problem for a broken folder, exit 0 for a good one", async () => {
    expect((await cli(["tasks", "check", taskDir])).code).toBe(0);
    const broken = await tempDir("lc-broken-");
    await writeFile(join(broken, "task.json"), "{");
    const r = await cli(["tasks", "check", broken, "--json"]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { problems: { file: string }[] };
    expect(report.problems.map((p) => p.file)).toEqual(expect.arrayContaining(["task.json", "description.md", "public", "private/answers.csv"]));
  });

  it("tasks list --json lists at least 12 built-in tasks with their metrics", async () => {
    const r = await cli(["tasks", "list", "--json", "--dir", taskDir]);
    expect(r.code).toBe(0);
    const { tasks } = JSON.parse(r.stdout) as { tasks: { id: string; metric: string; lite: boolean }[] };
    expect(tasks.length).toBeGreaterThanOrEqual(12);
    expect(tasks.find((t) => t.id === "flights-delay")?.metric).toBe("roc_auc");
    expect(tasks.filter((t) => t.lite).length).toBeGreaterThanOrEqual(2);
  });
});
