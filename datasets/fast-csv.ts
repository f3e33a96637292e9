// Byte-level index of a quote-free CSV: field offsets per column, numbers parsed straight from the bytes.
// Grading a million-row submission spends most of its time making one string per cell; this path makes
// none for numeric columns. Files with quotes (or anything unusual) go through csv.ts instead. The bytes are
// scanned and numbers read in WebAssembly (datasets/wasm/csv-scan.ts, embedded by tools/build-wasm.mjs).
import { BlockMemory, readDecimalField } from "./wasm-scanner.js";

const LF = 10;
const CR = 13;
const QUOTE = 34;

export interface CsvIndex {
  buf: Buffer;
  header: string[];
  rowCount: number;
  /** starts[c][r] / ends[c][r]: byte range of column c in data row r. */
  starts: Uint32Array[];
  ends: Uint32Array[];
  /**
   * numbers[c][r], for the columns asked for: the cell's number when it was read on the way (NaN: read it with
   * parseNumberAt); null for the other columns.
   */
  numbers: (Float64Array | null)[];
}

/**
 * Rows of a quote-free CSV split by {@link scanRows}, column by column: starts[c][r] / ends[c][r] is the byte
 * range of column c in row r; numbers[c][r] (for the columns asked for, null for the others) the cell's
 * number when it is a plain decimal read on the way, NaN when the cell must be read again (parseNumberAt).
 * The arrays view the memory of the block's WebAssembly scanner, which writes the rows there.
 */
export class RowBlock {
  starts: Uint32Array[] = [];
  ends: Uint32Array[] = [];
  numbers: (Float64Array | null)[] = [];
  /** Rows filled. */
  rows = 0;
  /** Lines consumed by the last scan, blank ones included. */
  lines = 0;
  /** Fields on the line the last scan stopped at, when it has a number other than `width`; else 0. */
  badFields = 0;
  /** Bytes per row seen so far, to size the next window of input. */
  bytesPerRow = 64;
  memory: BlockMemory;
  constructor(
    readonly width: number,
    public capacity: number,
    private readonly numberColumns: readonly number[] = [],
  ) {
    this.memory = new BlockMemory(width, capacity, numberColumns);
    this.view();
  }

  /** Doubles the capacity, keeping the rows. */
  grow(): void {
    const old = { starts: this.starts, ends: this.ends, numbers: this.numbers };
    this.capacity *= 2;
    this.memory = new BlockMemory(this.width, this.capacity, this.numberColumns);
    this.view();
    for (let c = 0; c < this.width; c++) {
      this.starts[c]!.set(old.starts[c]!.subarray(0, this.rows));
      this.ends[c]!.set(old.ends[c]!.subarray(0, this.rows));
      this.numbers[c]?.set(old.numbers[c]!.subarray(0, this.rows));
    }
  }

  /** Takes the views of the scanner's memory (again, after it grew). */
  view(): void {
    ({ starts: this.starts, ends: this.ends, numbers: this.numbers } = this.memory.slots());
  }
}

/**
 * Splits the quote-free lines from buf[start] into `block` (from row block.rows on) and reads the numbers of
 * the columns that want them on the same pass, so a numeric cell's bytes are visited once and no string is
 * made. Stops at the first line it cannot take — the block is full, the line is unfinished (`limit` comes
 * first and `atEnd` is false), or it has the wrong number of fields (block.badFields) — and returns where that
 * line starts (`limit` when all were taken). Blank lines are skipped; a CR before the line end is not data.
 * The block's WebAssembly scanner takes the bytes a window at a time, copied into its memory.
 */
export function scanRows(buf: Buffer, start: number, limit: number, atEnd: boolean, block: RowBlock): number {
  let at = start;
  let lines = 0;
  let window = 0; // bytes of the next window; 0: from the bytes per row seen so far
  block.badFields = 0;
  while (at < limit && block.rows < block.capacity) {
    const rowsWanted = block.capacity - block.rows;
    const length = Math.min(limit - at, window || windowFor(rowsWanted, block.bytesPerRow));
    const last = at + length === limit;
    if (block.memory.load(buf, at, length)) block.view();
    const scanned = block.memory.scan(length, last && atEnd, block.rows, rowsWanted, at);
    block.rows += scanned.rows;
    lines += scanned.lines;
    if (scanned.rows > 0) block.bytesPerRow = Math.max(2, scanned.stop / scanned.rows);
    block.badFields = scanned.badFields;
    if (block.badFields > 0) {
      at += scanned.stop;
      break;
    }
    if (scanned.stop === 0) {
      // No line ended in the window: the end of what the caller has, or a line longer than the window.
      if (last) break;
      window = 2 * length;
      continue;
    }
    window = 0;
    at += scanned.stop;
    if (last && at < limit) break; // an unfinished line at the end of what the caller has
  }
  block.lines = lines;
  return at;
}

/**
 * Window bytes likely to hold `rows` rows (a window that ends early is followed by another), 64 KiB to 1 MiB: V8
 * first runs WebAssembly unoptimized and swaps in optimized code between calls, so a file's first megabytes are
 * better scanned in several calls than one.
 */
