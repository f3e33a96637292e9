// Public face of datasets/mlebench/: importing competitions prepared by MLE-bench, grading them with their own
// grade.py (or the built-in approximation), MLE-bench's rounding, splits and grader-name table.
export { importMleBench, importAllMleBench, metricForGrader, MLEBENCH_PRIVATE_DIR, type ImportOptions, type ImportResult, type ImportAllResult } from "./import.js";
export { createTaskGrader, gradeTask, mlebenchCheckout, MLEBENCH_GRADER_REQUIREMENTS, type GraderSandbox, type MleBenchGraderOptions, type TaskGrader } from "./grade.js";
export { parseCompetitionConfig, readCompetitionConfig, CompetitionConfigSchema, type CompetitionConfig } from "./config.js";
export { graderMapping, MLEBENCH_GRADER_NAMES, type GraderMapping, type BuiltinEquivalent } from "./graders.js";
export { roundLikePython, MLEBENCH_SCORE_DIGITS } from "./round.js";
export { readMleBenchSplit, leaderboardSplit, MLEBENCH_SPLIT_FILES, MLEBENCH_LEADERBOARD_SPLITS, type LeaderboardSplit } from "./splits.js";
export { taskIdOf, confinedPath } from "./confine.js";
