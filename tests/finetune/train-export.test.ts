// The recipe on the CPU with a tiny model the test generates: corpus → train a few LoRA steps (transformers + peft,
// the GGUF base dequantized by transformers) → export a llama.cpp adapter GGUF → load base + adapter in
// node-llama-cpp (greedy output differs from the base) → a run whose planner is gguf:<tiny>+lora:<adapter>
// finishes its planner stage. Bad input: unknown architecture, a corpus with no training pairs, an adapter for
// another base.
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { createAgentTeam, createJsonlTranscriptSink } from "../../agents/index.js";
import { runTask } from "../../execution/index.js";
import {
  RecipeError,
  buildCorpus,
  checkAdapterLoads,
  exportAdapter,
  readSidecar,
  trainAdapter,
  trainArgs,
  PAPER_HYPERPARAMETERS,
} from "../../finetune/index.js";
import { InstructionsRecordSchema } from "../../instructions/index.js";
import { LocalSandbox } from "../../sandbox/index.js";
import { builtinTask, TEST_LIBRARIES } from "../pipeline/support.js";
import { encodeGguf, tinyLlamaGguf, TINY_LLAMA_SHAPE } from "../support/tiny-gguf.js";
import { cpuGgufTeam, markerExtractor, recipeSetup, scriptedCorpusDeps, tempDir, writeCode4ml, writePlainFolder } from "./fixtures.js";


