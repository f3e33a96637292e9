// Report numbers checked against generated run records whose outcomes are fixed by hand, and against
// the records themselves (summarizeRun), not just against the presence of files.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { summarizeRun } from "../../execution/index.js";
import { collectRuns } from "../../benchmarks/collect.js";
import { buildReport, type Report, type Table } from "../../benchmarks/report.js";
import { relativeLink, renderMarkdown, writeReport } from "../../benchmarks/render.js";
import { writeGeneratedBench, type GeneratedOutcome, type GeneratedTask } from "../support/bench-records.js";
import type { RunKey } from "../../benchmarks/matrix.js";

const tasks: GeneratedTask[] = [
  { id: "reg-a", dataType: "tabular", metric: "rmse", reference: { constant: 10, model: 2 } },
  { id: "cls-b", dataType: "text", metric: "accuracy", reference: { constant: 0.5, model: 0.9 } },
  { id: "ts-c", dataType: "time-series", metric: "rmse", reference: { constant: 40, model: 20 } },
];

const at = (task: GeneratedTask, q: number) => task.reference.constant + (task.reference.model - task.reference.constant) * q;

/**
 * linguacodus: q = 0.8; seed 1 needs one fix (KeyError first). direct: seed 1 fails every attempt, else q = 0.5.
 * no-fix: seed 1 fails its single attempt, else q = 0.7.
 */
function outcomeOf(key: RunKey, task: GeneratedTask): GeneratedOutcome {
  if (key.mode === "linguacodus") return { attempts: key.seed === 1 ? [{ errorClass: "KeyError" }, { score: at(task, 0.8) }] : [{ score: at(task, 0.8) }] };
  if (key.mode === "direct")
    return key.seed === 1 ? { attempts: ["SyntaxError", "KeyError", "ValueError", "Timeout"].map((errorClass) => ({ errorClass })) } : { attempts: [{ score: at(task, 0.5) }] };
  return { attempts: key.seed === 1 ? [{ errorClass: "ModuleNotFoundError" }] : [{ score: at(task, 0.7) }] };
}

let root: string;
let bench: string;
let report: Report;

