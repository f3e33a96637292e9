import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { indexCsv, parseNumberAt, parseNumberColumn } from "../../datasets/fast-csv.js";
import { grade, loadTask, type GradeResult, type Task } from "../../datasets/index.js";
import { mannWhitneyByCounting, mannWhitneyBySorting, rocAuc } from "../../datasets/metrics.js";
import { csv, tempDir, writeTask } from "./fixtures.js";

const cell = (text: string) => parseNumberAt(Buffer.from(text, "latin1"), 0, text.length);

describe("parseNumberAt reads numbers exactly as Number()", () => {
  it("on edge cases", () => {
    const cases = ["0", "-0", "+1", "1.", ".5", "-.5", "1e5", "1E-5", "2.5e+3", "1e400", "-1e-400", "00012", "0.1", "0.30000000000000004", "123456789012345", "1234567890123456789", "9007199254740993", "1e22", "1e23", "4.35", "0x1A", " 7 ", "abc", "NaN", "Infinity", "-", "1e", "1.2.3", "5e-324"];
    for (const c of cases) {
      const expected = c.trim() === "" ? Number.NaN : Number(c);
      expect(Object.is(cell(c), expected), `${c}: ${cell(c)} vs ${expected}`).toBe(true);
    }
    expect(Number.isNaN(cell(""))).toBe(true);
  });

  it("on random decimals of every length and scale", () => {
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let i = 0; i < 20000; i++) {
      const digits = 1 + Math.floor(random() * 19);
      let s = "";
      for (let d = 0; d < digits; d++) s += String(Math.floor(random() * 10));
      const point = Math.floor(random() * (digits + 1));
      let text = `${s.slice(0, point)}.${s.slice(point)}`;
      if (random() < 0.3) text += `e${Math.floor(random() * 40) - 20}`;
      if (random() < 0.5) text = `-${text}`;
      expect(Object.is(cell(text), Number(text)), text).toBe(true);
      const shortest = String(random() * 10 ** (Math.floor(random() * 10) - 5));
      expect(cell(shortest)).toBe(Number(shortest));
    }
  });
});

describe("parseNumberAt's double-double path (16–19 significant digits) agrees with Number()", () => {
  it("on shortest forms of random doubles, random long decimals and decimals at the midpoint of two doubles", () => {
    let seed = 987654321;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const texts: string[] = [];
    for (let i = 0; i < 100_000; i++) {
      texts.push(String(random() * 10 ** (Math.floor(random() * 30) - 15)));
      const digits = 16 + Math.floor(random() * 4);
      let s = String(1 + Math.floor(random() * 9));
      for (let d = 1; d < digits; d++) s += String(Math.floor(random() * 10));
      const point = Math.floor(random() * (digits + 1));
      texts.push(`${s.slice(0, point)}.${s.slice(point)}`);
      // The decimal expansion of the exact midpoint between x and the next double, cut to 17–19 digits: the
      // cases a plain double computation rounds the wrong way.
      const x = random() * 1000;
      texts.push(((x + (x + x * 2 ** -53)) / 2).toPrecision(17 + Math.floor(random() * 3)));
    }
    const wrong = texts.filter((t) => !Object.is(cell(t), Number(t)));
    expect(wrong.slice(0, 5)).toEqual([]);
  });
});

