// Public face of execution/: runTask / resumeRun (the library API behind `linguacodus run`), run options,
// the execute-and-fix loop, and the run record (schemas, writer, reader, summary).
// The run record: layout, schemas, writer, reader, summary — execution/record/'s face, passed on whole.
export * from "./record/index.js";
export { RunOptionsSchema, RoleModelsSchema, SANDBOX_KINDS, parseRunOptions, resolveRoleSpecs, unmetOptionNeed, type RunOptions, type RunOptionsInput, type SelectMethod, type RoleModelSpecs, type SandboxKind } from "./options.js";
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
export { reviewFigures, REVIEW_IMAGE_LIMITS, type ReviewFiguresInput, type ReviewFiguresResult } from "./review-figures.js";
export { copyFigures, figureFormatOf, sniffFigure, DEFAULT_FIGURE_LIMITS, type CopyFiguresInput } from "./figures.js";
export { sequence, fixLoop, executeAndFix, feedbackRounds, writeContext, selectionOf, solution } from "./compose.js";
export {
  AskOutputSchema,
  AnalysisSampleSchema,
  AnalysisConsistencySchema,
  readAnalysisOutcome,
  analysisConsistency,
  resultText,
  consistencyLines,
  type AskOutput,
  type AnalysisSample,
  type AnalysisConsistency,
} from "./analysis.js";
export { validationBranches, runChains, chainAgreement, openSubRecord, type ChainsInput } from "./branches.js";
export { finishSolution, settle } from "./finish.js";
export { UNIT_TEST_TIMEOUT_SECONDS, unitTestStage } from "./unit-tests.js";
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
  folderEntries,
  isInside,
  TranscriptIndex,
  type Browsed,
  type RunText,
  type TranscriptEntry,
  type TranscriptFilter,
  type TranscriptItem,
} from "./browse.js";
export {
  SEARCH_POLICIES,
  DEFAULT_SEARCH_SETTINGS,
  SearchTree,
  readSearchNodes,
  searchConfig,
  toAideJournal,
  type SearchPolicyName,
  type SearchSettings,
  type AideJournalJson,
} from "./search/index.js";
export { createWiring, openMleBenchGradingSandbox, profileUsesGpus, requireProfileImage, teamFactory, type Wiring, type WiringOptions } from "./wiring.js";
