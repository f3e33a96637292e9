// The bench runner's bookkeeping with cells that write generated records (no models here; the
// end-to-end bench with the real sandbox is in bench-e2e.test.ts).
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RunRecordWriter, parseRunOptions, readRunJson } from "../../execution/index.js";
import { expandMatrix, parseModelColumn, type RunKey } from "../../benchmarks/matrix.js";
import { BenchEventSchema, readManifest } from "../../benchmarks/manifest.js";
import { runBench, type CellRunner } from "../../benchmarks/runner.js";
import { ModelCallLimiter, Semaphore } from "../../benchmarks/limits.js";
import { writeGeneratedRun, writeTaskFolder, type GeneratedTask } from "../support/bench-records.js";
import { collectRuns } from "../../benchmarks/collect.js";
import { BenchOptionsSchema } from "../../benchmarks/index.js";

const genTasks: GeneratedTask[] = [
  { id: "t-one", dataType: "tabular", metric: "rmse", reference: { constant: 10, model: 2 } },
  { id: "t-two", dataType: "text", metric: "accuracy", reference: { constant: 0.5, model: 0.9 } },
];
let root: string;
let keys: RunKey[];
const taskById = new Map(genTasks.map((t) => [t.id, t]));

const manifestBase = { command: ["test"], tasks: [], modes: ["linguacodus", "direct"], models: [], temperatures: [], repeats: 2, baseSeed: 1, options: BenchOptionsSchema.parse({}) };
const goodCell: CellRunner = async (key, runDir) => {
  writeGeneratedRun(runDir, key, taskById.get(key.task.id)!, { attempts: [{ score: 5 }] });
};
const events = (dir: string) =>
  readFileSync(join(dir, "bench-events.jsonl"), "utf8").trim().split("\n").map((l) => BenchEventSchema.parse(JSON.parse(l)));

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "lc-runner-"));
  const refs = genTasks.map((t) => writeTaskFolder(join(root, "tasks"), t));
  keys = expandMatrix({ tasks: refs, modes: ["linguacodus", "direct"], models: [parseModelColumn("replay:/nowhere")], temperatures: [], repeats: 2, baseSeed: 1 });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("runBench", () => {
  it("writes the manifest first, runs every cell, and records crashes and missing records as failed runs", async () => {
    const dir = join(root, "b1");
    let sawManifest = false;
    const cell: CellRunner = async (key, runDir) => {
      sawManifest ||= existsSync(join(dir, "bench.json"));
      if (key.task.id === "t-two" && key.mode === "direct" && key.seed === 1) throw new Error("model error: 500 from server\nstack…");
      if (key.task.id === "t-two" && key.mode === "direct" && key.seed === 2) return; // leaves nothing behind
      await goodCell(key, runDir, new AbortController().signal);
    };
    const lines: string[] = [];
    const outcome = await runBench({ dir, keys, manifest: manifestBase, parallel: 2, resume: false, runCell: cell, version: "test", onLog: (l) => lines.push(l) });
    expect(sawManifest).toBe(true);
    expect(outcome).toMatchObject({ total: 8, succeeded: 6, failed: 2, skipped: 0, interrupted: 0, stopped: false });
    expect(readManifest(dir)!.runs.map((r) => r.id)).toEqual(keys.map((k) => k.id));
    const crashed = keys.find((k) => k.task.id === "t-two" && k.mode === "direct" && k.seed === 1)!;
    const crashedRun = readRunJson(join(dir, "runs", crashed.id));
    expect(crashedRun.status).toBe("failed");
    expect(crashedRun.failure?.message).toBe("model error: 500 from server");
    const empty = keys.find((k) => k.task.id === "t-two" && k.mode === "direct" && k.seed === 2)!;
    expect(readRunJson(join(dir, "runs", empty.id)).failure?.message).toBe("the run left no finished record");
    expect(lines.filter((l) => /^\[\d+\/8\]/.test(l))).toHaveLength(8);
    expect(lines.some((l) => l.includes("✗ failed: model error: 500 from server"))).toBe(true);
    expect(readFileSync(join(dir, "bench.log"), "utf8")).toContain("finished: 6 succeeded, 2 failed");
    // the report sees the failures with their reasons
    const collected = collectRuns(dir);
    expect(collected.runs.filter((r) => r.state === "failed").map((r) => r.failure).sort()).toEqual(["model error: 500 from server", "the run left no finished record"]);
  });

  it("takes a run that recorded its own failure and then threw (a failed stage) as that record", async () => {
    const dir = join(root, "b-stage");
    const cell: CellRunner = async (key, runDir) => {
      const writer = RunRecordWriter.create(runDir, { runId: key.id, taskId: key.task.id, taskDir: key.task.dir, mode: key.flags.mode, config: parseRunOptions(key.flags), versions: { linguacodus: "test", node: process.version }, models: {}, seed: key.seed });
      writer.finish("failed", { valid: false, reason: "planner: no parsable instruction", stage: "planner" });
      throw new Error("planner: no parsable instruction");
    };
    const lines: string[] = [];
    const outcome = await runBench({ dir, keys: keys.slice(0, 2), manifest: manifestBase, parallel: 1, resume: false, runCell: cell, version: "test", onLog: (l) => lines.push(l) });
    expect(outcome).toMatchObject({ total: 2, succeeded: 0, failed: 2 });
    expect(lines.filter((l) => l.includes("could not be recorded"))).toEqual([]);
    expect(lines.filter((l) => l.includes("✗ failed: planner: no parsable instruction"))).toHaveLength(2);
    const finished = events(dir).filter((e) => e.type === "run.finished");
    expect(finished.map((e) => ("reason" in e ? e.reason : undefined))).toEqual(["planner: no parsable instruction", "planner: no parsable instruction"]);
    expect(readRunJson(join(dir, "runs", keys[0]!.id)).failure).toMatchObject({ stage: "planner" });
    // Finished: a resume has nothing to rerun.
    const again = await runBench({ dir, keys: keys.slice(0, 2), manifest: manifestBase, parallel: 1, resume: true, runCell: cell, version: "test" });
    expect(again).toMatchObject({ skipped: 2, failed: 0 });
  });

  it("refuses to overwrite a bench without --resume, and a resume with a different matrix", async () => {
    const dir = join(root, "b1");
    await expect(runBench({ dir, keys, manifest: manifestBase, parallel: 1, resume: false, runCell: goodCell, version: "test" })).rejects.toThrow(/bench.json exists: add --resume/);
    await expect(runBench({ dir, keys: keys.slice(0, 4), manifest: manifestBase, parallel: 1, resume: true, runCell: goodCell, version: "test" })).rejects.toThrow(/different matrix \(8 runs; this command asks for 4\)/);
  });

  it("stops cleanly on a signal and resumes without redoing finished runs", async () => {
    const dir = join(root, "b2");
    const stop = new AbortController();
    let started = 0;
    const firstSession: CellRunner = async (key, runDir, signal) => {
      started += 1;
      if (started === 3) {
        // the third run is in flight when Ctrl-C arrives; it gives up on its signal
        stop.abort(new Error("SIGINT"));
        await new Promise((r) => setTimeout(r, 5));
        if (signal.aborted) throw signal.reason as Error;
      }
      await goodCell(key, runDir, signal);
    };
    const first = await runBench({ dir, keys, manifest: manifestBase, parallel: 1, resume: false, runCell: firstSession, version: "test", signal: stop.signal });
    expect(first).toMatchObject({ succeeded: 2, interrupted: 1, stopped: true });
    const finishedIds = keys.slice(0, 2).map((k) => k.id);
    const createdAt = finishedIds.map((id) => readRunJson(join(dir, "runs", id)).createdAt);
    // the interrupted run left no record, so it reads as not started, like the 5 never reached
    const states = collectRuns(dir).runs.map((r) => r.state);
    expect(states.filter((s) => s === "missing")).toHaveLength(6);
    expect(states.filter((s) => s === "succeeded")).toHaveLength(2);

    const ran: string[] = [];
    const second = await runBench({ dir, keys, manifest: manifestBase, parallel: 2, resume: true, runCell: async (k, d, s) => { ran.push(k.id); await goodCell(k, d, s); }, version: "test" });
    expect(second).toMatchObject({ skipped: 2, succeeded: 6, failed: 0, stopped: false });
    expect(ran.sort()).toEqual(keys.slice(2).map((k) => k.id).sort());
    expect(finishedIds.map((id) => readRunJson(join(dir, "runs", id)).createdAt)).toEqual(createdAt);
    const types = events(dir).map((e) => e.type);
    expect(types.filter((t) => t === "bench.started")).toHaveLength(2);
    expect(types).toContain("bench.stopped");
    expect(collectRuns(dir).runs.every((r) => r.state === "succeeded")).toBe(true);
  });

  it("reruns a run killed mid-way (record left 'running'), keeping the old folder aside", async () => {
    const dir = join(root, "b3");
    let n = 0;
    const outcome = await runBench({
      dir, keys: keys.slice(0, 2), manifest: manifestBase, parallel: 1, resume: false, version: "test",
      runCell: async (key, runDir, s) => {
        if (n++ === 1) {
          // simulate a hard kill: a record that never finished, then the process "dies"
          writeGeneratedRun(runDir, key, taskById.get(key.task.id)!, { attempts: [{ score: 5 }] });
          const { RunRecordWriter } = await import("../../execution/index.js");
          RunRecordWriter.open(runDir);
          throw Object.assign(new Error("killed"), { killed: true });
        }
        await goodCell(key, runDir, s);
      },
    });
    expect(outcome.failed).toBe(1); // recorded as failed with its reason
    // pretend the process died before recording: status back to running
    const { RunRecordWriter } = await import("../../execution/index.js");
    RunRecordWriter.open(join(dir, "runs", keys[1]!.id));
    const rerun: string[] = [];
    const resumed = await runBench({ dir, keys: keys.slice(0, 2), manifest: manifestBase, parallel: 1, resume: true, version: "test", runCell: async (k, d, s) => { rerun.push(k.id); await goodCell(k, d, s); } });
    expect(rerun).toEqual([keys[1]!.id]);
    expect(resumed).toMatchObject({ skipped: 1, succeeded: 1 });
    expect(readdirSync(join(dir, "interrupted"))[0]).toMatch(new RegExp(`^${keys[1]!.id}\\.unfinished\\.\\d+$`));
  });
});

