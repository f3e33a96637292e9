// Public face of the built-in suite.
export { BUILTIN_TASKS, LITE_TASK_IDS, findBuiltinTask } from "./registry.js";
export type { BuiltinTaskDefinition, BuiltTask, DataType } from "./definition.js";
export { prepareBuiltinTask, prepareBuiltinTasks, checksumMismatches, writeReferenceScores, CHECKSUMMED_FILES } from "./prepare.js";
export type { PrepareResult, PrepareOptions, PrepareStatus } from "./prepare.js";
export { SourceUnavailableError } from "./sources.js";
// What other importers build task files with (the OpenML import writes its folders through prepareBuiltinTask).
export { assembleFiles, majorityOf } from "./split.js";
export { meanSample } from "./recipes.js";
export { column, drop, mapColumn, select, take, withColumn, type Frame } from "./frame.js";
export { shuffledIndices } from "./random.js";
