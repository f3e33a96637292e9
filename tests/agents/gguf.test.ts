// The gguf provider on a real (tiny, random-weight) llama model, run by node-llama-cpp on CPU.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  ContextOverflowError,
  ModelFileError,
  addTokens,
  createAgentTeam,
  createMemoryTranscriptSink,
  createProviderResolver,
  defaultModelSpec,
  evaluatedPromptShare,
  noTokens,
} from "../../agents/index.js";
import type { AgentTeam, ProviderOptions } from "../../agents/index.js";
import { writeTinyModels } from "../support/tiny-gguf.js";

const dir = mkdtempSync(join(tmpdir(), "lc-gguf-"));
let modelPath = "";
let loraPath = "";
// One thread: the tiny model is far faster single-threaded on a busy 2-core machine.
const providers: ProviderOptions = { gguf: { gpu: "auto", threads: 1, contextSize: 512 } };
const teams: AgentTeam[] = [];
function team(models: Record<string, string>, sink = createMemoryTranscriptSink()) {
  const t = createAgentTeam({ models, transcript: sink, providers, runId: "gguf-test" });
  teams.push(t);
  return { team: t, sink };
}

beforeAll(() => {
  ({ modelPath, loraPath } = writeTinyModels(dir));
});
afterAll(async () => {
  for (const t of teams) await t.close();
});

const Verdict = z.object({ choice: z.enum(["first", "second", "third"]), keep: z.boolean() });

