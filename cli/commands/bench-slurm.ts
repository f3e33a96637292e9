// The Slurm side of `linguacodus bench`: --executor slurm flags, `bench --status <dir>`, and the hidden
// `bench-cell` command each array task runs on its node (one cell → one run record).
import type { Command } from "commander";
import { resolve } from "node:path";
import { UserFacingError } from "../failure.js";
import { defaultPaths } from "../paths.js";
import { BENCH_FLAGS, readFlag, readFlagOrDefault } from "../flags.js";
import { openWiring } from "../wiring.js";

export interface ExecutorFlags {
  executor?: string;
  slurmPartition?: string;
  slurmTime?: string;
  slurmCpus?: string;
  slurmMem?: string;
  slurmGpus?: string;
  slurmMaxRunning?: string;
  slurmExtra?: string;
  slurmImage?: string;
  detach?: boolean;
  modelPool?: string;
}

/** Checks --executor and its flags before anything starts; for slurm, that sbatch is on PATH. */
export async function executorOf(flags: ExecutorFlags): Promise<"local" | "slurm"> {
  const executors = await import("../../benchmarks/index.js");
  const executor = await readFlagOrDefault(flags, BENCH_FLAGS.executor);
  const slurmOnly = (["slurmPartition", "slurmTime", "slurmCpus", "slurmMem", "slurmGpus", "slurmMaxRunning", "slurmExtra", "slurmImage", "detach"] as const).filter((f) => flags[f] !== undefined);
  if (executor === "local") {
    if (slurmOnly.length) throw new UserFacingError(`--${slurmOnly[0]!.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} needs --executor slurm`);
    return "local";
  }
  if (!executors.findOnPath("sbatch", process.env.PATH))
    throw new UserFacingError(
      "--executor slurm: 'sbatch' is not on PATH: run the bench from a Slurm login/submit node, add Slurm's bin folder to PATH, or use --executor local",
    );
  if (flags.slurmTime !== undefined && !/^(\d+-)?\d+(:\d{1,2}){0,2}$/.test(flags.slurmTime))
    throw new UserFacingError(`--slurm-time must look like HH:MM:SS, MM or D-HH:MM:SS (got '${flags.slurmTime}')`);
  if (flags.slurmMem !== undefined && !/^\d+[KMGT]?$/i.test(flags.slurmMem)) throw new UserFacingError(`--slurm-mem must look like 8G or 4000M (got '${flags.slurmMem}')`);
  await slurmResources(flags);
  return "slurm";
}

export async function slurmResources(flags: ExecutorFlags): Promise<import("../../benchmarks/index.js").SlurmResources> {
  const cpus = await readFlag(flags, BENCH_FLAGS.slurmCpus);
  const gpus = await readFlag(flags, BENCH_FLAGS.slurmGpus);
  const maxRunning = await readFlag(flags, BENCH_FLAGS.slurmMaxRunning);
  return {
    ...(flags.slurmPartition ? { partition: flags.slurmPartition } : {}),
    ...(flags.slurmTime ? { time: flags.slurmTime } : {}),
    ...(cpus ? { cpus } : {}),
    ...(flags.slurmMem ? { mem: flags.slurmMem } : {}),
    ...(gpus ? { gpus } : {}),
    ...(maxRunning ? { maxRunning } : {}),
    ...(flags.slurmExtra ? { extra: flags.slurmExtra } : {}),
  };
}

/** `<node> [--import tsx] <cli>`: this very CLI, as the nodes start it (the install is on the shared filesystem). */
export function cliCommand(): string[] {
  return [process.execPath, ...process.execArgv, resolve(process.argv[1] ?? "linguacodus")];
}

/** Reads --model-pool; the models it names need no API key. */
export async function modelPoolOf(file: string | undefined): Promise<{ path: string; pools: import("../../agents/index.js").ModelPools } | undefined> {
  if (!file) return undefined;
  const { readModelPoolFile } = await import("../../agents/index.js");
  try {
    return { path: resolve(file), pools: readModelPoolFile(resolve(file)) };
  } catch (error) {
    throw new UserFacingError(`--model-pool: ${(error as Error).message}`);
  }
}