describe("concurrency limits", () => {
  it("a semaphore never exceeds its limit", async () => {
    const s = new Semaphore(2);
    let active = 0;
    let peak = 0;
    await Promise.all(Array.from({ length: 7 }, () => s.use(async () => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, 5));
      active--;
    })));
    expect(peak).toBe(2);
    expect(s.peak).toBe(2);
  });
  it("GGUF calls are serialised, API calls bounded by the configured limit", async () => {
    const limiter = new ModelCallLimiter({ apiConcurrency: 3, replayConcurrency: 8 });
    expect(limiter.limitOf("gguf:/m/x.gguf")).toBe(1);
    expect(limiter.limitOf("openai:gpt-4o")).toBe(3);
    expect(limiter.limitOf("replay:/r")).toBe(8);
    let active = 0;
    let peak = 0;
    const model = {
      role: "coder" as const,
      spec: "gguf:/m/x.gguf",
      generate: async () => { active++; peak = Math.max(peak, active); await new Promise((r) => setTimeout(r, 5)); active--; return "ok"; },
      generateStructured: async <T,>() => ({}) as T,
    };
    const teams = [0, 1, 2].map(() => limiter.wrapTeam({ model: () => model, close: async () => {} }));
    await Promise.all(teams.map((t) => t.model("coder").generate([{ role: "user", content: "x" }])));
    expect(peak).toBe(1);
  });
});
