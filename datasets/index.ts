// Public face of datasets/: the task folder format, the grader, the metrics and the built-in suite.
export { loadTask, readTaskSpec, parseTaskSpec, TaskSpecSchema, TaskFormatError, TASK_FILES, SUBMISSION_FILE, DATA_TYPES } from "./task.js";
export type { Task, TaskSpec, TaskSpecInput, ReferenceScores, MleBenchGrading } from "./task.js";
export { RESULT_MARKER, REQUEST_FILE, AnalysisSpecSchema, ExpectedResultSchema, checkDataFolder, parseResultLine, canonicalJson, matchesExpected, gradeAnalysisResult, groupResults, holdsMajority, readAnalysisSpec, isAnalysisSpecText } from "./analysis.js";
export type { AnalysisSpec, AnalysisInfo, ExpectedResult, JsonValue, ResultLine, ResultGroup } from "./analysis.js";
export { checkTaskFolder, sha256File } from "./check.js";
export type { TaskCheckReport, TaskProblem } from "./check.js";
export { assertTaskRunnable, checkTaskRunnable, findAnswerLeaks } from "./preflight.js";
export { grade, gradeTables, readAnswers } from "./grade.js";
export type { GradeResult } from "./grade.js";
export { rankScore, readLeaderboardScores } from "./leaderboard.js";
export { isBetter, isAtLeast, bestFirst } from "./direction.js";
export type { Medal, LeaderboardPlacement } from "./leaderboard.js";
export { METRICS, METRIC_NAMES, METRIC_DEFINITIONS, computeMetric, checkMetricParams, metricForAlias, isMetricName, predictionRange } from "./metric-registry.js";
export type { MetricName, MetricInfo, MetricDefinition, MetricAlias, MetricParams, CellKind, AlignedColumns, PredictionRange } from "./metric-registry.js";
export * as metrics from "./metrics.js";
export { parseCsv, readCsv, readCsvHeader, writeCsv, formatCsv } from "./csv.js";
export type { CsvTable } from "./csv.js";
export { resolveTask } from "./resolve.js";
export { seededRandom, shuffledIndices } from "./suite/random.js";
export { BUILTIN_TASKS, LITE_TASK_IDS, findBuiltinTask, prepareBuiltinTask, prepareBuiltinTasks, checksumMismatches, writeReferenceScores, SourceUnavailableError } from "./suite/index.js";
export type { BuiltinTaskDefinition, PrepareResult, PrepareOptions, PrepareStatus } from "./suite/index.js";
export {
  importMleBench,
  importAllMleBench,
  metricForGrader,
  createTaskGrader,
  gradeTask,
  mlebenchCheckout,
  MLEBENCH_GRADER_REQUIREMENTS,
  graderMapping,
  MLEBENCH_GRADER_NAMES,
  roundLikePython,
  readMleBenchSplit,
  MLEBENCH_SPLIT_FILES,
  leaderboardSplit,
  MLEBENCH_LEADERBOARD_SPLITS,
  parseCompetitionConfig,
} from "./mlebench/index.js";
export type { LeaderboardSplit, ImportOptions, ImportResult, ImportAllResult, GraderSandbox, MleBenchGraderOptions, TaskGrader, GraderMapping } from "./mlebench/index.js";
export { baselineScripts, baselinesUnavailable, computeReferenceScores, recordReferenceScores, describeReferenceScores, runPythonInSandbox, normalisedScore, BASELINE_DATA_DIR } from "./baselines.js";
export type { RunPython, BaselineKind, BaselineScript, ReferenceScoreReport, ScriptSandbox } from "./baselines.js";
export { importOpenMLTask, importOpenMLSuite, restSource, cacheSource, parseOpenMLId, openmlTaskFolderId, OpenMLError, OpenMLRecordError, DEFAULT_OPENML_SERVER, parseArff, splitArffValues, ArffFormatError, metricForMeasure } from "./openml/index.js";
export type { OpenMLImportOptions, OpenMLImportResult, OpenMLSuiteResult, OpenMLSource, Arff, ArffAttribute } from "./openml/index.js";
export { listImportedSuites, readImportedSuite, writeImportedSuite, IMPORTED_SUITES_DIR } from "./imported-suites.js";
export type { ImportedSuite } from "./imported-suites.js";
