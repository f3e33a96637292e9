// A submission's rows, streamed into arrays indexed by answer row, then validated and scored (see grade.ts).
import { createHash } from "node:crypto";
import type { AnswerKey } from "./answer-key.js";
import type { CsvRow, CsvSink, RowAction } from "./csv-stream.js";
import { parseDecimal, type RowBlock } from "./fast-csv.js";
import { computeMetric, isTextCell, MapAtKParamsSchema, predictionRange, type AlignedColumns, type PredictionRange } from "./metric-registry.js";
import { TaskFormatError } from "./task.js";

// Data rows start on line 2 of the file (line 1 is the header).
const lineOf = (row: number) => row + 2;
/** Examples in messages are few and short: a hostile cell is never echoed whole. */
export const EXAMPLE_CHARS = 80;
export const excerpt = (text: string): string => (text.length <= EXAMPLE_CHARS ? text : `${text.slice(0, EXAMPLE_CHARS)}… (${text.length} characters)`);
/** {@link excerpt} of a cell's bytes, decoding only the start. */
const excerptBytes = (bytes: Buffer): string => `${bytes.toString("utf8", 0, EXAMPLE_CHARS).replace(/\uFFFD$/, "")}… (${bytes.length} bytes)`;
const quote = (ids: string[]) => ids.map((i) => `'${i}'`).join(", ");
const EXAMPLES = 5;
/**
 * A fixed-size stand-in for an id the answers don't hold, to count distinct unknown ids (and tell repeats)
 * without keeping them: memory follows the answers, not the submission. A collision only merges two ids that
 * are wrong anyway.
 */
const fingerprint = (text: string | Buffer) => createHash("sha256").update(text).digest("base64");
const isSpace = (b: number) => b === 32 || (b >= 9 && b <= 13);
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
      this.text = excerpt(text());
    }
  }
}

/**
 * A submission's verdict: `errors` is empty when it is valid. `undefinedReason` is set (and also among the
 * errors) when the only fault is a metric that is undefined for it (NaN) — which MLE-bench counts valid.
 */
export interface SinkResult {
  score: number | null;
  errors: string[];
  undefinedReason?: string;
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
  /** Submission row of each answer row, for the line numbers of label messages (text metrics only). */
  private rowOf = new Uint32Array(0);
  private duplicates = 0;
  private readonly duplicateExamples: string[] = [];
  /** Fingerprints of the distinct unknown ids (bounded in number by detailLimit). */
  private readonly unknown = new Set<string>();
  private readonly unknownExamples: string[] = [];
  private numeric: NumericColumn[] = [];
  /** The block's numbers of each target column, and the arrays they go to, for {@link rows}. */
  private readonly kept: Float64Array[] = [];
  private readonly values: Float64Array[] = [];
  private readonly range: PredictionRange | null;
  /** Label, ordinal and ranking metrics read one column of text. */
  private text: string[] | null = null;
  /** Longest answer label (or ranked item), so a longer prediction cell can be stored cut short. */
  private longestAnswer = 0;
  private readonly detailLimit: number;
  private truncated = false;

  constructor(private readonly key: AnswerKey) {
    this.filled = new Uint8Array(key.n);
    this.range = predictionRange(key.metric);
    this.detailLimit = 2 * key.n + 1000;
  }

