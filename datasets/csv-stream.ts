// Reads a CSV file row by row without holding it in memory, so a submission of any size costs memory in
// proportion to what the caller keeps, not to the file. Quote-free files (the usual submission) are split by a
// byte scanner that makes no string per cell; files with a double quote go through csv-parse's stream. A sink
// may ask to only count the remaining rows (a submission already known to be the wrong size), which scans
// for line ends only.
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { parse } from "csv-parse";
import { CsvFormatError, type CsvTable } from "./csv.js";
import { parseDecimal, parseDecimalAt, RowBlock, sameBytes, scanRows } from "./fast-csv.js";

const COMMA = 44;
const LF = 10;
const CR = 13;
const QUOTE = 34;
const CHUNK = 4 << 20;
/** A longer line is refused: no real row is this long, and holding it would defeat the memory bound. */
export const MAX_LINE_BYTES = 64 << 20;

/** One data row, valid only during the sink's `row` call. */
export interface CsvRow {
  /** 0-based index among the data rows (blank lines are not rows). */
  readonly index: number;
  text(col: number): string;
  /**
   * Writes the cell as a plain decimal number (no hex, binary, Infinity or words; NaN otherwise) into out[at]:
   * a double returned from a call that is not inlined would be boxed, one allocation per row.
   */
  number(col: number, out: Float64Array, at: number): void;
  /** The cell's bytes (a view where possible: valid only during the call; no string is made). */
  bytes(col: number): Buffer;
  /** True when the cell holds exactly `bytes[start, end)` (no string is made). */
  equals(col: number, bytes: Buffer, start: number, end: number): boolean;
}

/** "count": keep counting rows but stop calling `row` (and stop checking their fields). */
export type RowAction = "continue" | "count";

export interface CsvSink {
  /** Returns the columns it will read with `number`, so a scanner can read them on its way through the bytes. */
  header(names: string[]): readonly number[] | void;
  row(row: CsvRow): RowAction;
  /**
   * Optional bulk path of the byte scanner: takes the block's rows from `from` on in one call, without a call
   * per row (cells are byte ranges of `buf`; numbers of the header's columns were read on the way, NaN where
   * they need reading again), and returns the block row it stopped at: the first row it leaves to `row`.
   * `index` is the data-row index of block row `from`.
   */
  rows?(buf: Buffer, block: RowBlock, from: number, index: number): number;
}

export interface FileFacts {
  size: number;
  /** A NUL byte in the first 8000 bytes: a binary file, not a CSV. */
  binary: boolean;
}

/** Size and binary-ness of a file, from its first 8000 bytes. */
export async function inspectFile(path: string): Promise<FileFacts> {
  const handle = await open(path, "r");
  try {
    const size = (await handle.stat()).size;
    const buf = Buffer.allocUnsafe(8000);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    return { size, binary: buf.subarray(0, bytesRead).indexOf(0) !== -1 };
  } finally {
    await handle.close();
  }
}

/**
 * A whole CSV file as columns of strings, read through the streaming parsers: neither the file's text nor
 * csv-parse's record arrays are held at once (a quoted million-row file read at once takes ~600 MB).
 */
export async function readCsvColumns(path: string, what: string, quoted: boolean): Promise<CsvTable> {
  let header: string[] = [];
  let columns: string[][] = [];
  const sink: CsvSink = {
    header: (names) => {
      header = names;
      columns = names.map(() => []);
    },
    row: (r) => {
      for (let c = 0; c < columns.length; c++) columns[c]!.push(r.text(c));
      return "continue";
    },
  };
  const { rows } = await scanCsvFile(path, sink, what, quoted);
  return { header, columns, rowCount: rows };
}

/** Streams `path` into `sink`; returns the number of data rows. Throws CsvFormatError naming `what` and the line. */
export async function scanCsvFile(path: string, sink: CsvSink, what: string, quoted: boolean): Promise<{ rows: number }> {
  return quoted ? scanQuoted(path, sink, what) : scanPlain(path, sink, what, false);
}

/** Thrown inside {@link scanPlain} when it was asked to stop at a quote and read one. */
class QuoteFound extends Error {}