/** `bench --status <dir>`: where a (detached) bench stands; ended array tasks get their outcome recorded. */
export async function benchStatusAction(dir: string, json: boolean): Promise<void> {
  const out = resolve(dir);
  const [executors, { LINGUACODUS_VERSION }] = await Promise.all([import("../../benchmarks/index.js"), import("../../execution/index.js")]);
  const manifest = executors.readManifest(out);
  if (!manifest) throw new UserFacingError(`${out} is not a bench folder (no bench.json): give the --out of a bench`);
  const keys = executors.keysOfManifest(manifest, out);
  const submitted = executors.readSlurmState(out).submissions.length > 0;
  if (submitted && !executors.findOnPath("squeue", process.env.PATH))
    throw new UserFacingError("this bench ran through Slurm but 'squeue' is not on PATH: run --status from a Slurm login node");
  const status = await executors.benchStatus(out, keys, submitted ? executors.realSlurmCommands() : undefined, LINGUACODUS_VERSION);
  if (json) {
    process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
    return;
  }
  const states = Object.entries(status.slurmStates).map(([s, n]) => `${n} ${s}`).join(", ");
  process.stdout.write(
    `bench ${out}: ${status.total} cell(s): ${status.succeeded} succeeded, ${status.failed} failed, ${status.running} running, ${status.pending} queued, ${status.notStarted} not started` +
      `${status.jobIds.length ? `\nSlurm job array(s): ${status.jobIds.join(", ")}${states ? ` (${states})` : ""}` : ""}` +
      `${status.toRerun ? `\n${status.toRerun} cell(s) to rerun: linguacodus bench --resume --out ${out}${submitted ? " --executor slurm" : ""}` : ""}\n`,
  );
}

/** The hidden command an array task runs: one cell of the bench in <dir>, into <dir>/runs/<id>. */
export function registerBenchCell(program: Command): void {
  program
    .command("bench-cell", { hidden: true })
    .description("Run one cell of a bench (what each Slurm array task runs)")
    .argument("<bench-dir>", "the bench folder (on a filesystem this node shares)")
    .option("--cells <file>", "cells file of the submission (JSON list of cell ids)")
    .option("--index <n>", "array index into the cells file (default: $SLURM_ARRAY_TASK_ID)")
    .option("--cell <id>", "the cell id (instead of --cells/--index)")
    .action(async (dirArg: string, flags: { cells?: string; index?: string; cell?: string }) => {
      const dir = resolve(dirArg);
      const [benchmarks, execution] = await Promise.all([import("../../benchmarks/index.js"), import("../../execution/index.js")]);
      const userError = (error: unknown): never => {
        if (error instanceof benchmarks.BenchInputError) throw new UserFacingError(error.message);
        throw error;
      };
      let cell: { manifest: import("../../benchmarks/index.js").BenchManifest; key: import("../../benchmarks/index.js").RunKey };
      try {
        const index = Number(flags.index ?? process.env.SLURM_ARRAY_TASK_ID);
        const id = flags.cell ?? (flags.cells && Number.isInteger(index) ? benchmarks.cellIdAt(flags.cells, index) : undefined);
        if (!id) throw new UserFacingError("give --cell <id>, or --cells <file> with --index <n> (or $SLURM_ARRAY_TASK_ID)");
        cell = benchmarks.cellKey(dir, id);
      } catch (error) {
        return userError(error);
      }
      // bench.json's options, typed: every bench-wide run option (sanity, prices, time limit, answer cap) reaches
      // this cell as it reaches a local one.
      const options = cell.manifest.options;
      const pool = await modelPoolOf(options.modelPool);
      const profile = options.sandboxProfile ?? "default";
      // A sandbox this node cannot open (the profile's image missing, say) fails this cell with the fix, in its run record.
      const wiring = await openWiring({
        sandbox: options.sandbox ?? "docker",
        sandboxProfile: profile,
        // The variant the submitter prepared the image for (job-script.ts), not whatever this node's nvidia-smi says.
        gpus: benchmarks.cellUsesGpus(profile, options.slurm ?? {}),
        modelsDir: defaultPaths().models,
        ...(pool ? { openai: { pools: pool.pools } } : {}),
      }).catch((error: unknown) => error as Error);
      // scancel, a time limit or preemption sends SIGTERM: stop at the next stage, free the containers, and leave
      // the record for the submitter, which records the Slurm state.
      const stop = new AbortController();
      const onTerm = () => stop.abort(new Error("stopped by Slurm"));
      process.on("SIGTERM", onTerm);
      process.on("SIGINT", onTerm);
      const concurrency = { parallel: 1, sandboxes: 1, apiConcurrency: options.apiConcurrency };
      const runCell: import("../../benchmarks/index.js").CellRunner =
        wiring instanceof Error
          ? async () => {
              throw wiring;
            }
          : benchmarks.benchCellRunner(wiring, concurrency, benchmarks.sharedRunOptions(options), stop.signal);
      try {
        const run = await benchmarks.runBenchCell({ dir, key: cell.key, runCell, version: execution.LINGUACODUS_VERSION, signal: stop.signal });
        process.stderr.write(`cell ${cell.key.id}: ${run ? run.status : "stopped"}${run?.failure ? ` (${run.failure.message})` : ""}\n`);
        if (!run) process.exitCode = 143;
      } finally {
        process.off("SIGTERM", onTerm);
        process.off("SIGINT", onTerm);
        if (!(wiring instanceof Error)) await wiring.close();
      }
    });
}