function windowFor(rows: number, bytesPerRow: number): number {
  return Math.min(1 << 20, Math.max(64 << 10, Math.ceil(rows * bytesPerRow * 1.25) + 1024));
}

/**
 * Indexes `buf`, keeping the numbers read on the way for the columns named in `numberColumns`; returns null
 * when the file holds a double quote, a row with the wrong number of fields, or is too large for 32-bit
 * offsets — the caller then uses the general parser (which reports errors).
 */
export function indexCsv(buf: Buffer, numberColumns: readonly string[] = []): CsvIndex | null {
  const n = buf.length;
  if (n >= 0xffffffff || buf.indexOf(QUOTE) !== -1) return null;
  const pos = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  let headerEnd = buf.indexOf(LF, pos);
  if (headerEnd === -1) headerEnd = n;
  const header = buf
    .toString("utf8", pos, headerEnd > pos && buf[headerEnd - 1] === CR ? headerEnd - 1 : headerEnd)
    .split(",")
    .map((h) => h.trim());
  // Row capacity from the length of the first lines (grown if the guess is short), to avoid a counting pass.
  const sampleEnd = Math.min(n, headerEnd + 1 + 64 * 1024);
  let sampleLines = 0;
  for (let i = headerEnd + 1; i < sampleEnd; i++) if (buf[i] === LF) sampleLines++;
  const bytesPerLine = sampleLines > 0 ? (sampleEnd - headerEnd - 1) / sampleLines : n;
  const capacity = Math.ceil(((n - headerEnd) / Math.max(bytesPerLine, 2)) * 1.1) + 16;
  const block = new RowBlock(header.length, capacity, numberColumns.map((name) => header.indexOf(name)));
  for (let at = headerEnd + 1; at < n; ) {
    at = scanRows(buf, at, n, true, block);
    if (block.badFields > 0) return null;
    if (block.rows === block.capacity) block.grow();
  }
  const row = block.rows;
  return {
    buf,
    header,
    rowCount: row,
    starts: block.starts.map((s) => s.subarray(0, row)),
    ends: block.ends.map((e) => e.subarray(0, row)),
    numbers: block.numbers.map((v) => v && v.subarray(0, row)),
  };
}

/**
 * The number in buf[start, end), exactly as Number() would read the same text: the WebAssembly reader's value
 * when the field is one plain decimal it can decide, else Number() of the text. Empty → NaN.
 */
export function parseNumberAt(buf: Buffer, start: number, end: number): number {
  const length = end - start;
  if (length === 0) return Number.NaN;
  if (length > MAX_FIELD_BYTES) return slowNumber(buf, start, end);
  const v = readDecimalField(buf, start, end);
  return v === v ? v : slowNumber(buf, start, end);
}
/** A longer field is read by Number() directly (the reader takes at most 19 significant digits). */
const MAX_FIELD_BYTES = 64;

function slowNumber(buf: Buffer, start: number, end: number): number {
  const text = buf.toString("latin1", start, end);
  return text.trim() === "" ? Number.NaN : Number(text);
}

/** True when the two byte ranges hold the same bytes. */
export function sameBytes(a: Buffer, aStart: number, aEnd: number, b: Buffer, bStart: number, bEnd: number): boolean {
  const len = aEnd - aStart;
  if (len !== bEnd - bStart) return false;
  for (let k = 0; k < len; k++) if (a[aStart + k] !== b[bStart + k]) return false;
  return true;
}

/**
 * Numbers of one indexed column as {@link parseNumberAt} reads them: the column's numbers read on the way
 * (completed in place), or all read now when indexCsv was not asked to keep them.
 */
export function parseNumberColumn(index: CsvIndex, column: number): Float64Array {
  const { buf } = index;
  const starts = index.starts[column]!;
  const ends = index.ends[column]!;
  const out = index.numbers[column] ?? new Float64Array(starts.length).fill(Number.NaN);
  for (let r = 0; r < out.length; r++) if (Number.isNaN(out[r])) out[r] = parseNumberAt(buf, starts[r]!, ends[r]!);
  return out;
}

/** Bytes a plain decimal number may hold: digits, sign, point, exponent, surrounding blanks. */
function onlyDecimalBytes(buf: Buffer, start: number, end: number): boolean {
  for (let k = start; k < end; k++) {
    const b = buf[k]!;
    if ((b >= 48 && b <= 57) || b === 43 || b === 45 || b === 46 || b === 101 || b === 69 || b === 32 || b === 9 || b === 13) continue;
    return false;
  }
  return true;
}

/**
 * The plain decimal number in buf[start, end) ("12", "-0.5", "1e-3", " 7 "); NaN for anything else,
 * including what Number() also accepts — "0x10", "0b11", "0o7", "Infinity" — since a grader (and pandas)
 * must not read those as numbers.
 */
export function parseDecimalAt(buf: Buffer, start: number, end: number): number {
  const v = parseNumberAt(buf, start, end);
  return Number.isNaN(v) || onlyDecimalBytes(buf, start, end) ? v : Number.NaN;
}

const DECIMAL = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/** {@link parseDecimalAt} for a string. */
export function parseDecimal(text: string): number {
  return DECIMAL.test(text) ? Number(text) : Number.NaN;
}