/**
 * {@link scanCsvFile} for a file not known to be quote-free: it is scanned as one (each read is looked over for a
 * double quote on the way, instead of a read of the whole file beforehand), and when a quote turns up it is
 * read again from the start by the RFC 4180 parser into a new sink from `makeSink`. Returns the sink that saw
 * the whole file.
 */
export async function scanCsvFileFindingQuotes<S extends CsvSink>(path: string, makeSink: () => S, what: string): Promise<{ rows: number; sink: S }> {
  const sink = makeSink();
  try {
    return { ...(await scanPlain(path, sink, what, true)), sink };
  } catch (error) {
    if (!(error instanceof QuoteFound)) throw error;
  }
  const again = makeSink();
  return { ...(await scanQuoted(path, again, what)), sink: again };
}

/** Rows split per call of scanRows before the sink sees them. */
const BLOCK_ROWS = 4096;

async function scanPlain(path: string, sink: CsvSink, what: string, stopAtQuote: boolean): Promise<{ rows: number }> {
  const handle = await open(path, "r");
  let line = 0; // physical line number of the line last finished (1 = header)
  let width = -1;
  let rows = 0;
  let counting = false;
  let block = new RowBlock(0, 0);
  let r = 0; // the block row the sink is looking at
  let buf: Buffer = Buffer.alloc(0);
  const view: CsvRow = {
    get index() {
      return rows;
    },
    text: (c) => buf.toString("utf8", block.starts[c]![r]!, block.ends[c]![r]!),
    number: (c, out, at) => {
      const kept = block.numbers[c];
      const v = kept ? kept[r]! : Number.NaN;
      out[at] = v === v ? v : parseDecimalAt(buf, block.starts[c]![r]!, block.ends[c]![r]!);
    },
    bytes: (c) => buf.subarray(block.starts[c]![r]!, block.ends[c]![r]!),
    equals: (c, bytes, s, e) => sameBytes(buf, block.starts[c]![r]!, block.ends[c]![r]!, bytes, s, e),
  };

  const readHeader = (start: number, end: number): void => {
    if (buf[start] === 0xef && buf[start + 1] === 0xbb && buf[start + 2] === 0xbf) start += 3;
    const header = buf.toString("utf8", start, end);
    if (header.trim() === "") throw new CsvFormatError(`${what} is empty (no header line)`);
    const names = header.split(",").map((h) => h.trim());
    width = names.length;
    block = new RowBlock(width, BLOCK_ROWS, sink.header(names) ?? []);
  };

  /**
   * Handles the complete lines in buf (and the unfinished last one at the end of the file); returns where the
   * unfinished last line starts. Lines are split and their numbers read a block at a time ({@link scanRows}).
   */
  const scan = (atEnd: boolean): number => {
    const n = buf.length;
    let lineStart = 0;
    if (width < 0) {
      const lf = buf.indexOf(LF);
      if (lf === -1 && !atEnd) return 0;
      const lineEnd = lf === -1 ? n : lf;
      readHeader(0, lineEnd > 0 && buf[lineEnd - 1] === CR ? lineEnd - 1 : lineEnd);
      line++;
      lineStart = lf === -1 ? n : lf + 1;
    }
    while (lineStart < n && !counting) {
      block.rows = 0;
      const stop = scanRows(buf, lineStart, n, atEnd, block);
      line += block.lines;
      for (r = 0; r < block.rows; r++) {
        if (sink.rows) {
          const stop = sink.rows(buf, block, r, rows);
          rows += stop - r;
          r = stop;
          if (r === block.rows) break;
        }
        const action = sink.row(view);
        rows++;
        if (action === "count") {
          counting = true;
          rows += block.rows - r - 1;
          break;
        }
      }
      lineStart = stop;
      if (counting) break;
      if (block.badFields > 0) throw new CsvFormatError(`${what} line ${line + 1} has ${block.badFields} fields, the header has ${width}`);
      if (block.rows < block.capacity) break; // an unfinished line, or the end
    }
    return counting ? countRows(lineStart, atEnd) : lineStart;
  };
  /** Counts the non-blank lines in buf from `from` (for a sink that asked only for the count). */
  const countRows = (from: number, atEnd: boolean): number => {
    const n = buf.length;
    let lineStart = from;
    for (let i = from; i <= n; i++) {
      const b = i < n ? buf[i]! : atEnd ? LF : -1;
      if (b !== LF) continue;
      if (i === n && i === lineStart) break;
      const end = i > lineStart && buf[i - 1] === CR ? i - 1 : i;
      if (end > lineStart) rows++;
      line++;
      lineStart = i + 1;
    }
    return lineStart;
  };

  try {
    // One buffer, reused: the unfinished last line is moved to its front and the next read lands after it (a
    // new buffer per read costs a copy and, as external memory, garbage collections). A long line grows it
    // by doubling, so the line is copied a bounded number of times.
    let chunk = Buffer.allocUnsafe(CHUNK);
    let kept = 0;
    let position = 0;
    const tooLong = () => new CsvFormatError(`${what} line ${line + 1} is longer than ${MAX_LINE_BYTES >> 20} MiB; write one short line per row`);
    for (;;) {
      if (chunk.length - kept < CHUNK) {
        const bigger = Buffer.allocUnsafe(Math.max(2 * chunk.length, kept + CHUNK));
        chunk.copy(bigger, 0, 0, kept);
        chunk = bigger;
      }
      const { bytesRead } = await handle.read(chunk, kept, CHUNK, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      const end = kept + bytesRead;
      if (stopAtQuote && chunk.subarray(kept, end).indexOf(QUOTE) !== -1) throw new QuoteFound();
      if (chunk.subarray(kept, end).indexOf(LF) === -1) {
        kept = end;
        if (kept > MAX_LINE_BYTES) throw tooLong();
        continue;
      }
      buf = chunk.subarray(0, end);
      const rest = scan(false);
      kept = end - rest;
      if (kept > MAX_LINE_BYTES) throw tooLong();
      chunk.copy(chunk, 0, rest, end);
    }
    buf = chunk.subarray(0, kept);
    if (kept > 0) scan(true);
    if (width < 0) throw new CsvFormatError(`${what} is empty (no header line)`);
    return { rows };
  } finally {
    await handle.close();
  }
}

async function scanQuoted(path: string, sink: CsvSink, what: string): Promise<{ rows: number }> {
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  const parser = stream.pipe(parse({ bom: true, skip_empty_lines: true, relax_column_count: false, info: true, max_record_size: MAX_LINE_BYTES }));
  let header: string[] | null = null;
  let rows = 0;
  let cells: string[] = [];
  const view: CsvRow = {
    get index() {
      return rows;
    },
    text: (c) => cells[c] ?? "",
    number: (c, out, at) => {
      out[at] = parseDecimal(cells[c] ?? "");
    },
    bytes: (c) => Buffer.from(cells[c] ?? "", "utf8"),
    equals: (c, bytes, s, e) => (cells[c] ?? "") === bytes.toString("utf8", s, e),
  };
  let countFrom = -1;
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; info: { bytes: number } }>) {
      if (header === null) {
        header = item.record.map((h) => h.trim());
        sink.header(header);
        continue;
      }
      cells = item.record;
      const action = sink.row(view);
      rows++;
      if (action === "count") {
        countFrom = item.info.bytes;
        break;
      }
    }
  } catch (error) {
    throw new CsvFormatError(`${what} is not valid CSV: ${(error as Error).message}`);
  } finally {
    stream.destroy();
  }
  if (header === null) throw new CsvFormatError(`${what} is empty (no header line)`);
  if (countFrom >= 0) rows += await countQuotedRecords(path, countFrom);
  return { rows };
}

/** Non-empty records from byte `from` on, honouring quotes (a line end inside quotes does not end a record). */
async function countQuotedRecords(path: string, from: number): Promise<number> {
  const handle = await open(path, "r");
  try {
    const chunk = Buffer.allocUnsafe(CHUNK);
    let position = from;
    let inQuotes = false;
    let lineHasContent = false;
    let records = 0;
    for (;;) {
      const { bytesRead } = await handle.read(chunk, 0, CHUNK, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      for (let i = 0; i < bytesRead; i++) {
        const b = chunk[i]!;
        if (b === QUOTE) inQuotes = !inQuotes;
        if (b === LF && !inQuotes) {
          if (lineHasContent) records++;
          lineHasContent = false;
        } else if (b !== CR) lineHasContent = true;
      }
    }
    if (lineHasContent) records++;
    return records;
  } finally {
    await handle.close();
  }
}
