// A bench of 2 built-in tasks × {linguacodus, direct} × 2 repeats on the real Docker sandbox: first with
// scripted models through the library (it completes), then through the CLI replaying that bench cell by cell,
// stopped mid-way with SIGINT and resumed without redoing finished runs. The reports' numbers are checked
// against the run records.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWiring, type Wiring } from "../../execution/wiring.js";
import { readRunJson, readScore, summarizeRun } from "../../execution/index.js";
import type { RunKey } from "../../benchmarks/matrix.js";
import { runBench } from "../../benchmarks/runner.js";
import { pipelineCellRunner } from "../../benchmarks/cell.js";
import { ModelCallLimiter, Semaphore } from "../../benchmarks/limits.js";
import { BenchEventSchema } from "../../benchmarks/manifest.js";
import { collectRuns } from "../../benchmarks/collect.js";
import { buildReport, type Report } from "../../benchmarks/report.js";
import { relativeLink, writeReport } from "../../benchmarks/render.js";
import { comparePaired, mean, normalisedScore } from "../../benchmarks/stats.js";
import { scriptedBenchDeps, scriptedKeys, tasksWithReferences } from "./bench-support.js";
import { BenchOptionsSchema } from "../../benchmarks/index.js";
import { linguacodus } from "../support/cli.js";

let root: string;
let wiring: Wiring;
let tasks: Awaited<ReturnType<typeof tasksWithReferences>>;
let keys: RunKey[];
let recorded: string;

const events = (dir: string) =>
  existsSync(join(dir, "bench-events.jsonl"))
    ? readFileSync(join(dir, "bench-events.jsonl"), "utf8").trim().split("\n").filter(Boolean).map((l) => BenchEventSchema.parse(JSON.parse(l)))
    : [];

beforeAll(async () => {
  // LINGUACODUS_KEEP_BENCH=<dir> keeps the folders (the recorded bench is <dir>/recorded), for
  // perf/bench.ts --from <dir>/recorded.
  const keep = process.env.LINGUACODUS_KEEP_BENCH;
  if (keep) mkdirSync(keep, { recursive: true });
  root = keep ? mkdtempSync(join(resolve(keep), "e2e-")) : mkdtempSync(join(tmpdir(), "lc-bench-e2e-"));
  wiring = await createWiring({ sandbox: "docker" });
  tasks = await tasksWithReferences(["concrete-strength", "seattle-weather"], join(root, "tasks"), join(tmpdir(), "linguacodus-test-tasks"), wiring.sandbox);
  keys = scriptedKeys({ tasks, modes: ["linguacodus", "direct"], repeats: 2 });
  recorded = join(root, "recorded");
}, 900_000);

afterAll(async () => {
  await wiring?.close();
  if (root && !process.env.LINGUACODUS_KEEP_BENCH) rmSync(root, { recursive: true, force: true });
});

function expectReportMatchesRecords(report: Report, benchDir: string): void {
  // every run's numbers come from its own record
  expect(report.runs).toHaveLength(8);
  for (const run of report.runs) {
    const summary = summarizeRun(run.dir);
    expect([run.valid, run.score, run.attemptsUsed, run.firstAttemptSuccess]).toEqual([summary.valid, summary.score, summary.attemptsUsed, summary.firstAttemptSuccess]);
    const task = tasks.find((t) => t.id === run.taskId)!;
    expect(run.normalised).toBeCloseTo(normalisedScore(readScore(run.dir)!.score!, task)!, 12);
  }
  // Table 1: each score cell is the mean over the two repeats of that task and mode
  const table1 = report.tables.find((t) => t.id === "table-1")!;
  for (const task of tasks)
    for (const mode of ["linguacodus", "direct"]) {
      const row = table1.rows.find((r) => r[0]!.text === task.id)!;
      const cell = row[table1.columns.indexOf(`${mode} score`)]!;
      const scores = report.runs.filter((r) => r.taskId === task.id && r.mode === mode).map((r) => readScore(r.dir)!.score!);
      expect(cell.text).toBe(mean(scores).toFixed(3));
      const group = report.groups.find((g) => `#${g.id}` === cell.href)!;
      expect(group.runs.map((r) => resolve(benchDir, "report", r.href))).toEqual(
        expect.arrayContaining(report.runs.filter((r) => r.taskId === task.id && r.mode === mode).map((r) => `${r.dir}`)),
      );
    }
  // paired comparison: recomputed from the records by task and seed
  const pairs = tasks.flatMap((task) =>
    [1, 2].map((seed) => {
      const pick = (mode: string) => report.runs.find((r) => r.taskId === task.id && r.mode === mode && r.seed === seed)!;
      return { key: `${task.id}/${seed}`, a: normalisedScore(readScore(pick("linguacodus").dir)!.score!, task)!, b: normalisedScore(readScore(pick("direct").dir)!.score!, task)! };
    }),
  );
  const expected = comparePaired(pairs, { labelA: "linguacodus", labelB: "direct", seed: 20240101 });
  const got = report.comparisons[0]!.result;
  expect([got.n, got.wins, got.ties, got.losses]).toEqual([4, expected.wins, expected.ties, expected.losses]);
  expect(got.meanDifference).toBeCloseTo(expected.meanDifference, 12);
  expect(got.wilcoxon.pValue).toBeCloseTo(expected.wilcoxon.pValue, 12);
  expect(got.conclusion).toMatch(/^Sample too small to conclude: 4 untied pair/);
  // the random forest beats the constant prediction on both tasks
  expect(got.wins).toBe(4);
  // the consistency view shows the KeyError-then-fixed chains of seed 1
  const consistency = report.tables.find((t) => t.id === "consistency")!;
  const seed1 = consistency.rows.filter((r) => r[0]!.text.includes("linguacodus") && r[0]!.text.endsWith(" s1"));
  expect(seed1).toHaveLength(2);
  for (const row of seed1) {
    expect(row[2]!.text).toMatch(/Error/);
    expect(row[3]!.text).toMatch(/^fix: \d/);
  }
}

