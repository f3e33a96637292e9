// Public face of datasets/: the task folder format, the grader, the metrics and the built-in suite.
export { loadTask, parseTaskSpec, TaskSpecSchema, TaskFormatError, TASK_FILES, DATA_TYPES } from "./task.js";
export type { Task, TaskSpec, TaskSpecInput, ReferenceScores } from "./task.js";
export { checkTaskFolder, sha256File } from "./check.js";
export type { TaskCheckReport, TaskProblem } from "./check.js";
export { grade, gradeTables, rankScore, readLeaderboardScores, readAnswers } from "./grade.js";
export type { GradeResult, Medal, LeaderboardPlacement } from "./grade.js";
export { METRICS, METRIC_NAMES, computeMetric } from "./metric-registry.js";
export type { MetricName, MetricInfo, CellKind } from "./metric-registry.js";
export * as metrics from "./metrics.js";
export { parseCsv, readCsv, readCsvHeader, writeCsv, formatCsv } from "./csv.js";
export type { CsvTable } from "./csv.js";
export { resolveTask } from "./resolve.js";
export { BUILTIN_TASKS, LITE_TASK_IDS, findBuiltinTask, prepareBuiltinTask, prepareBuiltinTasks, checksumMismatches, writeReferenceScores, SourceUnavailableError } from "./suite/index.js";
export type { BuiltinTaskDefinition, PrepareResult, PrepareOptions, PrepareStatus } from "./suite/index.js";
export { importMleBench, metricForGrader, readMleBenchConfig } from "./mlebench.js";
export type { ImportOptions, ImportResult } from "./mlebench.js";
export { baselineScripts, computeReferenceScores, normalisedScore, BASELINE_DATA_DIR } from "./baselines.js";
export type { RunPython, BaselineKind, BaselineScript, ReferenceScoreReport } from "./baselines.js";
