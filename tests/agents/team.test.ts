import { appendFileSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  AGENT_ROLES,
  ContextOverflowError,
  ModelSpecError,
  RateLimitError,
  StructuredOutputError,
  TranscriptLineSchema,
  createAgentTeam,
  createJsonlTranscriptSink,
  createMemoryTranscriptSink,
  hashPrompt,
  readTranscript,
  scrubSecrets,
} from "../../agents/index.js";
import { rateLimitError, scriptedModel } from "../support/scripted-model.js";

const Ranked = z.object({ instructions: z.array(z.object({ rank: z.number().int(), text: z.string() })).length(2) });
const fast = { rateLimitRetries: 2, backoffMs: 5, maxBackoffMs: 20 };

describe("createAgentTeam", () => {
  it("a role not named uses its fallback role's model (the coder serves the merger, the fixer, the direct coder and the tester), then the default", async () => {
    const chat = scriptedModel(() => "ok");
    const team = createAgentTeam({
      models: { default: "openai:a@http://127.0.0.1:9/v1", coder: "openai:b@http://127.0.0.1:9/v1", reviewer: "openai:c@http://127.0.0.1:9/v1" },
      runId: "run-roles",
      transcript: createMemoryTranscriptSink(),
      resolveChatModel: () => chat,
    });
    const specs = Object.fromEntries(AGENT_ROLES.map((role) => [role, team.model(role).spec]));
    await team.close();
    expect(specs).toEqual({
      planner: "openai:a@http://127.0.0.1:9/v1",
      critic: "openai:a@http://127.0.0.1:9/v1",
      coder: "openai:b@http://127.0.0.1:9/v1",
      merger: "openai:b@http://127.0.0.1:9/v1",
      // the fixer falls back to the merger, which falls back to the coder
      fixer: "openai:b@http://127.0.0.1:9/v1",
      direct: "openai:b@http://127.0.0.1:9/v1",
      reviewer: "openai:c@http://127.0.0.1:9/v1",
      tester: "openai:b@http://127.0.0.1:9/v1",
      extractor: "openai:a@http://127.0.0.1:9/v1",
    });
  });
  it("writes one validated transcripts.jsonl line per call with run id, role, step, params, tokens", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lc-team-"));
    const file = join(dir, "transcripts.jsonl");
    const chat = scriptedModel(({ lastUser }) => `echo: ${lastUser}`);
    const team = createAgentTeam({
      models: { default: "openai:scripted@http://127.0.0.1:9/v1" },
      runId: "run-1",
      transcript: createJsonlTranscriptSink(file),
      resolveChatModel: () => chat,
      defaults: { temperature: 0.2 },
    });
    const answer = await team
      .model("coder")
      .generate([{ role: "system", content: "sys" }, { role: "user", content: "hi" }], { step: "block-1", seed: 7, maxTokens: 50 });
    await team.model("planner").generate([{ role: "user", content: "plan" }]);
    await team.close();

    expect(answer).toBe("echo: hi");
    expect(chat.calls[0]?.options).toMatchObject({ temperature: 0.2, seed: 7, maxTokens: 50 });
    const lines = readFileSync(file, "utf8").trim().split("\n").map((l) => TranscriptLineSchema.parse(JSON.parse(l)));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      runId: "run-1",
      role: "coder",
      step: "block-1",
      model: "openai:scripted@http://127.0.0.1:9/v1",
      kind: "text",
      params: { temperature: 0.2, seed: 7, maxTokens: 50 },
      response: "echo: hi",
      error: null,
    });
    expect(lines[0]?.messages).toEqual([{ role: "system", content: "sys" }, { role: "user", content: "hi" }]);
    expect(lines[0]?.promptHash).toBe(hashPrompt(lines[0]!.messages));
    expect(lines[0]?.tokens?.output).toBe(2);
    expect(lines[0]?.callId).not.toBe(lines[1]?.callId);
    expect(lines[1]?.role).toBe("planner");
  });

  it("returns schema-valid structured output and retries once with the validation error", async () => {
    const sink = createMemoryTranscriptSink();
    const chat = scriptedModel([
      '{"instructions":[{"rank":1,"text":"a"}]}',
      '```json\n{"instructions":[{"rank":1,"text":"a"},{"rank":2,"text":"b"}]}\n```',
    ]);
    const team = createAgentTeam({ models: { default: "gemini:x" }, transcript: sink, resolveChatModel: () => chat });
    const result = await team.model("planner").generateStructured([{ role: "user", content: "rank" }], Ranked, { step: "rank" });
    expect(result.instructions.map((i) => i.text)).toEqual(["a", "b"]);
    // The schema travels both in the prompt and as the call's jsonSchema option.
    expect(chat.calls[0]?.lastUser).toContain('"instructions"');
    // The schema joins the caller's user message: roles keep alternating (Gemini insists).
    expect(chat.calls[0]?.messages.map((m) => m.role)).toEqual(["user"]);
    expect(chat.calls[1]?.messages.map((m) => m.role)).toEqual(["user", "assistant", "user"]);
    expect(chat.calls[0]?.options.jsonSchema).toMatchObject({ type: "object", required: ["instructions"] });
    // The retry shows the model its bad answer and the validation error.
    expect(chat.calls[1]?.messages.at(-2)).toEqual({ role: "assistant", content: '{"instructions":[{"rank":1,"text":"a"}]}' });
    expect(chat.calls[1]?.lastUser).toMatch(/does not validate.*instructions/s);
    expect(sink.lines.map((l) => [l.kind, l.attempt])).toEqual([["structured", 1], ["structured", 2]]);
  });

  it("fails with a clear message when the retry is invalid too", async () => {
    const team = createAgentTeam({
      models: { critic: "gemini:x" },
      transcript: createMemoryTranscriptSink(),
      resolveChatModel: () => scriptedModel(["not json", '{"instructions": 3}']),
    });
    const failure = team.model("critic").generateStructured([{ role: "user", content: "x" }], Ranked, { step: "verdict" });
    await expect(failure).rejects.toThrow(StructuredOutputError);
    await expect(failure).rejects.toThrow(/failed validation twice \(role "critic", step "verdict", model gemini:x\)/);
  });

  it("retries rate limits with bounded back-off, recording each failed attempt", async () => {
    const sink = createMemoryTranscriptSink();
    const chat = scriptedModel([{ error: rateLimitError() }, { error: rateLimitError() }, "ok"]);
    const team = createAgentTeam({ models: { default: "gemini:x" }, transcript: sink, resolveChatModel: () => chat, retry: fast });
    expect(await team.model("coder").generate([{ role: "user", content: "x" }])).toBe("ok");
    expect(sink.lines.map((l) => l.error?.message ?? "ok")).toEqual([expect.stringMatching(/429/), expect.stringMatching(/429/), "ok"]);

    const always = scriptedModel(() => ({ error: rateLimitError() }));
    const team2 = createAgentTeam({ models: { default: "gemini:x" }, transcript: sink, resolveChatModel: () => always, retry: fast });
    await expect(team2.model("coder").generate([{ role: "user", content: "x" }], { step: "s" })).rejects.toThrow(
      /Rate limited \(role "coder", step "s", model gemini:x\) after 2 retries/,
    );
    expect(always.calls).toHaveLength(3);
    await expect(team2.model("coder").generate([{ role: "user", content: "x" }])).rejects.toBeInstanceOf(RateLimitError);
  });

  it("names the role and step whose prompt overflowed the context", async () => {
    const overflow = Object.assign(new Error("This model's maximum context length is 8192 tokens"), { status: 400 });
    const team = createAgentTeam({
      models: { default: "gemini:x" },
      transcript: createMemoryTranscriptSink(),
      resolveChatModel: () => scriptedModel([{ error: overflow }]),
    });
    const failure = team.model("merger").generate([{ role: "user", content: "long" }], { step: "merge" });
    await expect(failure).rejects.toBeInstanceOf(ContextOverflowError);
    await expect(failure).rejects.toThrow(/role "merger", step "merge"/);
  });

  it("rejects bad specs and unconfigured roles up front", () => {
    const base = { transcript: createMemoryTranscriptSink(), resolveChatModel: () => scriptedModel([]) };
    expect(() => createAgentTeam({ ...base, models: { planner: "claude:x" } })).toThrow(
      /planner: Invalid model spec "claude:x": unknown provider prefix "claude:"\. Valid forms: gguf:/,
    );
    const team = createAgentTeam({ ...base, models: { planner: "gemini:x" } });
    expect(() => team.model("coder")).toThrow(ModelSpecError);
    expect(() => team.model("coder")).toThrow(/No model configured for role "coder"/);
  });

  it("keeps secrets out of transcripts", async () => {
    const sink = createMemoryTranscriptSink();
    const team = createAgentTeam({
      models: { default: "gemini:x" },
      transcript: sink,
      secrets: ["my-odd-secret-value"],
      resolveChatModel: () => scriptedModel(["Authorization: Bearer abcdef123456 and my-odd-secret-value and sk-abcdefghijklmnopqrstuv"]),
    });
    await team.model("coder").generate([{ role: "user", content: "key is AIzaSyA1234567890123456789012345678901" }]);
    const text = JSON.stringify(sink.lines);
    expect(text).not.toMatch(/abcdef123456|my-odd-secret-value|sk-abcdefghij|AIzaSyA123/);
    expect(text).toContain("[REDACTED]");
    // Code that merely names a key keeps its exact text (replay needs the answers unchanged).
    const code = 'client = OpenAI(api_key=os.environ["OPENAI_API_KEY"])';
    expect(scrubSecrets(code)).toBe(code);
    expect(scrubSecrets('headers = {"Authorization": "Bearer abcdefghijklmnop1234"}')).toBe('headers = {"Authorization": "Bearer [REDACTED]"}');
    expect(scrubSecrets("api_key=abcdefghijklmnop1234")).toBe("api_key=[REDACTED]");
  });

  it("reads transcripts back and reports a broken line by file and line number", () => {
    const dir = mkdtempSync(join(tmpdir(), "lc-team-"));
    const sink = createJsonlTranscriptSink(join(dir, "transcripts.jsonl"));
    expect(() => readTranscript(dir)).toThrow(/Transcript not found: .*transcripts\.jsonl/);
    sink.append({
      callId: "r-1", runId: "r", role: "coder", model: "gemini:x", kind: "text", attempt: 1, params: {},
      messages: [], promptHash: hashPrompt([]), response: "x", tokens: null,
      startedAt: new Date().toISOString(), latencyMs: 1, error: null,
    });
    expect(readTranscript(dir)).toHaveLength(1);
    appendFileSync(join(dir, "transcripts.jsonl"), '{"callId": 3}\n');
    expect(() => readTranscript(dir)).toThrow(/transcripts\.jsonl:2: field "callId"/);
  });
});
