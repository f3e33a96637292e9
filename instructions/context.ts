// What every agent reads about a task: the description, the metric and its direction, the data type, the
// files, and a compact schema summary plus a few rows of train/test — all within a token budget.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { readFileHead } from "../core/index.js";
import { parse } from "csv-parse/sync";
import { parseCsv } from "../datasets/index.js";

/** The narrow view of a task this stage needs (execution/ maps the datasets Task onto it). */
export interface TaskInfo {
  id: string;
  title: string;
  dataType: string;
  metricName: string;
  metricParams?: Record<string, unknown>;
  lowerIsBetter: boolean;
  idColumn?: string;
  targetColumns: string[];
  description: string;
  /** Host folder of the public files (seen as /data inside the sandbox). */
  publicDir: string;
  /** An analysis (no metric, no answers): the description is its request; `result` says what the result is. */
  analysis?: { result?: string };
}

export interface TaskContextOptions {
  /** Rough budget for the whole context, in tokens (≈ 4 characters each). */
  tokenBudget?: number;
  /** Drop the schema summary and data sample (an ablation). */
  noSchema?: boolean;
  /** Rows shown per file in the sample. */
  sampleRows?: number;
}

export interface ColumnSummary {
  name: string;
  type: "int" | "float" | "bool" | "string" | "empty";
  missing: number;
  unique: number;
  min?: number;
  max?: number;
  mean?: number;
  /** A few frequent values of a string column. */
  top?: string[];
}

export interface FileSummary {
  name: string;
  bytes: number;
  /** Data rows: exact when the file was read whole, otherwise an estimate from the head. */
  rows: number;
  rowsExact: boolean;
  /** Rows the column statistics were computed on. */
  statsRows: number;
  columns: ColumnSummary[];
  sample: string[][];
  header: string[];
}

export interface TaskContext {
  task: Omit<TaskInfo, "publicDir" | "description">;
  description: string;
  descriptionTruncated: boolean;
  files: Array<{ name: string; bytes: number }>;
  /** Summaries of the tabular files (train, test, sample submission), absent with noSchema. */
  tables: FileSummary[];
  noSchema: boolean;
  /** The rendered context, as put into prompts. */
  text: string;
}

export const DEFAULT_CONTEXT_TOKENS = 3000;
const CHARS_PER_TOKEN = 4;
const HEAD_BYTES = 1 << 20; // statistics over the first MiB of each file: enough for a summary, fast on big files
const MAX_COLUMNS = 40;
const MAX_CELL_CHARS = 40;

/** Reads at most `limit` bytes from the start of a file, cut at the last full line. */
function readHead(path: string, limit: number): { text: string; complete: boolean } {
  const size = statSync(path).size;
  const buffer = readFileHead(path, Math.min(size, limit));
  if (size <= limit) return { text: buffer.toString("utf8"), complete: true };
  const lastNewline = buffer.lastIndexOf(0x0a);
  return { text: buffer.subarray(0, lastNewline + 1).toString("utf8"), complete: false };
}

function summarizeColumn(name: string, cells: string[]): ColumnSummary {
  const present = cells.filter((c) => c.trim() !== "" && !/^(nan|NaN|NA|null|None)$/.test(c.trim()));
  const missing = cells.length - present.length;
  const unique = new Set(present).size;
  if (present.length === 0) return { name, type: "empty", missing, unique };
  const numbers = present.map(Number);
  if (numbers.every((n) => Number.isFinite(n))) {
    const isInt = present.every((c) => /^-?\d+$/.test(c.trim()));
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    for (const n of numbers) {
      if (n < min) min = n;
      if (n > max) max = n;
      sum += n;
    }
    return { name, type: isInt ? "int" : "float", missing, unique, min, max, mean: sum / numbers.length };
  }
  if (present.every((c) => /^(true|false|True|False)$/.test(c.trim()))) return { name, type: "bool", missing, unique };
  const counts = new Map<string, number>();
  for (const c of present) counts.set(c, (counts.get(c) ?? 0) + 1);
  const top = [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([v]) => truncateCell(v));
  return { name, type: "string", missing, unique, top };
}

