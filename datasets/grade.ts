// Grading: validate a submission against the hidden answers (MLE-bench-like messages), score it, and place
// the score on the task's leaderboard. An invalid submission is a result. The submission is streamed row by
// row into arrays sized by the answers, so memory follows the answers whatever the submission's size; a
// submission much longer than the test set is only counted past a bound, so it is rejected quickly.
import { stat } from "node:fs/promises";
import { AnswerKey } from "./answer-key.js";
import { CsvFormatError, readCsv, type CsvTable } from "./csv.js";
import { inspectFile, scanCsvFileFindingQuotes, type CsvRow } from "./csv-stream.js";
import { parseDecimal } from "./fast-csv.js";
import { SubmissionSink, type SinkResult } from "./submission-sink.js";
import { leaderboardFields, type LeaderboardPlacement, type Medal } from "./leaderboard.js";
import { TaskFormatError, type Task, type TaskSpec } from "./task.js";

export interface GradeResult {
  valid: boolean;
  score: number | null;
  metric: string;
  lower_is_better: boolean;
  /** Why the submission is invalid; empty when valid. */
  errors: string[];
  percentile?: number;
  medal?: Medal;
  above_median?: boolean;
  thresholds?: LeaderboardPlacement["thresholds"];
  /**
   * Which grader scored it, when the task names one beyond the built-in metric: MLE-bench tasks are graded by
   * the competition's own grade.py ("mlebench") or, without a checkout, by the built-in metric as an
   * approximation ("builtin-approximation", with `grader_notes` saying how it may differ).
   */
  grader?: "mlebench" | "builtin-approximation";
  grader_notes?: string[];
}

export interface GradeOptions {
  /**
   * A metric undefined for the submission (NaN: constant predictions for a correlation) makes it valid without
   * a score, with a note saying why, as MLE-bench counts it (used for MLE-bench competitions); by default it is
   * invalid with that reason.
   */
  undefinedScoreIsValid?: boolean;
}

/** Reads and grades `submissionPath` against the task's hidden answers. */
export async function grade(task: Task, submissionPath: string, options: GradeOptions = {}): Promise<GradeResult> {
  const spec = task.spec;
  const base = { metric: spec.metric.name, lower_is_better: spec.lower_is_better };
  const invalid = (errors: string[]): GradeResult => ({ ...base, valid: false, score: null, errors });

  const problem = await inspectSubmission(submissionPath);
  if (problem !== null) return invalid([problem]);
  const key = await AnswerKey.load(task);
  let sink: SubmissionSink;
  let rows: number;
  try {
    ({ rows, sink } = await scanCsvFileFindingQuotes(submissionPath, () => new SubmissionSink(key), `Submission ${submissionPath}`));
  } catch (error) {
    if (error instanceof CsvFormatError) return invalid([`Submission is not a valid CSV: ${error.message}`]);
    throw error;
  }
  const scored = sink.finish(rows);
  if (scored.undefinedReason !== undefined && options.undefinedScoreIsValid && scored.errors.length === 1) {
    return { ...base, valid: true, score: null, errors: [], grader_notes: [undefinedScoreNote(scored.undefinedReason)] };
  }
  if (scored.errors.length > 0 || scored.score === null) return invalid(scored.errors);
  return { ...base, valid: true, score: scored.score, errors: [], ...(await leaderboardFields(task.leaderboardPath, scored.score, spec.lower_is_better)) };
}

/** Why a submission whose score is undefined still counts as valid (MLE-bench's verdict). */
export function undefinedScoreNote(reason: string): string {
  return `${reason}: MLE-bench counts a submission its grader scores NaN as valid, and it wins nothing (no score, no medal, not above the median)`;
}

/** Reads the task's answers; a broken answers file is the task's fault, so it throws. */
export async function readAnswers(task: Task): Promise<CsvTable> {
  try {
    return await readCsv(task.answersPath);
  } catch (error) {
    throw new TaskFormatError(
      `cannot read the task's answers ${task.answersPath}: ${(error as Error).message} (run 'linguacodus tasks check ${task.dir}')`,
    );
  }
}

/** Why the file at `path` cannot be a submission at all, or null. */
async function inspectSubmission(path: string): Promise<string | null> {
  try {
    const s = await stat(path);
    if (!s.isFile()) return `Submission ${path} is not a file; the solution must write a CSV file named submission.csv`;
    if (s.size === 0) return `Submission ${path} is empty; it needs a header line and one row per test id`;
  } catch {
    return `Submission file not found: ${path}; the solution must write submission.csv`;
  }
  if ((await inspectFile(path)).binary) return `Submission ${path} is not a CSV file (it holds binary data)`;
  return null;
}

/**
 * Validates a parsed submission against parsed answers and scores it (the same rules as {@link grade}).
 * Returns every validation error found (not only the first); `score` is null when there are errors.
 */
export function gradeTables(spec: TaskSpec, answers: CsvTable, submission: CsvTable): SinkResult {
  const sink = new SubmissionSink(AnswerKey.fromTable(spec, answers));
  sink.header(submission.header);
  let rowIndex = 0;
  const row: CsvRow = {
    get index() {
      return rowIndex;
    },
    text: (c) => submission.columns[c]![rowIndex]!,
    number: (c, out, at) => {
      out[at] = parseDecimal(submission.columns[c]![rowIndex]!);
    },
    bytes: (c) => Buffer.from(submission.columns[c]![rowIndex]!, "utf8"),
    equals: (c, bytes, s, e) => submission.columns[c]![rowIndex] === bytes.toString("utf8", s, e),
  };
  for (; rowIndex < submission.rowCount; rowIndex++) if (sink.row(row) === "count") break;
  return sink.finish(submission.rowCount);
}
