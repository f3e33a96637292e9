// Local-model speed, measured in one run (node-llama-cpp, CPU): three instructions that share a long prompt
// prefix (the task description), generated
//   - sequentially on one sequence, clearing it before each (no reuse),
//   - sequentially on one sequence, reusing the evaluated shared prefix,
//   - as three parallel sequences of one context (node-llama-cpp batches them), cold,
//   - as three parallel sequences whose prefix is already evaluated (warm).
// Prints the median of each and the ratios.
//
//   npx tsx perf/agents.ts [--model file.gguf] [--repeats 5] [--tokens 48] [--threads 1] [--sections 5]
// (--sections: copies of the task text in the shared prefix, i.e. its length)
// Default model: the tiny random-weight llama that the tests generate.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { ChatHistoryItem, LlamaChat, LlamaContextSequence } from "node-llama-cpp";
import { loadNodeLlamaCpp } from "../agents/index.js";
import { writeTinyModels } from "../tests/support/tiny-gguf.js";

const { values } = parseArgs({
  options: {
    model: { type: "string" },
    repeats: { type: "string", default: "5" },
    tokens: { type: "string", default: "48" },
    threads: { type: "string", default: "1" },
    sections: { type: "string", default: "5" },
  },
});
const repeats = Number(values.repeats);
const maxTokens = Number(values.tokens);
const threads = Number(values.threads);

const TASK = [
  "Competition: predict the sale price of residential homes in Ames, Iowa.",
  "Data: train.csv holds 1460 houses with 79 explanatory variables (lot size, quality ratings, year built,",
  "basement, garage, neighbourhood, sale condition) and the target SalePrice; test.csv holds 1459 houses without it.",
  "Evaluation: root mean squared error between the logarithm of the predicted and the observed price.",
  "Submission: a CSV with the columns Id and SalePrice, one row per house in test.csv.",
].join(" ");
const DESCRIPTION = Array.from({ length: Number(values.sections) }, (_, i) => `Section ${i + 1}. ${TASK}`).join("\n");
const FOCUS = ["feature engineering", "model choice and tuning", "validation and ensembling"];

function history(i: number, tag = ""): ChatHistoryItem[] {
  return [
    { type: "system", text: "You are a Kaggle grandmaster. Write one precise instruction for a coder." },
    { type: "user", text: `${DESCRIPTION}\n\nWrite instruction ${i + 1} of 3${tag}, focusing on ${FOCUS[i]}.` },
    { type: "model", response: [] },
  ];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

async function main() {
  const modelPath = values.model ?? writeTinyModels(mkdtempSync(join(tmpdir(), "lc-bench-"))).modelPath;
  const { getLlama, LlamaChat, LlamaLogLevel } = await loadNodeLlamaCpp();
  const llama = await getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error });
  const model = await llama.loadModel({ modelPath });
  const context = await model.createContext({ contextSize: 4096, sequences: 3, threads });
  const sequences: LlamaContextSequence[] = [context.getSequence(), context.getSequence(), context.getSequence()];
  const chats: LlamaChat[] = sequences.map((contextSequence) => new LlamaChat({ contextSequence }));
  const chat0 = chats[0]!;
  const generate = (chat: LlamaChat, h: ChatHistoryItem[]) =>
    chat.generateResponse(h, { maxTokens, temperature: 0 });
  const promptTokens = chat0.chatWrapper.generateContextState({ chatHistory: history(0) }).contextText.tokenize(model.tokenizer).length;
  console.log(`model ${modelPath}\n  prompt ≈ ${promptTokens} tokens (shared prefix + short suffix), ${maxTokens} new tokens each, ${threads} thread(s), ${repeats} repeats`);

  const results: Record<string, number[]> = { seqCold: [], seqReuse: [], parCold: [], parWarm: [] };
  for (let r = 0; r < repeats; r++) {
    results.seqCold!.push(
      await time(async () => {
        for (let i = 0; i < 3; i++) {
          await sequences[0]!.clearHistory();
          await generate(chat0, history(i));
        }
      }),
    );
    // Warm the single sequence with the shared prefix (a different suffix), then three instructions reuse it.
    await sequences[0]!.clearHistory();
    await generate(chat0, history(0, " (draft)"));
    results.seqReuse!.push(
      await time(async () => {
        for (let i = 0; i < 3; i++) await generate(chat0, history(i));
      }),
    );
    for (const s of sequences) await s.clearHistory();
    results.parCold!.push(await time(() => Promise.all(chats.map((c, i) => generate(c, history(i))))));
    // Each sequence now holds the prefix; a second round with new suffixes reuses it, in parallel.
    results.parWarm!.push(await time(() => Promise.all(chats.map((c, i) => generate(c, history(i, " (revised)"))))));
  }
  const m = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, median(v)])) as Record<string, number>;
  const fmt = (ms: number) => `${ms.toFixed(0).padStart(6)} ms`;
  console.log(`  sequential, no prefix reuse     ${fmt(m.seqCold!)}`);
  console.log(`  sequential, shared prefix reused ${fmt(m.seqReuse!)}`);
  console.log(`  3 parallel sequences, cold       ${fmt(m.parCold!)}`);
  console.log(`  3 parallel sequences, warm       ${fmt(m.parWarm!)}`);
  console.log("ratios (higher = faster than the baseline):");
  console.log(`  parallel batching:      sequential/parallel (cold)   = ${(m.seqCold! / m.parCold!).toFixed(2)}x`);
  console.log(`  prefix reuse:           no-reuse/reuse (sequential)  = ${(m.seqCold! / m.seqReuse!).toFixed(2)}x`);
  console.log(`  prefix reuse:           cold/warm (parallel)         = ${(m.parCold! / m.parWarm!).toFixed(2)}x`);
  console.log(`  both:                   sequential cold/parallel warm = ${(m.seqCold! / m.parWarm!).toFixed(2)}x`);
  await context.dispose();
  await model.dispose();
  await llama.dispose();
}

await main();
