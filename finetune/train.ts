// `finetune train`: runs finetune/python/train.py in the recipe's venv with the paper's Table A.3 defaults (each
// overridable), streaming its step/loss events; the adapter folder gets adapter_card.json (hyper-parameters, corpus
// hash, loss curve, validation loss).
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { readCorpus } from "./corpus.js";
import { type RecipeRun, runRecipe } from "./python.js";
import { type AdapterCard, AdapterCardSchema, type RecipeEvent } from "./schema.js";

/** Table A.3 of the paper (LoRA, TrainingArguments). `maxLength` 0 = no limit, as the paper's None. */
export const PAPER_HYPERPARAMETERS = {
  loraR: 64,
  loraAlpha: 16,
  loraDropout: 0.1,
  learningRate: 2e-4,
  lrScheduler: "constant",
  warmupRatio: 0.03,
  weightDecay: 0.001,
  maxGradNorm: 0.3,
  batchSize: 4,
  epochs: 1,
  maxSteps: -1,
  gradientCheckpointing: true,
  groupByLength: true,
  saveSteps: 500,
  loggingSteps: 25,
  maxLength: 0,
  // Not in Table A.3 (or not settable there): the modules LoRA adapts (all projections, as the paper's QLoRA
  // recipe), the optimizer that runs anywhere, and the full-vocabulary loss of transformers' Trainer.
  loraTargets: "q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj",
  optim: "adamw_torch",
  completionLogits: false,
} as const;

/**
 * Ready-made settings. `paper`: Table A.3 as run on a CUDA GPU (NF4 base, paged AdamW — bitsandbytes; see
 * finetune/python/paper-gpu.sh). `cpu`: chosen for tokens/s on a few cores — batch 1 (nothing to pad, so no
 * packing needed), no gradient checkpointing (no second forward), the vocabulary projection on completion tokens
 * only, LoRA r 16 on the attention projections, sequences of 1,024 tokens (most of the paper's pairs whole).
 */
export const TRAIN_PROFILES = {
  paper: { hyperparameters: { ...PAPER_HYPERPARAMETERS, optim: "paged_adamw_32bit" }, loadIn4bit: "yes" },
  cpu: {
    hyperparameters: {
      ...PAPER_HYPERPARAMETERS,
      loraR: 16,
      loraAlpha: 32,
      loraDropout: 0.05,
      loraTargets: "q_proj,k_proj,v_proj,o_proj",
      batchSize: 1,
      maxLength: 1024,
      gradientCheckpointing: false,
      groupByLength: false,
      completionLogits: true,
      loggingSteps: 5,
      saveSteps: 100,
    },
    loadIn4bit: "no",
  },
} as const satisfies Record<string, { hyperparameters: Hyperparameters; loadIn4bit: "auto" | "yes" | "no" }>;
export type TrainProfile = keyof typeof TRAIN_PROFILES;

export type Hyperparameters = { -readonly [K in keyof typeof PAPER_HYPERPARAMETERS]: (typeof PAPER_HYPERPARAMETERS)[K] extends string ? string : (typeof PAPER_HYPERPARAMETERS)[K] extends boolean ? boolean : number };

export interface TrainOptions {
  corpus: string;
  base: string;
  out: string;
  /** The venv's python (ensureVenv). */
  python: string;
  /** Where dequantized GGUF bases are cached (~/.linguacodus/cache/finetune-bases). */
  cacheDir: string;
  hyperparameters?: Partial<Hyperparameters>;
  /** yes/no/auto (auto: only where CUDA is present). */
  loadIn4bit?: "auto" | "yes" | "no";
  /** Settings under `hyperparameters` and `loadIn4bit` (which override it); default: the paper's Table A.3. */
  profile?: TrainProfile;
  /**
   * Before training on the CPU the recipe estimates peak memory from the base, the batch and the corpus's lengths.
   * auto (default): the longest sequence, then the largest batch, that fit; check: refuse with the numbers
   * (the CLI uses check when --batch-size or --max-length is given); off: no estimate.
   */
  memoryFit?: "auto" | "check" | "off";
  /** GB the run may use (default: 85% of the memory available when it starts). */
  memoryBudgetGb?: number;
  seed?: number;
  threads?: number;
  resume?: boolean;
  /** Use only the first N training pairs. */
  limit?: number;
  nice?: number;
  onEvent?: (event: RecipeEvent) => void;
  onStderr?: (line: string) => void;
  signal?: AbortSignal;
}