describe("finetune train → export → load (tiny llama, CPU)", () => {
  let python: string;
  let root: string;
  let base: string;
  let corpus: string;
  let trained: Awaited<ReturnType<typeof trainAdapter>>;
  const events: string[] = [];

  beforeAll(async () => {
    ({ python, root, base } = await recipeSetup("lc-ft-train-"));
    corpus = join(root, "corpus");
    await buildCorpus(
      { from: [writeCode4ml(join(root, "c4ml")), writePlainFolder(join(root, "plain"))], out: corpus, extractor: "openai:scripted", validationShare: 0.34, tasksDir: root },
      scriptedCorpusDeps(markerExtractor()),
    );
    // One adapter for every test of the file (a few seconds of CPU).
    trained = await trainAdapter({
      corpus,
      base,
      out: join(root, "adapter"),
      python,
      cacheDir: join(root, "bases"),
      hyperparameters: { loraR: 8, learningRate: 0.05, maxSteps: 4, batchSize: 2, loggingSteps: 1, maxLength: 256 },
      threads: 1,
      seed: 3,
      onEvent: (e) => events.push(e.event),
    });
  }, 1_200_000);

  it("trains, exports an adapter GGUF that node-llama-cpp loads, and a run's planner stage runs on the adapter", async () => {
    const out = join(root, "adapter");
    const card = trained.card;
    expect(card.steps).toBe(4);
    expect(card.loss_history.map((h) => h.step)).toEqual([1, 2, 3, 4]);
    expect(card.loss_history.every((h) => Number.isFinite(h.loss) && h.loss > 0)).toBe(true);
    expect(card.validation_loss).toBeGreaterThan(0);
    // Paper defaults except what was overridden, recorded with the corpus hash.
    expect(card.hyperparameters).toMatchObject({ lora_r: 8, lora_alpha: 16, lora_dropout: 0.1, learning_rate: 0.05, weight_decay: 0.001, max_grad_norm: 0.3, warmup_ratio: 0.03, lr_scheduler: "constant" });
    const corpusCard = JSON.parse(readFileSync(join(corpus, "corpus.json"), "utf8")) as { pairsSha256: string };
    expect(card.corpus.pairs_sha256).toBe(corpusCard.pairsSha256);
    expect(card.base.architecture).toBe("llama");
    expect(events).toContain("step");
    expect(events).toContain("loss");
    // The dequantized base is cached for the next run.
    expect(readdirSync(join(root, "bases")).some((d) => d.startsWith("tiny-llama-"))).toBe(true);

    const gguf = join(root, "planner-lora.gguf");
    const exported = await exportAdapter({ adapter: out, base, out: gguf, python });
    // 2 layers × 7 projections × (lora_a, lora_b).
    expect(exported.tensors).toBe(28);
    expect(exported.spec).toBe(`gguf:${base}+lora:${gguf}`);
    expect(readSidecar(gguf)?.competitions.sort()).toEqual(["churn-auc", "house-rmse", "wine-quality"]);

    const check = await checkAdapterLoads(base, gguf, cpuGgufTeam, 24);
    expect(check.base.length).toBeGreaterThan(0);
    expect(check.differs).toBe(true);

    // A run whose planner is the adapted model completes its planner stage (one grammar-constrained instruction per
    // rank: the tiny model fills every string to its bound, hence the token cap), then the run is stopped.
    const task = await builtinTask();
    const runs = tempDir("lc-ft-run-");
    const stop = new AbortController();
    await runTask(
      task,
      { instructions: 1, noCritic: true, plannerPrompt: "json-per-rank", maxTokens: 4000, contextTokens: 300, models: { default: exported.spec } },
      {
        sandbox: new LocalSandbox({ warn: () => {} }),
        grade: async () => {
          throw new Error("not reached");
        },
        libraries: TEST_LIBRARIES,
        createTeam: ({ runId, transcriptsPath, models }) =>
          createAgentTeam({ models, runId, transcript: createJsonlTranscriptSink(transcriptsPath), providers: { gguf: { gpu: false, contextSize: 8192, threads: 1 } } }),
        outDir: runs,
        signal: stop.signal,
        onProgress: (e) => e.type === "stage.finished" && e.stage === "planner" && stop.abort(new Error("planner stage done")),
      },
    ).catch(() => undefined);
    const [runDir] = readdirSync(runs);
    const runJson = JSON.parse(readFileSync(join(runs, runDir!, "run.json"), "utf8")) as { models: Record<string, string> };
    expect(runJson.models.planner).toBe(exported.spec);
    const calls = readFileSync(join(runs, runDir!, "transcripts.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { role: string; model: string; response: string | null });
    expect(calls.length).toBeGreaterThanOrEqual(1);
    expect(calls.every((c) => c.role === "planner" && c.model === exported.spec)).toBe(true);
    expect(calls[0]!.response?.length).toBeGreaterThan(0);
    const runEvents = readFileSync(join(runs, runDir!, "events.jsonl"), "utf8");
    expect(runEvents).toMatch(/"stage.finished","stage":"planner","ok":true/);
    const record = InstructionsRecordSchema.parse(JSON.parse(readFileSync(join(runs, runDir!, "instructions.json"), "utf8")));
    expect(record.candidates).toHaveLength(1);
    expect(record.plannerPrompt).toBe("json-per-rank");
  }, 900_000);

  it("checkpoints every --save-steps and --resume continues from the last checkpoint", async () => {
    const out = join(root, "resumable");
    const common = { corpus, base, out, python, cacheDir: join(root, "bases"), threads: 1, seed: 3 };
    const first = await trainAdapter({ ...common, hyperparameters: { loraR: 4, maxSteps: 2, batchSize: 2, saveSteps: 2, loggingSteps: 1, maxLength: 128 } });
    expect(first.card.steps).toBe(2);
    expect(readdirSync(join(out, "checkpoints"))).toContain("checkpoint-2");
    const resumed = await trainAdapter({ ...common, resume: true, hyperparameters: { loraR: 4, maxSteps: 4, batchSize: 2, saveSteps: 2, loggingSteps: 1, maxLength: 128 } });
    expect(resumed.card.steps).toBe(4);
    expect(resumed.card.resumed).toBe(true);
    // Only steps 3 and 4 ran in the resumed session.
    expect(resumed.card.loss_history.map((h) => h.step)).toEqual([3, 4]);
  }, 300_000);

  it("refuses an adapter trained for another base, naming the tensor", async () => {
    const other = join(root, "other-base.gguf");
    writeFileSync(other, tinyLlamaGguf({ ...TINY_LLAMA_SHAPE, embedding: 32 }));
    const adapter = trained.adapterDir;
    await expect(exportAdapter({ adapter, base: other, out: join(root, "bad.gguf"), python })).rejects.toThrow(
      /adapter tensor model\.layers\.0\.\w+\.\w+_proj → blk\.0\.\w+\.weight: lora_A \[8, \d+\] \/ lora_B \[\d+, 8\] do not fit the base weight .*another base/,
    );
    expect(existsSync(join(root, "bad.gguf"))).toBe(false);
  }, 300_000);

  it("refuses a base of unknown architecture and a corpus without training pairs", async () => {
    const weird = join(root, "weird.gguf");
    writeFileSync(weird, encodeGguf({ "general.architecture": { type: "str", value: "nonesuch" } }, []));
    await expect(trainAdapter({ corpus, base: weird, out: join(root, "w"), python, cacheDir: join(root, "bases") })).rejects.toThrow(
      /unknown base architecture 'nonesuch' — transformers can dequantize GGUF files of .*llama/,
    );
    const onlyValidation = join(root, "valid-only");
    mkdirSync(onlyValidation);
    copyFileSync(join(corpus, "corpus.json"), join(onlyValidation, "corpus.json"));
    const lines = readFileSync(join(corpus, "pairs.jsonl"), "utf8").trim().split("\n").map((l) => JSON.stringify({ ...JSON.parse(l), split: "validation" }));
    writeFileSync(join(onlyValidation, "pairs.jsonl"), `${lines.join("\n")}\n`);
    await expect(trainAdapter({ corpus: onlyValidation, base, out: join(root, "v"), python, cacheDir: join(root, "bases") })).rejects.toThrow(RecipeError);
    await expect(trainAdapter({ corpus: onlyValidation, base, out: join(root, "v"), python, cacheDir: join(root, "bases") })).rejects.toThrow(/has no training pairs/);
  }, 300_000);

  it("passes the paper's Table A.3 defaults to the recipe unless overridden", () => {
    const args = trainArgs({ corpus: "/c", base: "/b.gguf", out: "/o", cacheDir: "/k" });
    const flag = (name: string) => args[args.indexOf(name) + 1];
    expect([flag("--lora-r"), flag("--lora-alpha"), flag("--lora-dropout"), flag("--learning-rate"), flag("--batch-size"), flag("--epochs")]).toEqual(["64", "16", "0.1", "0.0002", "4", "1"]);
    expect([flag("--lr-scheduler"), flag("--warmup-ratio"), flag("--weight-decay"), flag("--max-grad-norm"), flag("--save-steps"), flag("--logging-steps")]).toEqual(["constant", "0.03", "0.001", "0.3", "500", "25"]);
    expect([flag("--gradient-checkpointing"), flag("--group-by-length"), flag("--load-in-4bit")]).toEqual(["1", "1", "auto"]);
    expect(PAPER_HYPERPARAMETERS.maxLength).toBe(0);
    const overridden = trainArgs({ corpus: "/c", base: "/b.gguf", out: "/o", cacheDir: "/k", hyperparameters: { loraR: 8 }, resume: true });
    expect(overridden[overridden.indexOf("--lora-r") + 1]).toBe("8");
    expect(overridden).toContain("--resume");
  });
});
