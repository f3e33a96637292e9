// MLE-bench's verdicts where they differ from a plain grader (issue 21, fidelity leftovers), through the built CLI
// on fake competitions: a grader that returns NaN makes a valid submission that wins nothing (with and without a
// checkout, and the note says why); importing a competition whose own sample scores NaN succeeds; importing one
// whose answers hold only some of the sample's ids succeeds with a checkout (the competition's grader decides).
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { openMleBenchGradingSandbox } from "../../execution/wiring.js";
import { dockerClient } from "../../sandbox/index.js";
import { buildCli, linguacodus } from "../support/cli.js";
import { csv, tempDir } from "./fixtures.js";
import { writeMleBenchWorld, type Competition, type MleBenchWorld } from "./mlebench-fixture.js";

const PATENT_IDS = Array.from({ length: 8 }, (_, i) => `p${i}`);
const PATENT_SCORES = [0, 0.25, 0.5, 0.75, 1, 0.5, 0.25, 0];
// us-patent-phrase-to-phrase-matching-like: Pearson's r, a constant sample (so r is NaN).
const PATENT: Competition = {
  id: "toy-patent",
  grader: "pearson-correlation-coefficient",
  gradePy: `import numpy as np


def grade(submission, answers):
    merged = answers.merge(submission, on="id", suffixes=("_true", "_pred"))
    return float(np.corrcoef(merged["score_true"], merged["score_pred"])[0, 1])
`,
  public: {
    "train.csv": csv(["id", "anchor", "score"], [["t0", "abc", 0.5]]),
    "test.csv": csv(["id", "anchor"], PATENT_IDS.map((id) => [id, "abc"])),
    "sample_submission.csv": csv(["id", "score"], PATENT_IDS.map((id) => [id, 0])),
  },
  private: { "test.csv": csv(["id", "anchor", "score"], PATENT_IDS.map((id, i) => [id, "abc", PATENT_SCORES[i]!])) },
  answers: "test.csv",
  sample: "sample_submission.csv",
  leaderboard: [0.86, 0.85, 0.8, 0.7, 0.6],
};

// h-and-m-personalized-fashion-recommendations-like: the sample lists every customer, the answers only buyers.
const CUSTOMERS = Array.from({ length: 10 }, (_, i) => `c${i}`);
const HM: Competition = {
  id: "toy-hm",
  grader: "MAP@12",
  gradePy: `def grade(submission, answers):
    merged = answers.merge(submission, on="customer_id", how="left", suffixes=("_true", "_pred"))
    total = 0.0
    for a, p in zip(merged["prediction_true"], merged["prediction_pred"]):
        actual, pred = str(a).split(), str(p).split()[:12]
        hits, score = 0, 0.0
        for i, x in enumerate(pred):
            if x in actual and x not in pred[:i]:
                hits += 1
                score += hits / (i + 1)
        total += score / min(len(actual), 12)
    return total / len(merged)
`,
  public: {
    "transactions_train.csv": csv(["customer_id", "article_id"], [["c0", "a1"]]),
    "sample_submission.csv": csv(["customer_id", "prediction"], CUSTOMERS.map((c) => [c, "a1 a2 a3"])),
  },
  private: { "answers.csv": csv(["customer_id", "prediction"], CUSTOMERS.slice(0, 6).map((c, i) => [c, i % 2 ? "a1" : "a9"])) },
  answers: "answers.csv",
  sample: "sample_submission.csv",
  leaderboard: [0.03, 0.02, 0.01],
};

let world: MleBenchWorld;
let out: string;

beforeAll(async () => {
  world = await writeMleBenchWorld(await tempDir("lc-mleverdicts-"), [PATENT, HM]);
  out = await tempDir("lc-mleverdicts-out-");
  await buildCli();
  // The grading image (sandbox image + MLE-bench's libraries) is built once.
  await (await openMleBenchGradingSandbox(dockerClient())).close();
}, 900_000);

