// The call-step vocabulary (agents/call-step.ts): new records are written with its spellings, records of any
// earlier vintage read through parseCallStep — the merger's old fixes count, replay and bill as the fixer's.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  RUN_ROLES,
  callStep,
  createAgentTeam,
  createJsonlTranscriptSink,
  createMemoryTranscriptSink,
  parseCallStep,
  readTranscript,
  recordedRoleSpec,
  roleModelSpec,
  roleOfCall,
  type TranscriptLine,
} from "../../agents/index.js";
import { UsageTally, resolveRoleSpecs } from "../../execution/index.js";
import { scriptedModel } from "../support/scripted-model.js";

describe("call-step vocabulary", () => {
  it("spells each moment once: role, step as recorded, stage served, usage tally", () => {
    expect(callStep.fix(2)).toEqual({ kind: "fix", role: "fixer", step: "fix-2", tally: "fix", stage: "execute", n: 2 });
    expect(callStep.merge()).toMatchObject({ role: "merger", step: "merge", tally: "merge", stage: "merger" });
    expect(callStep.block("model")).toMatchObject({ role: "coder", step: "model-block", tally: "model-block", stage: "coder:model", block: "model" });
    expect(callStep.review(1)).toMatchObject({ role: "reviewer", step: "review-1", tally: "review", stage: "feedback:1" });
    expect(callStep.instruction(3, true)).toMatchObject({ role: "planner", step: "instruction-3-retry", tally: "instruction", stage: "planner", n: 3, retry: true });
    expect(callStep.unstagedScript()).toMatchObject({ role: "coder", step: "unstaged-script", stage: "coder:script" });
    expect(callStep.directScript()).toMatchObject({ role: "direct", step: "direct-script", stage: "direct" });
    expect(callStep.extract("titanic", 2)).toMatchObject({ role: "extractor", step: "extract:titanic:2", tally: "extract", stage: null });
  });

  it("reads back every step it writes", () => {
    const all = [
      callStep.instructions(),
      callStep.instruction(1),
      callStep.instruction(2, true),
      callStep.critique(),
      callStep.research(),
      callStep.resolve(),
      callStep.block("preprocessing"),
      callStep.unstagedScript(),
      callStep.directScript(),
      callStep.merge(),
      callStep.fix(3),
      callStep.review(2),
      callStep.extract("a:b", 4),
      callStep.adapterCheck(),
    ];
    for (const step of all) expect(parseCallStep({ role: step.role, step: step.step })).toEqual(step);
  });

  it("reads the spellings of older records", () => {
    // A fix was the merger's call before the fixer had its own role.
    expect(parseCallStep({ role: "merger", step: "fix-2" })).toEqual(callStep.fix(2));
    expect(roleOfCall({ role: "merger", step: "fix-2" })).toBe("fixer");
    expect(roleOfCall({ role: "merger", step: "merge" })).toBe("merger");
    // The paper planner's per-rank calls.
    expect(parseCallStep({ role: "planner", step: "instructions:rank-3" })).toEqual(callStep.instruction(3));
    expect(parseCallStep({ role: "planner", step: "instructions:rank-1:retry" })).toEqual(callStep.instruction(1, true));
  });

  it("leaves a call it does not know as recorded", () => {
    expect(parseCallStep({ role: "coder", step: "needle-step" })).toBeUndefined();
    expect(parseCallStep({ role: "coder" })).toBeUndefined();
    // A pipeline step under a role that never made it is not that step.
    expect(parseCallStep({ role: "critic", step: "preprocessing-block" })).toBeUndefined();
    expect(roleOfCall({ role: "critic", step: "fix-1" })).toBe("critic");
  });
});

describe("the fixer's model", () => {
  it("falls back to the merger's, then the coder's, then the default", () => {
    expect(RUN_ROLES).toContain("fixer");
    expect(roleModelSpec({ merger: "m", coder: "c", default: "d" }, "fixer")).toBe("m");
    expect(roleModelSpec({ coder: "c", default: "d" }, "fixer")).toBe("c");
    expect(roleModelSpec({ default: "d" }, "fixer")).toBe("d");
    expect(roleModelSpec({ fixer: "f", merger: "m" }, "fixer")).toBe("f");
    // run.json's models: --coder alone gives the merger and the fixer the coder's model, as before the fixer role.
    expect(resolveRoleSpecs({ default: "d", coder: "c" })).toMatchObject({ coder: "c", merger: "c", fixer: "c", direct: "c", planner: "d" });
  });

  it("is found for an old run.json that names no fixer", () => {
    expect(recordedRoleSpec({ merger: "m", coder: "c" }, "fixer")).toBe("m");
    expect(recordedRoleSpec({ merger: "m", fixer: "f" }, "fixer")).toBe("f");
    expect(recordedRoleSpec({ tester: "t" }, "tester")).toBe("t");
  });
});

function line(role: string, step: string, input: number, output: number): TranscriptLine {
  return {
    callId: `${role}-${step}`,
    runId: "r",
    role,
    step,
    model: "openai:x",
    kind: "text",
    attempt: 1,
    params: {},
    messages: [{ role: "user", content: "x" }],
    promptHash: "h",
    response: "y",
    tokens: { input, output },
    latencyMs: 1,
    startedAt: new Date(0).toISOString(),
    error: null,
  } as unknown as TranscriptLine;
}

describe("usage of old and new records", () => {
  it("tallies an old record's fix under the fixer and the fix stage", () => {
    const tally = new UsageTally(undefined);
    tally.record(line("merger", "merge", 10, 1));
    tally.record(line("merger", "fix-1", 20, 2));
    tally.record(line("fixer", "fix-2", 30, 3));
    const usage = tally.snapshot();
    expect(usage.byRole.merger).toMatchObject({ calls: 1, tokens: { input: 10, output: 1 } });
    expect(usage.byRole.fixer).toMatchObject({ calls: 2, tokens: { input: 50, output: 5 } });
    expect(Object.keys(usage.byStage).sort()).toEqual(["fix", "merge"]);
  });

  it("replays a recording whose fixes the merger made as the fixer's calls", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lc-callstep-"));
    const ask = (text: string) => [{ role: "user" as const, content: text }];
    // Record as records were written before the fixer role: the merger model labels its fixes fix-<n>.
    const recording = createAgentTeam({
      models: { default: "openai:scripted@http://127.0.0.1:1/v1" },
      runId: "old",
      transcript: createJsonlTranscriptSink(join(dir, "transcripts.jsonl")),
      resolveChatModel: () => scriptedModel(({ lastUser }) => `answer to ${lastUser}`),
    });
    await recording.model("merger").generate(ask("merge these"), { step: "merge" });
    await recording.model("merger").generate(ask("fix this"), { step: "fix-1" });
    await recording.close();
    expect(readTranscript(dir).map((l) => [l.role, l.step])).toEqual([["merger", "merge"], ["merger", "fix-1"]]);

    const sink = createMemoryTranscriptSink();
    const replaying = createAgentTeam({ models: { default: `replay:${dir}` }, runId: "new", transcript: sink });
    expect(await replaying.model("merger").generate(ask("merge these"), { step: callStep.merge().step })).toBe("answer to merge these");
    expect(await replaying.model("fixer").generate(ask("fix this"), { step: callStep.fix(1).step })).toBe("answer to fix this");
    await replaying.close();
    // The new record spells the fix the new way.
    expect(sink.lines.map((l) => [l.role, l.step])).toEqual([["merger", "merge"], ["fixer", "fix-1"]]);
  });
});
