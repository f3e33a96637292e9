// GGUF speed of the planner, measured in one run (node-llama-cpp, CPU) on the planner's own prompt:
//   1. plain generation (no grammar) from a fresh sequence: prompt tok/s and generation tok/s;
//   2. generation under the per-rank planner's JSON-schema grammar (RankAnswerSchema): tok/s and its ratio to 1
//      (target ≥ 0.7);
//   3. a full per-rank planner call (3 places + any schema retry) through the real agent team: its wall time
//      against the time its token counts predict at the rates of 1 and 2 (≈ 1 means no hidden re-evaluation),
//      and how many prompt tokens were reused from the cache (the shared prefix).
//
//   npx tsx perf/gguf.ts [--model file.gguf] [--threads 1] [--tokens 160] [--task concrete-strength]
// Default model: the embedded Gemma 3 270M (.ci/default-model.sh); --threads defaults to LINGUACODUS_THREADS or 1.
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { BaseMessage } from "@langchain/core/messages";
import type { ChatHistoryItem } from "node-llama-cpp";
import { createAgentTeam, createMemoryTranscriptSink, defaultModelSpec, toJsonSchema } from "../agents/index.js";
import { LlamaCppChatModel, LoadedGgufModel, sharedLlama } from "../agents/providers/gguf/index.js";
import { resolveTask } from "../datasets/index.js";
import { taskInfo } from "../execution/index.js";
import { RankAnswerSchema, buildTaskContext, jsonRankFormat, planInstructionsReport, plannerRankPrompt } from "../instructions/index.js";
import { defaultPaths } from "../cli/paths.js";

const { values } = parseArgs({
  options: {
    model: { type: "string" },
    threads: { type: "string", default: process.env.LINGUACODUS_THREADS ?? "1" },
    tokens: { type: "string", default: "160" },
    task: { type: "string", default: "concrete-strength" },
    "context-tokens": { type: "string", default: "1500" },
  },
});
const maxTokens = Number(values.tokens);
const threads = Number(values.threads);
const paths = defaultPaths();
const modelPath = values.model ?? defaultModelSpec(paths.models).slice("gguf:".length);

interface Measured {
  inputTokens: number;
  evaluatedInputTokens: number;
  outputTokens: number;
  promptMs: number;
  generationMs: number;
}

/** The gguf chat model, keeping each answer's token counts and timings for the explanation. */
class MeasuredChatModel extends LlamaCppChatModel {
  readonly measured: Measured[] = [];
  override async _generate(...args: Parameters<LlamaCppChatModel["_generate"]>) {
    const result = await super._generate(...args);
    const message = result.generations[0]!.message as BaseMessage & {
      usage_metadata: { input_tokens: number; output_tokens: number; input_token_details: { cache_read: number } };
      response_metadata: { prompt_ms: number; generation_ms: number };
    };
    this.measured.push({
      inputTokens: message.usage_metadata.input_tokens,
      evaluatedInputTokens: message.usage_metadata.input_tokens - message.usage_metadata.input_token_details.cache_read,
      outputTokens: message.usage_metadata.output_tokens,
      promptMs: message.response_metadata.prompt_ms,
      generationMs: message.response_metadata.generation_ms,
    });
    return result;
  }
}

const toHistory = (turns: Array<{ role: string; content: string }>): ChatHistoryItem[] =>
  turns.map((t) => (t.role === "system" ? { type: "system", text: t.content } : { type: "user", text: t.content }));

