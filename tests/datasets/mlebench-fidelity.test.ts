// MLE-bench fidelity: competitions in MLE-bench's layouts import with the right columns, graders and
// warnings; an imported competition is graded by its own grade.py (from a checkout, in the sandbox image)
// with MLE-bench's rounding before medals; without a checkout the built-in metric is marked as an
// approximation; MLE-bench's splits and aggregate (mean ± SEM over seeds) come out as MLE-bench computes them.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { aggregateSeeds, type MleBenchCompetitionReport } from "../../benchmarks/mlebench.js";
import { resolveTasks } from "../../benchmarks/index.js";
import { gradeTask, importMleBench, loadTask, MLEBENCH_GRADER_NAMES, roundLikePython } from "../../datasets/index.js";
import { openMleBenchGradingSandbox } from "../../execution/wiring.js";
import { dockerClient } from "../../sandbox/index.js";
import { buildCli, linguacodus } from "../support/cli.js";
import { referenceAvailable, runPythonReference } from "../support/python-reference.js";
import { csv, tempDir } from "./fixtures.js";
import { COMPETITIONS, writeMleBenchWorld, type MleBenchWorld } from "./mlebench-fixture.js";

let world: MleBenchWorld;
let reference: Awaited<ReturnType<typeof referenceAvailable>>;

beforeAll(async () => {
  world = await writeMleBenchWorld(await tempDir("lc-mleworld-"));
  reference = await referenceAvailable();
  await buildCli();
}, 300_000);

const taxiSubmission = async (dir: string, value: number | string) => {
  const path = join(dir, `taxi-${value}.csv`);
  const ids = (await readFile(join(world.dataDir, "toy-taxi", "prepared", "public", "test.csv"), "utf8")).trim().split("\n").slice(1).map((l) => l.split(",")[0]!);
  await writeFile(path, csv(["key", "fare_amount"], ids.map((k) => [k, value])));
  return path;
};

describe("MLE-bench rounding", () => {
  it("rounds as Python's round(x, 5) does, ties to even included", async () => {
    if (!reference.ok) throw new Error(reference.reason);
    const xs = [0.015625, -0.015625, 0.046875, 2.881913, 0.123455, 1 / 3, 0.999995, 1e-7, 2.5e-6, 7.5e-6, 12345.678905];
    for (let i = 0; i < 300; i++) xs.push(((i * 7919) % 1000) / 64 + (i % 2 ? 1e-9 * i : 0), Math.sin(i) * 10 ** ((i % 7) - 3));
    const python = await runPythonReference<number[]>("import json,sys\nprint(json.dumps([round(x, 5) for x in json.load(sys.stdin)]))", xs);
    expect(xs.map((x) => roundLikePython(x))).toEqual(python);
  });
});

