// A column-wise table of string cells used while building task files (cells are written to CSV as-is).
import { createWriteStream } from "node:fs";
import { once } from "node:events";
import type { CsvTable } from "../csv.js";

export interface Frame {
  header: string[];
  columns: string[][];
}

export const rowCount = (f: Frame): number => f.columns[0]?.length ?? 0;

export function frameFromTable(t: CsvTable): Frame {
  return { header: [...t.header], columns: t.columns };
}

export function column(f: Frame, name: string): string[] {
  const i = f.header.indexOf(name);
  if (i < 0) throw new Error(`column '${name}' not found; columns are ${f.header.join(", ")}`);
  return f.columns[i]!;
}

/** Keeps the named columns, in that order. */
export function select(f: Frame, names: readonly string[]): Frame {
  return { header: [...names], columns: names.map((n) => column(f, n)) };
}

export function drop(f: Frame, names: readonly string[]): Frame {
  return select(f, f.header.filter((h) => !names.includes(h)));
}

export function rename(f: Frame, mapping: Readonly<Record<string, string>>): Frame {
  return { header: f.header.map((h) => mapping[h] ?? h), columns: f.columns };
}

/** Adds or replaces a column. `at: 0` puts it first. */
export function withColumn(f: Frame, name: string, values: string[], at?: number): Frame {
  const rest = drop(f, [name]);
  const header = [...rest.header];
  const columns = [...rest.columns];
  const pos = at ?? header.length;
  header.splice(pos, 0, name);
  columns.splice(pos, 0, values);
  return { header, columns };
}

export function mapColumn(f: Frame, name: string, fn: (cell: string, row: number) => string): Frame {
  return withColumn(f, name, column(f, name).map(fn), f.header.indexOf(name));
}

/** Rows at the given positions, in that order. */
export function take(f: Frame, rows: ArrayLike<number>): Frame {
  return {
    header: [...f.header],
    columns: f.columns.map((col) => Array.from({ length: rows.length }, (_, i) => col[rows[i]!]!)),
  };
}

/** Rows for which `keep` is true. */
export function filterRows(f: Frame, keep: (row: number) => boolean): Frame {
  const rows: number[] = [];
  for (let i = 0; i < rowCount(f); i++) if (keep(i)) rows.push(i);
  return take(f, rows);
}

function quote(cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

/** Streams a frame to a CSV file (RFC 4180 quoting where needed). */
export async function writeFrame(path: string, f: Frame): Promise<void> {
  const out = createWriteStream(path);
  const n = rowCount(f);
  const width = f.columns.length;
  let buffer = f.header.map(quote).join(",") + "\n";
  for (let r = 0; r < n; r++) {
    let line = "";
    for (let c = 0; c < width; c++) line += (c === 0 ? "" : ",") + quote(f.columns[c]![r]!);
    buffer += line + "\n";
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await once(out, "drain");
      buffer = "";
    }
  }
  out.end(buffer);
  await once(out, "finish");
}
