// Public face of benchmarks/executors/: where a bench's cells run. `local` is the in-process runner on this
// machine; `slurm` submits one sbatch job array (one array task per cell) and follows it.
export { runLocalBench, type LocalExecutorOptions } from "./local.js";
export { runSlurmBench, benchStatus, reconcile, readSlurmState, checkWritable, slurmFailure, fixFor, SLURM_DIR, type SlurmBenchRequest, type SlurmOutcome, type BenchStatus, type SlurmState } from "./slurm.js";
export { cellUsesGpus, renderJobScript, slurmCellImage, splitSbatchArgs, sbatchDirectives, sbatchPathOptions, shellQuote, type CellImage, type SlurmResources, type JobScriptInput } from "./job-script.js";
export { realSlurmCommands, findOnPath, parseSbatchOutput, parseStateLines, parseScontrolJobs, taskState, expandIndices, SlurmCommandError, TERMINAL_STATES, type SlurmCommands, type SlurmTaskState } from "./slurm-commands.js";
export { runBenchCell, cellKey, cellIdAt, keysOfManifest, type BenchCellRequest } from "./cell-entry.js";
export { EXECUTORS, type ExecutorName } from "../options.js";
