// Public face of execution/record/: the run record of DESIGN.md — its layout, file schemas, writer, reader and
// summary. One folder per run, written as the run goes; see layout.ts for the tree.
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
  UNIT_TEST_FILES,
  newRunId,
} from "./layout.js";
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
  AttemptKindSchema,
  type AttemptKind,
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
} from "./schemas.js";
export { SearchNodeSchema, SearchOperatorSchema, SEARCH_OPERATORS, type SearchNode, type SearchOperator } from "./search-schemas.js";
export { UnitTestsRecordSchema, type UnitTestsRecord } from "./unit-tests-schemas.js";
export {
  FigureSchema,
  FiguresSchema,
  FigureFormatSchema,
  FigureLimitsSchema,
  ReviewFiguresSchema,
  ReviewedFigureSchema,
  type ReviewFigures,
  type ReviewedFigure,
  type Figure,
  type Figures,
  type FigureFormat,
  type FigureLimits,
} from "./figure-schemas.js";
export { RunRecordError, writeJsonAtomic, writeTextAtomic, readJsonFile, readJsonLines } from "./files.js";
export { lockRunFolder, RunLockedError, RUN_LOCK_FILE } from "./lock.js";
export { RunRecordWriter, type RunJsonInit, type RunRecordWriterOptions } from "./writer.js";
export { readRunJson, readEvents, readAttempts, readScore, readSearchNodes, readRunRecord, readUnitTests, type RunRecord } from "./reader.js";
export { RunSummarySchema, summarizeRun, tokensByRole, finishedStages, type RunSummary, type RoleTokens } from "./summary.js";