describe("tasks import-mlebench", () => {
  it("knows every grader name of MLE-bench's registry (45), mapped or with the reason it has no equivalent", () => {
    expect(MLEBENCH_GRADER_NAMES.length).toBeGreaterThanOrEqual(45);
    for (const name of ["pearson-correlation-coefficient", "macro-f1-score", "micro-f1-score", "column-wise ROC AUC", "mean-column-wise-rmsle", "MAP@12"]) {
      expect(MLEBENCH_GRADER_NAMES).toContain(name);
    }
  });

  it("data-directory layout + checkout: columns from the sample submission, training data under other names, sample in private/", async () => {
    const out = await tempDir("lc-mleimp-");
    const insults = await importMleBench(join(world.dataDir, "toy-insults"), { outDir: out, checkout: world.checkout });
    expect(insults.problems).toEqual([]);
    // Insult is the sample's first column but the target; Date has blanks and repeats; Comment is the id.
    expect(insults.spec).toMatchObject({ id: "toy-insults", id_column: "Comment", target_columns: ["Insult"], metric: { name: "roc_auc" }, lower_is_better: false });
    expect(insults.notes.join("\n")).toMatch(/id column 'Comment' guessed .*--id-column/);
    expect(insults.notes.join("\n")).toMatch(/--target-columns/);
    const taxi = await importMleBench(join(world.dataDir, "toy-taxi"), { outDir: out, checkout: world.checkout });
    expect(taxi.problems).toEqual([]);
    expect(taxi.spec).toMatchObject({ id_column: "key", target_columns: ["fare_amount"], metric: { name: "rmse" }, lower_is_better: true, mlebench: { grader: "root-mean-squared-error", builtin: "approximation" } });
  });

  it("without config.yaml or checkout: needs --grader, and says the leaderboard is lost", async () => {
    const out = await tempDir("lc-mleimp-");
    await expect(importMleBench(join(world.dataDir, "toy-taxi"), { outDir: out })).rejects.toThrow(/no grader name for toy-taxi.*pass --mlebench <checkout> or --grader/);
    const r = await importMleBench(join(world.dataDir, "toy-taxi"), { outDir: out, grader: "root-mean-squared-error" });
    expect(r.notes.join("\n")).toMatch(/no leaderboard\.csv for toy-taxi.*no medals or percentiles.*--mlebench/);
  });

  it("a grader with no built-in equivalent needs a checkout, and is then graded by the competition's grade.py only", async () => {
    const out = await tempDir("lc-mleimp-");
    await expect(importMleBench(join(world.dataDir, "toy-jaccard"), { outDir: out, grader: "jaccard-similarity" })).rejects.toThrow(
      /grader 'jaccard-similarity' has no built-in equivalent \(Jaccard similarity has no built-in metric\); pass --mlebench/,
    );
    const r = await importMleBench(join(world.dataDir, "toy-jaccard"), { outDir: out, checkout: world.checkout });
    expect(r.problems).toEqual([]);
    expect(r.spec.metric.name).toBe("external");
    const task = await loadTask(r.dir);
    const sub = join(out, "jaccard.csv");
    await writeFile(sub, csv(["id", "words"], [["x", "red"], ["y", "blue sky"]]));
    // Without a checkout at grading time there is nothing to grade with: a clear error, not a made-up score.
    await expect(gradeTask({ ...task, spec: { ...task.spec, mlebench: { ...task.spec.mlebench!, checkout: undefined } } }, sub, {})).rejects.toThrow(/only by its competition's grade\.py/);
  });

  it("--all imports every prepared competition; --json errors are JSON", async () => {
    const out = await tempDir("lc-mleall-");
    const all = await linguacodus(["tasks", "import-mlebench", "--all", world.dataDir, "--mlebench", world.checkout, "--out", out, "--json"]);
    expect(all.code, all.stderr + all.stdout).toBe(0);
    const parsed = JSON.parse(all.stdout) as { imported: { spec: { id: string } }[]; failed: unknown[] };
    expect(parsed.imported.map((r) => r.spec.id).sort()).toEqual(COMPETITIONS.map((c) => c.id).sort());
    expect(parsed.failed).toEqual([]);
    const bad = await linguacodus(["tasks", "import-mlebench", join(world.dataDir, "nope"), "--out", out, "--json"]);
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stdout)).toMatchObject({ error: expect.stringMatching(/not an MLE-bench prepared competition/) });
    // bench mlebench-lite: the split file of the checkout names the imported task folders.
    const refs = await resolveTasks(["mlebench-lite"], { tasksDir: out, mlebenchCheckout: world.checkout });
    expect(refs.map((r) => r.id)).toEqual(["toy-taxi", "toy-insults"]);
    await expect(resolveTasks(["mlebench-lite"], { tasksDir: await tempDir(), mlebenchCheckout: world.checkout })).rejects.toThrow(/2 of the 2 competitions of MLE-bench's 'lite' split are not imported/);
  }, 120_000);
});

describe("grading as MLE-bench grades", () => {
  let taskDir: string;
  let out: string;
  beforeAll(async () => {
    out = await tempDir("lc-mlegrade-");
    taskDir = (await importMleBench(join(world.dataDir, "toy-taxi"), { outDir: out, checkout: world.checkout })).dir;
    // The grading image (sandbox image + MLE-bench's libraries, pip-installed on the host) is built once.
    await (await openMleBenchGradingSandbox(dockerClient())).close();
  }, 900_000);

  it("with a checkout: the competition's grade.py in the sandbox, score rounded to 5 decimals before the medal (2.881913 → silver)", async () => {
    const sub = await taxiSubmission(out, 2.881913);
    const r = await linguacodus(["grade", taskDir, sub, "--json", "--mlebench", world.checkout]);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ valid: true, score: 2.88191, medal: "silver", grader: "mlebench" });
  }, 180_000);

  it("with a checkout: the grader's InvalidSubmissionError is an invalid result with its message", async () => {
    const sub = join(out, "bad-columns.csv");
    await writeFile(sub, "key,fare\n1,2\n");
    const r = await linguacodus(["grade", taskDir, sub, "--json", "--mlebench", world.checkout]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ valid: false, errors: [expect.stringMatching(/InvalidSubmissionError: Submission must have columns key, fare_amount/)] });
  }, 180_000);

  it("without a checkout: the built-in metric, rounded the same way and marked as an approximation", async () => {
    const sub = await taxiSubmission(out, 2.881913);
    const task = await loadTask(taskDir);
    const alone = { ...task, spec: { ...task.spec, mlebench: { ...task.spec.mlebench!, checkout: undefined } } };
    const previous = process.env.MLEBENCH_DIR;
    delete process.env.MLEBENCH_DIR;
    try {
      const result = await gradeTask(alone, sub);
      expect(result).toMatchObject({ valid: true, score: 2.88191, medal: "silver", grader: "builtin-approximation" });
      expect(result.grader_notes?.[0]).toMatch(/approximation of MLE-bench's 'root-mean-squared-error' grader/);
    } finally {
      if (previous !== undefined) process.env.MLEBENCH_DIR = previous;
    }
  });

  it("the competition's grade.py decides validity where the built-in grader would not (probabilities outside [0, 1])", async () => {
    const insults = (await importMleBench(join(world.dataDir, "toy-insults"), { outDir: out, checkout: world.checkout })).dir;
    const sub = join(out, "insults.csv");
    await writeFile(sub, csv(["Insult", "Date", "Comment"], Array.from({ length: 6 }, (_, i) => [i === 0 ? 1.5 : i % 2, "", `"comment ${i}"`])));
    const r = await linguacodus(["grade", insults, sub, "--json", "--mlebench", world.checkout]);
    expect(JSON.parse(r.stdout)).toMatchObject({ valid: false, errors: [expect.stringMatching(/probabilities must lie in \[0, 1\]/)] });
  }, 180_000);
});

