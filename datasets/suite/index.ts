// Public face of the built-in suite.
export { BUILTIN_TASKS, LITE_TASK_IDS, findBuiltinTask } from "./registry.js";
export type { BuiltinTaskDefinition, BuiltTask, DataType } from "./definition.js";
export { prepareBuiltinTask, prepareBuiltinTasks, checksumMismatches, writeReferenceScores, CHECKSUMMED_FILES } from "./prepare.js";
export type { PrepareResult, PrepareOptions, PrepareStatus } from "./prepare.js";
export { SourceUnavailableError } from "./sources.js";
