// Public face of execution/: runTask / resumeRun (the library API behind `linguacodus run`), run options,
// the execute-and-fix loop, and the run record (schemas, writer, reader, summary).
// The run record: layout, schemas, writer, reader, summary (execution/record/).
export {
  RUN_RECORD_SCHEMA_VERSION,
  RUN_FILES,
  ATTEMPT_FILES,
  CODE_FILES,
  CODE_FILE,
  blockNameOf,
  isAttemptScript,
  attemptPath,
  attemptName,
  newRunId,
} from "./record/index.js";
export {
  RunModeSchema,
  RunStatusSchema,
  AttemptOutcomeSchema,
  PIPELINE_ERROR_CLASSES,
  TimingsSchema,
  RunJsonSchema,
  RunEventSchema,
  AttemptResultSchema,
  ScoreJsonSchema,
  UsageEntrySchema,
  UsageSchema,
  FingerprintSchema,
  BudgetKindSchema,
  SelectionSchema,
  type UsageEntry,
  type Usage,
  type Fingerprint,
  type BudgetKind,
  type Selection,
  type RunMode,
  type RunStatus,
  type AttemptOutcome,
  type Timings,
  type RunJson,
  type RunEvent,
  type RunEventInput,
  type AttemptResult,
  type ScoreJson,
} from "./record/index.js";
export { RunRecordError, writeJsonAtomic, writeTextAtomic, readJsonFile, readJsonLines } from "./record/index.js";
export { RunRecordWriter, type RunJsonInit, type RunRecordWriterOptions } from "./record/index.js";
export { readRunJson, readEvents, readAttempts, readScore, readRunRecord, type RunRecord } from "./record/index.js";
export { RunSummarySchema, summarizeRun, tokensByRole, finishedStages, type RunSummary, type RoleTokens } from "./record/index.js";
export { RunOptionsSchema, RoleModelsSchema, SANDBOX_KINDS, parseRunOptions, resolveRoleSpecs, unmetOptionNeed, type RunOptions, type RunOptionsInput, type RoleModelSpecs, type SandboxKind } from "./options.js";
// The solution state, the operators over it and their compositions (issue 20's search composes the same operators).
export {
  type SolutionState,
  type StageContext,
  type Operator,
  type AttemptOutput,
  type StageSpec,
  initialState,
  stageContext,
  codegenInput,
  runStage,
  timedStage,
  taskInfo,
  StageError,
} from "./state.js";
export {
  plan,
  planPaper,
  critique,
  loadInstructions,
  codeBlock,
  STAGED_CODERS,
  merge,
  codeUnstaged,
  directCode,
  execute,
  recordNoCode,
  roundAttempts,
  lastAttempt,
  withRecordedAttempts,
  fix,
  review,
  describeFailure,
  normalizeTempPaths,
  missingSubmissionMessage,
  parseValidationScore,
} from "./operators/index.js";
export { sequence, fixLoop, executeAndFix, feedbackRounds, writeContext, selectionOf, solution, type SelectionMethod } from "./compose.js";
export { validationBranches, runChains, chainAgreement, openSubRecord, type ChainsInput } from "./branches.js";
export { finishSolution, settle } from "./finish.js";
export {
  runTask,
  resumeRun,
  RunFailedError,
  LINGUACODUS_VERSION,
  type RunDependencies,
  type RunEnvironment,
  type RunProgress,
  type RunResult,
  type TeamRequest,
} from "./run.js";
export type { ModelCallReport } from "./instrument.js";
export { PriceTableSchema, UsageTally, readPriceTable, callCost, stageOfCall, type PriceTable } from "./usage.js";
export {
  browseRunJson,
  browseScore,
  browseInstructions,
  browseEvents,
  browseAttempts,
  readRunText,
  listRunFolder,
  isInside,
  TranscriptIndex,
  type Browsed,
  type RunText,
  type TranscriptEntry,
  type TranscriptFilter,
  type TranscriptItem,
} from "./browse.js";
