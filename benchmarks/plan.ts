// Assembling a bench from what a user asked for (the `bench` command's flags, or a script's values): the matrix
// validated and expanded, every model spec checked before anything loads, the manifest to write, and the cell
// runner over the real dependencies with the bench's concurrency limits. The CLI parses flags, opens the
// wiring, draws progress and handles Ctrl-C; everything else is here, so scripts can build the same bench.
import { defaultModelSpec, type AgentRole } from "../agents/index.js";
import type { RunDependencies } from "../execution/index.js";
import { pipelineCellRunner, ReplayBenchResolver } from "./cell.js";
import { ModelCallLimiter, Semaphore } from "./limits.js";
import { modelColumnsOf, readManifest, type BenchManifest } from "./manifest.js";
import {
  BenchInputError,
  expandMatrix,
  parseModelColumn,
  parseModes,
  parseTemperatures,
  specsOf,
  withOverrides,
  type MatrixRequest,
  type RunKey,
} from "./matrix.js";
import type { BenchRunOptions } from "./modes.js";
import type { BenchOptions } from "./options.js";
import type { BenchBudgetTracker } from "./budget.js";
import { preflightSpecs } from "./preflight.js";
import type { BenchRequest, CellRunner } from "./runner.js";
import { benchPoolOptions } from "./sandbox-pool.js";
import { resolveTasks } from "./tasks.js";
import type { PoolOptions } from "../sandbox/index.js";

/** How many things a bench does at once. */
export interface BenchConcurrency {
  /** Runs at once (`bench --parallel`). */
  parallel: number;
  /** Sandbox executions at once (default: parallel). */
  sandboxes: number;
  /** Concurrent calls per API model. */
  apiConcurrency: number;
}

export interface BenchPlanInput {
  /** The bench folder. */
  out: string;
  /** Suites, built-in ids or task folders; empty with `resume` reuses the manifest's matrix. */
  targets: readonly string[];
  modes: readonly string[];
  ablations?: readonly string[];
  /** Model columns as `--models` takes them; empty: the default model. */
  models?: readonly string[];
  /** Role overrides for every column (`--planner`, `--critic`, `--coder`). */
  overrides?: Partial<Record<AgentRole, string>>;
  /** `--temperatures` text (a list or start:stop:step). */
  temperatures?: string;
  repeats: number;
  baseSeed: number;
  resume: boolean;
  /** Prepared built-in tasks (`$LINGUACODUS_HOME/tasks`) and downloaded models. */
  tasksDir: string;
  modelsDir: string;
  env: Record<string, string | undefined>;
  /** Models a pool serves (`--model-pool`): `openai:<model>` needs no API key. */
  pooledModels?: ReadonlySet<string>;
  /** Records reference scores of built-in tasks that lack them (see {@link ResolveOptions.references}). */
  references?: (taskDirs: string[]) => Promise<void>;
  log?: (line: string) => void;
}

export interface BenchPlan {
  request: MatrixRequest;
  keys: RunKey[];
  /** The manifest of an earlier session, when resuming. */
  existing?: BenchManifest;
}

/** The matrix of a bench, validated (tasks checked, specs loadable, replays recorded) before anything starts. */
export async function planBench(input: BenchPlanInput): Promise<BenchPlan> {
  const existing = readManifest(input.out);
  if (existing && !input.resume) throw new BenchInputError(`${input.out}/bench.json exists: add --resume to continue that bench, or choose another --out`);
  const replay = new ReplayBenchResolver();
  const loadable = (specs: string[]) => specs.filter((s) => !replay.isBenchReplay(s));
  let request: MatrixRequest;
  if (input.targets.length === 0) {
    if (!input.resume || !existing) throw new BenchInputError("name the tasks: a suite (all, lite), built-in task ids or task folders (or --resume --out <bench> alone)");
    request = {
      tasks: existing.tasks,
      modes: parseModes(existing.modes),
      models: modelColumnsOf(existing),
      temperatures: existing.temperatures,
      repeats: existing.repeats,
      baseSeed: existing.baseSeed,
    };
  } else {
    const modes = parseModes([...input.modes], [...(input.ablations ?? [])]);
    const columns = (input.models?.length ? input.models : [defaultModelSpec(input.modelsDir)]).map((text) =>
      withOverrides(parseModelColumn(text), input.overrides ?? {}),
    );
    const temperatures = input.temperatures ? parseTemperatures(input.temperatures) : [];
    if (!Number.isInteger(input.repeats) || input.repeats < 1) throw new BenchInputError(`--repeats must be a whole number ≥ 1 (got '${input.repeats}')`);
    if (!Number.isInteger(input.baseSeed) || input.baseSeed < 0) throw new BenchInputError(`--seed must be a whole number ≥ 0 (got '${input.baseSeed}')`);
    // Cheap checks first: a missing model file should not wait for task preparation.
    const problems = preflightSpecs(loadable(columns.flatMap(specsOf)), input.env, input.pooledModels);
    if (problems.length) throw new BenchInputError(`cannot start the bench: ${problems.join("; ")}`);
    const tasks = await resolveTasks(input.targets, { tasksDir: input.tasksDir, ...(input.log ? { log: input.log } : {}), ...(input.references ? { references: input.references } : {}) });
    request = { tasks, modes, models: columns, temperatures, repeats: input.repeats, baseSeed: input.baseSeed };
  }
  const keys = expandMatrix(request);
  const problems = [...preflightSpecs(loadable(request.models.flatMap(specsOf)), input.env, input.pooledModels), ...replay.check(keys)];
  if (problems.length) throw new BenchInputError(`cannot start the bench: ${problems.join("; ")}`);
  return { request, keys, ...(existing ? { existing } : {}) };
}

/** The manifest part runBench writes (bench.json): the matrix, the command and the bench-wide options. */
export function benchManifestOf(plan: BenchPlan, command: string[], options: BenchOptions): BenchRequest["manifest"] {
  const { request } = plan;
  return {
    command,
    tasks: request.tasks,
    modes: request.modes,
    models: request.models,
    temperatures: request.temperatures,
    repeats: request.repeats,
    baseSeed: request.baseSeed,
    options,
  };
}

/** The sandbox pool a bench asks the wiring for: P warm containers per task when P runs go at once. */
export function benchPool(plan: BenchPlan, concurrency: BenchConcurrency): PoolOptions | undefined {
  return benchPoolOptions({ parallel: concurrency.sandboxes, tasks: plan.request.tasks.length });
}

/**
 * The cell runner of a bench over the real dependencies: model calls limited per spec, sandbox executions by a
 * shared semaphore. `signal` stops the running runs at their next stage or attempt.
 */
export function benchCellRunner(
  deps: RunDependencies,
  concurrency: BenchConcurrency,
  runOptions: BenchRunOptions,
  signal?: AbortSignal,
  budget?: BenchBudgetTracker,
): CellRunner {
  return pipelineCellRunner({
    ...(budget ? { atStart: () => budget.remaining() } : {}),
    deps,
    limiter: new ModelCallLimiter({ apiConcurrency: concurrency.apiConcurrency, replayConcurrency: Math.max(concurrency.parallel, 1) }),
    sandboxSlots: new Semaphore(concurrency.sandboxes),
    runOptions,
    ...(signal ? { signal } : {}),
  });
}
