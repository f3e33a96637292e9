// The cell runner of a real bench: one matrix cell → execution's runTask with the cell's options, the shared
// sandbox and model providers, behind the bench's concurrency limits.
// A model column `replay:<bench-dir>` replays, cell by cell, the run of that bench with the same task, mode,
// seed and temperature, so a whole bench can be re-run exactly from its recordings.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { AGENT_ROLES, replayPathOf } from "../agents/index.js";
import { loadTask } from "../datasets/index.js";
import { RUN_FILES, runTask, type RunDependencies, type RunOptionsInput, type RunProgress, type RoleModelSpecs } from "../execution/index.js";
import { BenchInputError, specsOf, type RunKey } from "./matrix.js";
import { BENCH_FILES, readManifest, type BenchManifest } from "./manifest.js";
import { DEFAULT_MODE_FLAGS, type BenchRunOptions, type ModeFlags } from "./modes.js";
import type { CellRunner } from "./runner.js";
import { limitedSandbox, type ModelCallLimiter, type Semaphore } from "./limits.js";

export interface PipelineCellOptions {
  deps: RunDependencies;
  limiter: ModelCallLimiter;
  sandboxSlots: Semaphore;
  /** Run options every run of the bench shares (time limit of an execution, cap on answer tokens, prices). */
  runOptions?: BenchRunOptions;
  /** Run options decided when a run starts: what a bench-wide budget leaves it. */
  atStart?: () => BenchRunOptions;
  /**
   * Stops the running runs at their next stage or attempt (the bench's second Ctrl-C). Separate from the runner's
   * own stop, which only ends the starting of new runs and lets running ones finish.
   */
  signal?: AbortSignal;
  onProgress?: (key: RunKey, event: RunProgress) => void;
}

/** Resolves `replay:<bench-dir>` to the recorded run of the same cell; other specs pass through. */
export class ReplayBenchResolver {
  private readonly manifests = new Map<string, BenchManifest | undefined>();

  /** The bench manifest at `path`, when it is a bench folder. */
  private manifestAt(path: string): BenchManifest | undefined {
    if (!this.manifests.has(path)) this.manifests.set(path, readManifest(path));
    return this.manifests.get(path);
  }

  /** Whether `spec` replays a recorded bench (cell by cell) rather than one run. */
  isBenchReplay(spec: string): boolean {
    const path = replayPathOf(spec);
    return path !== undefined && this.manifestAt(path) !== undefined;
  }

  resolve(spec: string, key: RunKey): string {
    const path = replayPathOf(spec);
    if (path === undefined) return spec;
    const manifest = this.manifestAt(path);
    if (!manifest) return spec;
    const matches = manifest.runs.filter(
      (r) => r.taskId === key.task.id && r.mode === key.mode && r.seed === key.seed && r.temperature === key.temperature,
    );
    const match = matches.length > 1 ? matches.find((r) => r.model === key.model.label) : matches[0];
    if (!match) throw new BenchInputError(`replay bench ${path} has no run of ${key.task.id} · ${key.mode} · seed ${key.seed}`);
    return `replay:${join(path, BENCH_FILES.runs, match.id)}`;
  }

  /** Every replayed cell must have a recording: checked before the bench starts. */
  check(keys: readonly RunKey[]): string[] {
    const problems: string[] = [];
    // A single recorded run answers one run's calls, in order: it cannot serve several cells.
    const plainReplays = new Set(keys.flatMap((k) => specsOf(k.model)).filter((s) => replayPathOf(s) !== undefined && !this.isBenchReplay(s)));
    if (keys.length > 1)
      for (const spec of plainReplays)
        problems.push(`'${spec}' replays one recorded run, but the bench has ${keys.length} cells: give replay:<bench-dir> to replay a recorded bench cell by cell`);
    for (const key of keys)
      for (const spec of specsOf(key.model)) {
        try {
          const resolved = this.resolve(spec, key);
          const recording = replayPathOf(resolved);
          if (resolved !== spec && recording !== undefined && !existsSync(join(recording, RUN_FILES.transcripts)))
            problems.push(`${recording} has no ${RUN_FILES.transcripts} to replay`);
        } catch (error) {
          problems.push((error as Error).message);
        }
      }
    return [...new Set(problems)];
  }
}

/** Model spec per role for a cell: the column's `all` as the default and its overrides (fallbacks are agents'). */
export function cellModels(key: RunKey, resolveSpec: (spec: string) => string = (s) => s): RoleModelSpecs {
  const models: RoleModelSpecs = { default: resolveSpec(key.model.all) };
  for (const role of AGENT_ROLES) {
    const spec = key.model.overrides[role];
    if (spec) models[role] = resolveSpec(spec);
  }
  return models;
}

/**
 * The runTask options of a cell: the bench's shared options, the mode's, then the cell's seed and temperature. A
 * mode's flag left at its default yields to a bench-wide setting of the same option (`--planner-prompt
 * json-per-rank` reaches every mode but paper-planner, which sets its own).
 */
export function cellOptions(key: RunKey, models: RoleModelSpecs, shared: BenchRunOptions = {}): RunOptionsInput {
  const modeOwn = Object.entries(key.flags).filter(([name, value]) => !Object.hasOwn(shared, name) || value !== DEFAULT_MODE_FLAGS[name as keyof ModeFlags]);
  return {
    ...shared,
    ...Object.fromEntries(modeOwn),
    models,
    seed: key.seed,
    ...(key.temperature === null ? {} : { temperature: key.temperature }),
  };
}

export function pipelineCellRunner(options: PipelineCellOptions): CellRunner {
  const replay = new ReplayBenchResolver();
  const sandbox = limitedSandbox(options.deps.sandbox, options.sandboxSlots);
  const createTeam: RunDependencies["createTeam"] = async (input) => options.limiter.wrapTeam(await options.deps.createTeam(input));
  return async (key, runDir) => {
    const task = await loadTask(key.task.dir);
    const models = cellModels(key, (spec) => replay.resolve(spec, key));
    await runTask(task, cellOptions(key, models, { ...options.runOptions, ...options.atStart?.() }), {
      ...options.deps,
      sandbox,
      createTeam,
      outDir: join(runDir, ".."),
      runDir,
      // Cut short, the run is recorded as interrupted by the runner and rerun by --resume.
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: (event: RunProgress) => options.onProgress?.(key, event) } : {}),
    });
  };
}
