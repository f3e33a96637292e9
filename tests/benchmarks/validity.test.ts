// The report's research-validity numbers (issue 13) over a bench of recorded run folders written by the real
// record writer: validation against test (printed rate, Spearman ρ, gap, leakage suspects), selection (critic =
// validation-best), cost per valid submission and per medal, fingerprints and the mixed-fingerprint and
// too-few-seeds warnings. Every expected number is recomputed here from the run records themselves.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readRunJson, readScore, type Fingerprint } from "../../execution/index.js";
import { BenchOptionsSchema, LEAKAGE_MARGIN, buildReport, collectRuns, expandMatrix, parseModelColumn, relativeLink, runBench, type Report, type RunKey } from "../../benchmarks/index.js";
import { writeGeneratedRun, writeTaskFolder, type GeneratedOutcome, type GeneratedTask } from "../support/bench-records.js";

const task: GeneratedTask = { id: "acc-task", dataType: "tabular", metric: "accuracy", reference: { constant: 0.5, model: 0.8 } };
const machine = (cpus: number): Fingerprint => ({
  cpu: { model: "Test CPU", count: cpus },
  memoryBytes: 8 * 1024 ** 3,
  gpus: [],
  platform: "linux x64",
  node: "v20",
  linguacodus: "0.1.0",
  docker: "26.1",
  sandbox: { image: "linguacodus-sandbox:test", limits: { memoryBytes: 4 * 1024 ** 3 } },
  models: { coder: { spec: "replay:/nowhere" } },
});
// (test score, validation score printed) per mode and seed; direct seed 2 claims 0.99 on validation (a suspect).
const PLAN: Record<string, Record<number, [number, number | null]>> = {
  linguacodus: { 1: [0.7, 0.72], 2: [0.75, 0.8], 3: [0.78, 0.79] },
  direct: { 1: [0.6, null], 2: [0.65, 0.99], 3: [0.62, 0.66] },
};
const CRITIC_RANK: Record<number, number> = { 1: 1, 2: 2, 3: 1 }; // the validation-best branch is rank 1, 2, 3

function outcomeOf(key: RunKey): GeneratedOutcome {
  const [score, validation] = PLAN[key.mode]![key.seed]!;
  const linguacodus = key.mode === "linguacodus";
  return {
    attempts: [{ score, validation }],
    // One run of the bench ran on another machine: the comparison mixes fingerprints.
    fingerprint: machine(key.mode === "direct" && key.seed === 3 ? 16 : 2),
    ...(linguacodus
      ? {
          selection: {
            method: "validation" as const,
            branches: [1, 2, 3].map((rank) => ({ id: `b${rank}`, dir: `branches/b${rank}`, candidateRank: rank, valid: true, validationScore: rank === key.seed ? 0.9 : 0.6, testScore: 0.7 })),
            chosen: `b${key.seed}`,
          },
          criticRank: CRITIC_RANK[key.seed]!,
        }
      : {}),
    ...(linguacodus && key.seed === 3 ? { medal: "bronze" } : {}),
    // --sanity on the direct runs: seed 2's script (the leakage suspect) still scores on permuted labels.
    ...(key.mode === "direct" ? { sanity: key.seed === 2 ? { permutedScore: score - 0.01, flagged: true } : { permutedScore: task.reference.constant, flagged: false } } : {}),
  };
}

let root: string;
let bench: string;
let keys: RunKey[];
let report: Report;
const prices = { "replay:/nowhere": { input: 2, output: 10 } };
const rowOf = (id: string, mode: string) => {
  const table = report.tables.find((t) => t.id === id)!;
  const row = table.rows.find((r) => r[0]!.text === mode)!;
  return (column: string) => row[table.columns.indexOf(column)]!.text;
};
const normalised = (x: number) => (x - task.reference.constant) / (task.reference.model - task.reference.constant);
/** Spearman's ρ without ties: 1 − 6Σd² / (n(n² − 1)). */
function spearmanNoTies(xs: number[], ys: number[]): number {
  const rank = (v: number[]) => v.map((x) => [...v].sort((a, b) => a - b).indexOf(x) + 1);
  const rx = rank(xs);
  const ry = rank(ys);
  const d2 = rx.reduce((sum, r, i) => sum + (r - ry[i]!) ** 2, 0);
  return 1 - (6 * d2) / (xs.length * (xs.length ** 2 - 1));
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "lc-validity-"));
  bench = join(root, "bench");
  const ref = writeTaskFolder(join(root, "tasks"), task);
  keys = expandMatrix({ tasks: [ref], modes: ["linguacodus", "direct"], models: [parseModelColumn("replay:/nowhere")], temperatures: [], repeats: 3, baseSeed: 1 });
  const manifest = { command: ["test"], tasks: [ref], modes: ["linguacodus", "direct"], models: [keys[0]!.model], temperatures: [], repeats: 3, baseSeed: 1, options: BenchOptionsSchema.parse({}) };
  await runBench({ dir: bench, keys, manifest, parallel: 1, resume: false, runCell: async (key, runDir) => writeGeneratedRun(runDir, key, task, outcomeOf(key)), version: "test" });
  report = buildReport(collectRuns(bench, { prices }), { linkOf: (dir) => relativeLink(join(bench, "report"), dir) });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const recorded = (mode: string) =>
  keys.filter((k) => k.mode === mode).map((k) => {
    const score = readScore(join(bench, "runs", k.id))!;
    return { test: score.score as number, validation: score.validation_score ?? null, medal: score.medal ?? null, key: k };
  });

