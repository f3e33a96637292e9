// Bench-wide budgets: the runner starts no run once the bench's tokens (earlier sessions included) reach the
// budget, says so in bench.log and bench-events.jsonl, and a --resume with a larger budget runs the rest.
// The numbers are checked against the run records the cells wrote (through the real record writer).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RunOptionsSchema, summarizeRun } from "../../execution/index.js";
import { cellModels, cellOptions } from "../../benchmarks/cell.js";
import { BenchOptionsSchema, BenchBudgetTracker, BenchEventSchema, benchSpentSoFar, expandMatrix, isRunFinished, parseModelColumn, runBench, type CellRunner, type RunKey } from "../../benchmarks/index.js";
import { writeGeneratedRun, writeTaskFolder, type GeneratedTask } from "../support/bench-records.js";

const task: GeneratedTask = { id: "t-budget", dataType: "tabular", metric: "rmse", reference: { constant: 10, model: 2 } };
let root: string;
let keys: RunKey[];
const cell: CellRunner = async (key, runDir) => writeGeneratedRun(runDir, key, task, { attempts: [{ score: 4 }] });
const manifest = { command: ["test"], tasks: [], modes: ["linguacodus", "direct"], models: [], temperatures: [], repeats: 3, baseSeed: 1, options: BenchOptionsSchema.parse({}) };

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "lc-budget-"));
  const ref = writeTaskFolder(join(root, "tasks"), task);
  keys = expandMatrix({ tasks: [ref], modes: ["linguacodus", "direct"], models: [parseModelColumn("replay:/nowhere")], temperatures: [], repeats: 3, baseSeed: 1 });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("bench-wide budgets", () => {
  it("stops starting runs at the token budget, and a resume with a larger budget counts what was spent", async () => {
    const dir = join(root, "bench");
    const budget = new BenchBudgetTracker({ tokens: 1000 }, undefined);
    const first = await runBench({ dir, keys, manifest, parallel: 1, resume: false, runCell: cell, version: "test", budget });
    // The runs that ran are the first k cells whose tokens (from their records) reached 1000 with the k-th.
    const ran = keys.filter((k) => isRunFinished(dir, k.id));
    const tokens = ran.map((k) => summarizeRun(join(dir, "runs", k.id)).totalTokens);
    const total = tokens.reduce((a, b) => a + b, 0);
    expect(ran.map((k) => k.id)).toEqual(keys.slice(0, ran.length).map((k) => k.id));
    expect(total).toBeGreaterThanOrEqual(1000);
    expect(total - tokens[tokens.length - 1]!).toBeLessThan(1000);
    expect(ran.length).toBeLessThan(keys.length);
    expect(first).toMatchObject({ succeeded: ran.length, stopped: false, budget: { kind: "tokens", detail: `${total} tokens used of the bench's 1000` } });
    const events = readFileSync(join(dir, "bench-events.jsonl"), "utf8").trim().split("\n").map((l) => BenchEventSchema.parse(JSON.parse(l)));
    expect(events.at(-1)).toMatchObject({ type: "bench.stopped", reason: `budget: ${total} tokens used of the bench's 1000` });
    expect(readFileSync(join(dir, "bench.log"), "utf8")).toMatch(/bench budget reached \(\d+ tokens used of the bench's 1000\): no new runs start; raise --budget-tokens and --resume/);

    // Resumed with the same budget: already spent, so nothing starts.
    expect(benchSpentSoFar(dir).tokens).toBe(total);
    const again = await runBench({ dir, keys, manifest, parallel: 1, resume: true, runCell: cell, version: "test", budget: new BenchBudgetTracker({ tokens: 1000 }, undefined, benchSpentSoFar(dir)) });
    expect(again).toMatchObject({ succeeded: 0, skipped: ran.length, budget: { kind: "tokens" } });
    // A larger budget runs the rest.
    const rest = await runBench({ dir, keys, manifest, parallel: 1, resume: true, runCell: cell, version: "test", budget: new BenchBudgetTracker({ tokens: 1_000_000 }, undefined, benchSpentSoFar(dir)) });
    expect(rest).toMatchObject({ succeeded: keys.length - ran.length });
    expect(rest.budget).toBeUndefined();
    expect(keys.every((k) => isRunFinished(dir, k.id))).toBe(true);
  });

  it("each run starts with what the bench budget leaves as its own run budget", () => {
    const tracker = new BenchBudgetTracker({ tokens: 1000, minutes: 30 }, undefined, { tokens: 400, usd: null, ms: 10 * 60_000 });
    const left = tracker.remaining();
    expect(left.budgetTokens).toBe(600);
    expect(left.budgetMinutes).toBeGreaterThan(19.9);
    expect(left.budgetMinutes).toBeLessThanOrEqual(20);
    const options = RunOptionsSchema.parse(cellOptions(keys[0]!, cellModels(keys[0]!), { timeoutSeconds: 60, ...left }));
    expect([options.budgetTokens, options.timeoutSeconds]).toEqual([600, 60]);
  });

  it("prices the bench's calls for --budget-usd and needs a price table for it", () => {
    expect(() => new BenchBudgetTracker({ usd: 1 }, undefined)).toThrow(/--budget-usd needs a price table/);
    const dir = join(root, "bench");
    const spec = keys[0]!.model.all;
    const spent = benchSpentSoFar(dir, { [spec]: { input: 1000, output: 2000 } });
    const perRun = keys.map((k) => summarizeRun(join(dir, "runs", k.id)));
    const expected = perRun.reduce((sum, s) => sum + Object.values(s.tokensByRole).reduce((a, t) => a + (t.tokens.input * 1000 + t.tokens.output * 2000) / 1e6, 0), 0);
    expect(spent.usd).toBeCloseTo(expected, 9);
    const tracker = new BenchBudgetTracker({ usd: expected / 2 }, { [spec]: { input: 1000, output: 2000 } }, spent);
    expect(tracker.reached()?.kind).toBe("usd");
  });
});
