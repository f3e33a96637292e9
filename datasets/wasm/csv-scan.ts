// The byte scanner of fast-csv.ts in AssemblyScript, compiled to WebAssembly: it splits quote-free CSV lines
// into field byte ranges and reads plain decimal numbers on the way, at about twice the speed V8 gives the same
// loop in JavaScript (no bounds checks per byte, 64-bit integers for 19-digit mantissas). `npm run build:wasm`
// compiles it into datasets/csv-scan-wasm.ts; tests/datasets/csv-scan-wasm.test.ts fails when that file is stale.
// Not part of the TypeScript build (tsconfig excludes datasets/wasm): AssemblyScript has its own types and builtins.
//
// Memory is laid out by the caller (datasets/wasm-scanner.ts) above __heap_base: the row slots of one block, then
// the input bytes of one window.

const COMMA: i32 = 44;
const LF: i32 = 10;
const CR: i32 = 13;
const MINUS: i32 = 45;
const PLUS: i32 = 43;
const POINT: i32 = 46;

const POW10: StaticArray<f64> = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];
const TWO_53: u64 = 9007199254740992;
/** The mantissa readDigits accumulated (a second result, without a memory round trip). */
let mantissa: u64 = 0;

/** Results of the last scanRows call: rows filled, lines consumed (blank ones included), fields of a bad line (else 0). */
let rows: i32 = 0;
let lines: i32 = 0;
let badFields: i32 = 0;

export function heapBase(): usize {
  return __heap_base;
}
export function scannedRows(): i32 {
  return rows;
}
export function scannedLines(): i32 {
  return lines;
}
export function scannedBadFields(): i32 {
  return badFields;
}

@inline function isDigit(b: i32): bool {
  return <u32>(b - 48) < 10;
}

/** True when the 8 bytes of x are all ASCII digits (Lemire's test). */
@inline function eightDigits(x: u64): bool {
  return ((x & 0xf0f0f0f0f0f0f0f0) | (((x + 0x0606060606060606) & 0xf0f0f0f0f0f0f0f0) >> 4)) == 0x3333333333333333;
}

/** The value of 8 ASCII digits read as a little-endian u64, first digit most significant (Lemire's SWAR). */
@inline function eightDigitsValue(x: u64): u64 {
  x -= 0x3030303030303030;
  x = x * 10 + (x >> 8);
  return (((x & 0x000000ff000000ff) * 0x000f424000000064 + (((x >> 16) & 0x000000ff000000ff) * 0x0000271000000001)) >> 32) & 0xffffffff;
}

/**
 * Accumulates the digits from `i` into the mantissa `m` (8 at a time while 8 follow, then one at a time) and
 * returns where they end; the mantissa is in the global `mantissa`. A read of 8 bytes may pass the input's end:
 * the caller's memory layout keeps 8 bytes after it, and the line end there is not a digit.
 */
@inline function readDigits(i: usize, m: u64): usize {
  let x = load<u64>(i);
  while (eightDigits(x)) {
    m = m * 100000000 + eightDigitsValue(x);
    i += 8;
    x = load<u64>(i);
  }
  let b = <i32>(x & 0xff);
  while (isDigit(b)) {
    m = m * 10 + <u64>(b - 48);
    b = <i32>load<u8>(++i);
  }
  mantissa = m;
  return i;
}

/**
 * Where the first comma or line end at or after `k` is, 8 bytes at a time: the lowest byte flagged by the
 * zero-byte test of x ^ byte is exact (its false positives lie only above a true match). The caller's line end
 * past the input stops it, and the 8 bytes past that are in memory.
 */
@inline function delimiterAt(k: usize): usize {
  let found: u64 = 0;
  for (;;) {
    const x = load<u64>(k);
    const commas = x ^ 0x2c2c2c2c2c2c2c2c;
    const lineEnds = x ^ 0x0a0a0a0a0a0a0a0a;
    found = (((commas - 0x0101010101010101) & ~commas) | ((lineEnds - 0x0101010101010101) & ~lineEnds)) & 0x8080808080808080;
    if (found != 0) break;
    k += 8;
  }
  return k + <usize>(ctz(found) >> 3);
}

