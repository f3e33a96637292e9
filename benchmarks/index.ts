// Public face of benchmarks/: experiment matrices (modes and ablations, model columns, repeats, temperature
// sweeps), the bench runner, statistics, charts and reports over run records.
export {
  MODE_TABLE,
  MODE_NAMES,
  ABLATION_NAMES,
  DEFAULT_MODE_FLAGS,
  ModeFlagsSchema,
  BenchRunOptionsSchema,
  flagsOf,
  identifyingFlags,
  isModeName,
  describeMode,
  type ModeName,
  type ModeFlags,
  type BenchRunOptions,
} from "./modes.js";
export {
  BenchInputError,
  expandMatrix,
  parseModelColumn,
  parseModes,
  parseTemperatures,
  withOverrides,
  specForRole,
  specsOf,
  runIdOf,
  type MatrixRequest,
  type ModelColumn,
  type RunKey,
  type TaskRef,
} from "./matrix.js";
export { REPORT_FILES, MLEBENCH_SUBMISSION_FILES } from "./layout.js";
export {
  BENCH_FILES,
  BENCH_SCHEMA_VERSION,
  BenchManifestSchema,
  BenchEventSchema,
  readManifest,
  interruptedRuns,
  isFinishedState,
  manifestEntry,
  modelColumnsOf,
  type BenchManifest,
  type BenchEvent,
  type BenchRunEntry,
} from "./manifest.js";
export { benchPoolOptions } from "./sandbox-pool.js";
export { resolveTasks, SUITES } from "./tasks.js";
export { preflightSpec, preflightSpecs } from "./preflight.js";
export { Semaphore, ModelCallLimiter, limitedSandbox, type ModelLimits } from "./limits.js";
export { acquireBenchLock, BenchLockedError, BenchLockHolderSchema, BENCH_LOCK_FILE, type BenchLock, type BenchLockHolder } from "./lock.js";
export { BenchBudgetSchema, BenchBudgetTracker, benchSpentSoFar, type BenchBudget, type BenchSpend, type BudgetReached } from "./budget.js";
export { runBench, isRunFinished, type BenchOutcome, type BenchProgress, type BenchRequest, type CellRunner } from "./runner.js";
export { pipelineCellRunner, ReplayBenchResolver, cellModels, cellOptions, type PipelineCellOptions } from "./cell.js";
export * as stats from "./stats.js";
export { collectRuns, modeOfConfig, readPriceTable, PriceTableSchema, type Collection, type ReportRun, type PriceTable, type RunState } from "./collect.js";
export type { ReportTaskInfo } from "./collect-task.js";
export { buildReport, acrossRepeats, pairRuns, type Report, type ReportOptions, type Table, type Cell, type ComparisonOut, type ComparisonAxis } from "./report.js";
export { renderMarkdown, renderHtml, renderJson, runsCsv, attemptsCsv, writeReport, relativeLink, type ReportFormat, type WrittenReport } from "./render.js";
export {
  LEAKAGE_MARGIN,
  MIN_SEEDS,
  spearman,
  validationSummary,
  selectionSummary,
  costSummary,
  fingerprintIdOf,
  comparisonWarnings,
  type ValidityRun,
  type ValidationSummary,
  type SelectionSummary,
  type CostSummary,
} from "./validity.js";
export { writeReportFolder, type ReportFolderOptions } from "./report-folder.js";
export { BenchOptionsSchema, SlurmResourcesSchema, resumedRunOptions, sharedRunOptions, type BenchOptions } from "./options.js";
export { planBench, benchManifestOf, benchPool, benchCellRunner, type BenchPlan, type BenchPlanInput, type BenchConcurrency } from "./plan.js";
export {
  EXECUTORS,
  runLocalBench,
  runSlurmBench,
  benchStatus,
  readSlurmState,
  realSlurmCommands,
  findOnPath,
  runBenchCell,
  cellKey,
  cellIdAt,
  keysOfManifest,
  shellQuote,
  cellUsesGpus,
  slurmCellImage,
  type CellImage,
  type ExecutorName,
  type SlurmResources,
  type SlurmOutcome,
  type BenchStatus,
} from "./executors/index.js";
export { modeBarsSpec, temperatureCurveSpec, consistencySpec, renderSvg } from "./charts.js";
export { writeMleBenchSubmission, buildMleBenchSubmission, type MleBenchSubmission, type MleBenchSubmissionOptions, type SplitAggregate, type RunGroup } from "./mlebench-submission.js";
export { selectionRules, selectionStatement, type SelectionRecord, type SelectionRule, type SelectionStatement } from "./mlebench-selection.js";
export { batchPromptFiles, batchSummaryMarkdown, writeBatchTasks, type BatchPrompt } from "./batch.js";
