// `report --mlebench-submission` through the built CLI over a bench of MLE-bench-shaped task folders (real
// competition ids: two of the Low split, one of Medium, one in no split; none of High) × 2 seeds: one run group per
// seed with its grading report, the run_group_experiments.csv rows, the Low / Medium / High / All aggregates as
// aggregate_grading_reports computes them (missing competitions padded as failing, as its --pad-missing does), the
// README rows, the seeds < 3 notice, the no-test-signal statement — and the refusal when a config chose by test score.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Fingerprint } from "../../execution/index.js";
import type { MleBenchSubmission } from "../../benchmarks/index.js";
import type { RunKey } from "../../benchmarks/matrix.js";
import { writeGeneratedBench, type GeneratedOutcome, type GeneratedTask } from "../support/bench-records.js";
import { buildCli, linguacodus } from "../support/cli.js";
import { csv, tempDir } from "../datasets/fixtures.js";

const task = (id: string): GeneratedTask => ({ id, dataType: "text", metric: "accuracy", reference: { constant: 0.5, model: 0.9 } });
const SPOOKY = "spooky-author-identification"; // low, split75
const PIZZA = "random-acts-of-pizza"; // low, split75
const AI4CODE = "AI4Code"; // medium, split75: its task id is lower-case, the competition id is not
const OUTSIDE = "toy-outside"; // in no split
const taskIdOf = (competition: string) => competition.toLowerCase();
const competitionOf = (taskId: string) => [SPOOKY, PIZZA, AI4CODE, OUTSIDE].find((c) => taskIdOf(c) === taskId)!;
const tasks = [SPOOKY, PIZZA, AI4CODE, OUTSIDE].map(taskIdOf).map(task);

const FINGERPRINT: Fingerprint = {
  cpu: { model: "Test CPU", count: 8 },
  memoryBytes: 32 * 1024 ** 3,
  gpus: [],
  platform: "linux",
  node: "v20",
  linguacodus: "0.1.0",
  sandbox: { limits: { cpus: 2, memoryBytes: 4 * 1024 ** 3 } },
  models: {},
};

/** Medal per competition and seed (undefined: the run ends without a valid submission). */
const MEDALS: Record<string, [string | undefined, string | undefined]> = {
  [SPOOKY]: ["gold", "silver"],
  [PIZZA]: [undefined, "bronze"],
  [AI4CODE]: ["silver", "none"],
  [OUTSIDE]: ["gold", "gold"],
};
const outcomeOf = (key: RunKey): GeneratedOutcome => {
  const medal = MEDALS[competitionOf(key.task.id)]![key.seed - 1];
  return { attempts: [medal === undefined ? { errorClass: "KeyError" } : { score: 0.8, validation: 0.79 }], ...(medal ? { medal } : {}), fingerprint: FINGERPRINT };
};

let root: string;
beforeAll(async () => {
  root = await tempDir("lc-mlesub-");
  await buildCli();
}, 300_000);

/** A generated bench (records through RunRecordWriter) whose task folders are imported-MLE-bench-shaped. */
function mlebenchBench(name: string, modes: ("linguacodus" | "direct")[] = ["linguacodus"]): string {
  const bench = writeGeneratedBench(join(root, name), { tasks, modes, repeats: 2, outcomeOf });
  for (const t of tasks) {
    const dir = join(bench.dir, "tasks", t.id);
    const spec = JSON.parse(readFileSync(join(dir, "task.json"), "utf8")) as Record<string, unknown>;
    spec.mlebench = { competition_id: competitionOf(t.id), grader: "accuracy", grade_fn: `mlebench.competitions.${t.id}.grade:grade`, answers: "private/mlebench/test.csv", builtin: "approximation" };
    writeFileSync(join(dir, "task.json"), JSON.stringify(spec, null, 2));
    writeFileSync(join(dir, "leaderboard.csv"), csv(["teamName", "score"], [0.9, 0.85, 0.8, 0.7, 0.6].map((s, i) => [`t${i}`, s])));
  }
  return bench.dir;
}

const read = <T>(path: string) => JSON.parse(readFileSync(path, "utf8")) as T;
type GradingReport = MleBenchSubmission["run_groups"][number]["grading_report"];