/** Error of the product a·b (Dekker): the exact product is a·b + twoProductError. */
@inline function twoProductError(a: f64, b: f64, product: f64): f64 {
  let c = 134217729.0 * a;
  const ah = c - (c - a);
  const al = a - ah;
  c = 134217729.0 * b;
  const bh = c - (c - b);
  const bl = b - bh;
  return al * bl - (product - ah * bh - al * bh - ah * bl);
}

/**
 * The correctly rounded m / d for 2^53 ≤ m < 10^19 and d an exact power of ten, in double-double arithmetic;
 * NaN when the quotient lies too near the midpoint of two doubles to decide here (the caller asks Number()).
 */
function divideExactly(m: u64, d: f64): f64 {
  const n1 = <f64>m; // correctly rounded; m − n1 is small and exact
  const whole = <u64>n1;
  const n2 = whole >= m ? -<f64>(whole - m) : <f64>(m - whole);
  const q1 = n1 / d;
  const p = q1 * d;
  const q2 = (n1 - p - twoProductError(q1, d, p) + n2) / d;
  // The true quotient lies strictly within q1 + q2 ± bound; when both ends round to one double, so does it.
  const bound = Math.abs(q2) * 2.842170943040401e-14 + Math.abs(q1) * 7.888609052210118e-31; // 2^-45, 2^-100
  const f = q1 + (q2 - bound);
  return f == q1 + (q2 + bound) ? f : NaN;
}

/**
 * Reads the plain decimal number at `start` (sign, digits, point, exponent), stopping at the first byte that
 * cannot continue it — the caller puts a line end just past its input, so no read needs a bounds check —
 * stores its value at `out` and returns where it stopped. The value is exactly what JavaScript's Number()
 * reads from the same text, or NaN when it needs Number() (no digits, over 19 significant digits, a scale the
 * exact paths do not cover): below 2^53 one correctly rounded division or multiplication by an exact power of
 * ten (Clinger's fast path), above it the double-double division.
 */
@inline function readNumber(start: usize, out: usize): usize {
  let i = start;
  let b = <i32>load<u8>(i);
  const negative = b == MINUS;
  if (negative || b == PLUS) b = <i32>load<u8>(++i);
  const integerStart = i;
  while (b == 48) b = <i32>load<u8>(++i); // leading zeros add no significant digit
  const significantStart = i;
  i = readDigits(i, 0);
  let m = mantissa;
  b = <i32>load<u8>(i);
  let digits = <i32>(i - significantStart);
  let any = i > integerStart;
  let scale: i32 = 0;
  if (b == POINT) {
    const fractionStart = ++i;
    b = <i32>load<u8>(i);
    if (m == 0) while (b == 48) b = <i32>load<u8>(++i);
    const fractionSignificant = i;
    i = readDigits(i, m);
    m = mantissa;
    b = <i32>load<u8>(i);
    digits += <i32>(i - fractionSignificant);
    scale = <i32>(i - fractionStart);
    any = any || scale > 0;
  }
  let exponent: i32 = 0;
  if (any && (b == 101 || b == 69)) {
    b = <i32>load<u8>(++i);
    let exponentNegative = false;
    if (b == MINUS || b == PLUS) {
      exponentNegative = b == MINUS;
      b = <i32>load<u8>(++i);
    }
    const exponentStart = i;
    while (isDigit(b) && i - exponentStart < 5) {
      exponent = exponent * 10 + (b - 48);
      b = <i32>load<u8>(++i);
    }
    if (i == exponentStart) any = false;
    if (exponentNegative) exponent = -exponent;
  }
  store<f64>(out, any && digits <= 19 ? decimalValue(m, exponent - scale, negative) : NaN);
  return i;
}