describe("numbers read on the scanner's way agree with Number() (property test)", () => {
  // Every shape around the readers' limits: 1–22 digits with the point anywhere (so the 15th digit falls in
  // the integer part, at the point or in the fraction), leading zeros, signs, exponents, a bare point or sign,
  // the shortest forms of random doubles, and decimals at the midpoint of two doubles. Each text is read
  // three ways — alone (parseNumberAt: the field ends at the text), inside a CSV by indexCsv (the scanner:
  // the number ends at the comma or line end, or at the end of the file) and, for the file, as parseNumberColumn
  // completes it — and every value must be Number()'s, bit for bit (-0 included).
  let seed = 20261206;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const digitsOf = (n: number) => Array.from({ length: n }, () => String(Math.floor(random() * 10))).join("");
  const texts: string[] = ["0", "-0", ".", "-", "+", "-.", "+.5", "1.", "0.", ".0", "1e5", "1.e5", ".e5", "1e", "1e+", "00.000", "-0.0",
    "123456789012345", "1234567890123456", "12345678901234567", "9007199254740991", "9007199254740993", "9007199254740993.5",
    "123456789012345.6", "1234567890123456.7", "0.123456789012345", "0.1234567890123456", "0.12345678901234567", "0.1234567890123456789",
    "0.12345678901234567891", "99.68105033505708", "-3.209942108951509", "0.000000000000000000001", "1234567890123456789012.5",
    "9.999999999999999999", "0.30000000000000004", "4.35", "1.7976931348623157e308", "5e-324", "123.4567890123456e3"];
  for (let i = 0; i < 60_000; i++) {
    const length = 1 + Math.floor(random() * 22);
    let body = digitsOf(length);
    if (random() < 0.2) body = "0".repeat(1 + Math.floor(random() * 4)) + body;
    const point = Math.floor(random() * (body.length + 1));
    let text = random() < 0.85 ? `${body.slice(0, point)}.${body.slice(point)}` : body;
    if (random() < 0.1) text += `e${Math.floor(random() * 50) - 25}`;
    const sign = random();
    if (sign < 0.3) text = `-${text}`;
    else if (sign < 0.35) text = `+${text}`;
    texts.push(text);
    texts.push(String(random() * 10 ** (Math.floor(random() * 40) - 20)));
    const x = random() * 10 ** Math.floor(random() * 6);
    texts.push(((x + (x + x * 2 ** -53)) / 2).toPrecision(16 + Math.floor(random() * 4)));
  }
  const same = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
  const expected = (t: string) => Number(t);

  it("read alone (parseNumberAt)", () => {
    const wrong = texts.filter((t) => !same(cell(t), expected(t)));
    expect(wrong.slice(0, 5)).toEqual([]);
  });

  it("read by the scanner inside a CSV, with LF, CRLF and no final line end", () => {
    for (const [eol, last] of [["\n", "\n"], ["\r\n", "\r\n"], ["\n", ""]] as const) {
      const file = Buffer.from(`id,y${eol}${texts.map((t, i) => `${i},${t}`).join(eol)}${last}`, "latin1");
      const ix = indexCsv(file, ["y"])!;
      expect(ix.rowCount).toBe(texts.length);
      const kept = Float64Array.from(ix.numbers[1]!);
      const wrongOnTheWay = texts.filter((t, r) => !Number.isNaN(kept[r]!) && !same(kept[r]!, expected(t)));
      expect(wrongOnTheWay.slice(0, 5), JSON.stringify(eol + last)).toEqual([]);
      const column = parseNumberColumn(ix, 1);
      const wrong = texts.filter((t, r) => !same(column[r]!, expected(t)));
      expect(wrong.slice(0, 5), JSON.stringify(eol + last)).toEqual([]);
    }
    // Most cells are read on the way, not left to Number(): the fast paths are the ones tested.
    const ix = indexCsv(Buffer.from(`id,y\n${texts.map((t, i) => `${i},${t}`).join("\n")}\n`, "latin1"), ["y"])!;
    const readOnTheWay = ix.numbers[1]!.filter((v) => !Number.isNaN(v)).length;
    expect(readOnTheWay / texts.length).toBeGreaterThan(0.7);
  });
});

describe("indexCsv", () => {
  it("indexes LF, CRLF, a BOM and blank lines; refuses quotes and ragged rows", () => {
    const ix = indexCsv(Buffer.from("\ufeffid,y\r\n1,2.5\r\n\r\n2,3\n"))!;
    expect(ix.header).toEqual(["id", "y"]);
    expect(ix.rowCount).toBe(2);
    expect(Array.from(parseNumberColumn(ix, 1))).toEqual([2.5, 3]);
    expect(indexCsv(Buffer.from('id,y\n1,"2"\n'))).toBeNull();
    expect(indexCsv(Buffer.from("id,y\n1,2,3\n"))).toBeNull();
    expect(indexCsv(Buffer.from("id,y\n1\n"))).toBeNull();
  });

  it("grows past a short capacity guess (long first lines, short later ones)", () => {
    const lines = ["id,y", `1,${"1".repeat(3000)}`, ...Array.from({ length: 5000 }, (_, i) => `${i + 2},${i}`)];
    const ix = indexCsv(Buffer.from(lines.join("\n")))!;
    expect(ix.rowCount).toBe(5001);
    expect(parseNumberColumn(ix, 1)[5000]).toBe(4999);
  });

  it("falls back cell by cell when a column is not valid JSON, keeping NaN for blanks", () => {
    const ix = indexCsv(Buffer.from("id,y\n1,1.\n2,\n3,true\n"))!;
    const v = parseNumberColumn(ix, 1);
    expect(v[0]).toBe(1);
    expect(Number.isNaN(v[1]!)).toBe(true);
    expect(Number.isNaN(v[2]!)).toBe(true);
  });
});

