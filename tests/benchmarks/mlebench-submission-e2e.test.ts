// `report --mlebench-submission` over a real bench: two competitions of MLE-bench's Low split laid out as MLE-bench
// prepares them, imported with `tasks import-mlebench`, run by `bench` (direct mode × 2 seeds, a local
// OpenAI-protocol server as the model, the real Docker sandbox and grader), then reported. The files a leaderboard
// PR needs must hold what the run records hold: one grading_report.json per seed, the run_group_experiments rows,
// the split aggregates, the README rows with this machine's fingerprint, and the selection statement.
import { cpus } from "node:os";
import { mkdir, writeFile } from "node:fs/promises";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MleBenchSubmission } from "../../benchmarks/index.js";
import { readRunRecord, summarizeRun } from "../../execution/index.js";
import { buildCli, linguacodus } from "../support/cli.js";
import { fence } from "../support/fence.js";
import { startOpenAiServer, type OpenAiTestServer } from "../support/openai-server.js";
import { csv } from "../datasets/fixtures.js";
import { tempDir } from "../pipeline/support.js";

const PIZZA = "random-acts-of-pizza"; // Low
const INSULTS = "detecting-insults-in-social-commentary"; // Low
const N = 30;
const truth = (i: number) => (i % 3 === 0 ? 1 : 0);

/** One competition in MLE-bench's prepared layout; the sample submission (all 0) scores 2/3 accuracy. */
async function writeCompetition(root: string, id: string, leaderboard: number[]): Promise<string> {
  const dir = join(root, id);
  await mkdir(join(dir, "prepared", "public"), { recursive: true });
  await mkdir(join(dir, "prepared", "private"), { recursive: true });
  const config = [`id: ${id}`, `name: ${id}`, "competition_type: simple", "awards_medals: true", `description: mlebench/competitions/${id}/description.md`, "", "dataset:"];
  config.push(`  answers: ${id}/prepared/private/test.csv`, `  sample_submission: ${id}/prepared/public/sample_submission.csv`, "", "grader:", "  name: accuracy");
  config.push(`  grade_fn: mlebench.competitions.${id}.grade:grade`, "", `preparer: mlebench.competitions.${id}.prepare:prepare`);
  await writeFile(join(dir, "config.yaml"), config.join("\n"));
  await writeFile(join(dir, "description.md"), `# ${id}\n\nPredict the label of each row.\n`);
  await writeFile(join(dir, "leaderboard.csv"), csv(["scoreNullable", "teamId", "hasTeamName", "submissionDate", "score", "hasScore"], leaderboard.map((s, i) => [s, i, "True", "2022-01-01", s, "True"])));
  const ids = Array.from({ length: N }, (_, i) => `r${1000 + i}`);
  await writeFile(join(dir, "prepared", "public", "train.csv"), csv(["Id", "x", "label"], ids.map((id, i) => [`t${id}`, i, truth(i)])));
  await writeFile(join(dir, "prepared", "public", "test.csv"), csv(["Id", "x"], ids.map((id, i) => [id, i])));
  await writeFile(join(dir, "prepared", "public", "sample_submission.csv"), csv(["Id", "label"], ids.map((id) => [id, 0])));
  await writeFile(join(dir, "prepared", "public", "description.md"), `# ${id}\n`);
  await writeFile(join(dir, "prepared", "private", "test.csv"), csv(["Id", "label"], ids.map((id, i) => [id, truth(i)])));
  return dir;
}

/** The model's one answer: the sample submission as the prediction, with a printed validation score. */
const SCRIPT = `import shutil

print("VALIDATION_SCORE=0.6667")
shutil.copy("/data/sample_submission.csv", "submission.csv")
`;

const read = <T>(path: string) => JSON.parse(readFileSync(path, "utf8")) as T;
type GradingReport = MleBenchSubmission["run_groups"][number]["grading_report"];

let server: OpenAiTestServer;
let bench: string;
let out: string;
let submission: MleBenchSubmission;
let stderr: string;

