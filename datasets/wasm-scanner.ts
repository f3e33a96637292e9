// The JavaScript side of the WebAssembly CSV scanner (datasets/wasm/csv-scan.ts, embedded as base64 by
// tools/build-wasm.mjs). Each block of rows (fast-csv.ts's RowBlock) owns an instance: its memory holds the block's
// row slots, which the block's arrays view (the scanner writes rows where they are read, no copy), and after them
// a window of input bytes copied in. A small shared instance reads single cells.
import { CSV_SCAN_WASM } from "./csv-scan-wasm.js";

const LF = 10;

// The part of the WebAssembly JavaScript API used here (the project's `lib` has no DOM types, where it is declared).
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmModule {
  readonly kind?: "wasm-module";
}
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { readonly exports: unknown };
};

interface CsvScanExports {
  memory: WasmMemory;
  heapBase(): number;
  scanRows(input: number, length: number, atEnd: number, width: number, capacity: number, stride: number, numberIndex: number, starts: number, ends: number, numbers: number, bias: number): number;
  scannedRows(): number;
  scannedLines(): number;
  scannedBadFields(): number;
  readField(input: number, length: number, out: number): number;
}

/** The row slots as typed arrays: starts[c][r], ends[c][r], numbers[c][r] (null for columns not read as numbers). */
export interface RowSlots {
  starts: Uint32Array[];
  ends: Uint32Array[];
  numbers: (Float64Array | null)[];
}

/** What one scan did: rows filled, lines consumed (blank ones included), fields of a bad line (else 0), where it stopped. */
export interface ScanOutcome {
  rows: number;
  lines: number;
  badFields: number;
  stop: number;
}

let compiled: WasmModule | null = null;
function instantiate(): CsvScanExports {
  compiled ??= new WebAssembly.Module(Buffer.from(CSV_SCAN_WASM, "base64"));
  return new WebAssembly.Instance(compiled, {}).exports as CsvScanExports;
}

const align = (n: number) => (n + 7) & ~7;

/** Memory of one block of rows: `capacity` row slots of `width` columns, then a window of input. */
export class BlockMemory {
  private readonly exports = instantiate();
  private readonly numberIndex: number;
  private readonly starts: number;
  private readonly ends: number;
  private readonly numbers: number;
  private readonly input: number;
  private readonly numberColumns: readonly number[];
  private bytes = new Uint8Array(0);

  constructor(
    readonly width: number,
    readonly capacity: number,
    numberColumns: readonly number[],
  ) {
    this.numberColumns = [...new Set(numberColumns)].filter((c) => c >= 0 && c < width).sort((a, b) => a - b);
    this.numberIndex = align(this.exports.heapBase());
    this.starts = align(this.numberIndex + 4 * width);
    this.ends = this.starts + 4 * width * capacity;
    this.numbers = align(this.ends + 4 * width * capacity);
    this.input = this.numbers + 8 * Math.max(this.numberColumns.length * capacity, 1); // ≥ 1 slot: readField's answer
    this.reserve(0);
    const index = new Int32Array(this.exports.memory.buffer, this.numberIndex, width).fill(-1);
    this.numberColumns.forEach((c, k) => (index[c] = k));
  }

  /** Typed-array views of the slots; made again after the memory grows (growing detaches the old ones). */
  slots(): RowSlots {
    const buffer = this.exports.memory.buffer;
    const { width, capacity } = this;
    return {
      starts: Array.from({ length: width }, (_, c) => new Uint32Array(buffer, this.starts + 4 * c * capacity, capacity)),
      ends: Array.from({ length: width }, (_, c) => new Uint32Array(buffer, this.ends + 4 * c * capacity, capacity)),
      numbers: Array.from({ length: width }, (_, c) => {
        const k = this.numberColumns.indexOf(c);
        return k < 0 ? null : new Float64Array(buffer, this.numbers + 8 * k * capacity, capacity);
      }),
    };
  }

  /**
   * Copies buf[at, at + length) in as the window, with a line end after it (the scanner's loops stop on it) and
   * 8 bytes of room (its 8-digit reads may pass the end); returns true when the memory had to grow for it.
   */
  load(buf: Buffer, at: number, length: number): boolean {
    const grew = this.reserve(length + 9);
    buf.copy(this.bytes, this.input, at, at + length);
    this.bytes[this.input + length] = LF;
    return grew;
  }

  /** Scans the window's `length` bytes into rows from `fromRow` on (at most `maxRows`); offsets stored are `bias` + the offset in the window. */
  scan(length: number, atEnd: boolean, fromRow: number, maxRows: number, bias: number): ScanOutcome {
    const e = this.exports;
    const { width, capacity } = this;
    const stop = e.scanRows(this.input, length, atEnd ? 1 : 0, width, maxRows, capacity, this.numberIndex, this.starts + 4 * fromRow, this.ends + 4 * fromRow, this.numbers + 8 * fromRow, bias);
    return { rows: e.scannedRows(), lines: e.scannedLines(), badFields: e.scannedBadFields(), stop };
  }

  /** The number in buf[start, end) when it is one plain decimal the reader decides, else NaN (a block of no rows). */
  readField(buf: Buffer, start: number, end: number): number {
    this.load(buf, start, end - start);
    return this.exports.readField(this.input, end - start, this.numbers);
  }

  private reserve(windowBytes: number): boolean {
    const memory = this.exports.memory;
    const needed = this.input + windowBytes;
    const grew = needed > memory.buffer.byteLength;
    if (grew) memory.grow(Math.ceil((needed - memory.buffer.byteLength) / 65536));
    if (this.bytes.buffer !== memory.buffer) this.bytes = new Uint8Array(memory.buffer);
    return grew;
  }
}

let cellReader: BlockMemory | null = null;

/** The number in buf[start, end) when it is one plain decimal the WebAssembly reader decides, else NaN. */
export function readDecimalField(buf: Buffer, start: number, end: number): number {
  cellReader ??= new BlockMemory(0, 0, []);
  return cellReader.readField(buf, start, end);
}