describe("grade: the byte-level path and the general path agree", () => {
  it("gives the same score for ids in order (fast) and shuffled (general)", async () => {
    const root = await tempDir();
    const n = 500;
    const y = Array.from({ length: n }, (_, i) => (i * 7919) % 2);
    const p = Array.from({ length: n }, (_, i) => ((i * 104729) % 1000) / 1000);
    const task = await loadTask(await writeTask(root, "auc", { spec: { metric: { name: "roc_auc" }, target_columns: ["t"] }, answers: y.map((v, i) => [i, v]) }));
    const ordered = join(root, "ordered.csv");
    const shuffled = join(root, "shuffled.csv");
    const rows = p.map((v, i) => [i, v]);
    await writeFile(ordered, csv(["id", "t"], rows));
    await writeFile(shuffled, csv(["id", "t"], [...rows].reverse()));
    const a = await grade(task, ordered);
    const b = await grade(task, shuffled);
    expect(a.valid && b.valid).toBe(true);
    expect(a.score).toBe(b.score);
  });
});

describe("the byte-level path reads a submission as the csv-parse path does", () => {
  // Each file is graded twice: as written (quote-free: the byte scanner) and with every field quoted (which
  // sends it through csv-parse). The results must be the same, score bit for bit and every message.
  const quoteAll = (text: string) => text.replace(/[^,\r\n\ufeff]+/g, (field) => `"${field}"`);
  let root: string;
  let task: Task;
  const gradeBoth = async (name: string, text: string) => {
    const plain = join(root, `${name}.csv`);
    const quoted = join(root, `${name}-quoted.csv`);
    await writeFile(plain, text);
    await writeFile(quoted, quoteAll(text));
    const [a, b] = [await grade(task, plain), await grade(task, quoted)];
    expect(quoteAll(text)).toContain('"');
    return { a, b };
  };

  it("on tricky number cells", async () => {
    root = await tempDir();
    task = await loadTask(await writeTask(root, "reg", { spec: { metric: { name: "rmse" }, lower_is_better: true, target_columns: ["y"] }, answers: [[1, 0.5], [2, 1e-3], [3, 7]] }));
    const cells = ["1e-3", "1E-3", "+0.5", "-0", ".5", "5.", " 0.25 ", "\t2", "00012", "2.5e+3", "1e400", "5e-324", "1e-400", "0.30000000000000004",
      "4.35", "9007199254740993", "12345678901234567.5", "1234567890123456789012345", "0.000000000000000000000000000123", "123456789012345678e-10",
      "0x10", "0b1", "Infinity", "-Infinity", "NaN", "nan", "", "1e", "e5", "1.2.3", "--1", "+-1", "1_000"];
    for (const cell of cells) {
      const { a, b } = await gradeBoth("cell", `id,y\n1,0.5\n2,${cell}\n3,7\n`);
      expect(a, JSON.stringify(cell)).toEqual(b);
    }
  });

  it("on line ends, a BOM, blank and trailing lines, and spaces around ids", async () => {
    const rows = ["1,0.5", "2,0.001", "3,6.5"];
    const files = {
      crlf: `id,y\r\n${rows.join("\r\n")}\r\n`,
      bom: `\ufeffid,y\n${rows.join("\n")}\n`,
      noFinalNewline: `id,y\n${rows.join("\n")}`,
      blankLines: `id,y\n\n${rows.join("\n\n")}\n\n\n`,
      crlfBlank: `id,y\r\n\r\n${rows.join("\r\n")}\r\n\r\n`,
      spacedIds: `id,y\n 1,0.5\n2 ,0.001\n3,6.5\n`,
      reordered: `id,y\n3,6.5\n1,0.5\n2,0.001\n`,
    };
    for (const [name, text] of Object.entries(files)) {
      const { a, b } = await gradeBoth(name, text);
      expect(a, name).toEqual(b);
      expect(a.valid, name).toBe(true);
    }
  });

  it("takes rows in bulk until one needs a look, across blocks (duplicates at their own position, bad cells, swaps, extra rows)", async () => {
    // 10,000 rows span three blocks of the byte scanner; each edit sends the bulk path to the per-row path at
    // some row, and back. The csv-parse path sees every row one at a time.
    root = await tempDir();
    const n = 10_000;
    const y = Array.from({ length: n }, (_, i) => (i * 7919) % 3 === 0 ? 1 : 0);
    task = await loadTask(await writeTask(root, "bulk", { spec: { metric: { name: "log_loss" }, lower_is_better: true, target_columns: ["y"] }, answers: y.map((v, i) => [i, v]) }));
    const rows = () => Array.from({ length: n }, (_, i) => [String(i), String(((i * 104729) % 997) / 1000)]);
    const text = (r: string[][]) => `id,y\n${r.map((x) => x.join(",")).join("\n")}\n`;
    const edits: Record<string, (r: string[][]) => void> = {
      none: () => {},
      swapped: (r) => ([r[5000], r[5001]] = [r[5001]!, r[5000]!]),
      duplicateAtOwnPosition: (r) => (r[4095]![0] = "4096"), // 4096 is then given again on its own row, first of a block
      outOfRange: (r) => (r[7000]![1] = "1.5"),
      missingAtBlockEnd: (r) => (r[8191]![1] = "nan"),
      needsReadingAgain: (r) => (r[3]![1] = "5e-1"),
      extraRows: (r) => r.push(["10000", "0.5"], ["1", "0.5"]),
    };
    const results: Record<string, GradeResult> = {};
    for (const [name, edit] of Object.entries(edits)) {
      const r = rows();
      edit(r);
      const { a, b } = await gradeBoth(name, text(r));
      expect(a, name).toEqual(b);
      results[name] = a;
    }
    expect(results.none!.valid && results.swapped!.valid && results.needsReadingAgain!.valid).toBe(true);
    expect(results.swapped!.score).toBe(results.none!.score);
    expect(results.duplicateAtOwnPosition!.errors.join(" ")).toMatch(/1 duplicate id\(s\), e\.g\. '4096'.*1 test id\(s\) are missing \(e\.g\. '4095'\)/);
    expect(results.outOfRange!.errors.join(" ")).toMatch(/1 value\(s\) outside \[0, 1\].*e\.g\. 1\.5 on line 7002/);
    expect(results.missingAtBlockEnd!.errors.join(" ")).toMatch(/1 missing or NaN value\(s\) \(first on line 8193\)/);
    expect(results.extraRows!.errors.join(" ")).toMatch(/10002 rows but the test set has 10000/);
    // Without a prediction range (RMSE), a cell left unread still leaves the bulk path.
    task = await loadTask(await writeTask(root, "bulk-rmse", { spec: { metric: { name: "rmse" }, lower_is_better: true, target_columns: ["y"] }, answers: y.map((v, i) => [i, v]) }));
    const r = rows();
    r[8191]![1] = "nan";
    const { a, b } = await gradeBoth("rmse-missing", text(r));
    expect(a).toEqual(b);
    expect(a.errors.join(" ")).toMatch(/1 missing or NaN value\(s\) \(first on line 8193\)/);
  });

  it("reads quoted answers (streamed through csv-parse) as it reads them unquoted", async () => {
    const answers = "id,y\n1,0.5\n2,1e-3\n3,7\n";
    const plainTask = await loadTask(await writeTask(root, "plain-answers", { spec: { metric: { name: "rmse" }, lower_is_better: true, target_columns: ["y"] }, answers: [[1, 0.5], [2, 1e-3], [3, 7]] }));
    const quotedTask = await loadTask(await writeTask(root, "quoted-answers", { spec: { metric: { name: "rmse" }, lower_is_better: true, target_columns: ["y"] }, answers: [[1, 0.5], [2, 1e-3], [3, 7]] }));
    await writeFile(plainTask.answersPath, answers);
    await writeFile(quotedTask.answersPath, `\ufeff${quoteAll(answers)}`);
    const submission = join(root, "against-answers.csv");
    await writeFile(submission, "id,y\n3,6\n1,0.25\n2,0.5\n");
    const a = await grade(plainTask, submission);
    expect(a.valid).toBe(true);
    expect(await grade(quotedTask, submission)).toEqual(a);
  });
});

