// `linguacodus export inspect`, checked by Inspect AI itself: a run (a recorded scripted run replayed through the
// CLI, real Docker sandbox and grader) and a small bench (direct mode × 2 seeds, a local OpenAI-protocol server as
// the model) are exported as Inspect's .eval zips and as JSON, and inspect_ai's read_eval_log — from the venv of
// ./inspect.ts (.ci/python.sh inspect) — reads every log back; its sample counts, epochs, scores, message counts and
// token totals must be the run records', and the two formats must read the same.
import { execFile, spawn } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { TranscriptLineSchema, tokenTotal } from "../../agents/index.js";
import { RUN_FILES, readJsonLines, readRunRecord, runTask, summarizeRun } from "../../execution/index.js";
import { inspectPython } from "./inspect.js";
import { launchChromium } from "../viewer/support.js";
import { fence } from "../support/fence.js";
import { linguacodus } from "../support/cli.js";
import { type OpenAiTestServer } from "../support/openai-server.js";
import { SKLEARN_FIXED, imageLibraries, linguacodusScript, scriptedDeps, tempDir, useCliAndModelServer, useTaskAndSandbox } from "../pipeline/support.js";
import type { Task } from "../../datasets/index.js";
import type { Sandbox } from "../../sandbox/types.js";

const exec = promisify(execFile);

let task: Task;
let sandbox: Sandbox;
let server: OpenAiTestServer;
let python: string;
let home: string;
/** The bench's exported logs (the second test), which the browser test opens in `inspect view`. */
let benchLogs: string | undefined;

useTaskAndSandbox((fixture) => ({ task, sandbox } = fixture));
// The bench's model: every direct-mode call answers the working scikit-learn script, with cached prompt tokens.
useCliAndModelServer(() => ({ text: `The script:\n\n${fence(SKLEARN_FIXED)}`, usage: { prompt: 1200, completion: 340, cached: 200 } }), (fixture) => ({ server } = fixture));
beforeAll(async () => {
  home = tempDir("lc-inspect-home-");
  python = await inspectPython();
}, 600_000);

/** What Inspect reads of each log: per sample its id, epoch, run id, score, message and model-call counts, tokens. */
interface ReadLog {
  file: string;
  status: string;
  task: string;
  model: string;
  roles: string[];
  results: Record<string, number | null>;
  /** Inspect's per-sample reduction over epochs: sample id → test_score. */
  reductions: Record<string, unknown>;
  samples: { id: string; epoch: number; run_id: string; messages: number; model_events: number; score: Record<string, unknown>; input_tokens: number; output_tokens: number; cached: number; role_tokens: number }[];
}

const READ_LOGS = `
import json, sys
from inspect_ai.log import read_eval_log
out = []
for path in sys.argv[1:]:
    log = read_eval_log(path)
    out.append({
        "file": path, "status": log.status, "task": log.eval.task, "model": log.eval.model,
        "roles": sorted((log.eval.model_roles or {}).keys()),
        "results": {s.name: (s.metrics["mean"].value if "mean" in s.metrics else None) for s in log.results.scores},
        "reductions": {str(s.sample_id): s.value["test_score"] for r in (log.reductions or []) for s in r.samples},
        "samples": [{
            "id": s.id, "epoch": s.epoch, "run_id": s.metadata["run_id"], "messages": len(s.messages),
            "model_events": sum(1 for e in s.events if e.event == "model"), "score": s.scores["linguacodus"].value,
            "input_tokens": sum(u.input_tokens for u in s.model_usage.values()),
            "output_tokens": sum(u.output_tokens for u in s.model_usage.values()),
            "cached": sum(u.input_tokens_cache_read or 0 for u in s.model_usage.values()),
            "role_tokens": sum(u.total_tokens for u in s.role_usage.values()),
        } for s in log.samples],
    })
print(json.dumps(out))
`;

