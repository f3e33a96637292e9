// Opt-in (LINGUACODUS_REAL_FINETUNE=1): the whole path on the embedded Gemma 3 270M — a corpus from the built-in
// tasks' reference scripts (prepared with reference scores), a few LoRA steps with the paper's r/alpha, export,
// base + adapter loaded in node-llama-cpp, and the planner eval on a task outside the corpus. Minutes on 2 cores.
// LINGUACODUS_REAL_STEPS (default 4) and LINGUACODUS_REAL_EXTRACTOR (default static) tune it. A second case does
// the same on the paper's released corpus (LINGUACODUS_PAPER_CSV, default /work/shared/paper-corpus/…) with the cpu
// profile: LINGUACODUS_REAL_PAIRS pairs (default 24), then `eval --instructions` on 2 held-out competitions.
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createAgentTeam, createJsonlTranscriptSink, createMemoryTranscriptSink } from "../../agents/index.js";
import { BUILTIN_TASKS, loadTask } from "../../datasets/index.js";
import {
  buildCorpus,
  checkAdapterLoads,
  ensureVenv,
  evaluateInstructions,
  evaluatePlanners,
  exportAdapter,
  instructionTable,
  readCorpus,
  trainAdapter,
} from "../../finetune/index.js";
import { tempDir } from "./fixtures.js";

const enabled = process.env.LINGUACODUS_REAL_FINETUNE === "1";
const home = process.env.LINGUACODUS_HOME ?? join(homedir(), ".linguacodus");
const base = join(home, "models", "gemma3-270m-q4_k_m.gguf");
const providers = { gguf: { gpu: false as const, contextSize: 2048 } };

describe.skipIf(!enabled)("finetune on Gemma 3 270M (opt-in)", () => {
  it("corpus → train → export → load → eval", async () => {
    if (!existsSync(base)) throw new Error(`${base} missing: run .ci/default-model.sh`);
    const python = await ensureVenv({ dir: join(home, "venvs", "finetune") });
    const root = tempDir("lc-ft-real-");
    const tasksDir = join(home, "tasks");
    const prepared = BUILTIN_TASKS.map((t) => t.id).filter((id) => existsSync(join(tasksDir, id, "task.json")));
    // One prepared task stays out of the corpus for the eval.
    const [heldOut, ...corpusIds] = prepared;
    if (!heldOut || corpusIds.length < 2) throw new Error(`prepare built-in tasks first ('linguacodus tasks prepare'); found ${prepared.join(", ") || "none"}`);
    const extractor = process.env.LINGUACODUS_REAL_EXTRACTOR ?? "static";
    const corpus = await buildCorpus(
      { from: [`builtin:${corpusIds.join(",")}`], out: join(root, "corpus"), extractor, tasksDir, validationShare: 0.2, maxTokens: 384 },
      { createTeam: ({ spec, transcriptsPath }) => createAgentTeam({ models: { extractor: spec }, transcript: createJsonlTranscriptSink(transcriptsPath), providers }) },
    );
    expect(corpus.pairs.length).toBeGreaterThan(2);

    const steps = Number(process.env.LINGUACODUS_REAL_STEPS ?? 4);
    const trained = await trainAdapter({
      corpus: join(root, "corpus"),
      base,
      out: join(root, "adapter"),
      python,
      cacheDir: join(home, "cache", "finetune-bases"),
      // A few steps at the paper's 2e-4 leave LoRA B near zero (greedy output unchanged): a higher rate moves it.
      hyperparameters: { maxSteps: steps, batchSize: 1, loggingSteps: 1, maxLength: 512, learningRate: 5e-3 },
      nice: 19,
    });
    expect(trained.card.steps).toBe(steps);
    expect(trained.card.loss_history).toHaveLength(steps);
    expect(trained.card.validation_loss).toBeGreaterThan(0);

    const gguf = join(root, "planner-lora.gguf");
    const exported = await exportAdapter({ adapter: join(root, "adapter"), base, out: gguf, python });
    expect(exported.architecture).toBe("gemma3");
    const team = (spec: string) => createAgentTeam({ models: { default: spec }, transcript: createMemoryTranscriptSink(), providers });
    const check = await checkAdapterLoads(base, gguf, team, 32);
    expect(check.differs).toBe(true);

    const report = await evaluatePlanners({
      base,
      adapterGguf: gguf,
      tasks: [await loadTask(join(tasksDir, heldOut))],
      corpusCompetitions: corpus.pairs.map((p) => p.competition),
      ranks: 1,
      maxTokens: 200,
      createTeam: team,
    });
    // The numbers a note quotes (opt-in, so printing them is the point of running it).
    console.info(
      [
        `corpus ${corpus.pairs.length} pairs; ${steps} steps, loss ${trained.card.loss_history.map((h) => h.loss.toFixed(2)).join(" → ")}, validation ${trained.card.validation_loss?.toFixed(3)}`,
        `export ${exported.tensors} tensors; greedy output differs: ${check.differs}`,
        ...report.results.map((r) => `${r.planner}: parse ${(r.parseRate * 100).toFixed(0)}%, sections ${(r.sectionCompleteness * 100).toFixed(0)}%, ${Math.round(r.meanChars)} chars, ${r.seconds.toFixed(0)} s`),
      ].join("\n"),
    );
    expect(report.results.map((r) => r.planner)).toEqual(["base", "adapter"]);
    expect(report.results.every((r) => r.answers.length >= 1 && r.meanChars > 0)).toBe(true);
  }, 3_600_000);

  it("the paper's corpus → cpu profile → export → instruction eval on held-out competitions", async () => {
    if (!existsSync(base)) throw new Error(`${base} missing: run .ci/default-model.sh`);
    const csv = process.env.LINGUACODUS_PAPER_CSV ?? "/work/shared/paper-corpus/result_prompts_new.csv";
    const python = await ensureVenv({ dir: join(home, "venvs", "finetune") });
    const root = tempDir("lc-ft-real-paper-");
    const corpusDir = join(root, "corpus");
    await buildCorpus({ from: [`pairs:${csv}`], out: corpusDir, extractor: "none", tasksDir: root }, { createTeam: () => Promise.reject(new Error("no extractor")) });
    const corpus = readCorpus(corpusDir);
    const trained = await trainAdapter({
      corpus: corpusDir,
      base,
      out: join(root, "adapter"),
      python,
      cacheDir: join(home, "cache", "finetune-bases"),
      profile: "cpu",
      limit: Number(process.env.LINGUACODUS_REAL_PAIRS ?? 24),
      hyperparameters: { loggingSteps: 1 },
      nice: 19,
    });
    expect(trained.card.prompt_template?.user).toContain("{place} place instruction");
    const gguf = join(root, "planner-lora.gguf");
    await exportAdapter({ adapter: join(root, "adapter"), base, out: gguf, python });
    const report = await evaluateInstructions({
      base,
      adapterGguf: gguf,
      corpusDir,
      card: corpus.card,
      pairs: corpus.pairs,
      places: [1, 2, 3],
      competitions: 2,
      maxTokens: 400,
      createTeam: (spec) => createAgentTeam({ models: { default: spec }, transcript: createMemoryTranscriptSink(), providers }),
    });
    console.info(
      `${trained.card.steps} steps in ${trained.card.seconds} s, ${trained.card.tokens_per_second} tokens/s, validation loss ${trained.card.validation_loss?.toFixed(3)}\n${instructionTable(report)}`,
    );
    expect(report.answers).toHaveLength(2 * 2 * 3);
  }, 7_200_000);
});
