// Runs the cells of a bench matrix, P at a time, each into an ordinary run record under <bench>/runs/<id>.
// The manifest is written first; a run that crashes, times out or meets a model error is recorded as failed
// with its reason and the bench goes on; a stop (Ctrl-C) aborts the runs in flight, which `--resume`
// reruns, while finished runs are never redone. The bookkeeping helpers are exported for the other executors
// (benchmarks/executors/), so every executor records runs the same way.
import { appendFileSync, existsSync, mkdirSync, renameSync } from "node:fs";
import { join } from "node:path";
import { RUN_FILES, RunOptionsSchema, RunRecordWriter, readRunJson, readScore, writeJsonAtomic, type RunJson } from "../execution/index.js";
import { specForRole, BenchInputError, type RunKey } from "./matrix.js";
import { BENCH_FILES, BENCH_SCHEMA_VERSION, BenchEventSchema, INTERRUPTED, interruptedRuns, isFinishedState, manifestEntry, readManifest, type BenchEvent, type BenchManifest } from "./manifest.js";
import { RUN_ROLES } from "../agents/index.js";
import { acquireBenchLock } from "./lock.js";
import type { BenchBudgetTracker, BudgetReached } from "./budget.js";

/** Runs one cell; must leave a run record in `runDir` (the bench records a failure if it does not). */
export type CellRunner = (key: RunKey, runDir: string, signal: AbortSignal) => Promise<void>;

export interface BenchProgress {
  total: number;
  /** Finished in earlier sessions (resume). */
  skipped: number;
  done: number;
  failed: number;
  running: number;
  remaining: number;
}

export interface BenchRequest {
  dir: string;
  keys: RunKey[];
  manifest: Omit<BenchManifest, "schemaVersion" | "createdAt" | "runs">;
  parallel: number;
  resume: boolean;
  runCell: CellRunner;
  /** Aborting it stops the bench cleanly (Ctrl-C). */
  signal?: AbortSignal;
  /** How long to wait for aborted runs to wind down before giving up on them. */
  stopGraceMs?: number;
  version: string;
  onProgress?: (progress: BenchProgress) => void;
  onLog?: (line: string) => void;
  /** The bench-wide budgets (`--budget-*`): no run starts once one is reached. */
  budget?: BenchBudgetTracker;
}

export interface BenchOutcome {
  dir: string;
  total: number;
  skipped: number;
  succeeded: number;
  failed: number;
  /** Aborted by a stop; rerun by --resume. */
  interrupted: number;
  stopped: boolean;
  /** Set when a bench-wide budget stopped the starting of runs (the rest is left for --resume with a larger budget). */
  budget?: BudgetReached;
}

const nowIso = () => new Date().toISOString();

export function appendEvent(dir: string, event: BenchEvent): void {
  appendFileSync(join(dir, BENCH_FILES.events), `${JSON.stringify(BenchEventSchema.parse(event))}\n`);
}


export function runState(runDir: string): RunJson["status"] | "absent" | "unreadable" {
  if (!existsSync(join(runDir, RUN_FILES.run))) return "absent";
  try {
    return readRunJson(runDir).status;
  } catch {
    return "unreadable";
  }
}


/** Whether a run is finished for `--resume` purposes. */
export function isRunFinished(benchDir: string, id: string, interrupted: Set<string> = interruptedRuns(benchDir)): boolean {
  const state = runState(join(benchDir, BENCH_FILES.runs, id));
  return isFinishedState(state) && !interrupted.has(id);
}

/** Records a failed run whose own record is missing or was left running (crash, timeout, model error). */
export function recordFailure(runDir: string, key: RunKey, reason: string, version: string): RunJson {
  const state = runState(runDir);
  if (state === "running") return RunRecordWriter.open(runDir).finish("failed", { valid: false, reason, stage: "bench" });
  if (state === "unreadable") moveAside(runDir, "unreadable");
  const models = Object.fromEntries(RUN_ROLES.map((role) => [role, specForRole(key.model, role)]));
  const writer = RunRecordWriter.create(runDir, {
    runId: key.id,
    taskId: key.task.id,
    taskDir: key.task.dir,
    mode: key.flags.mode,
    // The mode's options (the bench mode's name is the manifest's, by run id).
    config: RunOptionsSchema.parse({ ...key.flags, models }),
    versions: { linguacodus: version, node: process.version },
    models,
    seed: key.seed,
    ...(key.temperature === null ? {} : { temperature: key.temperature }),
  });
  return writer.finish("failed", { valid: false, reason, stage: "bench" });
}