const table = (id: string): Table => {
  const t = report.tables.find((x) => x.id === id);
  if (!t) throw new Error(`no table ${id}`);
  return t;
};
const rowOf = (t: Table, first: string, column = 0) => {
  const row = t.rows.find((r) => r[column]?.text === first);
  if (!row) throw new Error(`no row ${first} in ${t.id}`);
  return (name: string) => row[t.columns.indexOf(name)]!;
};

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "lc-report-"));
  bench = join(root, "bench");
  writeGeneratedBench(bench, { tasks, modes: ["linguacodus", "direct", "no-fix"], repeats: 3, outcomeOf });
  const out = join(bench, "report");
  report = buildReport(collectRuns(bench), { linkOf: (dir) => relativeLink(out, dir) });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("report over a generated bench", () => {
  it("reads every run and its normalised score", () => {
    expect(report.counts).toMatchObject({ planned: 27, succeeded: 21, failed: 6, missing: 0 });
    const direct1 = report.runs.filter((r) => r.mode === "direct" && r.seed === 1);
    expect(direct1.every((r) => !r.valid && r.normalised === 0 && r.attemptsUsed === 4)).toBe(true);
    const lc = report.runs.filter((r) => r.mode === "linguacodus");
    for (const r of lc) expect(r.normalised).toBeCloseTo(0.8, 9);
    // each row agrees with execution's own summary of the record
    for (const r of report.runs) {
      const s = summarizeRun(r.dir);
      expect([r.valid, r.score, r.attemptsUsed, r.firstAttemptSuccess, r.totalTokens]).toEqual([s.valid, s.score, s.attemptsUsed, s.firstAttemptSuccess, s.totalTokens]);
    }
  });

  it("Table 1: per task, data type, metric and the mean score per mode", () => {
    const t = table("table-1");
    expect(t.columns).toEqual(["Task", "Data type", "Metric", "linguacodus score", "linguacodus percentile", "direct score", "direct percentile", "no-fix score", "no-fix percentile"]);
    const reg = rowOf(t, "reg-a");
    expect(reg("Data type").text).toBe("tabular");
    expect(reg("Metric").text).toBe("rmse ↓");
    expect(reg("linguacodus score").text).toBe(at(tasks[0]!, 0.8).toFixed(3));
    expect(reg("direct score").text).toBe(`${at(tasks[0]!, 0.5).toFixed(3)} (2/3 valid)`);
    expect(reg("linguacodus percentile").text).toBe("50.0");
    expect(rowOf(t, "cls-b")("Metric").text).toBe("accuracy ↑");
  });

  it("per mode: rates and normalised score with SE over repeats", () => {
    const t = table("modes");
    const lc = rowOf(t, "linguacodus");
    expect(lc("Finished").text).toBe("9/9");
    expect(lc("Valid rate").text).toBe("1.000 ± 0.000");
    // first attempt: seed 1 → 0, seeds 2, 3 → 1; SE = sd(0,1,1)/√3 = 1/3
    expect(lc("First-attempt success").text).toBe("0.667 ± 0.333");
    expect(lc("Mean attempts").text).toBe("1.33 ± 0.33");
    expect(lc("Mean normalised score").text).toBe("0.800 ± 0.000");
    const direct = rowOf(t, "direct");
    // per-seed means 0, 0.5, 0.5 → 1/3 ± 1/6
    expect(direct("Mean normalised score").text).toBe("0.333 ± 0.167");
    expect(direct("Mean attempts").text).toBe("2.00 ± 1.00");
  });

  it("paired comparison linguacodus vs direct by task and seed", () => {
    expect(report.comparisons).toHaveLength(1);
    const c = report.comparisons[0]!;
    expect([c.a, c.b, c.result.n, c.result.wins, c.result.ties, c.result.losses]).toEqual(["linguacodus", "direct", 9, 9, 0, 0]);
    expect(c.result.meanDifference).toBeCloseTo((3 * 0.8 + 6 * 0.3) / 9, 9);
    expect(c.result.interval[0]).toBeGreaterThan(0.3 - 1e-9);
    expect(c.result.interval[1]).toBeLessThan(0.8 + 1e-9);
    // all 9 differences positive: two-sided exact p = 2 / 2^9
    expect(c.result.wilcoxon.pValue).toBeCloseTo(2 / 512, 12);
    expect(c.result.signTestP).toBeCloseTo(2 / 512, 12);
    expect(c.result.conclusion).toMatch(/^linguacodus scores higher than direct/);
    const byType = report.tables.find((t) => t.id === "paired-by-data-type")!;
    expect(byType.rows.map((r) => [r[2]!.text, r[3]!.text, r[4]!.text])).toEqual([
      ["tabular", "3", "3 / 0 / 0"],
      ["text", "3", "3 / 0 / 0"],
      ["time-series", "3", "3 / 0 / 0"],
    ]);
  });

  it("ablation table compares no-fix with linguacodus", () => {
    const t = table("ablations");
    const row = rowOf(t, "no-fix");
    // no-fix: 0 on seed 1 and 0.7 otherwise vs 0.8: Δ = (3·(−0.8) + 6·(−0.1)) / 9
    expect(row("Δ vs linguacodus [95% CI]").text.startsWith(((3 * -0.8 + 6 * -0.1) / 9).toFixed(3))).toBe(true);
    expect(row("W / T / L").text).toBe("0 / 0 / 9");
    expect(rowOf(t, "linguacodus")("Δ vs linguacodus [95% CI]").text).toBe("(baseline)");
  });

  it("consistency view: a row per chain, a cell per attempt", () => {
    const t = table("consistency");
    expect(t.rows).toHaveLength(27);
    const direct1 = t.rows.find((r) => r[0]!.text === "reg-a · direct · replay:gen s1")!;
    expect(direct1.slice(2, 6).map((c) => c.text)).toEqual(["SyntaxError", "fix: KeyError", "fix: ValueError", "fix: Timeout"]);
    expect(direct1[2]!.href).toMatch(/^\.\.\/runs\/reg-a__direct__.*\/exec\/001\/$/);
    const lc1 = t.rows.find((r) => r[0]!.text === "reg-a · linguacodus · replay:gen s1")!;
    expect(lc1[3]!.text).toBe(`fix: ${at(tasks[0]!, 0.8).toFixed(3)}`);
  });

  it("every number links to run folders that exist", () => {
    const out = join(bench, "report");
    let checked = 0;
    for (const t of report.tables)
      for (const row of t.rows)
        for (const cell of row) {
          if (/^\d|^—/.test(cell.text) && cell.text !== "—") expect(cell.href, `${t.id}: ${cell.text}`).toBeTruthy();
          if (!cell.href) continue;
          checked++;
          if (cell.href.startsWith("#")) {
            const group = report.groups.find((g) => `#${g.id}` === cell.href);
            expect(group, cell.href).toBeDefined();
            for (const r of group!.runs) expect(existsSync(join(resolve(out, r.href), "run.json"))).toBe(true);
          } else expect(existsSync(resolve(out, cell.href.replace(/exec\/\d+\/$/, "")))).toBe(true);
        }
    expect(checked).toBeGreaterThan(100);
  });

  it("writes Markdown, HTML with inline SVG charts, SVG files, JSON and tidy CSV", async () => {
    const out = join(bench, "report");
    const written = await writeReport(report, out);
    const md = readFileSync(written.files.md, "utf8");
    expect(md).toContain("## Scores per task (the paper's Table 1 layout)");
    expect(md).toContain("**linguacodus vs direct (replay:gen):** linguacodus scores higher than direct");
    expect(md).toContain("![Consistency view](consistency.svg)");
    const html = readFileSync(written.files.html, "utf8");
    expect((html.match(/<svg/g) ?? []).length).toBe(3);
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    for (const file of ["mode-normalised.svg", "mode-valid.svg", "consistency.svg"]) {
      const svg = readFileSync(join(out, file), "utf8");
      expect(svg.startsWith("<svg")).toBe(true);
      expect(svg).toMatch(/<path|<rect/);
    }
    // bars: the chart's data are the per-mode means
    const bars = report.charts.find((c) => c.id === "mode-normalised")!.spec as { data: { values: { group: string; mean: number }[] } };
    expect(bars.data.values.find((v) => v.group === "direct")!.mean).toBeCloseTo(1 / 3, 9);
    const csvLines = readFileSync(written.files.runsCsv, "utf8").trim().split("\n");
    expect(csvLines).toHaveLength(28);
    const header = csvLines[0]!.split(",");
    const failed = csvLines.filter((l) => l.split(",")[header.indexOf("state")] === "failed");
    expect(failed).toHaveLength(6); // direct and no-fix on seed 1
    const attempts = readFileSync(written.files.attemptsCsv, "utf8").trim().split("\n");
    // linguacodus 3·(2+1+1), direct 3·(4+1+1), no-fix 3·3
    expect(attempts).toHaveLength(1 + 12 + 18 + 9);
    // tokens: planner, critic and coder made one call each per linguacodus / no-fix run, the direct coder one per direct run
    const tokenRows = readFileSync(written.files.tokensCsv, "utf8").trim().split("\n");
    expect(tokenRows).toHaveLength(1 + 9 * 3 + 9 + 9 * 3);
    const tokens = report.tables.find((t) => t.id === "tokens")!;
    expect(tokens.columns).toEqual(["Mode", "Model", "T", "coder", "critic", "direct", "planner"]);
    expect(tokens.rows.find((r) => r[0]!.text === "direct")!.map((c) => c.text).slice(3)).toEqual(["—", "—", "1.0 · 100 / 50", "—"]);
    const json = JSON.parse(readFileSync(written.files.json, "utf8")) as Report;
    expect(json.comparisons[0]!.result.wins).toBe(9);
    expect(renderMarkdown(report)).toContain('<a id="g-');
  });
});