describe("report --mlebench-submission", () => {
  let bench: string;
  let out: string;
  let submission: MleBenchSubmission;
  let stderr: string;

  beforeAll(async () => {
    bench = mlebenchBench("bench");
    out = join(root, "submission");
    const r = await linguacodus(["report", bench, "--mlebench-submission", out, "--mlebench-experiment", "lc-test"]);
    expect(r.code, r.stderr).toBe(0);
    stderr = r.stderr;
    submission = read<MleBenchSubmission>(join(out, "submission.json"));
  }, 120_000);

  it("writes one run group per seed whose grading_report.json holds that seed's runs, in mlebench grade's format", () => {
    expect(submission.run_groups.map((g) => [g.name, g.seed])).toEqual([["lc-test_group1", 1], ["lc-test_group2", 2]]);
    const reports = [1, 2].map((k) => read<GradingReport>(join(out, "runs", `lc-test_group${k}`, "grading_report.json")));
    // Seed 1: spooky gold, pizza failed, AI4Code silver, outside gold. Seed 2: silver, bronze, valid without a medal, gold.
    expect(reports[0]).toMatchObject({ total_runs: 4, total_valid_submissions: 3, total_medals: 3, total_gold_medals: 2, total_silver_medals: 1, total_bronze_medals: 0 });
    expect(reports[1]).toMatchObject({ total_runs: 4, total_valid_submissions: 4, total_medals: 3, total_gold_medals: 1, total_silver_medals: 1, total_bronze_medals: 1 });
    for (const [k, report] of reports.entries()) {
      expect(report.competition_reports.map((c) => c.competition_id)).toEqual([AI4CODE, PIZZA, SPOOKY, OUTSIDE].sort((a, b) => a.localeCompare(b)));
      for (const c of report.competition_reports) {
        expect(c.seed).toBe(k + 1);
        const medal = MEDALS[c.competition_id]![k];
        expect(c.valid_submission).toBe(medal !== undefined);
        expect(c.gold_medal).toBe(medal === "gold");
        expect(c.any_medal).toBe(["gold", "silver", "bronze"].includes(medal ?? ""));
        // Each report names a run of the bench of that competition and seed.
        expect(existsSync(join(bench, "runs", c.run_id, "run.json"))).toBe(true);
      }
    }
  });

  it("writes the run_group_experiments.csv rows: experiment id, run group", () => {
    expect(readFileSync(join(out, "runs", "run_group_experiments.csv"), "utf8")).toBe("experiment_id,run_group\nlc-test,lc-test_group1\nlc-test,lc-test_group2\n");
  });

  it("aggregates any-medal per split over the split's whole list: missing competitions padded as failing, a split with none said so", () => {
    const byColumn = Object.fromEntries(submission.splits.map((s) => [s.column, s]));
    const low = byColumn.Low!;
    expect([low.competitions, low.covered.sort(), low.missing.length, low.padded]).toEqual([22, [PIZZA, SPOOKY], 20, true]);
    expect(low.strict_refusal).toMatch(/^Missing reports for competitions: aerial-cactus-identification, /);
    // Low: seed 1 one medal of 22, seed 2 two of 22 → mean 6.818…, SEM |a − b| / 2.
    const lowMedal = low.aggregate.metrics!.any_medal_percentage;
    expect(lowMedal.mean).toBeCloseTo((100 / 22 + 200 / 22) / 2, 10);
    expect(lowMedal.standard_error).toBeCloseTo(100 / 22 / 2, 10);
    expect(low.aggregate.num_competitions_per_seed).toBe(22);
    expect(low.aggregate.num_seeds_averaged).toBe(2);
    const medium = byColumn.Medium!.aggregate.metrics!.any_medal_percentage;
    expect([medium.mean, medium.standard_error].map((x) => x.toFixed(6))).toEqual([(100 / 38 / 2).toFixed(6), (100 / 38 / 2).toFixed(6)]);
    expect(byColumn.High!.covered).toEqual([]);
    expect(byColumn.High!.aggregate.metrics).toBeNull();
    // All = split75: the competition outside every split counts in none.
    const all = byColumn.All!;
    expect(all.competitions).toBe(75);
    expect(all.aggregate.metrics!.any_medal_percentage.mean).toBeCloseTo(200 / 75, 10);
    expect(all.aggregate.metrics!.valid_submissions_percentage.mean).toBeCloseTo((200 / 75 + 300 / 75) / 2, 10);
    expect(submission.outside_splits).toEqual([OUTSIDE]);
  });

  it("says plainly: fewer than 3 seeds, missing competitions per split, a split with none, a competition in no split", () => {
    const md = readFileSync(join(out, "SUBMISSION.md"), "utf8");
    for (const text of [stderr, md]) {
      expect(text).toMatch(/2 seed\(s\): MLE-bench asks for at least 3 seeds/);
      expect(text).toMatch(/Low \(low\.txt\): 2 of 22 competitions run; the 20 missing count as failing in every seed/);
      expect(text).toMatch(/High \(high\.txt\): none of its 15 competitions was run, so no score/);
      expect(text).toMatch(/1 competition\(s\) in none of MLE-bench's splits, counted in no column: toy-outside/);
    }
    expect(stderr).toMatch(/the 20 missing count as failing .*: aerial-cactus-identification, .*, … \(submission\.json lists all 20\)/);
    expect(md).toContain("--experiment-id lc-test --split low --pad-missing");
    expect(md).toContain("# --split high: no competition of it was run, so the script has no report to aggregate");
  });

  it("writes the leaderboard row (LLMs, splits, hours, date) and runs/README.md's row with the machine from the fingerprints", () => {
    const cells = submission.leaderboard_row.split("|").slice(1, -1).map((c) => c.trim());
    expect(cells).toHaveLength(11);
    expect(cells[0]).toBe("linguacodus (linguacodus)<br>2 seed(s), MLE-bench asks for 3");
    expect(cells[1]).toBe(submission.llms);
    expect(submission.llms).toMatch(/generated/);
    expect(cells[2]).toBe(`${((100 / 22 + 200 / 22) / 2).toFixed(2)} ± ${(100 / 22 / 2).toFixed(2)}[^3]`);
    expect(cells[4]).toBe("n/a (0 of 15 run)");
    expect(cells[5]).toBe(`${(200 / 75).toFixed(2)} ± 0.00[^3]`);
    const wallMs = Math.max(...submission.run_groups.flatMap((g) => g.grading_report.competition_reports.map((c) => read<{ timings: { wallMs: number } }>(join(bench, "runs", c.run_id, "run.json")).timings.wallMs)));
    expect(cells[6]).toBe((wallMs / 3_600_000).toFixed(2));
    expect(cells[7]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(cells.slice(8)).toEqual(["-", "✓", "✓"]);
    expect(submission.hardware).toEqual(["8 vCPUs (Test CPU), 32 GB of RAM, no GPU; sandbox 2 CPUs, 4 GB RAM"]);
    expect(submission.runs_readme_row).toMatch(/^\| lc-test \| linguacodus linguacodus, .*8 vCPUs \(Test CPU\), 32 GB of RAM, no GPU; sandbox 2 CPUs, 4 GB RAM, 2 seed\(s\) \|$/);
  });

  it("states, from the runs' configs, how each choice was made and that none read a test score", () => {
    const md = readFileSync(join(out, "SUBMISSION.md"), "utf8");
    expect(submission.selection.clean).toBe(true);
    expect(submission.selection.lines).toEqual([expect.stringMatching(/^8 run\(s\): select critic \(structured\) — the critic reads the candidate instructions' texts .*; fixAttempts 3 — .*no score is read$/)]);
    expect(md).toMatch(/## Selection used no test-set signal[\s\S]*- 8 run\(s\): select critic/);
  });
});

describe("report --mlebench-submission refuses", () => {
  it("a record that chose its submission by the hidden test score (--chains 2 kept by agreeing test scores, as records before the validation choice did), writing nothing; the same config chosen by validation passes", async () => {
    const bench = mlebenchBench("bench-chains");
    const [victim] = JSON.parse(readFileSync(join(bench, "bench.json"), "utf8")).runs as { id: string }[];
    const runJson = join(bench, "runs", victim!.id, "run.json");
    const run = read<{ config: Record<string, unknown> }>(runJson);
    writeFileSync(runJson, JSON.stringify({ ...run, config: { ...run.config, chains: 2 } }, null, 2));
    const out = join(root, "refused");
    const r = await linguacodus(["report", bench, "--mlebench-submission", out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no MLE-bench submission: a run config chose its submission by the hidden test set — chains 2 × iterations 1 in 1 run\(s\) \(.+\): the chain kept is the first of the largest group whose graded test scores agree/);
    expect(existsSync(out)).toBe(false);
    // a record of today's chains: the kept chain agreed on the printed validation score
    writeFileSync(runJson, JSON.stringify({ ...run, config: { ...run.config, chains: 2 }, agreement: { chains: 2, valid: 2, largestAgreeingGroup: 2, bestChain: "c0-i0", chosenBy: "validation" } }, null, 2));
    const ok = await linguacodus(["report", bench, "--mlebench-submission", out]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(read<MleBenchSubmission>(join(out, "submission.json")).selection.lines.join("\n")).toMatch(/chains 2 × iterations 1 — the chain kept is the first of the largest group agreeing on the printed validation score/);
  }, 120_000);

  it("a bench with no imported MLE-bench competition, saying how to get one", async () => {
    const bench = writeGeneratedBench(join(root, "bench-plain"), { tasks: [task("plain")], modes: ["linguacodus"], repeats: 1 }).dir;
    const r = await linguacodus(["report", bench, "--mlebench-submission", join(root, "plain")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/has no runs of imported MLE-bench competitions \(task\.json without an mlebench block\): import them with 'tasks import-mlebench' and bench those/);
    expect(existsSync(join(root, "plain"))).toBe(false);
  }, 60_000);

  it("a bench of several configurations without --mlebench-entry, and takes the one it names", async () => {
    const bench = mlebenchBench("bench-two", ["linguacodus", "direct"]);
    const r = await linguacodus(["report", bench, "--mlebench-submission", join(root, "two")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/a leaderboard entry is one configuration, and the bench's MLE-bench runs have 2 \(linguacodus:.+, direct:.+\): choose one with --mlebench-entry MODE:MODEL/);
    const model = (JSON.parse(readFileSync(join(bench, "bench.json"), "utf8")) as { models: { label: string }[] }).models[0]!.label;
    const ok = await linguacodus(["report", bench, "--mlebench-submission", join(root, "two"), "--mlebench-entry", `direct:${model}`]);
    expect(ok.code, ok.stderr).toBe(0);
    const s = read<MleBenchSubmission>(join(root, "two", "submission.json"));
    expect([s.mode, s.experiment_id, s.run_groups.length]).toEqual(["direct", expect.stringMatching(/^linguacodus-direct-/), 2]);
    expect(s.selection.lines[0]).toMatch(/mode direct — one coder writes the script from the task text/);
  }, 120_000);
});