/**
 * The record of a cell once its runner returned or threw: the run's own when it recorded its end (a failed stage
 * records, then ends runTask with RunFailedError), else a failed one written here with the error's first line.
 */
export function settleRecord(runDir: string, key: RunKey, error: unknown, version: string): RunJson {
  if (isFinishedState(runState(runDir))) return readRunJson(runDir);
  const reason = error instanceof Error ? (error.message.split("\n")[0] ?? error.name) : error !== undefined ? String(error) : "the run left no finished record";
  return recordFailure(runDir, key, reason || "unknown error", version);
}

/** Keeps an unfinished attempt's folder (nothing is deleted) and frees the run's folder for a rerun. */
export function moveAside(runDir: string, why: string): void {
  const parent = join(runDir, "..", "..", "interrupted");
  mkdirSync(parent, { recursive: true });
  const name = `${runDir.split(/[\\/]/).pop() ?? "run"}.${why}.${Date.now()}`;
  renameSync(runDir, join(parent, name));
}

export function checkManifest(existing: BenchManifest, keys: RunKey[], dir: string): void {
  const want = keys.map((k) => k.id).sort();
  const have = existing.runs.map((r) => r.id).sort();
  if (want.length !== have.length || want.some((id, i) => id !== have[i]))
    throw new BenchInputError(
      `${join(dir, BENCH_FILES.manifest)} was written for a different matrix (${have.length} runs; this command asks for ${want.length}). ` +
        "Resume with the same tasks, modes, models, repeats and temperatures, or choose another --out.",
    );
}

export function describe(key: RunKey): string {
  const temp = key.temperature === null ? "" : ` · T=${key.temperature}`;
  return `${key.task.id} · ${key.mode} · ${key.model.label}${temp} · seed ${key.seed}`;
}

/**
 * Runs a bench (or the unfinished part of one), holding the folder's lock (benchmarks/lock.ts) throughout: a second
 * runner on the same folder is refused with the holder's pid, host and start time.
 */
export async function runBench(request: BenchRequest): Promise<BenchOutcome> {
  if (!Number.isInteger(request.parallel) || request.parallel < 1) throw new BenchInputError(`--parallel must be a whole number ≥ 1 (got ${request.parallel})`);
  mkdirSync(join(request.dir, BENCH_FILES.runs), { recursive: true });
  return withBenchLock(request, () => runBenchLocked(request));
}

/**
 * Runs `body` holding the bench folder's lock (one runner or Slurm submitter per folder: a second one would run the
 * same cells again); a lock taken over from a holder that is gone is said in bench.log.
 */
export async function withBenchLock<T>(request: Pick<BenchRequest, "dir" | "manifest" | "onLog">, body: () => Promise<T>): Promise<T> {
  const lock = acquireBenchLock(request.dir, request.manifest.command);
  try {
    if (lock.tookOverFrom) {
      const line = `took over the lock of pid ${lock.tookOverFrom.pid} on ${lock.tookOverFrom.host} (started ${lock.tookOverFrom.startedAt}), which is no longer running`;
      appendFileSync(join(request.dir, BENCH_FILES.log), `${nowIso()} ${line}\n`);
      request.onLog?.(line);
    }
    return await body();
  } finally {
    lock.release();
  }
}

/**
 * The bench's bench.json: with --resume the one there, checked against the cells asked for; else written new (and
 * refused when one exists). Returns the manifest that was there, if any.
 */
