// `linguacodus batch <folder of .md prompts> --models a,b,… --out <dir>`: every prompt × model (× repeats) as an
// analysis run (seed 003's code+test pipeline). The prompts become analysis task folders under <out>/prompts/
// (benchmarks/batch.ts) and the bench runs them: its lock, --resume, progress bar with ETA, Ctrl-C and report.
// At the end the batch's tables (per model, per prompt: scripts extracted, parse, run without error, result given,
// unit tests) are printed.
import type { Command } from "commander";
import { UserFacingError } from "../failure.js";
import { BENCH_FLAGS, PRICES_FLAG, SANDBOX_FLAG, addFlag, addRunFlags } from "../flags.js";
import { BUDGET_FLAGS, SHARED_RUN_FLAGS, benchAction } from "./bench.js";

interface BatchFlags {
  models?: string;
  modes: string;
  data?: string;
  tester?: string;
  out?: string;
  resume?: boolean;
  report: boolean;
  json?: boolean;
}

const list = (value: string | undefined) => (value ?? "").split(",").map((s) => s.trim()).filter(Boolean);

async function batchAction(promptsDir: string, flags: BatchFlags): Promise<void> {
  if (!flags.out) throw new UserFacingError("give the batch folder with --out <dir> (it receives prompts/, bench.json, runs/ and report/)");
  const models = list(flags.models);
  if (!models.length) throw new UserFacingError("--models is missing: name the models to compare, comma-separated, e.g. --models gguf:/m/a.gguf,openai:gpt-4o-mini");
  const [benchmarks, datasets] = await Promise.all([import("../../benchmarks/index.js"), import("../../datasets/index.js")]);
  if (flags.data !== undefined) {
    try {
      await datasets.checkDataFolder(flags.data, "--data: the data folder");
    } catch (error) {
      throw new UserFacingError((error as Error).message);
    }
  }
  let prompts: import("../../benchmarks/index.js").BatchPrompt[];
  try {
    prompts = benchmarks.writeBatchTasks({ promptsDir, out: flags.out, ...(flags.data !== undefined ? { dataDir: flags.data } : {}) });
  } catch (error) {
    if (error instanceof benchmarks.BenchInputError) throw new UserFacingError(error.message);
    throw error;
  }
  process.stderr.write(`batch: ${prompts.length} prompt(s) × ${models.length} model(s) from ${promptsDir}\n`);
  await benchAction(
    prompts.map((p) => p.taskDir),
    { ...flags, models, out: flags.out },
  );
  if (!flags.json && flags.report) process.stdout.write(`\n${benchmarks.batchSummaryMarkdown(flags.out)}`);
}

export function registerBatch(program: Command): void {
  const command = program
    .command("batch")
    .description("Run every Markdown prompt of a folder with every model as an analysis (× repeats), resumable; report per model and prompt")
    .argument("<prompts>", "folder of .md files, one analysis request each")
    .option("--models <list>", "comma-separated model specs, one column each (a spec may be 'label=NAME;all=SPEC;tester=SPEC')")
    .option("--data <folder>", "folder of files every analysis reads (mounted read-only at /data; default: none)")
    .option("--modes <list>", "comma-separated: direct (one coder writes the script) or linguacodus (planner, critic, coders)", "direct")
    .option("--tester <spec>", "tester model of every column (--unit-tests; default each column's coder)");
  for (const def of [BENCH_FLAGS.repeats, BENCH_FLAGS.seed, BENCH_FLAGS.parallel, BENCH_FLAGS.sandboxes, BENCH_FLAGS.apiConcurrency]) addFlag(command, def);
  // Not --sanity (no training targets to permute) nor --steps (no search) for analyses.
  addRunFlags(command, SHARED_RUN_FLAGS.filter((key) => key !== "sanity" && key !== "steps"));
  command
    .option("--out <dir>", "batch folder: prompts/, bench.json, runs/, bench.log, report/")
    .option("--resume", "continue the batch in --out: finished runs are kept, unfinished ones rerun");
  addFlag(command, SANDBOX_FLAG, "docker, or local (NO isolation)");
  command.option("--no-report", "skip writing the report at the end");
  addFlag(command, PRICES_FLAG);
  addRunFlags(command, BUDGET_FLAGS);
  command.option("--json", "print the outcome as JSON on stdout").action(batchAction);
}
