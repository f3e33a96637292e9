// A submission's rows, streamed into arrays indexed by answer row, then validated and scored (see grade.ts).
import type { AnswerKey } from "./answer-key.js";
import type { CsvRow, CsvSink, RowAction } from "./csv-stream.js";
import { parseDecimal } from "./fast-csv.js";
import { computeMetric, predictionRange, type AlignedColumns, type PredictionRange } from "./metric-registry.js";
import { TaskFormatError } from "./task.js";

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
export class SubmissionSink implements CsvSink {
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