describe("MLE-bench's aggregate over seeds", () => {
  it("mean, SEM (ddof=1) and 1.96·SEM bounds per metric over complete seeds, as aggregate_grading_reports", async () => {
    if (!reference.ok) throw new Error(reference.reason);
    const report = (competition_id: string, seed: number, medal: "gold" | "bronze" | "none", valid = true): MleBenchCompetitionReport => ({
      competition_id,
      score: valid ? 1 : null,
      gold_threshold: 1,
      silver_threshold: 1,
      bronze_threshold: 1,
      median_threshold: 1,
      any_medal: medal !== "none",
      gold_medal: medal === "gold",
      silver_medal: false,
      bronze_medal: medal === "bronze",
      above_median: medal !== "none",
      submission_exists: true,
      valid_submission: valid,
      is_lower_better: false,
      created_at: "2026-01-01T00:00:00.000Z",
      submission_path: "x",
      run_id: `${competition_id}-${seed}`,
      mode: "linguacodus",
      model: "m",
      seed,
    });
    // 3 seeds over 2 competitions (a third run of "b" has no partner in "a": seed 3 is incomplete, dropped).
    const reports = [report("a", 1, "gold"), report("a", 2, "none"), report("b", 1, "bronze"), report("b", 2, "none", false), report("b", 3, "gold")];
    const agg = aggregateSeeds(reports, ["a", "b"]);
    expect(agg.num_seeds_averaged).toBe(2);
    const perSeedAnyMedal = [100, 0];
    const perSeedValid = [100, 50];
    const ref = await runPythonReference<{ mean: number; sem: number }[]>(
      "import json,sys\nimport numpy as np\nfrom scipy import stats\nprint(json.dumps([{'mean': float(np.mean(v)), 'sem': float(stats.sem(v, ddof=1))} for v in json.load(sys.stdin)]))",
      [perSeedAnyMedal, perSeedValid],
    );
    expect(agg.metrics!.any_medal_percentage.mean).toBeCloseTo(ref[0]!.mean, 12);
    expect(agg.metrics!.any_medal_percentage.standard_error).toBeCloseTo(ref[0]!.sem, 12);
    expect(agg.metrics!.any_medal_percentage.ci_upper).toBeCloseTo(ref[0]!.mean + 1.96 * ref[0]!.sem, 12);
    expect(agg.metrics!.valid_submissions_percentage.mean).toBeCloseTo(ref[1]!.mean, 12);
    expect(agg.metrics!.valid_submissions_percentage.standard_error).toBeCloseTo(ref[1]!.sem, 12);
    expect(aggregateSeeds(reports.filter((r) => r.competition_id === "a"), ["a", "b"]).missing_competitions).toEqual(["b"]);
    // --pad-missing: as many seeds as the best-covered competition has runs (b: 3); a lacks seed 3 and c every
    // seed, each counted as no submission. Any medal per seed: 2/3, 0/3, 1/3.
    const padded = aggregateSeeds(reports, ["a", "b", "c"], { padMissing: true });
    expect([padded.num_seeds_averaged, padded.num_competitions_per_seed, padded.missing_competitions]).toEqual([3, 3, ["c"]]);
    expect(padded.metrics!.any_medal_percentage.mean).toBeCloseTo(100 / 3, 12);
    expect(padded.metrics!.any_medal_percentage.standard_error).toBeCloseTo(Math.sqrt(((200 / 3 - 100 / 3) ** 2 + (100 / 3) ** 2 + 0) / 2 / 3), 12);
    expect(padded.metrics!.submission_exists_percentage.mean).toBeCloseTo((200 / 3 + 200 / 3 + 100 / 3) / 3, 12);
  });
});

