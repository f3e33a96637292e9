// The bench and report commands reject bad input before anything starts, with a one-line reason, and
// `report` prints what it was asked for.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeGeneratedBench } from "../support/bench-records.js";
import { resolveTask } from "../../datasets/index.js";
import { readManifest } from "../../benchmarks/manifest.js";
import { linguacodus } from "../support/cli.js";

let root: string;
let realTask: string;

const cli = (args: string[]) => linguacodus(args, { LINGUACODUS_HOME: join(root, "home") }, { sources: true });

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "lc-bench-cli-"));
  realTask = (await resolveTask("concrete-strength", join(tmpdir(), "linguacodus-test-tasks"))).dir;
  writeGeneratedBench(join(root, "bench"), {
    tasks: [{ id: "reg-a", dataType: "tabular", metric: "rmse", reference: { constant: 10, model: 2 } }],
    modes: ["linguacodus", "direct"],
    repeats: 2,
  });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("linguacodus bench: bad input is rejected before anything starts", () => {
  const out = () => join(root, "never");
  it.each([
    [["bench", "lite", "--modes", "linguacodus,nocritic"], /unknown mode 'nocritic' \(known: linguacodus, direct, no-critic/],
    [["bench", "lite", "--models", "gpt-4o"], /Invalid model spec "gpt-4o": no provider prefix/],
    [["bench", "lite", "--models", "gguf:/nowhere/model.gguf"], /model spec 'gguf:\/nowhere\/model.gguf': file \/nowhere\/model.gguf does not exist/],
    [["bench", "lite", "--models", "openai:x@http://localhost:1/v1", "--repeats", "0"], /--repeats must be a whole number ≥ 1 \(got '0'\)/],
    [["bench", "lite", "--models", "openai:x@http://localhost:1/v1", "--max-tokens", "0"], /--max-tokens must be a whole number ≥ 1 \(got '0'\)/],
    [["bench", "lite", "--models", "openai:x@http://localhost:1/v1", "--temperatures", "0,hot"], /--temperatures: 'hot' is not a number/],
    [["bench", "no-such-suite", "--models", "openai:x@http://localhost:1/v1"], /unknown suite or task 'no-such-suite': give all, lite, mlebench or mlebench-lite \(imported MLE-bench splits\)/],
    [["bench", "lite", "--models", "openai:x@http://localhost:1/v1", "--budget-usd", "1"], /--budget-usd needs --prices <file> to turn tokens into USD/],
    [["bench", "lite", "--models", "openai:x@http://localhost:1/v1", "--budget-tokens", "0"], /--budget-tokens must be a whole number ≥ 1 \(got '0'\)/],
    [["bench", "lite", "--models", "openai:x@http://localhost:1/v1", "--prices", "/nowhere/prices.json"], /--prices: price table \/nowhere\/prices.json does not exist \(expected \{"<model spec>"/],
  ])("%j", async (args, reason) => {
    const r = await cli([...args, "--out", out()]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(reason);
    expect(existsSync(out())).toBe(false);
  });

  it("rejects a task folder that fails validation, naming the problem", async () => {
    const r = await cli(["bench", root, "--models", "openai:x@http://localhost:1/v1", "--out", out()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/task folder .* fails validation: task.json: missing/);
    expect(existsSync(out())).toBe(false);
  });

  it("refuses to reuse a bench folder without --resume, and a replay of one run for many cells", async () => {
    const bench = join(root, "bench");
    const again = await cli(["bench", realTask, "--models", `replay:${bench}`, "--repeats", "2", "--out", bench]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/bench.json exists: add --resume to continue that bench, or choose another --out/);
    const oneRun = join(bench, "runs", readManifest(bench)!.runs[0]!.id);
    const r = await cli(["bench", realTask, "--models", `replay:${oneRun}`, "--repeats", "2", "--out", out()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/replays one recorded run, but the bench has 4 cells: give replay:<bench-dir>/);
  });
});

describe("linguacodus report", () => {
  it("prints JSON, writes the report folder, and names a bad folder", async () => {
    const bench = join(root, "bench");
    const r = await cli(["report", bench, "--format", "json", "--compare", "direct:linguacodus"]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { comparisons: { a: string; b: string; result: { n: number } }[] };
    expect(report.comparisons.map((c) => [c.a, c.b, c.result.n])).toEqual([["direct", "linguacodus", 2]]);
    for (const f of ["report.md", "report.html", "report.json", "runs.csv", "attempts.csv", "mode-valid.svg"]) expect(existsSync(join(bench, "report", f))).toBe(true);
    expect((await cli(["report", bench])).stdout).toContain("## Scores per task (the paper's Table 1 layout)");
    const bad = await cli(["report", join(root, "missing")]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/missing does not exist: give a run folder, a runs folder or a bench folder/);
    expect((await cli(["report", bench, "--compare", "linguacodus"])).stderr).toMatch(/--compare 'linguacodus': use MODE_A:MODE_B/);
    expect((await cli(["report", bench, "--compare-models", "ft"])).stderr).toMatch(/--compare-models 'ft': use LABEL_A:LABEL_B, e\.g\. finetuned-planner:base-planner/);
    // Columns the bench lacks are named in the report's notes.
    const columns = JSON.parse((await cli(["report", bench, "--format", "json", "--compare-models", "ft:base"])).stdout) as { notes: string[] };
    expect(columns.notes.join(" ")).toMatch(/Comparison ft vs base: no runs of model column 'ft' here \(columns present: replay:gen\)/);
    const prices = join(root, "prices.json");
    writeFileSync(prices, JSON.stringify({ "replay:generated": { input: "cheap" } }));
    expect((await cli(["report", bench, "--prices", prices])).stderr).toMatch(/--prices: price table .*prices.json: field 'replay:generated.input'/);
    writeFileSync(prices, JSON.stringify({ "replay:generated": { input: 1, output: 2 } }));
    const priced = await cli(["report", bench, "--prices", prices, "--format", "json"]);
    const runs = (JSON.parse(priced.stdout) as { runs: { costEstimate: number | null }[] }).runs;
    expect(runs.every((r) => r.costEstimate !== null && r.costEstimate > 0)).toBe(true);
  });
});

describe("linguacodus run: --chains, and --parallel as its deprecated alias", () => {
  it("--parallel still sets the chains, with a warning; both given must agree", async () => {
    const alias = await cli(["run", join(root, "no-such-task"), "--parallel", "2", "--model", "openai:x@http://localhost:1/v1"]);
    expect(alias.code).toBe(2);
    expect(alias.stderr).toMatch(/warning: run --parallel is deprecated, use --chains/);
    expect(alias.stderr).toMatch(/no-such-task/);
    const clash = await cli(["run", join(root, "no-such-task"), "--parallel", "2", "--chains", "3", "--model", "openai:x@http://localhost:1/v1"]);
    expect(clash.code).toBe(2);
    expect(clash.stderr).toMatch(/--chains 3 and the deprecated --parallel 2 disagree: give --chains only/);
    const bad = await cli(["run", join(root, "no-such-task"), "--chains", "0", "--model", "openai:x@http://localhost:1/v1"]);
    expect(bad.stderr).toMatch(/--chains must be a whole number from 1 to 32 \(got '0'\)/);
    expect(bad.stderr).not.toMatch(/deprecated/);
  });
});

describe("linguacodus run: issue 13 flags are checked before anything starts", () => {
  it.each([
    [["--select", "best"], /--select must be one of critic, first, validation \(got 'best'\)/],
    [["--sanity", "shuffled"], /--sanity must be one of permuted-labels \(got 'shuffled'\)/],
    [["--budget-tokens", "0"], /--budget-tokens must be a whole number ≥ 1 \(got '0'\)/],
    [["--budget-usd", "2"], /--budget-usd needs --prices <file> to turn tokens into USD/],
  ])("%j", async (flags, reason) => {
    const r = await cli(["run", join(root, "no-such-task"), "--model", "openai:x@http://localhost:1/v1", ...flags]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(reason);
  });
});