function truncateCell(value: string): string {
  return value.length > MAX_CELL_CHARS ? `${value.slice(0, MAX_CELL_CHARS - 1)}…` : value;
}

/**
 * Parses the head of a CSV column-wise: the datasets layer's fast scanner when the file is regular, csv-parse
 * (lenient about ragged rows) when it is not.
 */
function parseHead(text: string): { header: string[]; cells: string[][]; rows: string[][] } {
  if (text.trim() === "") return { header: [], cells: [], rows: [] };
  try {
    const table = parseCsv(text);
    const rows = Array.from({ length: Math.min(table.rowCount, 10) }, (_, r) => table.columns.map((c) => c[r] ?? ""));
    return { header: table.header, cells: table.columns, rows };
  } catch {
    const records = parse(text, { relax_column_count: true, skip_empty_lines: true, bom: true }) as string[][];
    const header = records[0] ?? [];
    const body = records.slice(1);
    return { header, cells: header.map((_, i) => body.map((r) => r[i] ?? "")), rows: body.slice(0, 10) };
  }
}

// Summaries by file identity (path, size, mtime): a benchmark runs the same task many times in one process.
const summaryCache = new Map<string, FileSummary>();
const SUMMARY_CACHE_LIMIT = 256;

/** Schema summary and sample of one CSV file, from its head (cached while the file is unchanged). */
export function summarizeCsv(path: string, name: string, sampleRows = 3): FileSummary {
  const stat = statSync(path);
  const key = `${path}\u0000${stat.size}\u0000${stat.mtimeMs}\u0000${name}\u0000${sampleRows}`;
  const cached = summaryCache.get(key);
  if (cached) return cached;
  const summary = summarizeCsvUncached(path, name, sampleRows, stat.size);
  if (summaryCache.size >= SUMMARY_CACHE_LIMIT) summaryCache.delete(summaryCache.keys().next().value as string);
  summaryCache.set(key, summary);
  return summary;
}

function summarizeCsvUncached(path: string, name: string, sampleRows: number, bytes: number): FileSummary {
  const { text, complete } = readHead(path, HEAD_BYTES);
  const { header, cells, rows } = parseHead(text);
  const columns = header.map((column, i) => summarizeColumn(column, cells[i] ?? []));
  const statsRows = cells[0]?.length ?? 0;
  const estimatedRows = complete || text.length === 0 ? statsRows : Math.round((statsRows * bytes) / Buffer.byteLength(text));
  return {
    name,
    bytes,
    rows: estimatedRows,
    rowsExact: complete,
    statsRows,
    columns,
    header,
    sample: rows.slice(0, sampleRows).map((r) => r.map(truncateCell)),
  };
}

function formatNumber(n: number | undefined): string {
  if (n === undefined) return "";
  if (Number.isInteger(n)) return String(n);
  return Math.abs(n) >= 1000 || Math.abs(n) < 0.01 ? n.toExponential(3) : n.toFixed(3);
}

function renderTable(summary: FileSummary, maxColumns: number, sampleRows: number): string {
  const lines = [
    `#### ${summary.name} — ${summary.rowsExact ? "" : "~"}${summary.rows} rows × ${summary.header.length} columns` +
      (summary.rowsExact ? "" : ` (statistics over the first ${summary.statsRows} rows)`),
    "column | type | missing | unique | min | max | mean / top values",
  ];
  for (const c of summary.columns.slice(0, maxColumns)) {
    const tail = c.type === "string" ? (c.top ?? []).join(", ") : formatNumber(c.mean);
    lines.push(`${c.name} | ${c.type} | ${c.missing} | ${c.unique} | ${formatNumber(c.min)} | ${formatNumber(c.max)} | ${tail}`);
  }
  if (summary.columns.length > maxColumns) lines.push(`… ${summary.columns.length - maxColumns} more columns`);
  if (sampleRows > 0 && summary.sample.length > 0) {
    const width = Math.min(summary.header.length, maxColumns);
    lines.push("", "First rows (CSV):", summary.header.slice(0, width).join(","));
    for (const row of summary.sample.slice(0, sampleRows)) lines.push(row.slice(0, width).join(","));
  }
  return lines.join("\n");
}