/** ±m · 10^e10 for m < 10^19, exactly as Number() rounds it, or NaN when the exact paths here cannot decide it. */
@inline function decimalValue(m: u64, e10: i32, negative: bool): f64 {
  let v: f64;
  if (m == 0) v = 0;
  else if (m < TWO_53) {
    if (e10 == 0) v = <f64>m;
    else if (e10 < 0 && e10 >= -22) v = <f64>m / unchecked(POW10[-e10]);
    else if (e10 > 0 && e10 <= 22) v = <f64>m * unchecked(POW10[e10]);
    else v = NaN;
  } else if (e10 == 0) v = <f64>m;
  else if (e10 < 0 && e10 >= -22) v = divideExactly(m, unchecked(POW10[-e10]));
  else v = NaN;
  return negative ? -v : v;
}

/**
 * The number in the `length` bytes at `input` (followed by a line end the caller wrote) when they hold one
 * plain decimal this reader decides, else NaN.
 */
export function readField(input: usize, length: u32, out: usize): f64 {
  const end = readNumber(input, out);
  return end == input + <usize>length ? load<f64>(out) : NaN;
}

/**
 * Splits the quote-free lines in the `length` bytes at `input` into row slots — row r of column c at index
 * c·stride + r of `starts` and `ends` (u32), and of `numbers` (f64) at index k·stride + r for the k-th column
 * read as numbers (`numberIndex`: one i32 per column, −1 for the others) — reading those cells on the way (NaN
 * where a cell must be read again by Number()). Offsets stored are `bias` + the offset in the input. Stops at
 * the first line it cannot take — `capacity` rows filled, a line unfinished at the end of the input when
 * `atEnd` is false, or a line with other than `width` fields (badFields) — and returns where that line starts
 * (`length` when all were taken). Blank lines are skipped; a CR before the line end is not data. The byte past
 * the input must be a line end (LF) the caller wrote there: the loops stop on it without a bounds check per byte.
 */
export function scanRows(input: usize, length: u32, atEnd: bool, width: i32, capacity: i32, stride: i32, numberIndex: usize, starts: usize, ends: usize, numbers: usize, bias: u32): u32 {
  const limit = input + <usize>length;
  let row: i32 = 0;
  let lineCount: i32 = 0;
  let at = input;
  let stopped = false;
  badFields = 0;
  while (!stopped && at < limit && row < capacity) {
    let fieldStart = at;
    for (let field: i32 = 0; ; field++) {
      const slot = <usize>field * <usize>stride + <usize>row;
      const numberColumn = load<i32>(numberIndex + (<usize>field << 2));
      const numberSlot = numbers + ((<usize>numberColumn * <usize>stride + <usize>row) << 3);
      let k = numberColumn >= 0 ? readNumber(fieldStart, numberSlot) : fieldStart;
      const numberStop = k;
      k = delimiterAt(k);
      if (k == limit && !atEnd) {
        stopped = true;
        break;
      }
      const lineEnd = k == limit || <i32>load<u8>(k) == LF;
      const end = lineEnd && k > fieldStart && <i32>load<u8>(k - 1) == CR ? k - 1 : k;
      const next = k == limit ? limit : k + 1;
      if (lineEnd && field == 0 && end == at) {
        lineCount++; // a blank line
        at = next;
        break;
      }
      if (lineEnd ? field != width - 1 : field == width - 1) {
        badFields = lineEnd ? field + 1 : countFields(at, limit);
        stopped = true;
        break;
      }
      store<u32>(starts + (slot << 2), <u32>(fieldStart - input) + bias);
      store<u32>(ends + (slot << 2), <u32>(end - input) + bias);
      if (numberColumn >= 0 && end != numberStop) store<f64>(numberSlot, NaN);
      if (lineEnd) {
        row++;
        lineCount++;
        at = next;
        break;
      }
      fieldStart = next;
    }
  }
  rows = row;
  lines = lineCount;
  return <u32>(at - input);
}

function countFields(start: usize, limit: usize): i32 {
  let count: i32 = 1;
  for (let k = start; k < limit && <i32>load<u8>(k) != LF; k++) if (<i32>load<u8>(k) == COMMA) count++;
  return count;
}