export function openManifest(request: Pick<BenchRequest, "dir" | "keys" | "manifest" | "resume">): BenchManifest | undefined {
  const { dir, keys } = request;
  const existing = readManifest(dir);
  if (existing && !request.resume)
    throw new BenchInputError(`${join(dir, BENCH_FILES.manifest)} exists: add --resume to continue that bench, or choose another --out`);
  if (existing) checkManifest(existing, keys, dir);
  else writeJsonAtomic(join(dir, BENCH_FILES.manifest), { schemaVersion: BENCH_SCHEMA_VERSION, createdAt: nowIso(), ...request.manifest, runs: keys.map(manifestEntry) } satisfies BenchManifest);
  return existing;
}

async function runBenchLocked(request: BenchRequest): Promise<BenchOutcome> {
  const { dir, keys } = request;
  const existing = openManifest(request);

  const interrupted = interruptedRuns(dir);
  const pending = keys.filter((k) => !isRunFinished(dir, k.id, interrupted));
  const progress: BenchProgress = { total: keys.length, skipped: keys.length - pending.length, done: 0, failed: 0, running: 0, remaining: pending.length };
  const outcome: BenchOutcome = { dir, total: keys.length, skipped: progress.skipped, succeeded: 0, failed: 0, interrupted: 0, stopped: false };
  appendEvent(dir, { type: "bench.started", ts: nowIso(), resumed: Boolean(existing), pending: pending.length });
  request.onProgress?.({ ...progress });
  const log = (line: string) => {
    appendFileSync(join(dir, BENCH_FILES.log), `${nowIso()} ${line}\n`);
    request.onLog?.(line);
  };
  if (progress.skipped > 0) log(`resuming: ${progress.skipped} finished run(s) kept, ${pending.length} to run`);

  const stop = new AbortController();
  const onStop = () => stop.abort(request.signal?.reason ?? new Error("stopped"));
  if (request.signal?.aborted) onStop();
  request.signal?.addEventListener("abort", onStop, { once: true });

  let next = 0;
  const inFlight = new Set<string>();
  const runOne = async (key: RunKey): Promise<void> => {
    const runDir = join(dir, BENCH_FILES.runs, key.id);
    if (existsSync(runDir)) moveAside(runDir, "unfinished");
    appendEvent(dir, { type: "run.started", ts: nowIso(), runId: key.id });
    inFlight.add(key.id);
    progress.running += 1;
    request.onProgress?.({ ...progress });
    const started = Date.now();
    const controller = new AbortController();
    const abortRun = () => controller.abort(new Error("bench stopped"));
    stop.signal.addEventListener("abort", abortRun, { once: true });
    let error: unknown;
    try {
      await request.runCell(key, runDir, controller.signal);
    } catch (caught) {
      error = caught;
    } finally {
      stop.signal.removeEventListener("abort", abortRun);
    }
    inFlight.delete(key.id);
    progress.running -= 1;
    progress.remaining -= 1;
    const durationMs = Date.now() - started;
    const state = runState(runDir);
    const recordFinished = isFinishedState(state);
    // A run that completed despite a stop counts; one cut short by the stop is left for --resume.
    if (stop.signal.aborted && (error !== undefined || !recordFinished)) {
      request.budget?.addRun(runDir);
      outcome.interrupted += 1;
      appendEvent(dir, { type: "run.finished", ts: nowIso(), runId: key.id, status: "failed", valid: false, score: null, durationMs, reason: `${INTERRUPTED} bench stopped` });
      log(`■ ${describe(key)} — interrupted (rerun with --resume)`);
      request.onProgress?.({ ...progress });
      return;
    }
    const run = settleRecord(runDir, key, error, request.version);
    request.budget?.addRun(runDir);
    const summary = scoreOf(runDir);
    // A run its budget stopped is finished (its best valid submission was graded): it counts by its outcome.
    if (run.status === "succeeded" || (run.status === "budget" && summary.valid)) {
      outcome.succeeded += 1;
      progress.done += 1;
    } else {
      outcome.failed += 1;
      progress.failed += 1;
    }
    appendEvent(dir, {
      type: "run.finished",
      ts: nowIso(),
      runId: key.id,
      status: run.status === "running" ? "failed" : run.status,
      valid: summary.valid,
      score: summary.score,
      durationMs,
      ...(run.failure ? { reason: run.failure.message } : {}),
    });
    const finishedCount = progress.skipped + progress.done + progress.failed;
    const what = run.status === "budget" ? `■ stopped by its budget: valid=${summary.valid}${run.budget?.reached ? ` (${run.budget.reached.detail})` : ""}` : run.status === "succeeded" ? `✓ valid=${summary.valid} score=${summary.score === null ? "—" : Number(summary.score.toPrecision(5))}` : `✗ failed: ${run.failure?.message ?? "no reason recorded"}`;
    log(`[${finishedCount}/${progress.total}] ${describe(key)} — ${what} (${(durationMs / 1000).toFixed(1)} s) → runs/${key.id}`);
    request.onProgress?.({ ...progress });
  };

  const budgetReached = (): boolean => {
    if (!outcome.budget) {
      const reached = request.budget?.reached();
      if (reached) {
        outcome.budget = reached;
        log(`bench budget reached (${reached.detail}): no new runs start; raise --budget-${reached.kind} and --resume to run the rest`);
      }
    }
    return outcome.budget !== undefined;
  };
  const worker = async () => {
    while (!stop.signal.aborted && next < pending.length && !budgetReached()) {
      const key = pending[next++] as RunKey;
      // The bench's own bookkeeping failing (disk full, a record it cannot write) must not strand the other runs.
      await runOne(key).catch((error: unknown) => {
        inFlight.delete(key.id);
        outcome.failed += 1;
        progress.failed += 1;
        log(`✗ ${describe(key)} — could not be recorded: ${(error as Error).message}`);
      });
    }
  };
  const workers = Array.from({ length: Math.min(request.parallel, pending.length) }, worker);
  const all = Promise.all(workers);
  if (request.stopGraceMs === undefined) await all;
  else {
    // After a stop, runs that ignore their abort signal get a grace period, then are left behind as
    // interrupted (their folders are moved aside and rerun by --resume).
    const grace = new Promise<void>((resolve) => {
      const arm = () => setTimeout(resolve, request.stopGraceMs).unref();
      if (stop.signal.aborted) arm();
      else stop.signal.addEventListener("abort", arm, { once: true });
    });
    await Promise.race([all, grace]);
    for (const id of inFlight) {
      outcome.interrupted += 1;
      appendEvent(dir, { type: "run.finished", ts: nowIso(), runId: id, status: "failed", valid: false, score: null, durationMs: 0, reason: `${INTERRUPTED} did not stop within the grace period` });
    }
  }
  request.signal?.removeEventListener("abort", onStop);

  if (stop.signal.aborted) {
    outcome.stopped = true;
    appendEvent(dir, { type: "bench.stopped", ts: nowIso(), reason: String((stop.signal.reason as Error | undefined)?.message ?? "stopped") });
    log(`stopped: ${outcome.succeeded + outcome.failed} run(s) finished this session, ${pending.length - next + outcome.interrupted} left for --resume`);
  } else if (outcome.budget) {
    appendEvent(dir, { type: "bench.stopped", ts: nowIso(), reason: `budget: ${outcome.budget.detail}` });
    log(`stopped by the bench budget: ${outcome.succeeded + outcome.failed} run(s) finished this session, ${pending.length - next} not started`);
  } else {
    appendEvent(dir, { type: "bench.finished", ts: nowIso(), done: outcome.succeeded, failed: outcome.failed });
    log(`finished: ${outcome.succeeded} succeeded, ${outcome.failed} failed, ${outcome.skipped} kept from earlier sessions`);
  }
  return outcome;
}

export function scoreOf(runDir: string): { valid: boolean; score: number | null } {
  try {
    const score = readScore(runDir);
    return { valid: score?.valid ?? false, score: score?.valid ? score.score : null };
  } catch {
    // A record whose score.json is unreadable still has a status; the report shows the problem.
    return { valid: false, score: null };
  }
}
