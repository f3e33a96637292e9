// Issue 13, execution side, on the real sandbox with scripted models: budgets stop a run with status `budget`
// and keep its best valid submission; cost per role/stage from a price table; the fingerprint through the
// production wiring (Docker version, sandbox image and limits).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAgentTeam } from "../../agents/team.js";
import { createJsonlTranscriptSink } from "../../agents/transcript.js";
import type { Task } from "../../datasets/index.js";
import { readAttempts, readEvents, readRunRecord, runTask, type RunDependencies } from "../../execution/index.js";
import { type Wiring, createWiring } from "../../execution/wiring.js";
import { type Script, ScriptedChatModel } from "../support/scripted-model.js";
import { MERGED_FIXED, builtinTask, callKind, linguacodusScript, tempDir } from "./support.js";

const F = "```";
let task: Task;
let wiring: Wiring;

/** The production wiring (Docker sandbox, grader, image whitelist, versions) with scripted models. */
function scripted(script: Script): RunDependencies & { model: ScriptedChatModel } {
  const model = new ScriptedChatModel(script);
  return {
    ...wiring,
    model,
    createTeam: ({ runId, transcriptsPath, models, onCall }) =>
      createAgentTeam({ models, runId, transcript: createJsonlTranscriptSink(transcriptsPath), resolveChatModel: () => model, ...(onCall ? { onCall } : {}) }),
  };
}

/** linguacodus answers, plus a reviewer that always proposes a changed (still valid) script. */
const withReviewer: Script = (call) =>
  callKind(call) === "review" ? `${F}python\n${MERGED_FIXED.replace("VALIDATION_SCORE={mae:.4f}", "VALIDATION_SCORE={mae * 0.9:.4f}")}\n${F}` : linguacodusScript(call);

beforeAll(async () => {
  task = await builtinTask();
  wiring = await createWiring({ sandbox: "docker" });
});

afterAll(async () => {
  await wiring?.close();
});

describe("budgets", () => {
  it("a token budget reached right after the planner stops the run there with status budget", async () => {
    const deps = scripted(linguacodusScript);
    const result = await runTask(task, { models: { default: "openai:scripted" }, budgetTokens: 1 }, { ...deps, outDir: tempDir("lc-budget-1-") });
    // Resolves (a budget stop is an ending, not a crash), after exactly one call.
    expect(deps.model.calls.map(callKind)).toEqual(["planner"]);
    expect(result.run.status).toBe("budget");
    expect(result.run.budget).toMatchObject({ limits: { tokens: 1 }, reached: { kind: "tokens" } });
    expect(result.summary).toMatchObject({ valid: false, budgetReached: "tokens" });
    expect(existsSync(join(result.dir, "instructions.json"))).toBe(true);
    expect(readEvents(result.dir).at(-1)).toMatchObject({ type: "run.finished", status: "budget" });
  });

  it("a token budget reached during feedback keeps and grades the best valid submission so far", async () => {
    // First, how many tokens a run uses up to its first valid submission.
    const probe = await runTask(task, { models: { default: "openai:scripted" }, noCritic: true }, { ...scripted(linguacodusScript), outDir: tempDir("lc-budget-probe-") });
    const upToValid = probe.run.usage!.total.inputTokens + probe.run.usage!.total.outputTokens;
    expect(probe.summary.valid).toBe(true);

    const deps = scripted(withReviewer);
    const result = await runTask(
      task,
      { models: { default: "openai:scripted" }, noCritic: true, feedbackIterations: 3, budgetTokens: upToValid + 1 },
      { ...deps, outDir: tempDir("lc-budget-2-") },
    );
    // The first reviewer call crossed the budget: no feedback attempt ran, and there was no second review.
    expect(deps.model.calls.map(callKind).filter((k) => k === "review")).toHaveLength(1);
    expect(readAttempts(result.dir).map((a) => a.kind)).toEqual(["initial", "fix"]);
    expect(result.run.status).toBe("budget");
    expect(result.summary).toMatchObject({ valid: true, budgetReached: "tokens", score: probe.summary.score });
    expect(JSON.parse(readFileSync(join(result.dir, "score.json"), "utf8"))).toMatchObject({ valid: true, attempt: "002" });
  });
});

describe("cost and fingerprint", () => {
  it("prices every call per role and stage, and fingerprints machine, Docker, sandbox and models", async () => {
    const prices = { "openai:scripted": { input: 2, output: 10 } };
    const result = await runTask(task, { models: { default: "openai:scripted" }, noCritic: true, prices }, { ...scripted(linguacodusScript), outDir: tempDir("lc-cost-") });
    const run = readRunRecord(result.dir).run;
    const { total, byRole, byStage } = run.usage!;
    expect(total.costUsd).toBeCloseTo((total.inputTokens * 2 + total.outputTokens * 10) / 1e6, 12);
    expect(total.costUsd).toBeGreaterThan(0);
    const sum = (entries: Record<string, { costUsd: number | null }>) => Object.values(entries).reduce((n, e) => n + (e.costUsd ?? 0), 0);
    expect(sum(byRole)).toBeCloseTo(total.costUsd!, 12);
    expect(sum(byStage)).toBeCloseTo(total.costUsd!, 12);
    expect(byStage.fix?.calls).toBe(1);

    const fp = run.fingerprint!;
    expect(fp.cpu.count).toBeGreaterThan(0);
    expect(fp.cpu.model.length).toBeGreaterThan(0);
    expect(fp.memoryBytes).toBeGreaterThan(0);
    expect(Array.isArray(fp.gpus)).toBe(true);
    expect(fp.docker).toMatch(/^\d+\.\d+/);
    expect(fp.sandbox?.image).toMatch(/^linguacodus-sandbox:/);
    expect(fp.sandbox?.limits).toMatchObject({ memoryBytes: expect.any(Number), cpus: expect.any(Number) });
    expect(fp.node).toBe(process.version);
    expect(fp.models.coder).toEqual({ spec: "openai:scripted", servedName: "scripted" });
  });
});
