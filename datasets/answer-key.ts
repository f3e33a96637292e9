// The hidden answers in the form the grader needs (see grade.ts).
import { readFile } from "node:fs/promises";
import { parseCsv, type CsvTable } from "./csv.js";
import { readCsvColumns } from "./csv-stream.js";
import { indexCsv, parseDecimal, parseNumberColumn, type CsvIndex } from "./fast-csv.js";
import { isTextCell, METRICS, type MetricInfo } from "./metric-registry.js";
import { TaskFormatError, type Task, type TaskSpec } from "./task.js";

const QUOTE = 34;

/**
 * The hidden answers in the form grading needs: ids as byte ranges (compared with the submission's without
 * making strings) and targets. A quote-free answers file is indexed in place; id and label strings are made
 * only when a lookup or a message needs them.
 */
export class AnswerKey {
  readonly metric: MetricInfo;
  readonly n: number;
  readonly idBytes: Buffer;
  readonly idStart: Uint32Array;
  readonly idEnd: Uint32Array;
  private longest = -1;
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

  /** Byte length of the longest id: a longer submission id is unknown without being read as text. Found on first use. */
  get longestIdBytes(): number {
    if (this.longest < 0) {
      let longest = 0;
      for (let i = 0; i < this.n; i++) longest = Math.max(longest, this.idEnd[i]! - this.idStart[i]!);
      this.longest = longest;
    }
    return this.longest;
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
    const index = indexCsv(bytes, isTextCell(METRICS[task.spec.metric.name].cell) ? [] : task.spec.target_columns);
    if (index && index.header.some((h) => h !== "")) return new AnswerKey(task.spec, { index });
    try {
      // A quoted file is streamed through csv-parse (memory: the cells, not the text and its records too).
      const table = bytes.includes(QUOTE) ? await readCsvColumns(task.answersPath, task.answersPath, true) : parseCsv(bytes.toString("utf8"), task.answersPath);
      return new AnswerKey(task.spec, { table });
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
          values = parseNumberColumn(ix, c);
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

