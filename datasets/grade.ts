// Grading: validate a submission against the hidden answers (MLE-bench-like messages), score it, and place
// the score on the task's leaderboard by Kaggle's progression rules. An invalid submission is a result.
import { readFile, stat } from "node:fs/promises";
import { CsvFormatError, parseCsv, readCsv, type CsvTable } from "./csv.js";
import { indexCsv, parseNumberColumn, sameBytes } from "./fast-csv.js";
import { readLeaderboardScores, rankScore, type LeaderboardPlacement, type Medal } from "./leaderboard.js";
import { computeMetric, METRICS, predictionRange, type AlignedColumns, type MetricInfo } from "./metric-registry.js";
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
}

/** Reads and grades `submissionPath` against the task's hidden answers. */
export async function grade(task: Task, submissionPath: string): Promise<GradeResult> {
  const spec = task.spec;
  const base = { metric: spec.metric.name, lower_is_better: spec.lower_is_better };
  const invalid = (errors: string[]): GradeResult => ({ ...base, valid: false, score: null, errors });

  const submission = await readSubmission(submissionPath);
  if ("error" in submission) return invalid([submission.error]);
  const answerBytes = await readAnswerBytes(task);
  // Clean numeric submissions are scored straight from the bytes; anything else (or any doubt) goes
  // through the general path, which also writes the error messages.
  let score = fastNumericScore(spec, answerBytes, submission.bytes);
  if (score === null) {
    let table: CsvTable;
    try {
      table = parseCsv(submission.bytes.toString("utf8"), `Submission ${submissionPath}`);
    } catch (error) {
      if (error instanceof CsvFormatError) return invalid([`Submission is not a valid CSV: ${error.message}`]);
      throw error;
    }
    const scored = gradeTables(spec, parseAnswers(task, answerBytes), table);
    if (scored.errors.length > 0 || scored.score === null) return invalid(scored.errors);
    score = scored.score;
  }
  const result: GradeResult = { ...base, valid: true, score, errors: [] };
  if (task.leaderboardPath) {
    const placement = rankScore(score, await readLeaderboardScores(task.leaderboardPath), spec.lower_is_better);
    if (placement) {
      result.percentile = placement.percentile;
      result.medal = placement.medal;
      result.above_median = placement.above_median;
      result.thresholds = placement.thresholds;
    }
  }
  return result;
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

async function readSubmission(path: string): Promise<{ bytes: Buffer } | { error: string }> {
  let size: number;
  try {
    const s = await stat(path);
    if (!s.isFile()) return { error: `Submission ${path} is not a file; the solution must write a CSV file named submission.csv` };
    size = s.size;
  } catch {
    return { error: `Submission file not found: ${path}; the solution must write submission.csv` };
  }
  if (size === 0) return { error: `Submission ${path} is empty; it needs a header line and one row per test id` };
  const bytes = await readFile(path);
  if (looksBinary(bytes)) return { error: `Submission ${path} is not a CSV file (it holds binary data)` };
  return { bytes };
}

async function readAnswerBytes(task: Task): Promise<Buffer> {
  try {
    return await readFile(task.answersPath);
  } catch (error) {
    throw new TaskFormatError(`cannot read the task's answers ${task.answersPath}: ${(error as Error).message} (run 'linguacodus tasks check ${task.dir}')`);
  }
}

function parseAnswers(task: Task, bytes: Buffer): CsvTable {
  try {
    return parseCsv(bytes.toString("utf8"), task.answersPath);
  } catch (error) {
    throw new TaskFormatError(`cannot read the task's answers ${task.answersPath}: ${(error as Error).message} (run 'linguacodus tasks check ${task.dir}')`);
  }
}

/**
 * Score of a submission that needs no messages: numeric metric, quote-free files, the same ids in the same
 * order, every value finite and in range. Null when any of that does not hold.
 */
function fastNumericScore(spec: TaskSpec, answerBytes: Buffer, submissionBytes: Buffer): number | null {
  const metric = METRICS[spec.metric.name];
  if (metric.cell !== "number" && metric.cell !== "score" && metric.cell !== "probability") return null;
  const a = indexCsv(answerBytes);
  const s = a ? indexCsv(submissionBytes) : null;
  if (!a || !s || a.rowCount !== s.rowCount || a.rowCount === 0) return null;
  const aId = a.header.indexOf(spec.id_column);
  const sId = s.header.indexOf(spec.id_column);
  if (aId < 0 || sId < 0) return null;
  const aStarts = a.starts[aId]!;
  const aEnds = a.ends[aId]!;
  const sStarts = s.starts[sId]!;
  const sEnds = s.ends[sId]!;
  for (let r = 0; r < a.rowCount; r++) {
    if (!sameBytes(a.buf, aStarts[r]!, aEnds[r]!, s.buf, sStarts[r]!, sEnds[r]!)) return null;
  }
  const range = predictionRange(metric)?.test ?? null;
  const aligned: AlignedColumns = { answers: [], predictions: [] };
  for (const t of spec.target_columns) {
    const ac = a.header.indexOf(t);
    const sc = s.header.indexOf(t);
    if (ac < 0 || sc < 0) return null;
    const y = parseNumberColumn(a.buf, a.starts[ac]!, a.ends[ac]!);
    const p = parseNumberColumn(s.buf, s.starts[sc]!, s.ends[sc]!);
    for (let r = 0; r < a.rowCount; r++) {
      const pv = p[r]!;
      if (!Number.isFinite(y[r]!) || !Number.isFinite(pv) || (range !== null && !range(pv))) return null;
    }
    aligned.answers.push(y);
    aligned.predictions.push(p);
  }
  const score = computeMetric(metric.name, spec.metric.params, aligned);
  return Number.isFinite(score) ? score : null;
}

function looksBinary(bytes: Buffer): boolean {
  const n = Math.min(bytes.length, 8000);
  for (let i = 0; i < n; i++) if (bytes[i] === 0) return true;
  return false;
}

/**
 * Validates a parsed submission against parsed answers and scores it.
 * Returns every validation error found (not only the first); `score` is null when there are errors.
 */
export function gradeTables(spec: TaskSpec, answers: CsvTable, submission: CsvTable): { score: number | null; errors: string[] } {
  const metric = METRICS[spec.metric.name];
  const errors: string[] = [];
  const idColumn = spec.id_column;
  const targets = spec.target_columns;

  const answerId = answers.header.indexOf(idColumn);
  if (answerId < 0) throw new TaskFormatError(`answers.csv has no id column '${idColumn}' (task.json id_column)`);
  for (const t of targets) {
    if (!answers.header.includes(t)) throw new TaskFormatError(`answers.csv has no target column '${t}' (task.json target_columns)`);
  }

  const expected = [idColumn, ...targets].join(", ");
  const subId = submission.header.indexOf(idColumn);
  if (subId < 0) {
    errors.push(`Submission is missing the id column '${idColumn}'; expected columns: ${expected} (as in sample_submission.csv); found: ${submission.header.join(", ")}`);
  }
  const missingTargets = targets.filter((t) => !submission.header.includes(t));
  if (missingTargets.length > 0) {
    errors.push(`Submission is missing target column(s) ${missingTargets.map((t) => `'${t}'`).join(", ")}; expected columns: ${expected} (as in sample_submission.csv)`);
  }
  const n = answers.rowCount;
  if (submission.rowCount !== n) {
    errors.push(`Submission has ${submission.rowCount} rows but the test set has ${n}; write exactly one row per test id`);
  }
  if (subId < 0) return { score: null, errors };

  const order = alignIds(answers.columns[answerId]!, submission.columns[subId]!, errors);
  if (missingTargets.length > 0 || order === null) return { score: null, errors };

  const aligned = convertColumns(metric, answers, submission, targets, order, errors);
  if (errors.length > 0 || aligned === null) return { score: null, errors };
  const score = computeMetric(metric.name, spec.metric.params, aligned);
  if (!Number.isFinite(score)) {
    errors.push(
      `${metric.title} is undefined for this submission (${metric.cell === "number" ? "constant predictions or answers" : "a single class in the answers, or degenerate predictions"})`,
    );
    return { score: null, errors };
  }
  return { score, errors };
}

/**
 * Maps each answer row to the submission row with the same id. Returns null (and adds messages) when ids
 * are duplicated, missing or unknown. Rows in the answers' order need no lookup table.
 */
function alignIds(answerIds: string[], subIds: string[], errors: string[]): Uint32Array | null {
  const n = answerIds.length;
  const order = new Uint32Array(n);
  if (subIds.length === n) {
    let same = true;
    for (let i = 0; i < n; i++) {
      if (answerIds[i] !== subIds[i] && answerIds[i] !== subIds[i]!.trim()) {
        same = false;
        break;
      }
      order[i] = i;
    }
    if (same) return order;
  }
  const rowOf = new Map<string, number>();
  const duplicates: string[] = [];
  let duplicateCount = 0;
  for (let r = 0; r < subIds.length; r++) {
    const id = subIds[r]!.trim();
    if (rowOf.has(id)) {
      duplicateCount++;
      if (duplicates.length < 3) duplicates.push(id);
    } else rowOf.set(id, r);
  }
  const missing: string[] = [];
  let missingCount = 0;
  const answerSet = new Set<string>();
  for (let i = 0; i < n; i++) {
    const id = answerIds[i]!;
    answerSet.add(id);
    const r = rowOf.get(id);
    if (r === undefined) {
      missingCount++;
      if (missing.length < 3) missing.push(id);
    } else order[i] = r;
  }
  const unknown: string[] = [];
  let unknownCount = 0;
  for (const id of rowOf.keys()) {
    if (!answerSet.has(id)) {
      unknownCount++;
      if (unknown.length < 3) unknown.push(id);
    }
  }
  const quote = (ids: string[]) => ids.map((i) => `'${i}'`).join(", ");
  if (duplicateCount > 0) errors.push(`Submission has ${duplicateCount} duplicate id(s), e.g. ${quote(duplicates)}; each test id must appear once`);
  if (missingCount > 0 || unknownCount > 0) {
    const parts: string[] = [];
    if (missingCount > 0) parts.push(`${missingCount} test id(s) are missing (e.g. ${quote(missing)})`);
    if (unknownCount > 0) parts.push(`${unknownCount} id(s) are not in the test set (e.g. ${quote(unknown)})`);
    errors.push(`Submission ids don't match the test ids: ${parts.join("; ")}; use the ids of test.csv / sample_submission.csv`);
  }
  return duplicateCount > 0 || missingCount > 0 || unknownCount > 0 ? null : order;
}

interface CellProblems {
  missing: number;
  firstMissingRow: number;
  bad: number;
  firstBad: string;
  firstBadRow: number;
  outOfRange: number;
  firstOutOfRange: string;
  firstOutOfRangeRow: number;
}

/** Parses one column of numbers in answer order; counts the kinds of bad cells. */
function parseNumbers(
  cells: string[],
  order: Uint32Array | null,
  inRange: ((v: number) => boolean) | null,
): { values: Float64Array; problems: CellProblems } {
  const n = order ? order.length : cells.length;
  const values = new Float64Array(n);
  const pr: CellProblems = { missing: 0, firstMissingRow: -1, bad: 0, firstBad: "", firstBadRow: -1, outOfRange: 0, firstOutOfRange: "", firstOutOfRangeRow: -1 };
  for (let i = 0; i < n; i++) {
    const row = order ? order[i]! : i;
    const cell = cells[row]!;
    const v = cell.length === 0 ? Number.NaN : Number(cell);
    if (Number.isNaN(v) || !Number.isFinite(v)) {
      const t = cell.trim().toLowerCase();
      if (t === "" || t === "nan" || t === "na" || t === "null" || t === "none") {
        if (pr.missing++ === 0) pr.firstMissingRow = row;
      } else if (pr.bad++ === 0) {
        pr.firstBad = cell;
        pr.firstBadRow = row;
      }
      continue;
    }
    if (v === 0 && cell.trim().length === 0) {
      // Number(" ") is 0: a blank cell is missing, not zero
      if (pr.missing++ === 0) pr.firstMissingRow = row;
      continue;
    }
    if (inRange && !inRange(v)) {
      if (pr.outOfRange++ === 0) {
        pr.firstOutOfRange = cell;
        pr.firstOutOfRangeRow = row;
      }
    }
    values[i] = v;
  }
  return { values, problems: pr };
}

// Data rows start on line 2 of the file (line 1 is the header).
const lineOf = (row: number) => row + 2;

function reportCellProblems(column: string, pr: CellProblems, rangeText: string, errors: string[]): void {
  if (pr.missing > 0) {
    errors.push(`Column '${column}' has ${pr.missing} missing or NaN value(s) (first on line ${lineOf(pr.firstMissingRow)}); every row needs a value`);
  }
  if (pr.bad > 0) {
    errors.push(`Column '${column}' has ${pr.bad} non-numeric value(s), e.g. '${pr.firstBad}' on line ${lineOf(pr.firstBadRow)}; write plain numbers`);
  }
  if (pr.outOfRange > 0) {
    errors.push(`Column '${column}' has ${pr.outOfRange} value(s) ${rangeText}, e.g. ${pr.firstOutOfRange} on line ${lineOf(pr.firstOutOfRangeRow)}`);
  }
}

function convertColumns(
  metric: MetricInfo,
  answers: CsvTable,
  submission: CsvTable,
  targets: string[],
  order: Uint32Array,
  errors: string[],
): AlignedColumns | null {
  const aligned: AlignedColumns = { answers: [], predictions: [] };
  const answerCol = (t: string) => answers.columns[answers.header.indexOf(t)]!;
  const subCol = (t: string) => submission.columns[submission.header.indexOf(t)]!;

  if (metric.cell === "label" || metric.cell === "ordinal") {
    const t = targets[0]!;
    const a = answerCol(t).map((s) => s.trim());
    const p = new Array<string>(order.length);
    const cells = subCol(t);
    let missing = 0;
    let firstMissing = -1;
    for (let i = 0; i < order.length; i++) {
      const cell = cells[order[i]!]!.trim();
      if (cell === "" || cell.toLowerCase() === "nan") {
        if (missing++ === 0) firstMissing = order[i]!;
      }
      p[i] = cell;
    }
    if (missing > 0) errors.push(`Column '${t}' has ${missing} missing or NaN label(s) (first on line ${lineOf(firstMissing)}); every row needs a label`);
    if (metric.cell === "ordinal") {
      const bad = p.findIndex((s) => s !== "" && !Number.isFinite(Number(s)));
      if (bad >= 0) errors.push(`Column '${t}' has non-numeric rating(s), e.g. '${p[bad]}' on line ${lineOf(order[bad]!)}; write the numeric rating`);
      const badAnswer = a.findIndex((s) => !Number.isFinite(Number(s)) || s === "");
      if (badAnswer >= 0) throw new TaskFormatError(`answers.csv column '${t}' holds a non-numeric rating '${a[badAnswer]}'`);
    }
    if (errors.length > 0) return null;
    const labels = [...new Set([...a, ...p])];
    if (metric.cell === "ordinal") labels.sort((x, y) => Number(x) - Number(y));
    else labels.sort();
    // "2" and "2.0" are the same rating, and the same class when every answer label is a number (as pandas
    // reads them); text labels compare as text.
    const numericLabels = metric.cell === "ordinal" || a.every((s) => s !== "" && Number.isFinite(Number(s)));
    const key = (s: string) => (numericLabels && s !== "" && Number.isFinite(Number(s)) ? String(Number(s)) : s);
    const codeOf = new Map<string, number>();
    const uniqueLabels: string[] = [];
    for (const l of labels) {
      if (!codeOf.has(key(l))) {
        codeOf.set(key(l), uniqueLabels.length);
        uniqueLabels.push(l);
      }
    }
    aligned.labels = uniqueLabels;
    aligned.answerCodes = Int32Array.from(a, (s) => codeOf.get(key(s))!);
    aligned.predictionCodes = Int32Array.from(p, (s) => codeOf.get(key(s))!);
    return aligned;
  }

  if (metric.cell === "ranking") {
    const t = targets[0]!;
    const split = (s: string) => s.trim().split(/\s+/).filter((x) => x.length > 0);
    aligned.answerLists = answerCol(t).map(split);
    const sub = subCol(t);
    aligned.predictionLists = Array.from(order, (r) => split(sub[r]!));
    return aligned;
  }

  const range = predictionRange(metric);
  for (const t of targets) {
    const parsedAnswers = parseNumbers(answerCol(t), null, null);
    if (parsedAnswers.problems.missing + parsedAnswers.problems.bad > 0) {
      throw new TaskFormatError(`answers.csv column '${t}' holds missing or non-numeric values (run 'linguacodus tasks check')`);
    }
    const parsed = parseNumbers(subCol(t), order, range?.test ?? null);
    reportCellProblems(t, parsed.problems, range?.text ?? "", errors);
    aligned.answers.push(parsedAnswers.values);
    aligned.predictions.push(parsed.values);
  }
  return errors.length > 0 ? null : aligned;
}