async function main() {
  const task = await resolveTask(values.task!, paths.tasks);
  const context = buildTaskContext(taskInfo(task), { tokenBudget: Number(values["context-tokens"]) }).text;
  const libraries = ["numpy", "pandas", "scikit-learn (import sklearn)", "scipy"];
  const llama = await sharedLlama(false);
  const loaded = await LoadedGgufModel.load(llama, modelPath, undefined, { threads, contextSize: 4096 });
  const prompt = (rank: number) => plannerRankPrompt({ context, libraries, rank, count: 3, answerFormat: jsonRankFormat.instructions });
  try {
    // 1. Plain generation, fresh context (a new model load has no cache).
    const plain = await loaded.generate({ history: toHistory(prompt(1)), maxTokens, temperature: 0 });
    // 2. The same prompt under the grammar (its prefix is now cached: only generation speed is compared).
    const structured = await loaded.generate({ history: toHistory(prompt(1)), maxTokens, temperature: 0, jsonSchema: toJsonSchema(RankAnswerSchema) });
    const rate = (tokens: number, ms: number) => (ms > 0 ? tokens / (ms / 1000) : 0);
    const promptRate = rate(plain.evaluatedInputTokens, plain.promptMs);
    // The first token comes with the prompt's evaluation: generation speed counts the tokens after it.
    const plainRate = rate(plain.outputTokens - 1, plain.generationMs);
    const structuredRate = rate(structured.outputTokens - 1, structured.generationMs);

    // 3. A full per-rank planner call through the real team.
    const chat = new MeasuredChatModel(loaded);
    const sink = createMemoryTranscriptSink();
    const team = createAgentTeam({ models: { default: `gguf:${modelPath}` }, transcript: sink, resolveChatModel: () => chat });
    const started = performance.now();
    const report = await planInstructionsReport(
      team.model("planner"),
      { context, libraries, count: 3, promptMode: "json-per-rank" },
      { maxTokens: Math.max(maxTokens, 384), temperature: 0 },
    );
    const wallMs = performance.now() - started;
    const input = chat.measured.reduce((n, m) => n + m.inputTokens, 0);
    const evaluated = chat.measured.reduce((n, m) => n + m.evaluatedInputTokens, 0);
    const output = chat.measured.reduce((n, m) => n + m.outputTokens, 0);
    const predictedMs = (evaluated / promptRate + output / structuredRate) * 1000;

    const f = (n: number, d = 1) => n.toFixed(d);
    console.log(`model ${modelPath}, ${threads} thread(s), prompt ${plain.inputTokens} tokens (task ${values.task}), answers ≤ ${maxTokens} tokens`);
    console.log(`1. plain       prompt ${f(promptRate)} tok/s (${plain.evaluatedInputTokens} tok in ${f(plain.promptMs / 1000)} s), generation ${f(plainRate)} tok/s (${plain.outputTokens} tok)`);
    console.log(`2. structured  generation ${f(structuredRate)} tok/s (${structured.outputTokens} tok; ${structured.inputTokens - structured.evaluatedInputTokens} prompt tokens reused)`);
    console.log(`   ratio structured / plain generation: ${f(structuredRate / plainRate, 2)} (target ≥ 0.70)`);
    console.log(
      `3. planner     ${chat.measured.length} calls for 3 places (${report.instructions.length} valid, ${report.failures.length} left out), wall ${f(wallMs / 1000)} s`,
    );
    for (const [i, m] of chat.measured.entries()) {
      console.log(
        `   call ${i + 1}: prompt ${m.inputTokens} tok (${m.evaluatedInputTokens} evaluated, ${m.inputTokens - m.evaluatedInputTokens} reused) in ${f(m.promptMs / 1000)} s, ` +
          `answer ${m.outputTokens} tok in ${f(m.generationMs / 1000)} s (${f(rate(m.outputTokens - 1, m.generationMs))} tok/s)`,
      );
    }
    console.log(`   prompt tokens evaluated ${evaluated} of ${input} (${f((100 * (input - evaluated)) / Math.max(1, input), 0)}% reused from the shared prefix)`);
    console.log(`   wall / predicted from token counts at the rates of 1 and 2: ${f(wallMs / predictedMs, 2)} (≈ 1: no hidden re-evaluation)`);
    await team.close();
  } finally {
    await loaded.dispose();
  }
}

await main();