beforeAll(async () => {
  await buildCli();
  server = await startOpenAiServer(() => ({ text: `The script:\n\n${fence(SCRIPT)}`, usage: { prompt: 900, completion: 120 } }));
  const root = tempDir("lc-mlesub-e2e-");
  const home = { LINGUACODUS_HOME: join(root, "home") };
  // 2/3 accuracy: above every score of pizza's leaderboard (a medal), below every one of the insults leaderboard.
  const board = (top: number) => Array.from({ length: 20 }, (_, i) => top - i / 100);
  const comps = [await writeCompetition(root, PIZZA, board(0.6)), await writeCompetition(root, INSULTS, board(0.95))];
  const tasks = join(root, "tasks");
  for (const comp of comps) {
    const imported = await linguacodus(["tasks", "import-mlebench", comp, "--out", tasks], home);
    expect(imported.code, imported.stderr).toBe(0);
  }
  bench = join(root, "bench");
  const model = `openai:scripted@${server.baseURL}`;
  const ran = await linguacodus(["bench", join(tasks, PIZZA), join(tasks, INSULTS), "--models", model, "--modes", "direct", "--repeats", "2", "--seed", "1", "--no-report", "--out", bench], home);
  expect(ran.code, ran.stderr).toBe(0);
  out = join(root, "submission");
  const r = await linguacodus(["report", bench, "--mlebench-submission", out, "--mlebench-experiment", "lc-e2e"], home);
  expect(r.code, r.stderr).toBe(0);
  stderr = r.stderr;
  submission = read<MleBenchSubmission>(join(out, "submission.json"));
}, 900_000);

afterAll(async () => {
  await server?.close();
});

describe("report --mlebench-submission over a bench that ran (imported MLE-bench competitions, real sandbox)", () => {
  it("writes one grading_report.json per seed holding that seed's runs as the run records grade them", () => {
    expect(submission.run_groups.map((g) => [g.name, g.seed])).toEqual([["lc-e2e_group1", 1], ["lc-e2e_group2", 2]]);
    const runs = readdirSync(join(bench, "runs")).map((d) => join(bench, "runs", d));
    expect(runs).toHaveLength(4);
    for (const [k, group] of submission.run_groups.entries()) {
      const report = read<GradingReport>(join(out, "runs", group.name, "grading_report.json"));
      expect(report.competition_reports.map((c) => c.competition_id)).toEqual([INSULTS, PIZZA]);
      for (const c of report.competition_reports) {
        const dir = join(bench, "runs", c.run_id);
        const summary = summarizeRun(dir);
        expect(readRunRecord(dir).run.seed).toBe(k + 1);
        expect(summary.score).toBeCloseTo(2 / 3, 4); // graded scores are rounded as MLE-bench rounds them
        expect(c).toMatchObject({ seed: k + 1, score: summary.score, valid_submission: true, any_medal: summary.medal === "gold" || summary.medal === "silver" || summary.medal === "bronze" });
        expect(c.any_medal).toBe(c.competition_id === PIZZA);
      }
      expect(report).toMatchObject({ total_runs: 2, total_valid_submissions: 2, total_medals: 1 });
    }
  });

  it("writes the run_group_experiments.csv rows and the split aggregates (Low covered by 2 of its 22, High none)", () => {
    expect(readFileSync(join(out, "runs", "run_group_experiments.csv"), "utf8")).toBe("experiment_id,run_group\nlc-e2e,lc-e2e_group1\nlc-e2e,lc-e2e_group2\n");
    const low = submission.splits.find((s) => s.column === "Low")!;
    expect([low.competitions, [...low.covered].sort(), low.padded]).toEqual([22, [INSULTS, PIZZA], true]);
    expect(low.aggregate.metrics!.any_medal_percentage.mean).toBeCloseTo(100 / 22, 10);
    expect(low.aggregate.metrics!.any_medal_percentage.standard_error).toBeCloseTo(0, 10);
    expect(submission.splits.find((s) => s.column === "High")!.aggregate.metrics).toBeNull();
    expect(stderr).toMatch(/2 seed\(s\): MLE-bench asks for at least 3 seeds/);
    expect(stderr).toMatch(/Low \(low\.txt\): 2 of 22 competitions run; the 20 missing count as failing in every seed/);
  });

  it("writes the README rows with this machine's fingerprint, and states that selection read no test score", () => {
    expect(submission.hardware).toHaveLength(1);
    expect(submission.hardware[0]).toMatch(new RegExp(`^${cpus().length} vCPUs \\(`));
    expect(submission.runs_readme_row).toMatch(/^\| lc-e2e \| linguacodus direct, .* 2 seed\(s\) \|$/);
    expect(submission.runs_readme_row).toContain(submission.hardware[0]!);
    expect(submission.leaderboard_row.split("|")[2]!.trim()).toBe(submission.llms);
    expect(submission.llms).toContain("openai:scripted"); // the model spec without its endpoint
    expect(submission.selection.clean).toBe(true);
    expect(submission.selection.lines).toEqual([expect.stringMatching(/^4 run\(s\): mode direct — one coder writes the script from the task text/)]);
    expect(readFileSync(join(out, "SUBMISSION.md"), "utf8")).toMatch(/## Selection used no test-set signal[\s\S]*- 4 run\(s\): mode direct/);
  });
});