describe("report edge cases", () => {
  it("marks runs not started, and says when a sample is too small", () => {
    const dir = join(root, "small");
    const gen = writeGeneratedBench(dir, { tasks: tasks.slice(0, 2), modes: ["linguacodus", "direct"], repeats: 1, outcomeOf });
    rmSync(join(dir, "runs", gen.keys[3]!.id), { recursive: true });
    const r = buildReport(collectRuns(dir), { linkOf: (d) => relativeLink(join(dir, "report"), d) });
    expect(r.counts.missing).toBe(1);
    expect(r.notes.join(" ")).toMatch(/1 of 4 runs are unfinished or not started/);
    expect(r.comparisons[0]!.result.n).toBe(1);
    expect(r.comparisons[0]!.result.conclusion).toMatch(/^Sample too small to conclude/);
  });

  it("reads a plain folder of runs without a manifest, naming modes from their flags", () => {
    const dir = join(root, "plain");
    writeGeneratedBench(dir, { tasks: tasks.slice(0, 1), modes: ["linguacodus", "no-fix"], repeats: 1, outcomeOf });
    rmSync(join(dir, "bench.json"));
    const c = collectRuns(join(dir, "runs"));
    expect(c.manifest).toBeUndefined();
    expect(c.runs.map((r) => r.mode).sort()).toEqual(["linguacodus", "no-fix"]);
    const one = collectRuns(c.runs[0]!.dir);
    expect(one.runs).toHaveLength(1);
  });

  it("rejects a folder with no runs", () => {
    const empty = mkdtempSync(join(root, "empty-"));
    expect(() => collectRuns(empty)).toThrow(/holds no run records/);
  });
});

