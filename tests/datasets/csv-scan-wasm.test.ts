// The WebAssembly row scanner (datasets/wasm/csv-scan.ts) against a plain reference splitter, and the embedded
// module against its source. fast-csv.test.ts holds the number-reading property tests.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { indexCsv, RowBlock, scanRows } from "../../datasets/fast-csv.js";

const root = join(import.meta.dirname, "..", "..");

/** What scanRows must give, computed the obvious way: a line at a time with split(","). */
function referenceScan(text: string, start: number, limit: number, atEnd: boolean, width: number, capacity: number) {
  const starts: number[][] = Array.from({ length: width }, () => []);
  const ends: number[][] = Array.from({ length: width }, () => []);
  let at = start;
  let lines = 0;
  let badFields = 0;
  while (at < limit && starts[0]!.length < capacity) {
    const lf = text.indexOf("\n", at);
    const lineEnd = lf === -1 || lf >= limit ? limit : lf;
    if (lineEnd === limit && !atEnd) break;
    const next = lineEnd === limit ? limit : lineEnd + 1;
    let line = text.slice(at, lineEnd);
    if (line.endsWith("\r")) line = line.slice(0, -1);
    if (line === "") {
      lines++;
      at = next;
      continue;
    }
    const fields = line.split(",");
    if (fields.length !== width) {
      badFields = fields.length;
      break;
    }
    let offset = at;
    for (let c = 0; c < width; c++) {
      starts[c]!.push(offset);
      ends[c]!.push(offset + fields[c]!.length);
      offset += fields[c]!.length + 1;
    }
    lines++;
    at = next;
  }
  return { at, rows: starts[0]!.length, lines, badFields, starts, ends };
}

function randomCsv(random: () => number, width: number, rows: number): string {
  const cells = ["0", "-1.5", "3.25e-3", "99.68105033505708", "12345678901234567.5", "abc", "", " 7", "1e400", "x y", "0.1", "-0"];
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    const u = random();
    if (u < 0.04) lines.push("");
    else if (u < 0.06) lines.push("\r");
    else {
      const w = u < 0.08 ? width + 1 : u < 0.1 && width > 1 ? width - 1 : width;
      const fields = Array.from({ length: w }, () => cells[Math.floor(random() * cells.length)]!);
      // now and then a line longer than a window (64 KiB at least)
      if (random() < 0.01) fields[Math.floor(random() * w)] = "9".repeat(70_000 + Math.floor(random() * 200_000));
      lines.push(fields.join(","));
    }
  }
  return lines.map((l) => l + (random() < 0.2 ? "\r\n" : "\n")).join("") + (random() < 0.5 ? "1,".repeat(width - 1) + "2" : "");
}

describe("scanRows (WebAssembly) splits lines as a plain splitter does", () => {
  it("on random files, at random starts, limits and capacities, numbers read where the cell is a plain decimal", () => {
    let seed = 4242;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let round = 0; round < 300; round++) {
      const width = 1 + Math.floor(random() * (round % 10 === 0 ? 400 : 4));
      const text = randomCsv(random, width, 1 + Math.floor(random() * (width > 4 ? 3000 : 300)));
      const buf = Buffer.from(text, "latin1");
      const start = Math.floor(random() * Math.min(buf.length, 50));
      const limit = start + Math.floor(random() * (buf.length - start + 1));
      const atEnd = random() < 0.5;
      const capacity = 1 + Math.floor(random() * 5000);
      const numberColumns = Array.from({ length: width }, (_, c) => c).filter(() => random() < 0.5);
      const block = new RowBlock(width, capacity, numberColumns);
      const stop = scanRows(buf, start, limit, atEnd, block);
      const want = referenceScan(text, start, limit, atEnd, width, capacity);
      const where = `round ${round}: width ${width}, bytes ${start}-${limit} of ${buf.length}, atEnd ${atEnd}, capacity ${capacity}`;
      expect({ stop, rows: block.rows, lines: block.lines, badFields: block.badFields }, where).toEqual({ stop: want.at, rows: want.rows, lines: want.lines, badFields: want.badFields });
      for (let c = 0; c < width; c++) {
        expect(Array.from(block.starts[c]!.subarray(0, block.rows)), where).toEqual(want.starts[c]);
        expect(Array.from(block.ends[c]!.subarray(0, block.rows)), where).toEqual(want.ends[c]);
        const numbers = block.numbers[c];
        if (!numbers) continue;
        for (let r = 0; r < block.rows; r++) {
          const cell = text.slice(want.starts[c]![r], want.ends[c]![r]);
          const v = numbers[r]!;
          if (!Number.isNaN(v)) expect(Object.is(v, Number(cell)), `${where}: '${cell}' read as ${v}`).toBe(true);
          else if (/^-?\d{1,6}(\.\d{1,6})?$/.test(cell)) expect.fail(`${where}: plain decimal '${cell}' left to Number()`);
        }
      }
    }
  });

  it("continues a block past what one window's row slots hold, when the window holds the rest of the input", () => {
    // One column: 4 MiB of slots hold 262,144 rows, and a window of the whole input holds 300,000. scanRows
    // stops only at a full block, an unfinished line or a bad one: here at the end, with every row.
    const buf = Buffer.from(`${"1\n".repeat(299_999)}2\n`);
    const block = new RowBlock(1, 400_000, [0]);
    expect(scanRows(buf, 0, buf.length, false, block)).toBe(buf.length);
    expect(block.rows).toBe(300_000);
    expect(block.numbers[0]![299_999]).toBe(2);
  });
});

describe("the embedded WebAssembly", () => {
  it("is what datasets/wasm/csv-scan.ts compiles to (run npm run build:wasm after changing it)", async () => {
    const { compileWasmModule, WASM_MODULES } = (await import(join(root, "tools", "build-wasm.mjs"))) as {
      compileWasmModule: (m: unknown) => Promise<string>;
      WASM_MODULES: { module: string }[];
    };
    for (const m of WASM_MODULES) expect(await readFile(join(root, m.module), "utf8"), m.module).toBe(await compileWasmModule(m));
  });
});
