// Grading: validate a submission against the hidden answers (MLE-bench-like messages), score it, and place
// the score on the task's leaderboard. An invalid submission is a result. The submission is streamed row by
// row into arrays sized by the answers, so memory follows the answers whatever the submission's size; a
// submission much longer than the test set is only counted past a bound, so it is rejected quickly.
import { readFile, stat } from "node:fs/promises";
import { CsvFormatError, parseCsv, readCsv, type CsvTable } from "./csv.js";
import { inspectFile, scanCsvFile, type CsvRow, type CsvSink, type RowAction } from "./csv-stream.js";
import { indexCsv, parseDecimal, parseNumberColumn, type CsvIndex } from "./fast-csv.js";
import { leaderboardFields, type LeaderboardPlacement, type Medal } from "./leaderboard.js";
import { computeMetric, METRICS, predictionRange, type AlignedColumns, type MetricInfo, type PredictionRange } from "./metric-registry.js";
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

/** Reads and grades `submissionPath` against the task's hidden answers. */
export async function grade(task: Task, submissionPath: string): Promise<GradeResult> {
  const spec = task.spec;
  const base = { metric: spec.metric.name, lower_is_better: spec.lower_is_better };
  const invalid = (errors: string[]): GradeResult => ({ ...base, valid: false, score: null, errors });

  const facts = await inspectSubmission(submissionPath);
  if ("error" in facts) return invalid([facts.error]);
  const key = await AnswerKey.load(task);
  const sink = new SubmissionSink(key);
  let rows: number;
  try {
    ({ rows } = await scanCsvFile(submissionPath, sink, `Submission ${submissionPath}`, facts.quoted));
  } catch (error) {
    if (error instanceof CsvFormatError) return invalid([`Submission is not a valid CSV: ${error.message}`]);
    throw error;
  }
  const scored = sink.finish(rows);
  if (scored.errors.length > 0 || scored.score === null) return invalid(scored.errors);
  return { ...base, valid: true, score: scored.score, errors: [], ...(await leaderboardFields(task.leaderboardPath, scored.score, spec.lower_is_better)) };
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

async function inspectSubmission(path: string): Promise<{ quoted: boolean } | { error: string }> {
  try {
    const s = await stat(path);
    if (!s.isFile()) return { error: `Submission ${path} is not a file; the solution must write a CSV file named submission.csv` };
    if (s.size === 0) return { error: `Submission ${path} is empty; it needs a header line and one row per test id` };
  } catch {
    return { error: `Submission file not found: ${path}; the solution must write submission.csv` };
  }
  const facts = await inspectFile(path);
  if (facts.binary) return { error: `Submission ${path} is not a CSV file (it holds binary data)` };
  return { quoted: facts.quoted };
}

/**
 * Validates a parsed submission against parsed answers and scores it (the same rules as {@link grade}).
 * Returns every validation error found (not only the first); `score` is null when there are errors.
 */
export function gradeTables(spec: TaskSpec, answers: CsvTable, submission: CsvTable): { score: number | null; errors: string[] } {
  const sink = new SubmissionSink(AnswerKey.fromTable(spec, answers));
  sink.header(submission.header);
  let rowIndex = 0;
  const row: CsvRow = {
    get index() {
      return rowIndex;
    },
    text: (c) => submission.columns[c]![rowIndex]!,
    number: (c) => parseDecimal(submission.columns[c]![rowIndex]!),
    equals: (c, bytes, s, e) => submission.columns[c]![rowIndex] === bytes.toString("utf8", s, e),
  };
  for (; rowIndex < submission.rowCount; rowIndex++) if (sink.row(row) === "count") break;
  return sink.finish(submission.rowCount);
}

// ---------- the answers ----------

/**
 * The hidden answers in the form grading needs: ids as byte ranges (compared with the submission's without
 * making strings) and targets. A quote-free answers file is indexed in place; id and label strings are made
 * only when a lookup or a message needs them.
 */
class AnswerKey {
  readonly metric: MetricInfo;
  readonly n: number;
  readonly idBytes: Buffer;
  readonly idStart: Uint32Array;
  readonly idEnd: Uint32Array;
  private idStrings: string[] | null = null;
  private indexById: Map<string, number> | null = null;
  private numeric: Float64Array[] | null = null;
  private readonly columns = new Map<string, string[]>();

  private constructor(
    readonly spec: TaskSpec,
    private readonly source: { index: CsvIndex } | { table: CsvTable },
  ) {
    this.metric = METRICS[spec.metric.name];
    const header = "index" in source ? source.index.header : source.table.header;
    const idCol = header.indexOf(spec.id_column);
    if (idCol < 0) throw new TaskFormatError(`answers.csv has no id column '${spec.id_column}' (task.json id_column)`);
    for (const t of spec.target_columns) {
      if (!header.includes(t)) throw new TaskFormatError(`answers.csv has no target column '${t}' (task.json target_columns)`);
    }
    if ("index" in source) {
      this.n = source.index.rowCount;
      this.idBytes = source.index.buf;
      this.idStart = source.index.starts[idCol]!;
      this.idEnd = source.index.ends[idCol]!;
    } else {
      const ids = source.table.columns[idCol]!;
      this.idStrings = ids;
      this.n = source.table.rowCount;
      this.idBytes = Buffer.from(ids.join(""), "utf8");
      this.idStart = new Uint32Array(this.n);
      this.idEnd = new Uint32Array(this.n);
      let offset = 0;
      for (let i = 0; i < this.n; i++) {
        this.idStart[i] = offset;
        offset += Buffer.byteLength(ids[i]!, "utf8");
        this.idEnd[i] = offset;
      }
    }
  }

  static fromTable(spec: TaskSpec, table: CsvTable): AnswerKey {
    return new AnswerKey(spec, { table });
  }

  /** Reads the task's answers file (indexed in place when it holds no quotes). */
  static async load(task: Task): Promise<AnswerKey> {
    let bytes: Buffer;
    try {
      bytes = await readFile(task.answersPath);
    } catch (error) {
      throw new TaskFormatError(`cannot read the task's answers ${task.answersPath}: ${(error as Error).message} (run 'linguacodus tasks check ${task.dir}')`);
    }
    const index = indexCsv(bytes);
    if (index && index.header.some((h) => h !== "")) return new AnswerKey(task.spec, { index });
    try {
      return new AnswerKey(task.spec, { table: parseCsv(bytes.toString("utf8"), task.answersPath) });
    } catch (error) {
      if (error instanceof TaskFormatError) throw error;
      throw new TaskFormatError(`cannot read the task's answers ${task.answersPath}: ${(error as Error).message} (run 'linguacodus tasks check ${task.dir}')`);
    }
  }

  id(i: number): string {
    return this.idStrings ? this.idStrings[i]! : this.idBytes.toString("utf8", this.idStart[i]!, this.idEnd[i]!);
  }

  /** The cells of a target column, as text. */
  column(target: string): string[] {
    let cells = this.columns.get(target);
    if (!cells) {
      if ("table" in this.source) cells = this.source.table.columns[this.source.table.header.indexOf(target)]!;
      else {
        const ix = this.source.index;
        const c = ix.header.indexOf(target);
        cells = Array.from({ length: this.n }, (_, r) => ix.buf.toString("utf8", ix.starts[c]![r]!, ix.ends[c]![r]!));
      }
      this.columns.set(target, cells);
    }
    return cells;
  }

  /** Answer row of an id (the first, should the answers repeat one); built on first use. */
  indexOf(id: string): number | undefined {
    if (!this.indexById) {
      this.indexById = new Map();
      for (let i = this.n - 1; i >= 0; i--) this.indexById.set(this.id(i), i);
    }
    return this.indexById.get(id);
  }

  /** Numeric targets, parsed once; non-numeric answers are the task's fault. */
  numericTargets(): Float64Array[] {
    if (!this.numeric) {
      this.numeric = this.spec.target_columns.map((t) => {
        let values: Float64Array;
        if ("index" in this.source) {
          const ix = this.source.index;
          const c = ix.header.indexOf(t);
          values = parseNumberColumn(ix.buf, ix.starts[c]!, ix.ends[c]!);
        } else values = Float64Array.from(this.column(t), parseDecimal);
        for (let i = 0; i < values.length; i++) {
          if (!Number.isFinite(values[i]!)) throw new TaskFormatError(`answers.csv column '${t}' holds missing or non-numeric values (run 'linguacodus tasks check')`);
        }
        return values;
      });
    }
    return this.numeric;
  }
}

// ---------- the submission, row by row ----------

// Data rows start on line 2 of the file (line 1 is the header).
const lineOf = (row: number) => row + 2;
const quote = (ids: string[]) => ids.map((i) => `'${i}'`).join(", ");
const MISSING_WORDS = new Set(["", "nan", "na", "null", "none"]);

/** The first (in answer order) of a kind of bad cell, and how many there are. */
class Tally {
  count = 0;
  private at = Number.POSITIVE_INFINITY;
  text = "";
  row = -1;
  add(answerIndex: number, row: number, text: () => string): void {
    this.count++;
    if (answerIndex < this.at) {
      this.at = answerIndex;
      this.row = row;
      this.text = text();
    }
  }
}

interface NumericColumn {
  column: string;
  values: Float64Array;
  missing: Tally;
  bad: Tally;
  outOfRange: Tally;
}

/**
 * Collects a submission's rows into arrays indexed by answer row. Details (which ids are unknown or repeated)
 * are kept for at most {@link detailLimit} rows, which bounds memory by the answers; past that the
 * submission is the wrong size anyway and rows are only counted.
 */
class SubmissionSink implements CsvSink {
  private readonly errors: string[] = [];
  private idCol = -1;
  private targetCols: number[] = [];
  private missingTargets: string[] = [];
  private readonly filled: Uint8Array;
  /** Submission row of each answer row, for line numbers. */
  private readonly rowOf: Uint32Array;
  private filledCount = 0;
  private duplicates = 0;
  private readonly duplicateExamples: string[] = [];
  private readonly unknown = new Set<string>();
  private readonly unknownExamples: string[] = [];
  private numeric: NumericColumn[] = [];
  private readonly range: PredictionRange | null;
  /** Label, ordinal and ranking metrics read one column of text. */
  private text: string[] | null = null;
  private readonly detailLimit: number;
  private truncated = false;

  constructor(private readonly key: AnswerKey) {
    this.filled = new Uint8Array(key.n);
    this.rowOf = new Uint32Array(key.n);
    this.range = predictionRange(key.metric);
    this.detailLimit = 2 * key.n + 1000;
  }

  header(names: string[]): void {
    const { spec } = this.key;
    const idColumn = spec.id_column;
    const targets = spec.target_columns;
    const expected = [idColumn, ...targets].join(", ");
    this.idCol = names.indexOf(idColumn);
    if (this.idCol < 0) {
      this.errors.push(`Submission is missing the id column '${idColumn}'; expected columns: ${expected} (as in sample_submission.csv); found: ${names.join(", ")}`);
    }
    this.missingTargets = targets.filter((t) => !names.includes(t));
    if (this.missingTargets.length > 0) {
      this.errors.push(`Submission is missing target column(s) ${quote(this.missingTargets)}; expected columns: ${expected} (as in sample_submission.csv)`);
    }
    // Two columns of one name: which one is the prediction is anyone's guess, so neither is scored.
    const repeated = [idColumn, ...targets].filter((c) => names.filter((h) => h === c).length > 1);
    if (repeated.length > 0) {
      this.errors.push(`Submission has more than one column named ${quote(repeated)}; write each of the columns ${expected} once`);
    }
    this.targetCols = targets.map((t) => names.indexOf(t));
    if (this.missingTargets.length > 0) return;
    const kind = this.key.metric.cell;
    if (kind === "label" || kind === "ordinal" || kind === "ranking") this.text = new Array<string>(this.key.n).fill("");
    else {
      this.numeric = targets.map((column) => ({ column, values: new Float64Array(this.key.n), missing: new Tally(), bad: new Tally(), outOfRange: new Tally() }));
    }
  }

  row(r: CsvRow): RowAction {
    const index = r.index;
    if (this.idCol < 0) return "count";
    if (index >= this.detailLimit) {
      this.truncated = true;
      return "count";
    }
    const key = this.key;
    let answer: number | undefined;
    let id: string | null = null;
    if (index < key.n && r.equals(this.idCol, key.idBytes, key.idStart[index]!, key.idEnd[index]!)) answer = index;
    else {
      id = r.text(this.idCol).trim();
      answer = key.indexOf(id);
    }
    if (answer === undefined) {
      const unknownId = id!;
      if (this.unknown.has(unknownId)) this.duplicate(unknownId);
      else {
        this.unknown.add(unknownId);
        if (this.unknownExamples.length < 3) this.unknownExamples.push(unknownId);
      }
      return "continue";
    }
    if (this.filled[answer] === 1) {
      this.duplicate(id ?? r.text(this.idCol).trim());
      return "continue";
    }
    this.filled[answer] = 1;
    this.filledCount++;
    this.rowOf[answer] = index;
    if (this.text) this.text[answer] = r.text(this.targetCols[0]!);
    else {
      for (let t = 0; t < this.numeric.length; t++) {
        const col = this.targetCols[t]!;
        const c = this.numeric[t]!;
        const v = r.number(col);
        if (!Number.isFinite(v)) {
          const cell = r.text(col);
          (MISSING_WORDS.has(cell.trim().toLowerCase()) ? c.missing : c.bad).add(answer, index, () => cell);
          continue;
        }
        if (this.range && !this.range.test(v)) c.outOfRange.add(answer, index, () => r.text(col));
        c.values[answer] = v;
      }
    }
    return "continue";
  }

  private duplicate(id: string): void {
    this.duplicates++;
    if (this.duplicateExamples.length < 3) this.duplicateExamples.push(id);
  }

  finish(rows: number): { score: number | null; errors: string[] } {
    const { errors, key } = this;
    const n = key.n;
    if (rows !== n) {
      errors.push(
        `Submission has ${rows} rows but the test set has ${n}; write exactly one row per test id${this.truncated ? ` (ids past row ${this.detailLimit} were not checked)` : ""}`,
      );
    }
    if (this.idCol < 0 || this.truncated) return { score: null, errors };

    if (this.duplicates > 0) errors.push(`Submission has ${this.duplicates} duplicate id(s), e.g. ${quote(this.duplicateExamples)}; each test id must appear once`);
    const missingCount = n - this.filledCount;
    if (missingCount > 0 || this.unknown.size > 0) {
      const parts: string[] = [];
      if (missingCount > 0) {
        const missing: string[] = [];
        for (let i = 0; i < n && missing.length < 3; i++) if (this.filled[i] === 0) missing.push(key.id(i));
        parts.push(`${missingCount} test id(s) are missing (e.g. ${quote(missing)})`);
      }
      if (this.unknown.size > 0) parts.push(`${this.unknown.size} id(s) are not in the test set (e.g. ${quote(this.unknownExamples)})`);
      errors.push(`Submission ids don't match the test ids: ${parts.join("; ")}; use the ids of test.csv / sample_submission.csv`);
    }
    if (this.missingTargets.length > 0 || this.duplicates > 0 || missingCount > 0 || this.unknown.size > 0) return { score: null, errors };

    const aligned = this.text ? this.textColumns(errors) : this.numericColumns(errors);
    if (errors.length > 0 || aligned === null) return { score: null, errors };
    const metric = key.metric;
    const score = computeMetric(metric.name, key.spec.metric.params, aligned);
    if (!Number.isFinite(score)) {
      errors.push(
        `${metric.title} is undefined for this submission (${metric.cell === "number" ? "constant predictions or answers" : "a single class in the answers, or degenerate predictions"})`,
      );
      return { score: null, errors };
    }
    return { score, errors };
  }

  private numericColumns(errors: string[]): AlignedColumns | null {
    const answers = this.key.numericTargets();
    const rangeText = this.range?.text ?? "";
    for (const c of this.numeric) {
      if (c.missing.count > 0) {
        errors.push(`Column '${c.column}' has ${c.missing.count} missing or NaN value(s) (first on line ${lineOf(c.missing.row)}); every row needs a value`);
      }
      if (c.bad.count > 0) {
        errors.push(`Column '${c.column}' has ${c.bad.count} non-numeric value(s), e.g. '${c.bad.text}' on line ${lineOf(c.bad.row)}; write plain numbers`);
      }
      if (c.outOfRange.count > 0) {
        errors.push(`Column '${c.column}' has ${c.outOfRange.count} value(s) ${rangeText}, e.g. ${c.outOfRange.text} on line ${lineOf(c.outOfRange.row)}`);
      }
    }
    if (errors.length > 0) return null;
    return { answers, predictions: this.numeric.map((c) => c.values) };
  }

  private textColumns(errors: string[]): AlignedColumns | null {
    const metric = this.key.metric;
    const t = this.key.spec.target_columns[0]!;
    const cells = this.text!;
    const aligned: AlignedColumns = { answers: [], predictions: [] };
    if (metric.cell === "ranking") {
      const split = (s: string) => s.trim().split(/\s+/).filter((x) => x.length > 0);
      aligned.answerLists = this.key.column(t).map(split);
      aligned.predictionLists = cells.map(split);
      return aligned;
    }
    const a = this.key.column(t).map((s) => s.trim());
    const p = cells.map((s) => s.trim());
    let missing = 0;
    let firstMissing = -1;
    for (let i = 0; i < p.length; i++) {
      if (p[i] === "" || p[i]!.toLowerCase() === "nan") {
        if (missing++ === 0) firstMissing = this.rowOf[i]!;
      }
    }
    if (missing > 0) errors.push(`Column '${t}' has ${missing} missing or NaN label(s) (first on line ${lineOf(firstMissing)}); every row needs a label`);
    const isNumber = (s: string) => s !== "" && Number.isFinite(parseDecimal(s));
    if (metric.cell === "ordinal") {
      const bad = p.findIndex((s) => s !== "" && !isNumber(s));
      if (bad >= 0) errors.push(`Column '${t}' has non-numeric rating(s), e.g. '${p[bad]}' on line ${lineOf(this.rowOf[bad]!)}; write the numeric rating`);
      const badAnswer = a.findIndex((s) => !isNumber(s));
      if (badAnswer >= 0) throw new TaskFormatError(`answers.csv column '${t}' holds a non-numeric rating '${a[badAnswer]}'`);
    }
    if (errors.length > 0) return null;
    const labels = [...new Set([...a, ...p])];
    if (metric.cell === "ordinal") labels.sort((x, y) => parseDecimal(x) - parseDecimal(y));
    else labels.sort();
    // "2" and "2.0" are the same rating, and the same class when every answer label is a number (as pandas
    // reads them); text labels compare as text.
    const numericLabels = metric.cell === "ordinal" || a.every(isNumber);
    const keyOf = (s: string) => (numericLabels && isNumber(s) ? String(parseDecimal(s)) : s);
    const codeOf = new Map<string, number>();
    const uniqueLabels: string[] = [];
    for (const l of labels) {
      if (!codeOf.has(keyOf(l))) {
        codeOf.set(keyOf(l), uniqueLabels.length);
        uniqueLabels.push(l);
      }
    }
    aligned.labels = uniqueLabels;
    aligned.answerCodes = Int32Array.from(a, (s) => codeOf.get(keyOf(s))!);
    aligned.predictionCodes = Int32Array.from(p, (s) => codeOf.get(keyOf(s))!);
    return aligned;
  }
}
