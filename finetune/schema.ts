// The files of the fine-tuning path, as zod schemas: a scored solution read from a source, the training pairs
// (pairs.jsonl), the corpus card (corpus.json), the extraction cache, and the adapter card that train.py writes.
import { z } from "zod";
import { PaperPromptTemplateSchema } from "../instructions/index.js";

export const SOURCE_KINDS = ["code4ml", "runs", "folder", "builtin", "pairs"] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** One scored solution of one competition, whatever source it came from. */
export const SolutionSchema = z.object({
  source: z.enum(SOURCE_KINDS),
  /** Competition / task id: the unit of the train/validation split and of eval's overlap check. */
  competition: z.string().min(1),
  title: z.string(),
  description: z.string().min(1),
  metric: z.string().min(1),
  dataType: z.string().min(1),
  /** Direction of the metric; unknown for a free-text metric name with no known direction. */
  lowerIsBetter: z.boolean().optional(),
  score: z.number().optional(),
  /** Leaderboard place (1 = best), when the source gives one instead of a score. */
  leaderboardRank: z.number().int().positive().optional(),
  code: z.string().min(1),
  /** Where it came from (file, kernel id, run folder), for the card and for the user. */
  origin: z.string(),
  license: z.string().optional(),
});
export type Solution = z.infer<typeof SolutionSchema>;

/** A solution dropped before or during extraction, with the reason (kept in corpus.json). */
export const DroppedSchema = z.object({ origin: z.string(), competition: z.string().optional(), reason: z.string() });
export type Dropped = z.infer<typeof DroppedSchema>;

export const SectionsSchema = z.object({
  dataPreprocessing: z.array(z.string().min(1)).min(1),
  modelArchitecture: z.array(z.string().min(1)).min(1),
  modelTraining: z.array(z.string().min(1)).min(1),
  submission: z.array(z.string().min(1)).min(1),
});
export type Sections = z.infer<typeof SectionsSchema>;

/** One line of pairs.jsonl: the paper's prompt → completion, and the same as chat messages. */
export const PairSchema = z.object({
  id: z.string(),
  competition: z.string(),
  split: z.enum(["train", "validation"]),
  /** Place of the solution within its competition (1 = best); null: a pre-extracted pair whose place word is unknown. */
  rank: z.number().int().positive().nullable(),
  score: z.number().nullable(),
  source: z.enum(SOURCE_KINDS),
  origin: z.string(),
  solutionHash: z.string(),
  /** The task as the prompt names it (eval fills the prompt of a held-out competition from these). */
  title: z.string().optional(),
  metric: z.string().optional(),
  dataType: z.string().optional(),
  /** The system prompt the pair was written with (pre-extracted pairs; absent: none). */
  system: z.string().optional(),
  prompt: z.string(),
  completion: z.string(),
  /** The same as chat turns: [system,] user, assistant. */
  messages: z.array(z.object({ role: z.enum(["system", "user", "assistant"]), content: z.string() })).min(2).max(3),
});
export type Pair = z.infer<typeof PairSchema>;

const Counts = z.record(z.string(), z.number().int());

/** corpus.json: what the corpus holds and how it was built. */
export const CorpusCardSchema = z.object({
  kind: z.literal("linguacodus-finetune-corpus"),
  createdAt: z.string(),
  sources: z.array(z.object({ kind: z.enum(SOURCE_KINDS), path: z.string(), solutions: z.number().int() })),
  extractor: z.string(),
  topK: z.number().int(),
  validationShare: z.number(),
  pairs: z.number().int(),
  /** sha256 of pairs.jsonl (the adapter card records it too). */
  pairsSha256: z.string(),
  competitions: z.object({ train: z.array(z.string()), validation: z.array(z.string()) }),
  counts: z.object({ bySource: Counts, byMetric: Counts, byDataType: Counts, bySplit: Counts, byPlace: Counts.optional() }),
  dropped: z.array(DroppedSchema),
  /** Items kept with something to say (pairs: a place word not recognised, kept with rank unknown). */
  warnings: z.array(DroppedSchema).optional(),
  licenses: Counts,
  /** Version of the extractor's prompt ("none" for pre-extracted pairs). */
  promptTemplate: z.string(),
  /** The planner prompt the pairs were written with, read from the corpus (absent: this project's paraphrase). */
  plannerPrompt: PaperPromptTemplateSchema.optional(),
});
export type CorpusCard = z.infer<typeof CorpusCardSchema>;

/** One entry of the extraction cache (cache/<solution hash>.json). */
export const CachedExtractionSchema = z.object({
  solutionHash: z.string(),
  extractor: z.string(),
  ok: z.boolean(),
  sections: SectionsSchema.optional(),
  error: z.string().optional(),
  response: z.string().optional(),
});
export type CachedExtraction = z.infer<typeof CachedExtractionSchema>;

/** adapter_card.json, written by finetune/python/train.py (read loosely: the recipe may add fields). */
export const AdapterCardSchema = z.looseObject({
  kind: z.literal("linguacodus-planner-adapter"),
  base: z.looseObject({ base: z.string(), format: z.string().optional(), architecture: z.string().optional(), identity: z.string().optional() }),
  corpus: z.looseObject({ dir: z.string(), pairs_sha256: z.string(), train_pairs: z.number(), validation_pairs: z.number() }),
  prompt_format: z.string(),
  /** The corpus's own planner prompt (corpus.json plannerPrompt), which the adapter is asked with. */
  prompt_template: PaperPromptTemplateSchema.nullable().optional(),
  hyperparameters: z.record(z.string(), z.unknown()),
  steps: z.number(),
  train_loss: z.number().nullable(),
  validation_loss: z.number().nullable(),
  seconds: z.number(),
  tokens_per_second: z.number().nullable(),
  loss_history: z.array(z.looseObject({ step: z.number(), loss: z.number() })),
});
export type AdapterCard = z.infer<typeof AdapterCardSchema>;

/** The recipe's stdout: one JSON event per line. */
export const RecipeEventSchema = z.looseObject({ event: z.string() });
export type RecipeEvent = z.infer<typeof RecipeEventSchema>;