describe("temperature sweeps and costs", () => {
  it("tabulates and plots the metric against temperature, per mode", async () => {
    const dir = join(root, "sweep");
    // normalised score = 0.9 − 0.4·T for linguacodus and 0.5 for direct, whatever the seed
    writeGeneratedBench(dir, {
      tasks: tasks.slice(0, 2),
      modes: ["linguacodus", "direct"],
      repeats: 2,
      temperatures: [0, 0.5, 1],
      outcomeOf: (key, task) => ({ attempts: [{ score: at(task, key.mode === "direct" ? 0.5 : 0.9 - 0.4 * (key.temperature ?? 0)) }] }),
    });
    const out = join(dir, "report");
    const r = buildReport(collectRuns(dir), { linkOf: (d) => relativeLink(out, d) });
    const sweep = r.tables.find((t) => t.id === "temperatures")!;
    expect(sweep.rows.map((row) => [row[0]!.text, row[2]!.text, row[5]!.text])).toEqual([
      ["direct", "0", "0.500 ± 0.000"],
      ["direct", "0.5", "0.500 ± 0.000"],
      ["direct", "1", "0.500 ± 0.000"],
      ["linguacodus", "0", "0.900 ± 0.000"],
      ["linguacodus", "0.5", "0.700 ± 0.000"],
      ["linguacodus", "1", "0.500 ± 0.000"],
    ]);
    // one paired comparison per temperature; at T = 1 the modes tie on every pair
    expect(r.comparisons.map((c) => [c.temperature, c.result.wins, c.result.ties])).toEqual([
      [0, 4, 0],
      [0.5, 4, 0],
      [1, 0, 4],
    ]);
    const curve = r.charts.find((c) => c.id === "temperature-normalised")!.spec as { data: { values: { temperature: number; series: string; mean: number }[] } };
    const lc = curve.data.values.filter((v) => v.series.startsWith("linguacodus")).map((v) => [v.temperature, Number(v.mean.toFixed(6))]);
    expect(lc).toEqual([[0, 0.9], [0.5, 0.7], [1, 0.5]]);
    const written = await writeReport(r, out);
    expect(written.files.charts.map((f) => f.split("/").pop())).toContain("temperature-normalised.svg");
    expect(readFileSync(join(out, "temperature-valid.svg"), "utf8")).toMatch(/^<svg/);
  });

  it("estimates cost from tokens per role and a price table", () => {
    const dir = join(root, "costs");
    writeGeneratedBench(dir, { tasks: tasks.slice(0, 1), modes: ["direct"], repeats: 1, outcomeOf });
    // generated records: the direct role used 100 prompt + 50 completion tokens with spec replay:generated
    const runs = collectRuns(dir, { prices: { "replay:generated": { input: 2, output: 10 } } }).runs;
    expect(runs[0]!.costEstimate).toBeCloseTo((100 * 2 + 50 * 10) / 1e6, 15);
    expect(collectRuns(dir).runs[0]!.costEstimate).toBeNull();
  });
});

