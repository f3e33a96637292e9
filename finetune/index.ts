// Public face of finetune/: the fine-tuned planner of the Linguacodus paper — corpus building (sources, ranking,
// extraction), the LoRA recipe (Python, in its own venv), export to a llama.cpp adapter GGUF, and evaluation.
export {
  SOURCE_KINDS,
  SolutionSchema,
  PairSchema,
  CorpusCardSchema,
  AdapterCardSchema,
  type SourceKind,
  type Solution,
  type Pair,
  type CorpusCard,
  type AdapterCard,
  type Dropped,
  type RecipeEvent,
} from "./schema.js";
export {
  readSource,
  readCode4ml,
  readRuns,
  readPlainFolder,
  readBuiltin,
  findRunDirs,
  metricDirection,
  CorpusSourceError,
  type SourceRead,
} from "./sources.js";
export { rankSolutions, splitByCompetition, solutionHash, type RankedSolution } from "./rank.js";
export { staticExtract, STATIC_EXTRACTOR } from "./static-extractor.js";
export { extractorPrompt, ExtractedInstructionSchema, EXTRACTOR_TEMPLATE_VERSION } from "./prompts/extractor.js";
export {
  buildCorpus,
  readCorpus,
  CorpusError,
  type CorpusOptions,
  type CorpusDependencies,
  type CorpusProgress,
  type CorpusResult,
} from "./corpus.js";
export { CORPUS_FILES, writeCorpus, type CorpusCardInput } from "./corpus-files.js";
export {
  readPairs,
  isPairsSource,
  parseLlama2Chat,
  recoverPaperFields,
  type PairRecord,
  type PairsRead,
  type PairsFormat,
  type ReadPairsOptions,
} from "./pairs.js";
export { ensureVenv, runRecipe, recipeDir, RecipeError, type VenvOptions, type RunRecipeOptions, type RecipeRun } from "./python.js";
export {
  trainAdapter,
  trainArgs,
  readAdapterCard,
  PAPER_HYPERPARAMETERS,
  TRAIN_PROFILES,
  type TrainProfile,
  type Hyperparameters,
  type TrainOptions,
  type TrainResult,
} from "./train.js";
export { exportAdapter, checkAdapterLoads, type ExportOptions, type ExportResult, type LoadCheck } from "./export.js";
export { adapterSpec, readSidecar, sidecarPath, AdapterSidecarSchema, type AdapterSidecar } from "./adapter.js";
export {
  evaluatePlanners,
  checkNoOverlap,
  downstreamBenchArgs,
  downstreamSummary,
  DOWNSTREAM,
  DOWNSTREAM_COMPARISONS,
  EvalInputError,
  type DownstreamBenchInput,
  type DownstreamCell,
  type DownstreamComparison,
  type DownstreamSummary,
  type EvalOptions,
  type EvalReport,
  type PlannerEval,
  type PlannerAnswerStats,
} from "./eval.js";
export { rougeL, bestRougeL, termsOf, termOverlap, bestTermOverlap, distinctRate, words } from "./text-metrics.js";
export {
  evaluateInstructions,
  heldOutPrompts,
  sampleInputPrompts,
  scoreAnswer,
  summarize,
  instructionTable,
  type EvalPrompt,
  type InstructionAnswer,
  type InstructionSummary,
  type InstructionEvalReport,
  type InstructionEvalOptions,
  type PlannerName,
} from "./instruction-eval.js";