describe("ROC-AUC by counting agrees with ROC-AUC by sorting", () => {
  it("on scores on a decimal grid, ties included, to the last bit", () => {
    let seed = 4242;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    let counted = 0;
    for (let trial = 0; trial < 400; trial++) {
      const n = 2 + Math.floor(random() * 400);
      const decimals = Math.floor(random() * 5);
      const y = Array.from({ length: n }, (_, i) => (i < 2 ? i : random() < 0.4 ? 1 : 0));
      const p = Array.from({ length: n }, () => Math.round((random() * 3 - 1) * 10 ** decimals) / 10 ** decimals);
      const nPos = y.filter((v) => v === 1).length;
      const byCounting = mannWhitneyByCounting(y, p);
      if (byCounting === null) continue;
      counted++;
      expect(byCounting, `n=${n} decimals=${decimals}`).toBe(mannWhitneyBySorting(y, p, nPos, n - nPos));
    }
    expect(counted).toBeGreaterThan(350);
    // Off the grid (or too wide a span) it sorts.
    expect(mannWhitneyByCounting([0, 1], [0.1234567, 0.5])).toBeNull();
    expect(mannWhitneyByCounting([0, 1], [0, 1e12])).toBeNull();
    expect(rocAuc([0, 1, 0, 1], [0.1234567, 0.5, 0.5, 0.25])).toBe(0.625);
  });
});