describe("gguf provider (tiny llama on CPU)", () => {
  it("generates text and records tokens", async () => {
    const { team: t, sink } = team({ default: `gguf:${modelPath}` });
    const text = await t.model("coder").generate([{ role: "user", content: "Write code." }], { maxTokens: 12, temperature: 0 });
    expect(typeof text).toBe("string");
    const [line] = sink.lines;
    expect(line?.tokens?.input).toBeGreaterThan(3);
    expect(line?.tokens?.output).toBeGreaterThan(0);
    expect(line?.tokens?.output).toBeLessThanOrEqual(12);
    expect(line?.model).toBe(`gguf:${modelPath}`);
  });

  it("records the prompt tokens a later call reused from the sequence's KV cache (a shared prefix)", async () => {
    const { team: t, sink } = team({ default: `gguf:${modelPath}` });
    const context = `Task context. ${"The same block of task text opens every role's prompt. ".repeat(12)}`;
    for (const question of ["Write the draft.", "Improve the best node."]) {
      await t.model("coder").generate([{ role: "system", content: context }, { role: "user", content: question }], { maxTokens: 4, temperature: 0 });
    }
    const [first, second] = sink.lines.map((l) => l.tokens!);
    // A fresh sequence evaluates the whole first prompt; the second evaluates only what follows the shared context.
    expect(first?.cached ?? 0).toBeLessThan(8);
    expect(second?.cached).toBeGreaterThan(0.7 * second!.input);
    expect(second?.cached).toBeLessThan(second!.input);
    expect(evaluatedPromptShare(addTokens(addTokens(noTokens(), first), second))).toBeCloseTo(1 - (second!.cached! + (first!.cached ?? 0)) / (first!.input + second!.input));
  });

  it("constrains structured output with the JSON-schema grammar (valid on the first try)", async () => {
    const { team: t, sink } = team({ default: `gguf:${modelPath}` });
    const verdict = await t
      .model("critic")
      .generateStructured([{ role: "user", content: "Pick one." }], Verdict, { maxTokens: 60, temperature: 0.8, seed: 3 });
    expect(Verdict.parse(verdict)).toEqual(verdict);
    // A random-weight model never writes valid JSON by chance: one call means the grammar did it.
    expect(sink.lines).toHaveLength(1);
    expect(JSON.parse(sink.lines[0]!.response!)).toEqual(verdict);
  });

  it("names a structured answer cut by the token cap as truncated, and retries without echoing it", async () => {
    const { team: t, sink } = team({ default: `gguf:${modelPath}` });
    const Long = z.object({ notes: z.array(z.string().min(1).max(200)).min(3).max(5) });
    const failure = t.model("planner").generateStructured([{ role: "user", content: "Write notes." }], Long, { maxTokens: 6, temperature: 0, step: "notes" });
    await expect(failure).rejects.toThrow(/failed validation twice \(role "planner", step "notes".*truncated at 6 tokens/s);
    expect(sink.lines).toHaveLength(2);
    const [first, retry] = sink.lines;
    // The retry carries the reason in the last user message, not the cut answer as an assistant turn.
    expect(retry!.messages.map((m) => m.role)).toEqual(first!.messages.map((m) => m.role));
    expect(retry!.messages.at(-1)!.content).toContain("truncated at 6 tokens");
    expect(retry!.messages.at(-1)!.content.startsWith(first!.messages.at(-1)!.content)).toBe(true);
  });

  it("reports live progress of a call: tokens so far and tokens/s", async () => {
    const { team: t } = team({ default: `gguf:${modelPath}` });
    const seen: Array<{ outputTokens: number; tokensPerSecond: number; step?: string }> = [];
    // A slow consumer is not needed: the throttle lets the first token through, then one report per 250 ms.
    await t.model("coder").generate([{ role: "user", content: "Write code." }], {
      maxTokens: 400,
      temperature: 0.9,
      seed: 1,
      step: "model-block",
      onTokens: (progress) => seen.push(progress),
    });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen[0]!.step).toBe("model-block");
    expect(seen.every((p, i) => i === 0 || p.outputTokens > seen[i - 1]!.outputTokens)).toBe(true);
    if (seen.length > 1) expect(seen.at(-1)!.tokensPerSecond).toBeGreaterThan(0);
  });

  it("applies a LoRA adapter at load (greedy output changes)", async () => {
    const prompt = [{ role: "user" as const, content: "Describe the data." }];
    const plain = team({ default: `gguf:${modelPath}` }).team;
    const adapted = team({ default: `gguf:${modelPath}+lora:${loraPath}` }).team;
    const a = await plain.model("coder").generate(prompt, { maxTokens: 16, temperature: 0 });
    const b = await adapted.model("coder").generate(prompt, { maxTokens: 16, temperature: 0 });
    const again = await adapted.model("coder").generate(prompt, { maxTokens: 16, temperature: 0 });
    expect(b).toBe(again);
    expect(b).not.toBe(a);
  });

  it("shares one loaded model between roles with the same spec and serialises their calls", async () => {
    const resolver = createProviderResolver(providers);
    try {
      const spec = `gguf:${modelPath}`;
      const [planner, coder] = await Promise.all([resolver.resolve(spec, "planner"), resolver.resolve(spec, "coder")]);
      expect(planner).toBe(coder);
      const { team: t, sink } = team({ planner: spec, coder: spec });
      const outs = await Promise.all([
        t.model("planner").generate([{ role: "user", content: "one" }], { maxTokens: 8, temperature: 0 }),
        t.model("coder").generate([{ role: "user", content: "two" }], { maxTokens: 8, temperature: 0 }),
      ]);
      expect(outs).toHaveLength(2);
      expect(sink.lines.map((l) => l.error)).toEqual([null, null]);
    } finally {
      await resolver.close();
    }
  });

  it("says which prompt overflowed the context", async () => {
    const { team: t } = team({ default: `gguf:${modelPath}` });
    const long = "data ".repeat(800);
    const failure = t.model("planner").generate([{ role: "user", content: long }], { step: "rank-instructions", maxTokens: 8 });
    await expect(failure).rejects.toBeInstanceOf(ContextOverflowError);
    await expect(failure).rejects.toThrow(/role "planner", step "rank-instructions".*context holds 2048 tokens at most/s);
  });

  it("grows the context to fit a prompt longer than its start size (up to the trained context)", async () => {
    const { team: t, sink } = team({ default: `gguf:${modelPath}` });
    await t.model("planner").generate([{ role: "user", content: "data ".repeat(120) }], { maxTokens: 8, temperature: 0 });
    const line = sink.lines.at(-1)!;
    expect(line.error).toBeNull();
    // The context started at 512 tokens (providers above): this prompt did not fit it.
    expect(line.tokens!.input).toBeGreaterThan(512);
    expect(line.tokens!.input + 8).toBeLessThanOrEqual(2048);
  });

  it("reports missing model and adapter files clearly", async () => {
    const missing = join(dir, "nope.gguf");
    await expect(team({ default: `gguf:${missing}` }).team.model("coder").generate([{ role: "user", content: "x" }])).rejects.toThrow(
      new RegExp(`Model file not found: ${missing}`),
    );
    const defaultSpec = defaultModelSpec(join(dir, "empty-models"));
    const noDefault = team({ default: defaultSpec }).team.model("coder").generate([{ role: "user", content: "x" }]);
    await expect(noDefault).rejects.toBeInstanceOf(ModelFileError);
    await expect(noDefault).rejects.toThrow(/default model: run \.ci\/default-model\.sh/);
    await expect(
      team({ default: `gguf:${modelPath}+lora:${join(dir, "nope-lora.gguf")}` }).team.model("coder").generate([{ role: "user", content: "x" }]),
    ).rejects.toThrow(/LoRA adapter not found: .*nope-lora\.gguf/);
  });

  it("fails clearly when an hf: model cannot be downloaded (offline)", async () => {
    const models = join(dir, "hf-cache");
    const t = createAgentTeam({
      models: { default: "gguf:hf:linguacodus-test/does-not-exist/model.gguf" },
      transcript: createMemoryTranscriptSink(),
      providers: { gguf: { ...providers.gguf, modelsDir: models, onDownloadProgress: () => {} } },
    });
    teams.push(t);
    await expect(t.model("coder").generate([{ role: "user", content: "x" }])).rejects.toThrow(
      /Could not download hf:linguacodus-test\/does-not-exist\/model\.gguf into .*hf-cache.*offline/s,
    );
  });
});
