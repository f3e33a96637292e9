import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tokenTotal } from "../../agents/index.js";
import {
  RunRecordWriter,
  finishedStages,
  readEvents,
  readRunRecord,
  readSearchNodes,
  summarizeRun,
  attemptName,
} from "../../execution/record/index.js";
import { parseRunOptions } from "../../execution/index.js";

function newWriter() {
  const dir = join(mkdtempSync(join(tmpdir(), "lc-record-")), "run");
  const writer = RunRecordWriter.create(dir, {
    runId: "r1",
    taskId: "toy",
    taskDir: "/tasks/toy",
    mode: "linguacodus",
    config: parseRunOptions({ fixAttempts: 3 }),
    versions: { linguacodus: "0.1.0", node: process.version },
    models: { planner: "replay:x", coder: "replay:x" },
    seed: 7,
  });
  return { dir, writer };
}

describe("run record", () => {
  it("writes events, attempts and score and summarizes them", () => {
    const { dir, writer } = newWriter();
    writer.event({ type: "run.started", mode: "linguacodus", taskId: "toy", resumed: false });
    writer.event({ type: "stage.started", stage: "planner" });
    writer.event({ type: "stage.finished", stage: "planner", ok: true, durationMs: 5 });
    const base = { kind: "initial" as const, fixIndex: 0, feedbackRound: 0, exitCode: 1, durationMs: 10, stdoutTruncated: false, stderrTruncated: false };
    writer.writeAttemptResult(
      { ...base, attempt: attemptName(0), index: 0, script: "code/attempt-001.py", outcome: "error", errorClass: "KeyError", submission: { present: false, valid: false, errors: ["no submission.csv"] } },
      "out",
      "Traceback",
    );
    writer.writeAttemptResult(
      { ...base, attempt: attemptName(1), index: 1, kind: "fix", fixIndex: 1, exitCode: 0, script: "code/attempt-002.py", outcome: "ok", submission: { present: true, valid: true, errors: [], score: 0.5 } },
      "",
      "",
    );
    writeFileSync(join(dir, "transcripts.jsonl"), [
      JSON.stringify({ role: "planner", latencyMs: 3, tokens: { input: 10, output: 5 } }),
      JSON.stringify({ role: "coder", latencyMs: 4, tokens: { input: 7, output: 3 } }),
      "",
    ].join("\n"));
    writer.writeScore({ valid: true, score: 0.5, metric: "rmse", lower_is_better: true, errors: [], attempt: "002" });
    writer.updateRun({ timings: { wallMs: 100, modelMs: 30, sandboxMs: 60 } });
    writer.finish("succeeded", { valid: true, score: 0.5 });

    const summary = summarizeRun(dir);
    expect(summary.status).toBe("succeeded");
    expect(summary.valid).toBe(true);
    expect(summary.score).toBe(0.5);
    expect(summary.attemptsUsed).toBe(2);
    expect(summary.fixesUsed).toBe(1);
    expect(summary.firstAttemptSuccess).toBe(false);
    expect(summary.errorClasses).toEqual(["KeyError"]);
    expect(summary.otherMs).toBe(10);
    expect(summary.tokensByRole.planner?.tokens).toEqual({ input: 10, output: 5 });
    expect(tokenTotal(summary.tokensByRole.coder?.tokens)).toBe(10);
    expect(summary.totalTokens).toBe(25);
    expect(readFileSync(join(dir, "exec", "001", "stderr.txt"), "utf8")).toBe("Traceback");
    expect(finishedStages(readEvents(dir))).toEqual(new Set(["planner"]));
  });

  it("survives a crash mid-append and reopens for resume", () => {
    const { dir, writer } = newWriter();
    writer.event({ type: "stage.finished", stage: "context", ok: true, durationMs: 1 });
    appendFileSync(join(dir, "events.jsonl"), '{"type":"stage.fin'); // a crash cut the last line
    expect(readEvents(dir)).toHaveLength(1);
    const reopened = RunRecordWriter.open(dir);
    expect(reopened.runJson.status).toBe("running");
    reopened.event({ type: "stage.finished", stage: "planner", ok: true, durationMs: 1 });
    expect(finishedStages(readEvents(dir))).toEqual(new Set(["context", "planner"]));
    expect(readRunRecord(dir).run.seed).toBe(7);
    expect(() => RunRecordWriter.create(dir, { ...reopened.runJson })).toThrow(/already exists/);
  });

  it("a search node cut short by a crash is dropped on reopen, so the next node appends on a line of its own", () => {
    const { dir, writer } = newWriter();
    const node = (step: number) => ({
      step, id: `n${step}`, parent: null, operator: "draft" as const, reason: "draft", plan: "p", code: "x = 1", attempt: attemptName(step),
      buggy: false, output: "", validationScore: 0.5, testScore: 1, tokens: { input: 1, output: 1 }, startedAt: "2026-01-01T00:00:00Z", durationMs: 1,
    });
    writer.appendSearchNode(node(0));
    appendFileSync(join(dir, "search", "nodes.jsonl"), '{"step":1,"id":"n'); // a crash cut the second node
    expect(readSearchNodes(dir).map((n) => n.id)).toEqual(["n0"]);
    RunRecordWriter.open(dir).appendSearchNode(node(1));
    expect(readSearchNodes(dir).map((n) => n.id)).toEqual(["n0", "n1"]);
  });

  it("writes usage in the one token shape and reads the older one", () => {
    const { dir, writer } = newWriter();
    const entry = { calls: 2, tokens: { input: 30, output: 4 }, costUsd: null };
    writer.updateRun({ usage: { total: entry, byRole: { fixer: entry }, byStage: { fix: entry } } });
    expect(JSON.parse(readFileSync(join(dir, "run.json"), "utf8")).usage.total).toEqual(entry);
    // A run.json written before one token shape: calls, inputTokens, outputTokens.
    const run = JSON.parse(readFileSync(join(dir, "run.json"), "utf8"));
    const old = { calls: 2, inputTokens: 30, outputTokens: 4, costUsd: null };
    writeFileSync(join(dir, "run.json"), JSON.stringify({ ...run, usage: { total: old, byRole: { merger: old }, byStage: { fix: old } } }));
    const usage = readRunRecord(dir).run.usage!;
    expect(usage.total).toEqual(entry);
    expect(usage.byRole.merger).toEqual(entry);
    expect(tokenTotal(usage.byStage.fix?.tokens)).toBe(34);
  });
});