async function readWithInspect(files: string[]): Promise<ReadLog[]> {
  const { stdout } = await exec(python, ["-c", READ_LOGS, ...files], { maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout) as ReadLog[];
}

/** Each sample against its run record: the grades, the calls (prompt turns + answer each) and the tokens. */
function expectSampleMatchesRecord(sample: ReadLog["samples"][number], runDir: string): void {
  const summary = summarizeRun(runDir);
  const calls = readJsonLines(join(runDir, RUN_FILES.transcripts), TranscriptLineSchema).items;
  expect(sample.run_id).toBe(summary.runId);
  expect(sample.score).toEqual({ test_score: summary.score, valid: summary.valid, medal: summary.medal ?? null, normalised_score: null, validation_score: summary.validationScore ?? null });
  expect(sample.model_events).toBe(calls.length);
  expect(sample.messages).toBe(calls.reduce((n, c) => n + c.messages.length + (c.response === null ? 0 : 1), 0));
  expect(sample.input_tokens + sample.output_tokens).toBe(summary.totalTokens);
  expect(sample.role_tokens).toBe(calls.reduce((n, c) => n + tokenTotal(c.tokens), 0));
  expect(sample.cached).toBe(calls.reduce((n, c) => n + (c.tokens?.cached ?? 0), 0));
  const usage = readRunRecord(runDir).run.usage;
  if (usage) expect(sample.input_tokens + sample.output_tokens).toBe(usage.total.tokens.input + usage.total.tokens.output);
}

describe("export inspect: Inspect AI reads the logs, and they hold what the run records hold", () => {
  it("a run (linguacodus mode, a failed attempt then a fix) → one .json log with one sample", async () => {
    const recorded = await runTask(task, { models: { default: "openai:scripted" } }, { ...scriptedDeps(sandbox, linguacodusScript), libraries: await imageLibraries(), outDir: tempDir("lc-inspect-rec-") });
    const runs = tempDir("lc-inspect-runs-");
    const run = await linguacodus(["run", task.dir, "--model", `replay:${recorded.dir}`, "--out", runs, "--json"], { LINGUACODUS_HOME: home });
    expect(run.code, run.stderr).toBe(0);
    const runDir = (JSON.parse(run.stdout) as { dir: string }).dir;

    // Inspect's own .eval zip and its JSON form: read back the same, and each as the record holds it.
    const outDir = tempDir("lc-inspect-out-");
    const [asEval, asJson] = (await Promise.all(["run.eval", "run.json"].map(async (name) => {
      const file = join(outDir, name);
      const exported = await linguacodus(["export", "inspect", runDir, "--out", file], { LINGUACODUS_HOME: home });
      expect(exported.code, exported.stderr).toBe(0);
      expect(exported.stdout.trim()).toBe(file);
      return (await readWithInspect([file]))[0]!;
    }))) as [ReadLog, ReadLog];
    expect(readFileSync(join(outDir, "run.eval")).subarray(0, 2).toString()).toBe("PK");
    expect({ ...asEval, file: "" }).toEqual({ ...asJson, file: "", reductions: asEval.reductions });
    const log = asEval;
    expect(log).toMatchObject({ status: "success", task: "concrete-strength", model: `replay:${recorded.dir}` });
    expect(log.roles).toEqual(expect.arrayContaining(["planner", "critic", "coder", "merger", "fixer"]));
    expect(log.samples).toHaveLength(1);
    const sample = log.samples[0]!;
    expect(sample.id).toBe("concrete-strength");
    expect(sample.model_events).toBeGreaterThanOrEqual(8);
    expectSampleMatchesRecord(sample, runDir);
    expect(log.results).toMatchObject({ test_score: sample.score.test_score, valid: 1 });
    expect(log.reductions).toEqual({ "concrete-strength": sample.score.test_score });

    // A file that is neither format is refused with the fix, as is a format the file's extension contradicts.
    const bad = await linguacodus(["export", "inspect", runDir, "--out", join(runs, "x.txt")], { LINGUACODUS_HOME: home });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Inspect logs are .eval \(zip\) or .json files; name a .eval or .json file or a folder/);
    const contradicted = await linguacodus(["export", "inspect", runDir, "--out", join(runs, "x.eval"), "--format", "json"], { LINGUACODUS_HOME: home });
    expect(contradicted.code).toBe(2);
    expect(contradicted.stderr).toMatch(/is a .eval file but --format is json/);
  }, 600_000);

  it("a bench (direct × 2 seeds) → one log per task × mode × model column, one sample per seed", async () => {
    const bench = join(tempDir("lc-inspect-bench-"), "bench");
    const model = `openai:scripted@${server.baseURL}`;
    const ran = await linguacodus(["bench", task.dir, "--models", model, "--modes", "direct", "--repeats", "2", "--seed", "4", "--no-report", "--out", bench], { LINGUACODUS_HOME: home });
    expect(ran.code, ran.stderr).toBe(0);
    const out = tempDir("lc-inspect-logs-");
    const exported = await linguacodus(["export", "inspect", bench, "--out", out], { LINGUACODUS_HOME: home });
    expect(exported.code, exported.stderr).toBe(0);
    benchLogs = out;
    const files = readdirSync(out).map((name) => join(out, name));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/_concrete-strength-direct-openai-scripted[^/]*_[0-9a-f]{12}\.eval$/);
    const [log] = await readWithInspect(files);
    // The same bench as JSON logs (--format json) reads back the same.
    const jsonOut = tempDir("lc-inspect-json-");
    const asJson = await linguacodus(["export", "inspect", bench, "--out", jsonOut, "--format", "json"], { LINGUACODUS_HOME: home });
    expect(asJson.code, asJson.stderr).toBe(0);
    const jsonFiles = readdirSync(jsonOut).map((name) => join(jsonOut, name));
    expect(jsonFiles.map((f) => f.replace(/\.json$/, ".eval").replace(jsonOut, out))).toEqual(files);
    const [jsonLog] = await readWithInspect(jsonFiles);
    expect({ ...jsonLog, file: "", reductions: {} }).toEqual({ ...log, file: "", reductions: {} });
    expect(log).toMatchObject({ status: "success", task: "concrete-strength", model });
    expect(log!.samples.map((s) => [s.id, s.epoch])).toEqual([["concrete-strength", 4], ["concrete-strength", 5]]);
    for (const sample of log!.samples) {
      expectSampleMatchesRecord(sample, join(bench, "runs", readdirSync(join(bench, "runs")).find((d) => readRunRecord(join(bench, "runs", d)).run.runId === sample.run_id)!));
      expect(sample.cached).toBe(200);
    }
    const scores = log!.samples.map((s) => s.score.test_score as number);
    expect(log!.results.test_score).toBeCloseTo((scores[0]! + scores[1]!) / 2, 9);
    expect(log!.reductions["concrete-strength"]).toBeCloseTo((scores[0]! + scores[1]!) / 2, 9);
  }, 600_000);

  it("inspect view shows the bench's .eval log and its two samples in Chromium", async () => {
    expect(benchLogs, "the bench test exports the logs first").toBeDefined();
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const { port: free } = probe.address() as { port: number };
        probe.close(() => resolve(free));
      });
    });
    const inspect = join(python, "..", "inspect");
    const view = spawn(inspect, ["view", "start", "--log-dir", benchLogs!, "--host", "127.0.0.1", "--port", String(port)], { stdio: "ignore" });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const url = `http://127.0.0.1:${port}/`;
      const end = Date.now() + 60_000;
      for (;;) {
        const up = await fetch(url).then((r) => r.ok, () => false);
        if (up) break;
        if (Date.now() > end) throw new Error("inspect view did not start");
        await new Promise((r) => setTimeout(r, 250));
      }
      await page.goto(url);
      // The header comes first, the sample grid after the samples load: wait for each.
      await page.getByText("1 x 2 samples").waitFor({ timeout: 60_000 });
      await page.getByText("2 rows").waitFor({ timeout: 60_000 });
      await page.getByText(/test_score/i).first().waitFor({ timeout: 60_000 });
      expect(await page.innerText("body")).toContain("concrete-strength");
    } finally {
      await browser.close();
      view.kill();
    }
  }, 180_000);
});
