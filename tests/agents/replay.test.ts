// replay: a run recorded with a scripted model is reproduced exactly; a changed prompt is refused clearly.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  ReplayMismatchError,
  createAgentTeam,
  createJsonlTranscriptSink,
  createMemoryTranscriptSink,
  createProviderResolver,
  readTranscript,
} from "../../agents/index.js";
import type { AgentTeam } from "../../agents/index.js";
import { rateLimitError, scriptedModel } from "../support/scripted-model.js";

const Plan = z.object({ ranked: z.array(z.string()).min(1) });

/** A small "run": planner (structured, with one invalid first answer), coder twice, merger once. */
async function miniRun(team: AgentTeam, task = "Predict house prices.") {
  const plan = await team.model("planner").generateStructured([{ role: "user", content: `Plan: ${task}` }], Plan, { step: "rank" });
  const blocks: string[] = [];
  for (const [i, instruction] of plan.ranked.entries()) {
    blocks.push(await team.model("coder").generate([{ role: "user", content: `Code for: ${instruction}` }], { step: `block-${i}`, seed: i }));
  }
  const merged = await team.model("merger").generate([{ role: "user", content: blocks.join("\n---\n") }], { step: "merge" });
  return { plan, blocks, merged };
}

function recordScript() {
  let plannerCalls = 0;
  return scriptedModel(({ lastUser }) => {
    if (lastUser.includes("JSON schema") || lastUser.includes("does not validate")) {
      plannerCalls++;
      return plannerCalls === 1 ? '{"ranked": []}' : '{"ranked": ["load data", "fit model"]}';
    }
    if (lastUser.startsWith("Code for")) return `print(${JSON.stringify(lastUser)})`;
    return `# merged\n${lastUser}`;
  });
}

describe("replay provider", () => {
  it("reproduces a recorded run exactly, including the structured-output retry", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lc-replay-"));
    // Record, with one rate-limited attempt that replay must skip.
    let failedOnce = false;
    const inner = recordScript();
    const flaky = scriptedModel(async (call) => {
      if (call.lastUser.startsWith("Code for") && !failedOnce) {
        failedOnce = true;
        return { error: rateLimitError() };
      }
      const answer = await inner.invoke(call.messages.map((m) => [m.role === "assistant" ? "ai" : m.role === "user" ? "human" : "system", m.content] as [string, string]));
      return String(answer.content);
    });
    const recording = createAgentTeam({
      models: { default: "openai:scripted@http://127.0.0.1:1/v1" },
      runId: "rec",
      transcript: createJsonlTranscriptSink(join(dir, "transcripts.jsonl")),
      resolveChatModel: () => flaky,
      retry: { backoffMs: 1 },
    });
    const original = await miniRun(recording);
    await recording.close();
    expect(original.plan.ranked).toEqual(["load data", "fit model"]);
    expect(readTranscript(dir).filter((l) => l.error !== null)).toHaveLength(1);

    const sink = createMemoryTranscriptSink();
    const replaying = createAgentTeam({ models: { default: `replay:${dir}` }, runId: "again", transcript: sink });
    const again = await miniRun(replaying);
    await replaying.close();
    expect(again).toEqual(original);
    const recordedOk = readTranscript(dir).filter((l) => l.error === null);
    expect(sink.lines.map((l) => [l.role, l.step, l.promptHash, l.response])).toEqual(
      recordedOk.map((l) => [l.role, l.step, l.promptHash, l.response]),
    );
    expect(sink.lines.every((l) => l.model === `replay:${dir}`)).toBe(true);

    // A benchmark shares one provider resolver between runs: each run replays from the start.
    const resolver = createProviderResolver({ env: {} });
    for (const runId of ["r1", "r2"]) {
      const team = createAgentTeam({ models: { default: `replay:${dir}` }, runId, transcript: createMemoryTranscriptSink(), resolveChatModel: resolver.resolve });
      expect(await miniRun(team)).toEqual(original);
      await team.close();
    }
    await resolver.close();
  });

  it("refuses a changed prompt, showing where it differs", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lc-replay-"));
    const recording = createAgentTeam({
      models: { default: "gemini:scripted" },
      transcript: createJsonlTranscriptSink(join(dir, "transcripts.jsonl")),
      resolveChatModel: () => recordScript(),
    });
    await miniRun(recording, "Predict house prices.");
    await recording.close();

    const replaying = createAgentTeam({ models: { default: `replay:${join(dir, "transcripts.jsonl")}` }, transcript: createMemoryTranscriptSink() });
    const failure = miniRun(replaying, "Predict car prices.");
    await expect(failure).rejects.toBeInstanceOf(ReplayMismatchError);
    await expect(failure).rejects.toThrow(
      /prompt of role "planner" call #1 \(step "rank"\) does not match recorded call .*message 1 \(user\) differs at character 14: recorded "Plan: Predict house prices\.\\n\\nAnswer with.*now "Plan: Predict car prices\.\\n\\nAnswer with/,
    );
  });

  it("reports a call the recording does not hold", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lc-replay-"));
    const recording = createAgentTeam({
      models: { default: "gemini:scripted" },
      transcript: createJsonlTranscriptSink(join(dir, "transcripts.jsonl")),
      resolveChatModel: () => scriptedModel(["only answer"]),
    });
    await recording.model("coder").generate([{ role: "user", content: "x" }]);
    await recording.close();
    const replaying = createAgentTeam({ models: { default: `replay:${dir}` }, transcript: createMemoryTranscriptSink() });
    expect(await replaying.model("coder").generate([{ role: "user", content: "x" }])).toBe("only answer");
    await expect(replaying.model("coder").generate([{ role: "user", content: "x" }])).rejects.toThrow(
      /role "coder" makes call #2, but the recording holds only 1 successful coder calls/,
    );
    await expect(replaying.model("planner").generate([{ role: "user", content: "x" }])).rejects.toThrow(/holds only 0 successful planner calls/);
  });

  it("says when the recording is missing", async () => {
    const team = createAgentTeam({ models: { default: "replay:/nonexistent/run" }, transcript: createMemoryTranscriptSink() });
    await expect(team.model("coder").generate([{ role: "user", content: "x" }])).rejects.toThrow(
      /Transcript not found: \/nonexistent\/run/,
    );
  });
});
