// --sanity permuted-labels: after a valid run, its final script runs once more on a copy of the public data whose
// training targets are permuted (seeded). A script that still scores nearer its real score than the constant
// baseline did not get its score from the labels: the features carry the target (a leak in the task), or the
// script ignores what it was trained on. The verdict goes into score.json `sanity`; the rerun's output into sanity/.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { type GradeResult, type Task, SUBMISSION_FILE, TASK_FILES, shuffledIndices } from "../datasets/index.js";
import type { Sandbox } from "../sandbox/index.js";
import type { ScoreJson } from "./record/index.js";

type Sanity = NonNullable<ScoreJson["sanity"]>;

const csvField = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/** train.csv with the target columns' values permuted across rows (the rows' other columns stay in place). */
export function permuteTargets(csvText: string, targetColumns: readonly string[], seed: number): string {
  const rows = parse(csvText, { relax_column_count: true }) as string[][];
  const [header, ...body] = rows;
  if (!header) return csvText;
  const indices = targetColumns.map((name) => header.indexOf(name));
  const missing = targetColumns.filter((_, i) => indices[i] === -1);
  if (missing.length) throw new Error(`${TASK_FILES.train} has no target column ${missing.join(", ")}: cannot permute its labels`);
  const order = shuffledIndices(body.length, seed);
  const permuted = body.map((row, i) => {
    const source = body[order[i]!]!;
    const out = [...row];
    for (const index of indices) out[index] = source[index] ?? "";
    return out;
  });
  return `${[header, ...permuted].map((row) => row.map(csvField).join(",")).join("\n")}\n`;
}

export interface SanityInput {
  task: Task;
  script: string;
  sandbox: Sandbox;
  grade(task: Task, submissionPath: string): Promise<GradeResult>;
  realScore: number;
  seed: number;
  timeoutSeconds: number;
  /** Where the rerun's output files go (the run record's sanity/ folder). */
  outputDir: string;
}

/** Runs the permuted-label check; never throws for a script that fails on the permuted data (that is a verdict). */
export async function permutedLabelCheck(input: SanityInput): Promise<Sanity & { stdout: string; stderr: string }> {
  const { task } = input;
  const constantScore = task.spec.reference_scores?.constant ?? null;
  const base = { check: "permuted-labels" as const, seed: input.seed, realScore: input.realScore, constantScore };
  const work = mkdtempSync(join(tmpdir(), "lc-sanity-"));
  try {
    const publicCopy = join(work, TASK_FILES.public);
    cpSync(task.publicDir, publicCopy, { recursive: true, dereference: true });
    const trainPath = join(work, TASK_FILES.train);
    if (!existsSync(trainPath)) return { ...base, permutedScore: null, flagged: false, detail: "the task has no train.csv to permute", stdout: "", stderr: "" };
    writeFileSync(trainPath, permuteTargets(readFileSync(trainPath, "utf8"), task.spec.target_columns, input.seed));
    const result = await input.sandbox.run({ script: input.script, publicDir: publicCopy, timeoutSeconds: input.timeoutSeconds, outputDir: input.outputDir });
    const streams = { stdout: result.stdout, stderr: result.stderr };
    const submission = result.files[SUBMISSION_FILE] ?? join(input.outputDir, SUBMISSION_FILE);
    if (result.outcome !== "ok" || !existsSync(submission)) {
      return { ...base, permutedScore: null, flagged: false, detail: `the script did not produce a submission on permuted labels (${result.outcome})`, ...streams };
    }
    const graded = await input.grade(task, submission);
    if (!graded.valid || graded.score === null) {
      return { ...base, permutedScore: null, flagged: false, detail: `invalid submission on permuted labels: ${graded.errors.join("; ")}`, ...streams };
    }
    const permutedScore = graded.score;
    if (constantScore === null) {
      return { ...base, permutedScore, flagged: false, detail: "the task has no constant reference score to compare with", ...streams };
    }
    const flagged = Math.abs(permutedScore - input.realScore) < Math.abs(permutedScore - constantScore);
    const detail = flagged
      ? "with permuted training labels the script still scores nearer its real score than the constant baseline: the features carry the target, or the script does not learn from the labels"
      : "with permuted training labels the score falls to the constant baseline: the score came from the labels";
    return { ...base, permutedScore, flagged, detail, ...streams };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
