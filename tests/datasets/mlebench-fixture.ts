// An MLE-bench-shaped world written by the tests (CI has no network and MLE-bench's code is never copied
// here): a checkout (mlebench/grade_helpers.py, mlebench/utils.py, competitions/<id>/{config.yaml, grade.py,
// description.md, leaderboard.csv}, experiments/splits/low.txt) and a data directory with <id>/prepared/.
// The Python below is written for these tests in the shape MLE-bench's graders have.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { csv } from "./fixtures.js";

export interface MleBenchWorld {
  checkout: string;
  dataDir: string;
}

const UTILS_PY = `import importlib

import pandas as pd
# MLE-bench's utils imports these at the top; the sandbox image has none of them (the driver shims them).
import py7zr  # noqa: F401
import yaml  # noqa: F401
from tqdm.auto import tqdm  # noqa: F401


def import_fn(spec):
    module_name, fn_name = spec.split(":")
    return getattr(importlib.import_module(module_name), fn_name)


def read_csv(*args, **kwargs):
    return pd.read_csv(*args, **{"float_precision": "round_trip", **kwargs})


def load_answers(path):
    return read_csv(path)
`;

const HELPERS_PY = `class InvalidSubmissionError(Exception):
    """A submission the grader refuses."""
`;

/** A leaderboard in the columns MLE-bench's leaderboard.csv files have. */
export function leaderboardCsv(scores: number[]): string {
  return csv(["scoreNullable", "teamId", "hasTeamName", "submissionDate", "score", "hasScore"], scores.map((s, i) => [s, 1000 + i, "True", "2020-01-01 00:00:00", s, "True"]));
}

/** Taxi-like RMSE leaderboard (lower is better, 10 teams): gold 2.0, silver 2.88191, bronze 2.882. */
export const TAXI_LEADERBOARD = [2.0, 2.88191, 2.88195, 2.882, 3, 3.1, 3.2, 3.3, 3.4, 3.5];

export interface Competition {
  id: string;
  grader: string;
  gradePy: string;
  /** Files of prepared/public and prepared/private. */
  public: Record<string, string>;
  private: Record<string, string>;
  answers: string;
  sample: string;
  leaderboard?: number[];
}

// Like the real file: many comments have no date, so Date is not an id.
const INSULT_DATES = ["", "", "20120618", "20120618", "", "20120619"];
const TAXI_IDS = Array.from({ length: 8 }, (_, i) => `2015-01-0${1 + (i % 9)} 00:00:0${i}.${i}`);

export const COMPETITIONS: Competition[] = [
  {
    // RMSE; a constant 2.881913 scores exactly that against all-zero answers.
    id: "toy-taxi",
    grader: "root-mean-squared-error",
    gradePy: `import numpy as np

from mlebench.grade_helpers import InvalidSubmissionError


def grade(submission, answers):
    if list(submission.columns) != ["key", "fare_amount"]:
        raise InvalidSubmissionError("Submission must have columns key, fare_amount")
    if len(submission) != len(answers):
        raise InvalidSubmissionError("Submission must have one row per key")
    merged = answers.merge(submission, on="key", suffixes=("_true", "_pred"))
    return float(np.sqrt(np.mean((merged["fare_amount_true"] - merged["fare_amount_pred"]) ** 2)))
`,
    public: {
      "labels.csv": csv(["key", "pickup_longitude", "fare_amount"], TAXI_IDS.map((k, i) => [`t${k}`, -73.9 + i / 100, 5 + i])),
      "test.csv": csv(["key", "pickup_longitude"], TAXI_IDS.map((k, i) => [k, -73.8 + i / 100])),
      "sample_submission.csv": csv(["key", "fare_amount"], TAXI_IDS.map((k) => [k, 11.35])),
    },
    private: { "test.csv": csv(["key", "fare_amount"], TAXI_IDS.map((k) => [k, 0])) },
    answers: "test.csv",
    sample: "sample_submission.csv",
    leaderboard: TAXI_LEADERBOARD,
  },
  {
    // Detecting-insults-like: the sample submission starts with its target and carries context columns;
    // statoil-like: the sample submission is only in prepared/private; the training data is JSON.
    id: "toy-insults",
    grader: "auc-roc",
    gradePy: `from sklearn.metrics import roc_auc_score

from mlebench.grade_helpers import InvalidSubmissionError


def grade(submission, answers):
    if "Insult" not in submission.columns or len(submission) != len(answers):
        raise InvalidSubmissionError("Submission needs an Insult column and one row per comment")
    if not submission["Insult"].between(0, 1).all():
        raise InvalidSubmissionError("Insult probabilities must lie in [0, 1]")
    merged = answers.merge(submission[["Comment", "Insult"]], on="Comment", suffixes=("_true", "_pred"))
    return roc_auc_score(merged["Insult_true"], merged["Insult_pred"])
`,
    public: {
      "train.json": JSON.stringify([{ comment: "hello", insult: 0 }]),
      "test.csv": csv(["Date", "Comment"], Array.from({ length: 6 }, (_, i) => [INSULT_DATES[i]!, `"comment ${i}"`])),
    },
    private: {
      "test.csv": csv(["Insult", "Date", "Comment", "Usage"], Array.from({ length: 6 }, (_, i) => [i % 2, INSULT_DATES[i]!, `"comment ${i}"`, "PrivateTest"])),
      "sample_submission_null.csv": csv(["Insult", "Date", "Comment"], Array.from({ length: 6 }, (_, i) => [0, INSULT_DATES[i]!, `"comment ${i}"`])),
    },
    answers: "test.csv",
    sample: "sample_submission_null.csv",
    leaderboard: [0.84, 0.8, 0.75, 0.7, 0.6],
  },
  {
    // A grader with no built-in equivalent: only the competition's grade.py can score it.
    id: "toy-jaccard",
    grader: "jaccard-similarity",
    gradePy: `def grade(submission, answers):
    merged = answers.merge(submission, on="id", suffixes=("_true", "_pred"))
    scores = []
    for a, b in zip(merged["words_true"], merged["words_pred"]):
        x, y = set(str(a).split()), set(str(b).split())
        scores.append(len(x & y) / len(x | y) if x | y else 1.0)
    return sum(scores) / len(scores)
`,
    public: {
      "train.csv": csv(["id", "text", "words"], [["a", "the cat sat", "cat sat"]]),
      "test.csv": csv(["id", "text"], [["x", "a red fox"], ["y", "blue sky"]]),
      "sample_submission.csv": csv(["id", "words"], [["x", "a"], ["y", "b"]]),
    },
    private: { "test.csv": csv(["id", "words"], [["x", "red fox"], ["y", "blue sky"]]) },
    answers: "test.csv",
    sample: "sample_submission.csv",
  },
];