function listFiles(dir: string, prefix = ""): Array<{ name: string; bytes: number }> {
  const out: Array<{ name: string; bytes: number }> = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      const inner = listFiles(join(dir, entry.name), rel);
      // An image folder can hold thousands of files: show a count, not the list.
      if (inner.length > 20) out.push({ name: `${rel}/ (${inner.length} files)`, bytes: inner.reduce((s, f) => s + f.bytes, 0) });
      else out.push(...inner);
    } else if (entry.isFile()) {
      out.push({ name: rel, bytes: statSync(join(dir, entry.name)).size });
    }
  }
  return out;
}

function humanBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1 << 20) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / (1 << 20)).toFixed(1)} MiB`;
}

/** The tabular files worth summarizing, in reading order. */
function tablesToSummarize(files: Array<{ name: string }>): string[] {
  const csvs = files.map((f) => f.name).filter((n) => n.endsWith(".csv") && !n.includes("/"));
  const order = (n: string) => (n.startsWith("train") ? 0 : n.startsWith("test") ? 1 : n.startsWith("sample_submission") ? 2 : 3);
  return csvs.sort((a, b) => order(a) - order(b)).slice(0, 4);
}

function renderHeader(task: TaskInfo): string {
  if (task.analysis) return [`# Analysis: ${task.title} (${task.id})`, task.analysis.result ? `The result: ${task.analysis.result}` : undefined].filter((l) => l !== undefined).join("\n");
  const metricParams = task.metricParams && Object.keys(task.metricParams).length > 0 ? ` ${JSON.stringify(task.metricParams)}` : "";
  return [
    `# Task: ${task.title} (${task.id})`,
    `Data type: ${task.dataType}`,
    `Metric: ${task.metricName}${metricParams} — ${task.lowerIsBetter ? "lower is better" : "higher is better"}`,
    task.idColumn ? `Id column: ${task.idColumn}` : undefined,
    `Target column(s): ${task.targetColumns.join(", ")}`,
  ]
    .filter((l): l is string => l !== undefined)
    .join("\n");
}

/**
 * Builds the task context. The budget is shared: schema and sample first (they are what code depends on),
 * the description gets what is left, and gets cut with a marker when it doesn't fit.
 */
export function buildTaskContext(task: TaskInfo, options: TaskContextOptions = {}): TaskContext {
  const budgetChars = (options.tokenBudget ?? DEFAULT_CONTEXT_TOKENS) * CHARS_PER_TOKEN;
  const noSchema = options.noSchema ?? false;
  const files = listFiles(task.publicDir);
  const header = renderHeader(task);
  const fileList = [
    "## Files (read-only, under /data)",
    ...files.map((f) => `- /data/${f.name} (${humanBytes(f.bytes)})`),
  ].join("\n");

  const tables = noSchema ? [] : tablesToSummarize(files).map((name) => summarizeCsv(join(task.publicDir, name), name, options.sampleRows ?? 3));
  let schemaText = "";
  if (tables.length > 0) {
    // Shrink the tables until they take at most half the budget: fewer sample rows, then fewer columns.
    const attempts: Array<[number, number]> = [
      [MAX_COLUMNS, options.sampleRows ?? 3],
      [MAX_COLUMNS, 1],
      [20, 1],
      [12, 0],
      [6, 0],
    ];
    for (const [cols, rows] of attempts) {
      schemaText = ["## Data schema and sample", ...tables.map((t) => renderTable(t, cols, rows))].join("\n\n");
      if (schemaText.length <= budgetChars / 2) break;
    }
  }

  const fixed = [header, fileList, schemaText].filter((s) => s !== "").join("\n\n");
  const descriptionBudget = Math.max(400, budgetChars - fixed.length - 40);
  const description = task.description.trim();
  const descriptionTruncated = description.length > descriptionBudget;
  const shownDescription = descriptionTruncated ? `${description.slice(0, descriptionBudget)}\n[… description cut to fit the context budget]` : description;

  const text = [header, `## ${task.analysis ? "Request" : "Description"}\n${shownDescription}`, fileList, schemaText].filter((s) => s !== "").join("\n\n");
  const { publicDir: _publicDir, description: _description, ...taskFields } = task;
  return { task: taskFields, description: shownDescription, descriptionTruncated, files, tables, noSchema, text };
}
