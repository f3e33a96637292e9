// Public face of execution/: runTask / resumeRun (the library API behind `linguacodus run`), run options,
// the execute-and-fix loop, and the run record (schemas, writer, reader, summary).
export * from "./record.js";
export { RunOptionsSchema, RoleModelsSchema, parseRunOptions, resolveRoleSpecs, type RunOptions, type RunOptionsInput, type RoleModelSpecs } from "./options.js";
export { executeAndFix, describeFailure, parseValidationScore, type LoopEnvironment, type LoopResult, type AttemptOutput } from "./loop.js";
export {
  runTask,
  resumeRun,
  taskInfo,
  chainAgreement,
  StageError,
  RunFailedError,
  LINGUACODUS_VERSION,
  type RunDependencies,
  type RunEnvironment,
  type RunProgress,
  type RunResult,
} from "./run.js";
export type { ModelCallReport } from "./instrument.js";
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