describe("bench end to end on the real sandbox", () => {
  it("a scripted bench of 2 tasks × 2 modes × 2 repeats completes, and its report matches the records", async () => {
    const deps = scriptedBenchDeps(wiring);
    const runCell = pipelineCellRunner({ deps, limiter: new ModelCallLimiter({ apiConcurrency: 4, replayConcurrency: 4 }), sandboxSlots: new Semaphore(2) });
    const outcome = await runBench({
      dir: recorded,
      keys,
      manifest: { command: ["test"], tasks: tasks.map((t) => ({ id: t.id, dir: t.dir })), modes: ["linguacodus", "direct"], models: keys[0]!.model ? [keys[0]!.model] : [], temperatures: [], repeats: 2, baseSeed: 1, options: BenchOptionsSchema.parse({}) },
      parallel: 2,
      resume: false,
      runCell,
      version: "test",
    });
    expect(outcome).toMatchObject({ total: 8, succeeded: 8, failed: 0, stopped: false });
    const report = buildReport(collectRuns(recorded), { linkOf: (d) => relativeLink(join(recorded, "report"), d) });
    expectReportMatchesRecords(report, recorded);
    const written = await writeReport(report, join(recorded, "report"));

    expect(written.files.charts.map((f) => f.split("/").pop())).toEqual(["mode-normalised.svg", "mode-valid.svg", "consistency.svg"]);
  }, 900_000);

  it("the CLI replays that bench, stops on SIGINT mid-way, and --resume finishes it without redoing finished runs", async () => {
    const out = join(root, "replayed");
    const env = { LINGUACODUS_HOME: join(root, "home") };
    const cli = (args: string[]) => linguacodus(args, env, { sources: true }).child;
    // One sandbox at a time, as the recorded bench ran its attempts: every prompt says how many cores an attempt
    // gets (the sandboxes at once share the machine), and replay needs the prompts the recording saw.
    const args = ["bench", ...tasks.map((t) => t.dir), "--modes", "linguacodus,direct", "--models", `label=scripted;all=replay:${recorded}`, "--repeats", "2", "--parallel", "2", "--sandboxes", "1", "--timeout", "300", "--out", out];

    const first = cli(args);
    let stderr = "";
    first.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const firstExit = new Promise<number | null>((r) => first.on("exit", (code) => r(code)));
    // stop once two runs have finished
    while (events(out).filter((e) => e.type === "run.finished").length < 2) {
      if (first.exitCode !== null) throw new Error(`bench exited early: ${stderr}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    first.kill("SIGINT");
    expect(await firstExit).toBe(130);
    expect(stderr).toContain("stopping: no new runs");
    const afterStop = events(out);
    expect(afterStop.some((e) => e.type === "bench.stopped")).toBe(true);
    const finishedFirst = afterStop.filter((e) => e.type === "run.finished").map((e) => (e as { runId: string }).runId);
    expect(finishedFirst.length).toBeGreaterThanOrEqual(2);
    expect(finishedFirst.length).toBeLessThan(8);
    const created = new Map(finishedFirst.map((id) => [id, readRunJson(join(out, "runs", id)).createdAt]));

    // A different shared option would split the bench in two: refused, naming it, before anything runs.
    const changed = await linguacodus(["bench", "--resume", "--out", out, "--timeout", "200"], env, { sources: true });
    expect(changed.code).not.toBe(0);
    expect(changed.stderr).toMatch(/--timeout 200 differs from the bench's 300 in bench\.json: --resume runs the rest as the first session did/);

    const second = cli(["bench", "--resume", "--out", out]);
    let out2 = "";
    let err2 = "";
    second.stdout.on("data", (d: Buffer) => (out2 += d.toString()));
    second.stderr.on("data", (d: Buffer) => (err2 += d.toString()));
    expect(await new Promise((r) => second.on("exit", r)), err2).toBe(0);
    expect(err2).toContain(`resuming: ${finishedFirst.length} finished run(s) kept`);
    expect(out2).toMatch(/bench finished: \d+ succeeded, 0 failed/);
    // finished runs were not redone: one run.started each, the same record
    const all = events(out);
    for (const id of finishedFirst) {
      expect(all.filter((e) => e.type === "run.started" && e.runId === id)).toHaveLength(1);
      expect(readRunJson(join(out, "runs", id)).createdAt).toBe(created.get(id));
    }
    expect(new Set(all.filter((e) => e.type === "run.finished").map((e) => (e as { runId: string }).runId)).size).toBe(8);
    // the resumed session ran its cells with the first session's shared options (bench.json), not the defaults
    for (const id of new Set(all.filter((e) => e.type === "run.finished").map((e) => (e as { runId: string }).runId))) {
      expect(readRunJson(join(out, "runs", id)).config.timeoutSeconds).toBe(300);
    }

    // the report written by the bench: same numbers as the recorded bench, run for run
    const reportJson = JSON.parse(readFileSync(join(out, "report", "report.json"), "utf8")) as Report;
    expectReportMatchesRecords(reportJson, out);
    const recordedRuns = collectRuns(recorded).runs;
    for (const run of reportJson.runs) {
      const twin = recordedRuns.find((r) => r.taskId === run.taskId && r.mode === run.mode && r.seed === run.seed)!;
      expect(run.score).toBe(twin.score);
      expect(run.attemptsUsed).toBe(twin.attemptsUsed);
    }
    const md = readFileSync(join(out, "report", "report.md"), "utf8");
    expect(md).toContain("## Paired comparison");
    expect(md).toContain("![Mean normalised score per mode (± SEM over seeds)](mode-normalised.svg)");
    const html = readFileSync(join(out, "report", "report.html"), "utf8");
    expect((html.match(/<svg/g) ?? []).length).toBe(3);
    expect(readFileSync(join(out, "report", "runs.csv"), "utf8").trim().split("\n")).toHaveLength(9);
  }, 900_000);

  it("a bench killed hard (SIGKILL) mid-run resumes: finished runs kept, the cut-off run moved aside and rerun", async () => {
    const out = join(root, "killed");
    const env = { LINGUACODUS_HOME: join(root, "home") };
    const cli = (args: string[]) => linguacodus(args, env, { sources: true }).child;
    const first = cli(["bench", ...tasks.map((t) => t.dir), "--models", `label=scripted;all=replay:${recorded}`, "--repeats", "2", "--out", out]);
    const exited = new Promise<NodeJS.Signals | null>((r) => first.on("exit", (_code, signal) => r(signal)));
    // kill while a run is in flight: one finished, the next started
    for (;;) {
      const e = events(out);
      const finished = e.filter((x) => x.type === "run.finished").length;
      if (finished >= 1 && e.filter((x) => x.type === "run.started").length > finished) break;
      if (first.exitCode !== null) throw new Error("bench ended before it could be killed");
      await new Promise((r) => setTimeout(r, 20));
    }
    first.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");
    const before = events(out);
    const finishedBefore = before.filter((e) => e.type === "run.finished").map((e) => (e as { runId: string }).runId);
    const cutOff = before.filter((e) => e.type === "run.started").map((e) => e.runId).filter((id) => !finishedBefore.includes(id));
    expect(cutOff.length).toBeGreaterThanOrEqual(1);
    // what the kill left: a record that never finished (or none yet)
    for (const id of cutOff) {
      const dir = join(out, "runs", id);
      if (existsSync(join(dir, "run.json"))) expect(readRunJson(dir).status).toBe("running");
    }
    const leftRecords = cutOff.filter((id) => existsSync(join(out, "runs", id)));

    const second = cli(["bench", "--resume", "--out", out]);
    let err = "";
    second.stderr.on("data", (d: Buffer) => (err += d.toString()));
    expect(await new Promise((r) => second.on("exit", r)), err).toBe(0);
    const after = events(out);
    for (const id of finishedBefore) expect(after.filter((e) => e.type === "run.started" && e.runId === id)).toHaveLength(1);
    for (const id of cutOff) expect(after.filter((e) => e.type === "run.started" && e.runId === id)).toHaveLength(2);
    for (const id of leftRecords) expect(readdirSync(join(out, "interrupted")).some((name) => name.startsWith(`${id}.unfinished.`))).toBe(true);
    const report = JSON.parse(readFileSync(join(out, "report", "report.json"), "utf8")) as Report;
    expect(report.counts).toMatchObject({ planned: 8, succeeded: 8 });
    const recordedRuns = collectRuns(recorded).runs;
    for (const run of report.runs) expect(run.score).toBe(recordedRuns.find((r) => r.taskId === run.taskId && r.mode === run.mode && r.seed === run.seed)!.score);
  }, 900_000);
});
