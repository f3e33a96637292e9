// `linguacodus bench`: runs tasks × modes × models × temperatures × repeats, each cell an ordinary run record
// under <out>/runs/, with a progress bar, a per-run log, Ctrl-C to stop and --resume to continue; then writes
// the report.
import type { Command } from "commander";
import { UserFacingError } from "../failure.js";
import { BENCH_FLAGS, PRICES_FLAG, RUN_FLAGS, SANDBOX_FLAG, addFlag, addRunFlags, flagName, readFlag, readFlagOrDefault, readRunFlags, type RunFlagKey } from "../flags.js";
import { openWiring } from "../wiring.js";
import { rawStderr, terminalSafe } from "../terminal.js";
import { benchStatusAction, cliCommand, executorOf, modelPoolOf, slurmResources, type ExecutorFlags } from "./bench-slurm.js";

/** The `bench` command's own flags as commander gives them; option flags are read through cli/flags.ts. */
interface BenchFlags extends ExecutorFlags {
  status?: string | boolean;
  modes: string;
  ablation?: string;
  models?: string[];
  planner?: string;
  critic?: string;
  coder?: string;
  tester?: string;
  temperatures?: string;
  out?: string;
  resume?: boolean;
  report: boolean;
  prices?: string;
  json?: boolean;
}

/** The run options every cell of a bench shares, and the budget flags (here: of the whole bench), in help order. */
export const SHARED_RUN_FLAGS = ["timeoutSeconds", "maxTokens", "sanity", "unitTests", "unitTestTimeout", "steps", "plannerPrompt", "contextTokens", "sandboxProfile"] as const satisfies readonly RunFlagKey[];
export const BUDGET_FLAGS = ["budgetTokens", "budgetUsd", "budgetMinutes"] as const satisfies readonly RunFlagKey[];

const list = (value: string | undefined) => (value ?? "").split(",").map((s) => s.trim()).filter(Boolean);

