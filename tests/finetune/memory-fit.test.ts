// Training that fits the machine: the recipe estimates peak memory before it starts and picks a batch and length
// that fit (auto) or refuses with the numbers and the flags to change (check); a kernel kill (SIGKILL) is named as
// the out-of-memory killer with the setting to change. The paper-format corpus (system prompt in every pair) trains
// on the tiny generated base, and its prompt template reaches the adapter card and the exported sidecar.
import { execFileSync } from "node:child_process";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildCorpus, exportAdapter, readSidecar, runRecipe, trainAdapter, trainArgs, type RecipeEvent } from "../../finetune/index.js";
import { buildCli, linguacodus } from "../support/cli.js";
import { recipeSetup } from "./fixtures.js";

const SAMPLE = join(import.meta.dirname, "fixtures", "paper-sample.csv");

describe("finetune train: memory estimate, profiles, kernel kills", () => {
  let python: string;
  let root: string;
  let base: string;
  let corpus: string;
  beforeAll(async () => {
    ({ python, root, base } = await recipeSetup("lc-ft-memory-"));
    corpus = join(root, "corpus");
    await buildCorpus({ from: [`pairs:${SAMPLE}`], out: corpus, extractor: "none", tasksDir: root, validationShare: 0.34 }, { createTeam: () => Promise.reject(new Error("no")) });
  }, 600_000);

  it("estimates Gemma 3 270M as measured: batch 1 × 512 tokens about 4 GB, the paper's batch 4 without a length limit beyond 24 GB", () => {
    const script = [
      "import sys, types; sys.path.insert(0, sys.argv[1]); import memory",
      "c = types.SimpleNamespace(vocab_size=262144, hidden_size=640, num_hidden_layers=18, intermediate_size=2048, num_attention_heads=4)",
      "small = memory.estimate(c, 268_000_000 * 4, 15_000_000, 1, 512, True, 0.6, False)[0] / memory.GB",
      "big = memory.estimate(c, 268_000_000 * 4, 15_000_000, 4, 2500, True, 0.6, False)[0] / memory.GB",
      "pick = memory.fit(lambda b, t: memory.estimate(c, 268_000_000 * 4, 15_000_000, b, t, True, 0.6, False)[0], 4, 2500, 8 * memory.GB)",
      "print(round(small, 2), round(big, 2), pick)",
    ].join("\n");
    const [small, big, ...pick] = execFileSync(python, ["-c", script, join(import.meta.dirname, "..", "..", "finetune", "python")], { encoding: "utf8" }).trim().split(" ");
    expect(Number(small)).toBeGreaterThan(3);
    expect(Number(small)).toBeLessThan(5);
    expect(Number(big)).toBeGreaterThan(24);
    // Within 8 GB: the longest sequence first (whole pairs), then the largest batch at that length.
    expect(pick.join(" ")).toBe("(1, 1536)");
  });

  it("refuses a batch that does not fit with the numbers and the flags; auto picks them and trains; the template travels", async () => {
    const common = { corpus, base, python, cacheDir: join(root, "bases"), threads: 1, seed: 1 };
    const hyperparameters = { batchSize: 4, maxLength: 0, maxSteps: 1, loggingSteps: 1, loraR: 4 };
    await expect(trainAdapter({ ...common, out: join(root, "refused"), hyperparameters, memoryFit: "check", memoryBudgetGb: 0.9 })).rejects.toThrow(
      /estimated peak memory [\d.]+ GB \(base [\d.]+ GB, logits [\d.]+ GB \(batch 4 × [\d,]+ tokens × vocabulary [\d,]+\), activations .*\) exceeds the 0\.9 GB this run may use \(--memory-budget-gb\): pass --batch-size \d+ --max-length \d+ \(estimated 0\.\d+ GB\), or --profile cpu\./,
    );
    const events: RecipeEvent[] = [];
    const picked = await trainAdapter({ ...common, out: join(root, "picked"), hyperparameters, memoryFit: "auto", memoryBudgetGb: 0.9, onEvent: (e) => events.push(e) });
    const memory = events.find((e) => e.event === "memory")!;
    expect(memory).toMatchObject({ picked: true, budget_gb: 0.9 });
    expect(Number(memory.estimate_gb)).toBeLessThanOrEqual(0.9);
    const hp = picked.card.hyperparameters as { batch_size: number; max_length: number };
    expect([hp.batch_size, hp.max_length]).toEqual([memory.batch_size, memory.max_length]);
    expect(hp.max_length).toBeGreaterThan(0);
    expect(picked.card.steps).toBe(1);

    // The corpus's prompt template is in the adapter card and in the sidecar export writes.
    const corpusCard = JSON.parse(readFileSync(join(corpus, "corpus.json"), "utf8")) as { plannerPrompt: unknown };
    expect(picked.card.prompt_template).toEqual(corpusCard.plannerPrompt);
    const gguf = join(root, "picked.gguf");
    await exportAdapter({ adapter: picked.adapterDir, base, out: gguf, python });
    expect(readSidecar(gguf)?.promptTemplate).toEqual(corpusCard.plannerPrompt);
  }, 600_000);

  it("trains with the cpu profile (completion-only logits, no checkpointing, attention-only LoRA)", async () => {
    const { card } = await trainAdapter({ corpus, base, python, out: join(root, "cpu"), cacheDir: join(root, "bases"), profile: "cpu", hyperparameters: { maxSteps: 2, loggingSteps: 1 }, threads: 1 });
    expect(card.hyperparameters).toMatchObject({ completion_logits: 1, gradient_checkpointing: 0, lora_r: 16, lora_targets: "q_proj,k_proj,v_proj,o_proj", batch_size: 1, max_length: 1024 });
    expect(card.loss_history.every((h) => Number.isFinite(h.loss) && h.loss > 0)).toBe(true);
    expect(card.validation_loss).toBeGreaterThan(0);
    const paper = trainArgs({ corpus, base, out: "/o", cacheDir: "/k", profile: "paper" });
    expect([paper[paper.indexOf("--optim") + 1], paper[paper.indexOf("--load-in-4bit") + 1], paper[paper.indexOf("--lora-r") + 1]]).toEqual(["paged_adamw_32bit", "yes", "64"]);
  }, 600_000);

  it("names a kernel kill (SIGKILL) as the out-of-memory killer, with the setting to change", async () => {
    const fake = join(root, "killed-python");
    writeFileSync(fake, "#!/bin/sh\nkill -9 $$\n");
    chmodSync(fake, 0o755);
    await expect(runRecipe({ python: fake, script: "train.py", args: [], killHint: "lower --batch-size" })).rejects.toThrow(
      /train\.py was killed by the kernel \(SIGKILL\).* most likely the out-of-memory killer: .*; lower --batch-size\./,
    );
  });

  describe("through the CLI", () => {
    beforeAll(buildCli, 300_000);
    it("names a bad --profile and --memory-fit before anything loads", async () => {
      const common = ["finetune", "train", "--corpus", corpus, "--base", base, "--out", join(root, "cli")];
      const profile = await linguacodus([...common, "--profile", "gpu"]);
      expect(profile.code).not.toBe(0);
      expect(profile.stderr).toContain("--profile must be one of paper, cpu (got 'gpu')");
      const fit = await linguacodus([...common, "--memory-fit", "maybe"]);
      expect(fit.stderr).toContain("--memory-fit must be auto, check or off (got 'maybe')");
    }, 120_000);
  });
});