describe("the comparisons a report makes unasked", () => {
  it("pairs instruction-guided search with AIDE's greedy search when a bench has both, invalid runs included", () => {
    const dir = join(root, "search-pairs");
    // Every greedy run fails; instructed runs score on seed 1 and fail on seed 2 (a tie: both invalid).
    writeGeneratedBench(dir, {
      tasks,
      modes: ["search-greedy", "search-instructed"],
      repeats: 2,
      outcomeOf: (key, task) =>
        key.mode === "search-instructed" && key.seed === 1 ? { attempts: [{ score: at(task, 0.6) }] } : { attempts: [{ errorClass: "SyntaxError" }] },
    });
    const r = buildReport(collectRuns(dir), { linkOf: (d) => relativeLink(join(dir, "report"), d) });
    expect(r.comparisons.map((c) => [c.a, c.b, c.raw.n, c.raw.wins, c.raw.ties, c.raw.losses])).toEqual([
      ["search-instructed", "search-greedy", 2 * tasks.length, tasks.length, tasks.length, 0],
    ]);
    expect(r.tables.some((t) => t.id === "paired")).toBe(true);
  });
});

describe("model-column comparisons (a fine-tuned planner vs its base)", () => {
  it("pairs two model columns within each mode by task and seed, and names a missing column", () => {
    const dir = join(root, "columns");
    const models = [
      { label: "finetuned-planner", all: "replay:coder", overrides: { planner: "replay:ft" } },
      { label: "base-planner", all: "replay:coder", overrides: { planner: "replay:base" } },
    ];
    // finetuned: q 0.8 on paper-planner; base: q 0.4, and seed 2 fails; direct: q 0.5 in both columns (a tie).
    writeGeneratedBench(dir, {
      tasks,
      modes: ["paper-planner", "direct"],
      repeats: 2,
      models,
      outcomeOf: (key, task) => {
        if (key.mode === "direct") return { attempts: [{ score: at(task, 0.5) }] };
        if (key.model.label === "finetuned-planner") return { attempts: [{ score: at(task, 0.8) }] };
        return key.seed === 2 ? { attempts: [{ errorClass: "PlannerParseError" }] } : { attempts: [{ score: at(task, 0.4) }] };
      },
    });
    const r = buildReport(collectRuns(dir), {
      linkOf: (d) => relativeLink(join(dir, "report"), d),
      compare: [["paper-planner", "direct"]],
      compareModels: [["finetuned-planner", "base-planner"], ["finetuned-planner", "nowhere"]],
    });
    const byModel = r.comparisons.filter((c) => c.axis === "model");
    expect(byModel.map((c) => [c.a, c.b, c.within, c.result.n, c.result.wins, c.result.ties, c.result.losses])).toEqual([
      ["finetuned-planner", "base-planner", "paper-planner", 6, 6, 0, 0],
      ["finetuned-planner", "base-planner", "direct", 6, 0, 6, 0],
    ]);
    // seeds 1: 0.8 − 0.4, seeds 2: 0.8 − 0 (a failed run counts 0)
    expect(byModel[0]!.result.meanDifference).toBeCloseTo((3 * 0.4 + 3 * 0.8) / 6, 9);
    const byMode = r.comparisons.filter((c) => c.axis === "mode");
    expect(byMode.map((c) => [c.within, c.result.wins, c.result.losses])).toEqual([
      ["finetuned-planner", 6, 0],
      ["base-planner", 0, 6],
    ]);
    expect(r.notes.join(" ")).toMatch(/Comparison finetuned-planner vs nowhere: no runs of model column 'nowhere' here \(columns present: finetuned-planner, base-planner\)/);
    expect(renderMarkdown(r)).toContain("**finetuned-planner vs base-planner (mode paper-planner):**");
  });
});
