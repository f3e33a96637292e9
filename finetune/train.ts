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
} as const;

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
};

/** The train.py command line for a set of options (pure, for tests and for the card). */
export function trainArgs(options: Omit<TrainOptions, "python" | "onEvent" | "onStderr" | "signal" | "nice">): string[] {
  const hp: Hyperparameters = { ...PAPER_HYPERPARAMETERS, ...options.hyperparameters } as Hyperparameters;
  const args = ["--corpus", resolve(options.corpus), "--base", resolve(options.base), "--out", resolve(options.out), "--cache-dir", resolve(options.cacheDir)];
  for (const key of Object.keys(FLAG) as Array<keyof Hyperparameters>) {
    const value = hp[key];
    args.push(FLAG[key], typeof value === "boolean" ? (value ? "1" : "0") : String(value));
  }
  args.push("--load-in-4bit", options.loadIn4bit ?? "auto");
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
  });
  return { adapterDir: resolve(options.out), card: readAdapterCard(options.out), run };
}

export function readAdapterCard(dir: string): AdapterCard {
  const path = join(dir, "adapter_card.json");
  if (!existsSync(path)) throw new Error(`${path} not found: --adapter must be a folder written by 'linguacodus finetune train'.`);
  return AdapterCardSchema.parse(JSON.parse(readFileSync(path, "utf8")));
}