describe("label messages name the submission's line of the cell, whatever the row order", () => {
  it("a missing label and a non-numeric rating, on rows out of answer order", async () => {
    const root = await tempDir();
    const n = 6;
    const labelTask = await loadTask(await writeTask(root, "labels", { spec: { metric: { name: "accuracy" }, target_columns: ["y"] }, answers: Array.from({ length: n }, (_, i) => [i, i % 2 ? "cat" : "dog"]) }));
    // Answer row 2's label is missing; it stands on the submission's 5th data row (line 6).
    const rows = [[5, "cat"], [4, "dog"], [3, "cat"], [1, "cat"], [2, ""], [0, "dog"]];
    const labels = join(root, "labels.csv");
    await writeFile(labels, csv(["id", "y"], rows));
    expect((await grade(labelTask, labels)).errors.join(" ")).toMatch(/1 missing or NaN label\(s\) \(first on line 6\)/);
    const ratingTask = await loadTask(await writeTask(root, "ratings", { spec: { metric: { name: "qwk" }, target_columns: ["y"] }, answers: Array.from({ length: n }, (_, i) => [i, i % 3]) }));
    const ratings = join(root, "ratings.csv");
    await writeFile(ratings, csv(["id", "y"], [[5, 1], [4, 0], [3, "two"], [1, 1], [2, 2], [0, 0]]));
    expect((await grade(ratingTask, ratings)).errors.join(" ")).toMatch(/non-numeric rating\(s\), e\.g\. 'two' on line 4/);
  });
});

describe("a quote found past the first read sends the whole file to the RFC 4180 parser, into a new sink", () => {
  it("grades as the fully quoted file does", async () => {
    // ~5 MB: the quoted cell lies past the scanner's first 4 MiB read, after hundreds of thousands of rows
    // were already taken as quote-free.
    const root = await tempDir();
    const n = 400_000;
    const task = await loadTask(await writeTask(root, "late-quote", { spec: { metric: { name: "rmse" }, lower_is_better: true, target_columns: ["y"] }, answers: Array.from({ length: n }, (_, i) => [i, (i % 1000) / 100]) }));
    const cells = Array.from({ length: n }, (_, i) => `${i},${((i * 7) % 1000) / 100}`);
    cells[n - 10] = `${n - 10},"1.5"`;
    const late = join(root, "late.csv");
    const all = join(root, "all.csv");
    await writeFile(late, `id,y\n${cells.join("\n")}\n`);
    await writeFile(all, `id,y\n${cells.map((c) => c.replace(/[^,]+/g, (f) => (f.startsWith('"') ? f : `"${f}"`))).join("\n")}\n`);
    expect(Buffer.from(`id,y\n${cells.join("\n")}\n`).indexOf('"')).toBeGreaterThan(4 << 20);
    const a = await grade(task, late);
    expect(a.valid, a.errors.join("; ")).toBe(true);
    expect(a).toEqual(await grade(task, all));
  });
});