/** Writes the checkout and the data directory under `root` (with `extra` competitions besides the standard ones). */
export async function writeMleBenchWorld(root: string, extra: Competition[] = []): Promise<MleBenchWorld> {
  const checkout = join(root, "mle-bench");
  const dataDir = join(root, "data");
  await mkdir(join(checkout, "mlebench", "competitions"), { recursive: true });
  await mkdir(join(checkout, "experiments", "splits"), { recursive: true });
  await writeFile(join(checkout, "mlebench", "__init__.py"), "");
  await writeFile(join(checkout, "mlebench", "utils.py"), UTILS_PY);
  await writeFile(join(checkout, "mlebench", "grade_helpers.py"), HELPERS_PY);
  await writeFile(join(checkout, "experiments", "splits", "low.txt"), "toy-taxi\ntoy-insults\n");
  await writeFile(join(checkout, "experiments", "splits", "split75.txt"), COMPETITIONS.map((c) => c.id).join("\n") + "\n");
  for (const c of [...COMPETITIONS, ...extra]) {
    const dir = join(checkout, "mlebench", "competitions", c.id);
    await mkdir(dir, { recursive: true });
    await writeFile(
      join(dir, "config.yaml"),
      [
        `id: ${c.id}`,
        `name: ${c.id.replace(/-/g, " ")}`,
        "competition_type: simple",
        "awards_medals: true",
        "prizes: null",
        `description: mlebench/competitions/${c.id}/description.md`,
        "",
        "dataset:",
        `  answers: ${c.id}/prepared/private/${c.answers}`,
        `  sample_submission: ${c.id}/prepared/${c.public[c.sample] ? "public" : "private"}/${c.sample}`,
        "",
        "grader:",
        `  name: ${c.grader}`,
        `  grade_fn: mlebench.competitions.${c.id}.grade:grade`,
        "",
        `preparer: mlebench.competitions.${c.id}.prepare:prepare`,
      ].join("\n"),
    );
    await writeFile(join(dir, "grade.py"), c.gradePy);
    await writeFile(join(dir, "description.md"), `# ${c.id}\n\nA competition written by the tests.\n`);
    if (c.leaderboard) await writeFile(join(dir, "leaderboard.csv"), leaderboardCsv(c.leaderboard));
    for (const [side, files] of [["public", c.public], ["private", c.private]] as const) {
      const target = join(dataDir, c.id, "prepared", side);
      await mkdir(target, { recursive: true });
      for (const [name, text] of Object.entries(files)) await writeFile(join(target, name), text);
    }
    // MLE-bench's prepare step also leaves the description among the public files.
    await writeFile(join(dataDir, c.id, "prepared", "public", "description.md"), `# ${c.id}\n\nA competition written by the tests.\n`);
  }
  return { checkout, dataDir };
}