  header(names: string[]): readonly number[] {
    const { spec } = this.key;
    const idColumn = spec.id_column;
    const targets = spec.target_columns;
    const expected = [idColumn, ...targets].join(", ");
    this.idCol = names.indexOf(idColumn);
    if (this.idCol < 0) {
      this.errors.push(`Submission is missing the id column '${idColumn}'; expected columns: ${expected} (as in sample_submission.csv); found: ${excerpt(names.join(", "))}`);
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
    if (this.missingTargets.length > 0) return [];
    const kind = this.key.metric.cell;
    if (isTextCell(kind)) {
      this.text = new Array<string>(this.key.n).fill("");
      this.rowOf = new Uint32Array(this.key.n);
      for (const cell of this.key.column(targets[0]!)) {
        for (const item of kind === "ranking" ? cell.split(/\s+/) : [cell]) this.longestAnswer = Math.max(this.longestAnswer, item.length);
      }
    }
    else {
      this.numeric = targets.map((column) => ({ column, values: new Float64Array(this.key.n), missing: new Tally(), bad: new Tally(), outOfRange: new Tally() }));
      for (const c of this.numeric) this.values.push(c.values);
      return this.targetCols;
    }
    return [];
  }

  // The per-row path holds no closures (a closure over a local makes V8 allocate a context on every call):
  // messages are built in the cold methods below.
  row(r: CsvRow): RowAction {
    const index = r.index;
    if (this.idCol < 0) return "count";
    if (index >= this.detailLimit) {
      this.truncated = true;
      return "count";
    }
    const key = this.key;
    const answer = index < key.n && r.equals(this.idCol, key.idBytes, key.idStart[index]!, key.idEnd[index]!) ? index : this.lookUp(r);
    if (answer < 0) return "continue";
    if (this.filled[answer] === 1) {
      this.duplicateRow(r);
      return "continue";
    }
    this.filled[answer] = 1;
    if (this.text) {
      this.rowOf[answer] = index;
      this.text[answer] = this.boundCell(r.text(this.targetCols[0]!));
    }
    else {
      for (let t = 0; t < this.numeric.length; t++) {
        const col = this.targetCols[t]!;
        const c = this.numeric[t]!;
        r.number(col, c.values, answer);
        const v = c.values[answer]!;
        if (!Number.isFinite(v)) this.badCell(r, col, c, answer);
        else if (this.range && !this.range.test(v)) this.outOfRangeCell(r, col, c, answer);
      }
    }
    return "continue";
  }

  /**
   * The usual rows in bulk (see {@link CsvSink.rows}): each holds the id of the answer row at its own position,
   * not seen before, and numbers read on the way that are finite and in range. Stops at the first other row,
   * which {@link row} then takes (and reports on), so both paths give one verdict.
   */
  rows(buf: Buffer, block: RowBlock, from: number, index: number): number {
    const { values } = this;
    const width = values.length;
    if (this.idCol < 0 || width === 0) return from;
    const { n, idBytes, idStart, idEnd } = this.key;
    const { filled, range } = this;
    const cellStart = block.starts[this.idCol]!;
    const cellEnd = block.ends[this.idCol]!;
    // One array reused (a new one per call has a map the compiled loop was not made for, and deoptimizes it).
    const kept = this.kept;
    for (let t = 0; t < width; t++) kept[t] = block.numbers[this.targetCols[t]!]!;
    const last = Math.min(block.rows, from + n - index);
    let r = from;
    let i = index;
    rows: for (; r < last; r++, i++) {
      if (filled[i] !== 0) break;
      let s = cellStart[r]!;
      const e = cellEnd[r]!;
      let a = idStart[i]!;
      if (e - s !== idEnd[i]! - a) break;
      for (; s < e; s++, a++) if (buf[s] !== idBytes[a]) break rows;
      for (let t = 0; t < width; t++) {
        const v = kept[t]![r]!;
        // NaN (a cell to read again) and ±Infinity fail v - v === 0: row() reads and reports them
        if (v - v !== 0 || (range !== null && !range.test(v))) break rows;
      }
      for (let t = 0; t < width; t++) values[t]![i] = kept[t]![r]!;
      filled[i] = 1;
    }
    // Nothing but the return after the loop: a first call runs it compiled on the stack (OSR), and an
    // operation past the loop that never ran would throw that code away on every call.
    return r;
  }

  /** Answer row of an id that is not the answers' id at the same position; -1 (and counted) when unknown. */
  private lookUp(r: CsvRow): number {
    const key = this.key;
    const raw = r.bytes(this.idCol);
    let start = 0;
    let end = raw.length;
    while (start < end && isSpace(raw[start]!)) start++;
    while (end > start && isSpace(raw[end - 1]!)) end--;
    // Longer than every answer id: unknown, and never made into a string (it may be megabytes long).
    if (end - start > key.longestIdBytes) {
      this.unknownId(fingerprint(raw.subarray(start, end)), () => excerptBytes(raw.subarray(start, end)));
      return -1;
    }
    const id = r.text(this.idCol).trim();
    const answer = key.indexOf(id);
    if (answer === undefined) {
      this.unknownId(fingerprint(id), () => excerpt(id));
      return -1;
    }
    return answer;
  }

  private duplicateRow(r: CsvRow): void {
    this.duplicate(() => excerpt(r.text(this.idCol).trim()));
  }

  private badCell(r: CsvRow, col: number, c: NumericColumn, answer: number): void {
    const cell = r.text(col);
    (MISSING_WORDS.has(cell.trim().toLowerCase()) ? c.missing : c.bad).add(answer, r.index, () => cell);
  }

  private outOfRangeCell(r: CsvRow, col: number, c: NumericColumn, answer: number): void {
    c.outOfRange.add(answer, r.index, () => r.text(col));
  }

  /**
   * A label cell longer than any answer label cannot match one, so it is kept as a short stand-in that is still
   * distinct per text (F1 macro counts every predicted label); a ranking keeps its first k items, each cut just
   * past the longest answer item (a cut item still matches nothing). Memory follows the answers.
   */
  private boundCell(cell: string): string {
    const limit = this.longestAnswer + 64;
    if (cell.length <= limit) return cell;
    if (this.key.metric.cell !== "ranking") return `${cell.slice(0, limit)}\u0000${fingerprint(cell)}`;
    const { k } = MapAtKParamsSchema.parse(this.key.spec.metric.params);
    const items: string[] = [];
    for (const match of cell.matchAll(/\S+/g)) {
      items.push(match[0].slice(0, this.longestAnswer + 1));
      if (items.length >= k) break;
    }
    return items.join(" ");
  }

  private unknownId(print: string, example: () => string): void {
    if (this.unknown.has(print)) this.duplicate(example);
    else {
      this.unknown.add(print);
      if (this.unknownExamples.length < EXAMPLES) this.unknownExamples.push(example());
    }
  }

  private duplicate(example: () => string): void {
    this.duplicates++;
    if (this.duplicateExamples.length < EXAMPLES) this.duplicateExamples.push(example());
  }

  finish(rows: number): SinkResult {
    const { errors, key } = this;
    const n = key.n;
    if (rows !== n) {
      errors.push(
        `Submission has ${rows} rows but the test set has ${n}; write exactly one row per test id${this.truncated ? ` (ids past row ${this.detailLimit} were not checked)` : ""}`,
      );
    }
    if (this.idCol < 0 || this.truncated) return { score: null, errors };

    if (this.duplicates > 0) errors.push(`Submission has ${this.duplicates} duplicate id(s), e.g. ${quote(this.duplicateExamples)}; each test id must appear once`);
    let missingCount = 0;
    for (let i = 0; i < n; i++) missingCount += 1 - this.filled[i]!;
    if (missingCount > 0 || this.unknown.size > 0) {
      const parts: string[] = [];
      if (missingCount > 0) {
        const missing: string[] = [];
        for (let i = 0; i < n && missing.length < EXAMPLES; i++) if (this.filled[i] === 0) missing.push(excerpt(key.id(i)));
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
    if (Number.isNaN(score)) {
      const reason = `${metric.title} is undefined for this submission (${metric.cell === "number" ? "constant predictions or answers" : "a single class in the answers, or degenerate predictions"})`;
      errors.push(reason);
      return { score: null, errors, undefinedReason: reason };
    }
    if (!Number.isFinite(score)) {
      // The true value exceeds 64-bit floats (MSE of predictions near 1e308): no JSON number can hold it.
      const largest = aligned.predictions.reduce((k, column) => column.reduce((m, v) => Math.max(m, Math.abs(v)), k), 0);
      errors.push(`${metric.title} of this submission is beyond the range of 64-bit floats (predictions as large as ${largest}); predict values of a sensible size`);
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
      if (bad >= 0) errors.push(`Column '${t}' has non-numeric rating(s), e.g. '${excerpt(p[bad]!)}' on line ${lineOf(this.rowOf[bad]!)}; write the numeric rating`);
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