/** The bench: also what `batch` runs over the task folders it made from its prompts. */
export async function benchAction(targets: string[], flags: BenchFlags): Promise<void> {
  if (flags.status !== undefined) {
    const dir = typeof flags.status === "string" ? flags.status : flags.out;
    if (!dir) throw new UserFacingError("give the bench folder: bench --status <dir> (or --status --out <dir>)");
    return benchStatusAction(dir, flags.json === true);
  }
  if (!flags.out) throw new UserFacingError("give the bench folder with --out <dir> (it receives bench.json, runs/ and report/)");
  const sandbox = await readFlagOrDefault(flags, SANDBOX_FLAG);
  const parallel = await readFlagOrDefault(flags, BENCH_FLAGS.parallel);
  const sandboxes = (await readFlag(flags, BENCH_FLAGS.sandboxes)) ?? parallel;
  const apiConcurrency = await readFlagOrDefault(flags, BENCH_FLAGS.apiConcurrency);
  // The prices are checked now, not after the runs, when the report needs them; every cell costs its calls with them.
  const { budgetTokens, budgetUsd, budgetMinutes, ...givenRunOptions } = await readRunFlags(flags, [...SHARED_RUN_FLAGS, ...BUDGET_FLAGS]);
  const { prices } = givenRunOptions;
  const budget = {
    ...(budgetTokens === undefined ? {} : { tokens: budgetTokens }),
    ...(budgetUsd === undefined ? {} : { usd: budgetUsd }),
    ...(budgetMinutes === undefined ? {} : { minutes: budgetMinutes }),
  };
  const executor = await executorOf(flags);
  if (executor === "slurm" && Object.keys(budget).length) throw new UserFacingError("--budget-* is not supported with --executor slurm yet (use --slurm-time to bound each cell)");
  const modelPool = await modelPoolOf(flags.modelPool);

  const [{ resolve }, paths, benchmarks, execution] = await Promise.all([
    import("node:path"),
    import("../paths.js"),
    import("../../benchmarks/index.js"),
    import("../../execution/index.js"),
  ]);
  const out = resolve(flags.out);
  const home = paths.defaultPaths();
  const userError = (error: unknown): never => {
    if (error instanceof benchmarks.BenchInputError) throw new UserFacingError(error.message);
    throw error;
  };
  // A resumed bench runs its remaining cells with the options bench.json recorded (as its Slurm cells do).
  const recorded = flags.resume ? benchmarks.readManifest(out) : undefined;
  let runOptions = givenRunOptions;
  try {
    if (recorded) runOptions = benchmarks.resumedRunOptions(recorded.options, givenRunOptions, (name) => flagName(RUN_FLAGS[name as RunFlagKey].def));
  } catch (error) {
    userError(error);
  }

  // 1. The matrix, validated before anything starts (tasks, model specs, replays).
  const repeats = await readFlagOrDefault(flags, BENCH_FLAGS.repeats);
  const baseSeed = await readFlagOrDefault(flags, BENCH_FLAGS.seed);
  const overrides = Object.fromEntries((["planner", "critic", "coder", "tester"] as const).filter((r) => flags[r] !== undefined).map((r) => [r, flags[r] as string]));
  let plan: import("../../benchmarks/index.js").BenchPlan;
  try {
    plan = await benchmarks.planBench({
      out,
      targets,
      modes: list(flags.modes),
      ablations: list(flags.ablation),
      ...(flags.models ? { models: flags.models } : {}),
      overrides,
      ...(flags.temperatures ? { temperatures: flags.temperatures } : {}),
      repeats,
      baseSeed,
      resume: flags.resume === true,
      tasksDir: home.tasks,
      modelsDir: home.models,
      env: process.env,
      ...(modelPool ? { pooledModels: new Set(Object.keys(modelPool.pools)) } : {}),
      log: (l) => process.stderr.write(`${l}\n`),
      // Built-in tasks it prepares get their reference scores as 'tasks prepare' gives them.
      references: async (dirs) => {
        const { loadTask } = await import("../../datasets/index.js");
        const { referencesForBuiltins } = await import("./references.js");
        await referencesForBuiltins(await Promise.all(dirs.map((d) => loadTask(d))), home.tasks, (l) => process.stderr.write(`${l}\n`));
      },
    });
  } catch (error) {
    return userError(error);
  }
  const { keys } = plan;

  // 2. Sandbox and providers, shared by every run.
  const concurrency = { parallel, sandboxes, apiConcurrency };
  const pool = benchmarks.benchPool(plan, concurrency);
  // With --executor slurm the nodes open their own sandbox and models; this process only submits and follows.
  const wiring =
    executor === "local" ? await openWiring({ sandbox, ...(runOptions.sandboxProfile ? { sandboxProfile: runOptions.sandboxProfile } : {}), modelsDir: home.models, concurrency: sandboxes, ...(pool ? { pool } : {}), ...(modelPool ? { openai: { pools: modelPool.pools } } : {}) }) : undefined;
  const closeAll = async () => wiring?.close();
  // The second Ctrl-C stops the running runs (see below).
  const stopRuns = new AbortController();
  // What every cell shares (runOptions): bench.json keeps it, so Slurm cells run with the same options as local ones.
  // What earlier sessions spent counts against the bench's budgets (a resumed bench does not start from zero).
  const budgetTracker = Object.keys(budget).length ? new benchmarks.BenchBudgetTracker(budget, prices, benchmarks.benchSpentSoFar(out, prices)) : undefined;
  // Runs cost their calls with the bench's price table (run.json usage) and start with what the budget leaves.
  const runCell = wiring && benchmarks.benchCellRunner(wiring, concurrency, runOptions, stopRuns.signal, budgetTracker);

  // 3. Progress: a bar on a terminal, plain lines otherwise; both go to stderr.
  const { MultiBar, Presets } = await import("cli-progress");
  const tty = process.stderr.isTTY === true && !flags.json;
  const bars = tty
    ? new MultiBar({ format: " {bar} {value}/{total} | done {done} | failed {failed} | running {running} | remaining {remaining} | ETA {eta_formatted}", hideCursor: true, clearOnComplete: false, stream: rawStderr }, Presets.shades_classic)
    : undefined;
  const bar = bars?.create(keys.length, 0, { done: 0, failed: 0, running: 0, remaining: keys.length });
  // The bars draw through rawStderr, so the lines they print (run failures: script and model text) are made safe here.
  const log = (line: string) => (bars ? bars.log(`${terminalSafe(line)}\n`) : process.stderr.write(`${line}\n`));

  // 4. Ctrl-C: first stops starting runs and waits for the running ones; a second stops those at their next
  // stage or attempt (recorded as interrupted); a third leaves them as they are. --resume reruns what was cut short.
  const stop = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts += 1;
    if (interrupts === 1) {
      log("stopping: no new runs; waiting for the running ones to finish (Ctrl-C again to stop them too)");
      stop.abort(new Error("interrupted by Ctrl-C"));
      return;
    }
    if (interrupts === 2) {
      log("stopping the running runs at their next stage or attempt; --resume reruns them (Ctrl-C again to leave them now)");
      stopRuns.abort(new Error("interrupted by Ctrl-C"));
      return;
    }
    bars?.stop();
    process.stderr.write("linguacodus: bench stopped; unfinished runs will be rerun by --resume\n");
    void closeAll().finally(() => process.exit(130));
  };
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigint);

  const manifest = benchmarks.benchManifestOf(plan, ["linguacodus", ...process.argv.slice(2)], {
    ...concurrency,
    ...runOptions,
    sandbox,
    ...(budgetTracker ? { budget } : {}),
    executor,
    ...(modelPool ? { modelPool: modelPool.path } : {}),
    ...(executor === "slurm" ? { slurm: await slurmResources(flags) } : {}),
  });
  const onProgress = (p: import("../../benchmarks/index.js").BenchProgress) => {
    bar?.update(p.skipped + p.done + p.failed, { done: p.skipped + p.done, failed: p.failed, running: p.running, remaining: p.remaining });
  };
  let outcome: import("../../benchmarks/index.js").BenchOutcome & { jobIds?: string[]; detached?: boolean };
  try {
    if (executor === "slurm") {
      const cli = cliCommand();
      const resources = await slurmResources(flags);
      outcome = await benchmarks.runSlurmBench({
        dir: out,
        keys,
        manifest,
        resume: flags.resume === true,
        version: execution.LINGUACODUS_VERSION,
        commands: benchmarks.realSlurmCommands(),
        resources,
        cellCommand: [...cli, "bench-cell"],
        cwd: process.cwd(),
        ...(sandbox === "docker"
          ? { image: benchmarks.slurmCellImage({ profile: runOptions.sandboxProfile ?? "default", resources, cli, ...(flags.slurmImage ? { tarball: resolve(flags.slurmImage) } : {}) }) }
          : {}),
        detach: flags.detach === true,
        signal: stop.signal,
        cancelSignal: stopRuns.signal,
        ...(process.env.LINGUACODUS_SLURM_POLL_MS ? { pollMs: Number(process.env.LINGUACODUS_SLURM_POLL_MS) } : {}),
        onLog: log,
        onProgress,
      });
    } else {
      if (!runCell) throw new Error("no cell runner");
      outcome = await benchmarks.runBench({
        dir: out,
        keys,
        manifest,
        parallel,
        resume: flags.resume === true,
        runCell,
        ...(budgetTracker ? { budget: budgetTracker } : {}),
        signal: stop.signal,
        version: execution.LINGUACODUS_VERSION,
        onLog: log,
        onProgress,
      });
    }
  } catch (error) {
    bars?.stop();
    await closeAll();
    return userError(error);
  } finally {
    process.off("SIGINT", onSigint);
    process.off("SIGTERM", onSigint);
  }
  bars?.stop();
  await closeAll();
  if (outcome.detached) {
    if (flags.json) process.stdout.write(`${JSON.stringify(outcome, null, 2)}\n`);
    else process.stdout.write(`submitted Slurm job array ${outcome.jobIds?.join(", ") ?? ""}; see where it stands with: linguacodus bench --status ${out}\n`);
    return;
  }

  let reportPath: string | undefined;
  if (flags.report) {
    const { writeReportFor } = await import("./report.js");
    reportPath = (await writeReportFor(out, flags.prices ? { pricesFile: flags.prices } : {})).written.files.html;
  }
  if (flags.json) process.stdout.write(`${JSON.stringify({ ...outcome, report: reportPath ?? null }, null, 2)}\n`);
  else
    process.stdout.write(
      `bench ${outcome.stopped ? "stopped" : outcome.budget ? `stopped by its budget (${outcome.budget.detail})` : "finished"}: ${outcome.succeeded} succeeded, ${outcome.failed} failed, ${outcome.skipped} kept from earlier sessions` +
        `${outcome.interrupted ? `, ${outcome.interrupted} interrupted` : ""}\n${reportPath ? `report: ${reportPath}\n` : ""}`,
    );
  if (outcome.stopped) process.exitCode = 130;
}