const FLAG: Record<keyof Hyperparameters, string> = {
  loraR: "--lora-r",
  loraAlpha: "--lora-alpha",
  loraDropout: "--lora-dropout",
  learningRate: "--learning-rate",
  lrScheduler: "--lr-scheduler",
  warmupRatio: "--warmup-ratio",
  weightDecay: "--weight-decay",
  maxGradNorm: "--max-grad-norm",
  batchSize: "--batch-size",
  epochs: "--epochs",
  maxSteps: "--max-steps",
  gradientCheckpointing: "--gradient-checkpointing",
  groupByLength: "--group-by-length",
  saveSteps: "--save-steps",
  loggingSteps: "--logging-steps",
  maxLength: "--max-length",
  loraTargets: "--lora-targets",
  optim: "--optim",
  completionLogits: "--completion-logits",
};

/** The train.py command line for a set of options (pure, for tests and for the card). */
export function trainArgs(options: Omit<TrainOptions, "python" | "onEvent" | "onStderr" | "signal" | "nice">): string[] {
  const profile = options.profile ? TRAIN_PROFILES[options.profile] : undefined;
  const hp: Hyperparameters = { ...(profile?.hyperparameters ?? PAPER_HYPERPARAMETERS), ...options.hyperparameters } as Hyperparameters;
  const args = ["--corpus", resolve(options.corpus), "--base", resolve(options.base), "--out", resolve(options.out), "--cache-dir", resolve(options.cacheDir)];
  for (const key of Object.keys(FLAG) as Array<keyof Hyperparameters>) {
    const value = hp[key];
    args.push(FLAG[key], typeof value === "boolean" ? (value ? "1" : "0") : String(value));
  }
  args.push("--load-in-4bit", options.loadIn4bit ?? profile?.loadIn4bit ?? "auto");
  args.push("--memory-fit", options.memoryFit ?? "auto");
  if (options.memoryBudgetGb !== undefined) args.push("--memory-budget-gb", String(options.memoryBudgetGb));
  if (options.seed !== undefined) args.push("--seed", String(options.seed));
  if (options.threads !== undefined) args.push("--threads", String(options.threads));
  if (options.limit !== undefined) args.push("--limit", String(options.limit));
  if (options.resume) args.push("--resume");
  return args;
}

export interface TrainResult {
  adapterDir: string;
  card: AdapterCard;
  run: RecipeRun;
}

export async function trainAdapter(options: TrainOptions): Promise<TrainResult> {
  // Validate the corpus here so a bad folder fails before the venv and the base are loaded.
  readCorpus(options.corpus);
  const run = await runRecipe({
    python: options.python,
    script: "train.py",
    args: trainArgs(options),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    ...(options.onStderr ? { onStderr: options.onStderr } : {}),
    ...(options.nice !== undefined ? { nice: options.nice } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    killHint: "lower --batch-size or set --max-length (or --memory-budget-gb so the estimate picks them), or use --profile cpu",
  });
  return { adapterDir: resolve(options.out), card: readAdapterCard(options.out), run };
}

export function readAdapterCard(dir: string): AdapterCard {
  const path = join(dir, "adapter_card.json");
  if (!existsSync(path)) throw new Error(`${path} not found: --adapter must be a folder written by 'linguacodus finetune train'.`);
  return AdapterCardSchema.parse(JSON.parse(readFileSync(path, "utf8")));
}