describe("report: validation against test", () => {
  it("printed rate, Spearman ρ and gap per mode, from the records' scores", () => {
    const lc = recorded("linguacodus");
    const row = rowOf("validation", "linguacodus");
    expect(row("Printed")).toBe(`${lc.filter((r) => r.validation !== null).length}/${lc.length}`);
    const rho = spearmanNoTies(lc.map((r) => normalised(r.validation!)), lc.map((r) => normalised(r.test)));
    expect(row("Rank correlation")).toBe(`${rho.toFixed(2)} (n=3)`);
    const gap = lc.reduce((sum, r) => sum + normalised(r.validation!) - normalised(r.test), 0) / lc.length;
    expect(row("Gap")).toBe(gap.toFixed(3));
    // direct: one run printed none (missing, not 0), two pairs are too few for a rank correlation.
    const direct = rowOf("validation", "direct");
    expect(direct("Printed")).toBe("2/3");
    expect(direct("Rank correlation")).toBe("— (n=2)");
  });

  it("flags the run whose validation score is implausibly far beyond the reference model", () => {
    const suspects = recorded("direct").filter((r) => r.validation !== null && normalised(r.validation) > 1 + LEAKAGE_MARGIN);
    expect(suspects.map((s) => s.key.seed)).toEqual([2]);
    expect(rowOf("validation", "direct")("Leakage suspects")).toBe("1");
    expect(rowOf("validation", "linguacodus")("Leakage suspects")).toBe("0");
    const cell = report.tables.find((t) => t.id === "validation")!.rows.find((r) => r[0]!.text === "direct")![5]!;
    expect(cell.href).toContain(suspects[0]!.key.id);
  });
});

describe("report: selection, cost, fingerprints, seeds", () => {
  it("how often the critic's choice is the validation-best branch, and the selection's cost", () => {
    const lc = keys.filter((k) => k.mode === "linguacodus");
    const agree = lc.filter((k) => {
      const run = readRunJson(join(bench, "runs", k.id));
      return run.selection!.branches!.find((b) => b.id === run.selection!.chosen)!.candidateRank === CRITIC_RANK[k.seed];
    }).length;
    const row = rowOf("selection", "linguacodus");
    expect(row("Select")).toBe("validation");
    expect(row("Critic = validation-best")).toBe(`${agree}/3`);
    expect(agree).toBe(2);
    const tokens = report.runs.filter((r) => r.mode === "linguacodus").map((r) => r.totalTokens);
    expect(row("Tokens / run")).toBe((tokens.reduce((a, b) => a + b, 0) / tokens.length).toFixed(0));
  });

  it("counts the permuted-label checks and the flagged runs per mode, from score.json", () => {
    const checked = keys.filter((k) => readScore(join(bench, "runs", k.id))?.sanity !== undefined);
    const flagged = checked.filter((k) => readScore(join(bench, "runs", k.id))!.sanity!.flagged);
    expect(checked.every((k) => k.mode === "direct")).toBe(true);
    expect(rowOf("sanity", "direct")("Checked")).toBe(String(checked.length));
    expect(rowOf("sanity", "direct")("Flagged")).toBe(String(flagged.length));
    expect(flagged.map((k) => k.seed)).toEqual([2]);
    expect(rowOf("sanity", "linguacodus")("Checked")).toBe("0");
  });

  it("cost per valid submission and per medal", () => {
    const runs = report.runs.filter((r) => r.mode === "linguacodus");
    const total = runs.reduce((sum, r) => sum + r.costEstimate!, 0);
    const row = rowOf("cost", "linguacodus");
    expect(row("Cost / valid")).toBe((total / 3).toFixed(4));
    expect(row("Medal runs")).toBe(String(recorded("linguacodus").filter((r) => r.medal === "bronze").length));
    expect(row("Cost / medal")).toBe(total.toFixed(4));
    expect(rowOf("cost", "direct")("Cost / medal")).toBe("—");
  });

  it("lists the fingerprints and warns that the comparison mixes them", () => {
    const table = report.tables.find((t) => t.id === "fingerprints")!;
    expect(table.rows.map((r) => Number(r[1]!.text)).sort()).toEqual([1, 5]);
    expect(table.rows.map((r) => r[2]!.text).sort()).toEqual([expect.stringMatching(/^16 × Test CPU · 8.0 GiB · no GPU/), expect.stringMatching(/^2 × Test CPU/)]);
    expect(report.warnings).toEqual([expect.stringMatching(/^linguacodus vs direct · replay:nowhere: the runs come from 2 different machine\/software fingerprints/)]);
  });

  it("warns when fewer than 3 seeds back a comparison, and not when all runs share one fingerprint", () => {
    const two = buildReport(collectRuns(bench), { linkOf: (d) => d });
    expect(two.warnings.some((w) => /only \d seed/.test(w))).toBe(false);
    const fewer = join(root, "two-seeds");
    const twoKeys = keys.filter((k) => k.seed < 3);
    return runBench({
      dir: fewer,
      keys: twoKeys,
      manifest: { command: ["test"], tasks: [], modes: ["linguacodus", "direct"], models: [], temperatures: [], repeats: 2, baseSeed: 1, options: BenchOptionsSchema.parse({}) },
      parallel: 1,
      resume: false,
      runCell: async (key, runDir) => writeGeneratedRun(runDir, key, task, outcomeOf(key)),
      version: "test",
    }).then(() => {
      const r = buildReport(collectRuns(fewer), { linkOf: (d) => d });
      expect(r.warnings).toEqual([expect.stringMatching(/only 2 seed\(s\) back this comparison; MLE-bench asks for at least 3/)]);
    });
  });
});