export function registerBench(program: Command): void {
  const command = program
    .command("bench")
    .description("Run a matrix of tasks × modes × models × temperatures × repeats; each cell is a run record; then report")
    .argument("[tasks...]", "suite (all, lite), built-in task ids or task folders (omit with --resume to reuse bench.json)")
    .option("--modes <list>", "comma-separated: linguacodus, direct, no-critic, select-first, select-validation, critic-paper, single-instruction, unstaged, no-fix, no-schema, feedback, paper-planner", "linguacodus,direct")
    .option("--ablation <list>", "ablation modes to add (comma-separated, or 'all')")
    .option("--models <specs...>", "one model column per value: SPEC, or 'label=NAME;all=SPEC;planner=SPEC;…'; replay:<bench-dir> replays a bench cell by cell")
    .option("--planner <spec>", "planner model of every column")
    .option("--critic <spec>", "critic model of every column")
    .option("--coder <spec>", "coder (and merger/direct) model of every column")
    .option("--tester <spec>", "tester model of every column (--unit-tests; default the coder's)");
  for (const def of [BENCH_FLAGS.repeats, BENCH_FLAGS.seed]) addFlag(command, def);
  command.option("--temperatures <list>", "temperature sweep: 0,0.5,1 or start:stop:step");
  for (const def of [BENCH_FLAGS.parallel, BENCH_FLAGS.sandboxes, BENCH_FLAGS.apiConcurrency]) addFlag(command, def);
  addRunFlags(command, SHARED_RUN_FLAGS, { sanity: "permuted-labels for every run: rerun each valid run's script on permuted training targets and flag a leak" });
  command
    .option("--out <dir>", "bench folder: bench.json, runs/, bench.log, report/")
    .option("--resume", "continue the bench in --out: finished runs are kept, unfinished ones rerun");
  addFlag(command, SANDBOX_FLAG, "docker, or local (NO isolation)");
  command.option("--no-report", "skip writing the report at the end");
  addFlag(command, PRICES_FLAG, 'JSON price table for the run records\' and the report\'s costs: {"<model spec>": {"input": <per 1M tokens>, "output": <per 1M tokens>}}');
  addRunFlags(command, BUDGET_FLAGS, {
    budgetTokens: "tokens of the whole bench (all runs, all sessions): no run starts past it, each run gets what is left",
    budgetUsd: "cost of the whole bench in USD, priced by --prices",
    budgetMinutes: "wall-clock minutes of the whole bench (all sessions)",
  });
  command
    .option("--json", "print the outcome as JSON on stdout")
    .option("--model-pool <file>", 'JSON {"<model>": ["http://host-a:8000/v1", …]}: openai:<model> is served by these replicas (fewest calls in flight first)');
  addFlag(command, BENCH_FLAGS.executor);
  command
    .option("--slurm-partition <name>", "Slurm partition (default: the cluster's default)")
    .option("--slurm-time <HH:MM:SS>", "time limit of each cell's job");
  addFlag(command, BENCH_FLAGS.slurmCpus);
  command.option("--slurm-mem <size>", "memory per cell, e.g. 8G");
  for (const def of [BENCH_FLAGS.slurmGpus, BENCH_FLAGS.slurmMaxRunning]) addFlag(command, def);
  command
    .option("--slurm-extra <args>", 'further sbatch options, e.g. "--account=lab --qos=short"')
    .option("--slurm-image <file>", "sandbox image tarball (from 'linguacodus sandbox export') the nodes load when they lack the image")
    .option("--detach", "with --executor slurm: submit and exit; see progress with bench --status")
    .option("--status [dir]", "show where a bench (e.g. a detached Slurm bench) stands, recording the cells Slurm has ended")
    .action(benchAction);
}