type Imported = { dir: string; spec: { metric: { name: string }; mlebench: { builtin: string } }; problems: unknown[]; notes: string[] };
const importJson = async (id: string, withCheckout: boolean) => {
  const r = await linguacodus(["tasks", "import-mlebench", join(world.dataDir, id), ...(withCheckout ? ["--mlebench", world.checkout] : []), "--out", out, "--force", "--json"]);
  return { code: r.code, r, result: JSON.parse(r.stdout) as Imported & { error?: string } };
};
type Graded = { valid: boolean; score: number | null; medal?: string; above_median?: boolean; grader?: string; grader_notes?: string[]; errors: string[] };
const gradeJson = async (dir: string, submission: string, checkout: string | null) => {
  const r = await linguacodus(["grade", dir, submission, "--json", ...(checkout ? ["--mlebench", checkout] : [])], { MLEBENCH_DIR: "" });
  return { code: r.code, stderr: r.stderr, result: JSON.parse(r.stdout) as Graded };
};

describe("a grader that returns NaN (us-patent-phrase-to-phrase-matching)", () => {
  it("imports although the competition's own sample scores NaN, saying so in a note", async () => {
    const { code, r, result } = await importJson("toy-patent", true);
    expect(code, r.stdout + r.stderr).toBe(0);
    expect(result.problems).toEqual([]);
    expect(result.notes.join("\n")).toMatch(/sample_submission\.csv scores no number: Pearson correlation is undefined .*MLE-bench counts such a submission valid/);
  });

  it("a constant submission is valid and wins nothing — by the competition's grade.py and by the built-in approximation", async () => {
    const { result: imported } = await importJson("toy-patent", true);
    const submission = join(out, "patent-constant.csv");
    await writeFile(submission, csv(["id", "score"], PATENT_IDS.map((id) => [id, 0.5])));
    const own = await gradeJson(imported.dir, submission, world.checkout);
    expect(own.code, own.stderr).toBe(0);
    expect(own.result).toMatchObject({ valid: true, score: null, errors: [], medal: "none", above_median: false, grader: "mlebench" });
    expect(own.result.grader_notes!.join("\n")).toMatch(/the competition's grader returned nan: MLE-bench counts a submission its grader scores NaN as valid, and it wins nothing/);

    // Without a checkout (the task's recorded one moved away): the built-in Pearson, same verdict.
    const spec = join(imported.dir, "task.json");
    const { readFile } = await import("node:fs/promises");
    const parsed = JSON.parse(await readFile(spec, "utf8")) as { mlebench: { checkout?: string } };
    delete parsed.mlebench.checkout;
    await writeFile(spec, JSON.stringify(parsed));
    const builtin = await gradeJson(imported.dir, submission, null);
    expect(builtin.code, builtin.stderr).toBe(0);
    expect(builtin.result).toMatchObject({ valid: true, score: null, medal: "none", above_median: false, grader: "builtin-approximation" });
    expect(builtin.result.grader_notes!.join("\n")).toMatch(/Pearson correlation is undefined for this submission \(constant predictions or answers\): MLE-bench counts/);
  }, 300_000);
});

describe("answers that hold only some of the sample's ids (h-and-m-personalized-fashion-recommendations)", () => {
  it("imports with a checkout, the id guess a note, graded by the competition's grade.py only", async () => {
    const { code, r, result } = await importJson("toy-hm", true);
    expect(code, r.stdout + r.stderr).toBe(0);
    expect(result.problems).toEqual([]);
    expect(result.spec).toMatchObject({ id_column: "customer_id", metric: { name: "external" }, mlebench: { builtin: "none" } });
    expect(result.notes.join("\n")).toMatch(/id column 'customer_id' guessed from sample_submission\.csv, whose ids include more than the answers'/);
    expect(result.notes.join("\n")).toMatch(/only the competition's grade\.py .* scores this task/);
    const submission = join(out, "hm.csv");
    await writeFile(submission, csv(["customer_id", "prediction"], CUSTOMERS.map((c) => [c, "a1 a2"])));
    const graded = await gradeJson(result.dir, submission, world.checkout);
    expect(graded.code, graded.stderr).toBe(0);
    expect(graded.result).toMatchObject({ valid: true, score: 0.5, grader: "mlebench" });
  }, 300_000);

  it("without a checkout says plainly that the built-in metric cannot grade it", async () => {
    const r = await linguacodus(["tasks", "import-mlebench", join(world.dataDir, "toy-hm"), "--grader", "MAP@12", "--out", out, "--force", "--json"]);
    expect(r.code).toBe(2);
    expect((JSON.parse(r.stdout) as { error: string }).error).toMatch(/the answers hold only some of them.*pass --mlebench <checkout>/);
  });
});
