// The Slurm executor: a bench's cells as ONE sbatch job array (one array task per cell, each running
// `linguacodus bench-cell` on its node), followed through squeue/sacct and the run folders with the same
// progress, log and end report as the local executor. Slurm does the scheduling; this only submits and watches.
//   <bench>/slurm/state.json          submissions (job id → cells) and which outcomes are recorded
//   <bench>/slurm/submit-<n>.sbatch    the job script (resubmittable by hand), submit-<n>.cells.json its cells
//   <bench>/slurm/logs/<job>_<i>.out   each array task's stdout/stderr
// A cell whose job failed, timed out, was cancelled or preempted gets a failed run record naming the Slurm state
// and reason; `--resume` resubmits only cells that are unfinished or were stopped by Slurm.
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { readJsonFile } from "../../core/index.js";
import { dirname, join } from "node:path";
import { z } from "zod";
import { readRunJson, writeJsonAtomic, type RunJson } from "../../execution/index.js";
import { BenchInputError, type RunKey } from "../matrix.js";
import { BENCH_FILES, INTERRUPTED, interruptedRuns, isFinishedState, readManifest, type BenchManifest } from "../manifest.js";
import { appendEvent, describe, isRunFinished, moveAside, openManifest, recordFailure, runState, scoreOf, withBenchLock, type BenchOutcome, type BenchProgress } from "../runner.js";
import { renderJobScript, sbatchDirectives, sbatchPathOptions, type CellImage, type SlurmResources } from "./job-script.js";
import { SlurmCommandError, TERMINAL_STATES, taskState, type SlurmCommands, type SlurmTaskState } from "./slurm-commands.js";

export const SLURM_DIR = "slurm";

const SubmissionSchema = z.object({
  jobId: z.string(),
  submittedAt: z.string(),
  script: z.string(),
  cellsFile: z.string(),
  cells: z.array(z.string()),
});
const SlurmStateSchema = z.object({
  submissions: z.array(SubmissionSchema),
  /** cell id → `<job>_<index>` whose outcome is already recorded. */
  reported: z.record(z.string(), z.string()),
});
export type SlurmState = z.infer<typeof SlurmStateSchema>;
export type Submission = z.infer<typeof SubmissionSchema>;

const statePath = (dir: string) => join(dir, SLURM_DIR, "state.json");

export function readSlurmState(dir: string): SlurmState {
  const path = statePath(dir);
  if (!existsSync(path)) return { submissions: [], reported: {} };
  return readJsonFile(path, SlurmStateSchema, { toError: (message) => new BenchInputError(message) });
}

function writeSlurmState(dir: string, state: SlurmState): void {
  writeJsonAtomic(statePath(dir), state);
}

/** The newest array task of each cell: `<job>_<index>`. */
export function latestTasks(state: SlurmState): Map<string, { task: string; submission: Submission }> {
  const out = new Map<string, { task: string; submission: Submission }>();
  for (const submission of state.submissions) submission.cells.forEach((cell, i) => out.set(cell, { task: `${submission.jobId}_${i}`, submission }));
  return out;
}

export interface SlurmBenchRequest {
  dir: string;
  keys: RunKey[];
  manifest: Omit<BenchManifest, "schemaVersion" | "createdAt" | "runs">;
  resume: boolean;
  version: string;
  commands: SlurmCommands;
  resources: SlurmResources;
  /** `<node> <cli> bench-cell`: what each array task runs. */
  cellCommand: readonly string[];
  /** Where the job runs from (relative task and replay paths were given from here). */
  cwd: string;
  /** Docker sandbox: the image each node needs (undefined with --sandbox local). */
  image?: CellImage;
  /** Submit and return without following. */
  detach?: boolean;
  /** First Ctrl-C: no new cells start (pending array tasks are cancelled); running ones finish. */
  signal?: AbortSignal;
  /** Second Ctrl-C: scancel every job of the bench. */
  cancelSignal?: AbortSignal;
  pollMs?: number;
  onProgress?: (progress: BenchProgress) => void;
  onLog?: (line: string) => void;
}

export interface SlurmOutcome extends BenchOutcome {
  jobIds: string[];
  detached: boolean;
}

const nowIso = () => new Date().toISOString();

/** Fails early with the fix when the bench folder cannot be written (the nodes write into it too). */
export function checkWritable(dir: string): void {
  try {
    mkdirSync(join(dir, SLURM_DIR, "logs"), { recursive: true });
    const probe = join(dir, SLURM_DIR, `.write-test-${process.pid}`);
    writeFileSync(probe, "");
    rmSync(probe);
  } catch (error) {
    // mkdir -p reports ENOENT when a parent cannot be created: the nearest folder that exists says why.
    let code = (error as NodeJS.ErrnoException).code ?? "error";
    let existing = dir;
    while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
    try {
      const probe = join(existing, `.linguacodus-write-test-${process.pid}`);
      writeFileSync(probe, "");
      rmSync(probe);
    } catch (probeError) {
      code = (probeError as NodeJS.ErrnoException).code ?? code;
    }
    throw new BenchInputError(
      `bench folder ${dir} is not writable (${code}): give --out a folder you can write, on a filesystem every Slurm node shares`,
    );
  }
}

/** What a cell's Slurm outcome means for its record: the failure line when Slurm stopped it. */
export function slurmFailure(task: string, state: SlurmTaskState, logFile: string): string {
  const reason = state.reason ? ` (${state.reason})` : "";
  const exit = state.exitCode && state.exitCode !== "0:0" ? `, exit ${state.exitCode}` : "";
  return `Slurm job ${task} ended ${state.state}${reason}${exit}${state.node ? ` on ${state.node}` : ""}; log: ${logFile}`;
}

interface Tally {
  progress: BenchProgress;
  outcome: SlurmOutcome;
  /** Cells we cancelled ourselves (Ctrl-C): recorded as interrupted, not as failed. */
  cancelledByUs: Set<string>;
  seenRunning: Set<string>;
}

/**
 * Looks at every cell whose newest array task has no recorded outcome yet: a task that ended gets its outcome
 * recorded (the run's own record, or a failed record with the Slurm state); returns how many are still queued or
 * running. Shared by the follower and `bench --status`.
 */
export async function reconcile(
  dir: string,
  keys: readonly RunKey[],
  commands: SlurmCommands,
  version: string,
  tally?: Tally,
  log: (line: string) => void = () => undefined,
): Promise<{ pending: number; running: number; states: Map<string, SlurmTaskState> }> {
  const state = readSlurmState(dir);
  const latest = latestTasks(state);
  const open = [...latest].filter(([cell, { task }]) => state.reported[cell] !== task);
  const jobIds = [...new Set(open.map(([, { submission }]) => submission.jobId))];
  const states = await commands.states(jobIds);
  const byId = new Map(keys.map((k) => [k.id, k]));
  let pending = 0;
  let running = 0;
  let changed = false;
  for (const [cell, { task }] of open) {
    const key = byId.get(cell);
    if (!key) continue;
    const slurm = taskState(states, task);
    if (!slurm || !TERMINAL_STATES.has(slurm.state)) {
      // Not known yet (just submitted) counts as queued.
      if (slurm?.state === "RUNNING" || slurm?.state === "COMPLETING") {
        running += 1;
        if (tally && !tally.seenRunning.has(cell)) {
          tally.seenRunning.add(cell);
          appendEvent(dir, { type: "run.started", ts: nowIso(), runId: cell });
        }
      } else pending += 1;
      continue;
    }
    const runDir = join(dir, BENCH_FILES.runs, cell);
    const logFile = join(dir, SLURM_DIR, "logs", `${task}.out`);
    let run: RunJson | undefined = isFinishedState(runState(runDir)) ? readRunJson(runDir) : undefined;
    const ours = tally?.cancelledByUs.has(cell) && slurm.state === "CANCELLED";
    // Stopped by Slurm: no finished record, or a failed one written while the cell stopped on SIGTERM (the run
    // records its own end at the next checkpoint). A task that exited by itself (COMPLETED) has its outcome recorded.
    const stoppedBySlurm = !run || (slurm.state !== "COMPLETED" && run.status === "failed");
    if (!run) run = recordFailure(runDir, key, slurmFailure(task, slurm, logFile), version);
    const durationMs = run.finishedAt ? Math.max(0, Date.parse(run.finishedAt) - Date.parse(run.createdAt)) : 0;
    const summary = scoreOf(runDir);
    appendEvent(dir, {
      type: "run.finished",
      ts: nowIso(),
      runId: cell,
      status: run.status === "succeeded" ? "succeeded" : "failed",
      valid: summary.valid,
      score: summary.score,
      durationMs,
      // A cell Slurm stopped is rerun by --resume, like a cell the local runner interrupted.
      ...(stoppedBySlurm ? { reason: `${INTERRUPTED} ${slurmFailure(task, slurm, logFile)}` } : run.failure ? { reason: run.failure.message } : {}),
    });
    state.reported[cell] = task;
    changed = true;
    if (tally) {
      const { progress, outcome } = tally;
      progress.remaining -= 1;
      if (ours) outcome.interrupted += 1;
      else if (run.status === "succeeded") {
        outcome.succeeded += 1;
        progress.done += 1;
      } else {
        outcome.failed += 1;
        progress.failed += 1;
      }
      const finishedCount = progress.skipped + progress.done + progress.failed;
      const what = ours
        ? "interrupted (rerun with --resume)"
        : run.status === "succeeded"
          ? `✓ valid=${summary.valid} score=${summary.score === null ? "—" : Number(summary.score.toPrecision(5))}`
          : `✗ failed: ${run.failure?.message ?? "no reason recorded"}`;
      log(`[${finishedCount}/${progress.total}] ${describe(key)} — ${what} (${(durationMs / 1000).toFixed(1)} s) → runs/${cell}`);
    }
  }
  if (changed) writeSlurmState(dir, state);
  if (tally) tally.progress.running = running;
  return { pending, running, states };
}

/** The paths a job array's sbatch call carries. */
const slurmPaths = (request: SlurmBenchRequest) => ({ benchDir: request.dir, logDir: join(request.dir, SLURM_DIR, "logs"), cwd: request.cwd });

/** Writes the job script and cells file of a new submission and submits it; returns the job id. */
async function submit(request: SlurmBenchRequest, cells: string[]): Promise<Submission> {
  const dir = request.dir;
  const state = readSlurmState(dir);
  const n = state.submissions.length + 1;
  const script = join(dir, SLURM_DIR, `submit-${n}.sbatch`);
  const cellsFile = join(dir, SLURM_DIR, `submit-${n}.cells.json`);
  writeFileSync(cellsFile, `${JSON.stringify(cells, null, 2)}\n`);
  const paths = slurmPaths(request);
  writeFileSync(
    script,
    renderJobScript({
      ...paths,
      cellsFile,
      cellCount: cells.length,
      cellCommand: request.cellCommand,
      resources: request.resources,
      ...(request.image ? { image: request.image } : {}),
    }),
    { mode: 0o755 },
  );
  let jobId: string;
  try {
    jobId = await request.commands.sbatch({ script, cwd: request.cwd, options: sbatchPathOptions(paths) });
  } catch (error) {
    throw new BenchInputError(`Slurm refused the job array: ${(error as Error).message}. ${fixFor((error as Error).message)} (job script: ${script}; bench.json is kept: fix it and rerun with --resume)`);
  }
  const submission: Submission = { jobId, submittedAt: nowIso(), script, cellsFile, cells };
  state.submissions.push(submission);
  writeSlurmState(dir, state);
  // The job ids also go into bench.json, for anyone reading the bench without this executor.
  const manifest = readManifest(dir);
  if (manifest) writeJsonAtomic(join(dir, BENCH_FILES.manifest), { ...manifest, options: { ...manifest.options, slurm: { ...manifest.options.slurm, jobIds: state.submissions.map((s) => s.jobId) } } });
  return submission;
}

/** The fix for the usual ways sbatch refuses a job. */
export function fixFor(message: string): string {
  if (/partition/i.test(message)) return "Fix: give --slurm-partition one of the partitions `sinfo -s` lists (or leave it out for the default partition).";
  if (/time limit/i.test(message)) return "Fix: give a --slurm-time within the partition's limit (`sinfo -o '%P %l'`).";
  if (/memory|mem/i.test(message)) return "Fix: ask for less --slurm-mem (`sinfo -o '%P %m'` shows what nodes have).";
  if (/gres|gpu/i.test(message)) return "Fix: ask for GPUs on a partition that has them (`sinfo -o '%P %G'`), or drop --slurm-gpus.";
  if (/account|association|qos/i.test(message)) return "Fix: pass your account or QOS with --slurm-extra \"--account=<name> --qos=<name>\".";
  if (/munge|authentication|connect|slurmctld/i.test(message)) return "Fix: check that this machine can reach the Slurm controller (`sinfo`, `scontrol ping`).";
  return "Fix: see the sbatch message above (`sbatch --test-only <job script>` reproduces it).";
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs a bench (or its unfinished part) as a Slurm job array and follows it to the end (unless detached). */
export async function runSlurmBench(request: SlurmBenchRequest): Promise<SlurmOutcome> {
  // What no job script can carry is refused before anything is written or submitted.
  sbatchPathOptions(slurmPaths(request));
  sbatchDirectives(request.resources);
  checkWritable(request.dir);
  mkdirSync(join(request.dir, BENCH_FILES.runs), { recursive: true });
  return withBenchLock(request, () => submitAndFollow(request));
}

async function submitAndFollow(request: SlurmBenchRequest): Promise<SlurmOutcome> {
  const { dir, keys } = request;
  const pollMs = request.pollMs ?? 2000;
  const existing = openManifest(request);

  const logLine = (line: string) => {
    writeFileSync(join(dir, BENCH_FILES.log), `${nowIso()} ${line}\n`, { flag: "a" });
    request.onLog?.(line);
  };
  // Cells already queued or running under an earlier submission are followed, not submitted again.
  const before = await reconcile(dir, keys, request.commands, request.version, undefined, logLine);
  const state = readSlurmState(dir);
  const latest = latestTasks(state);
  const active = new Set([...latest].filter(([cell, { task }]) => state.reported[cell] !== task).map(([cell]) => cell));
  const interrupted = interruptedRuns(dir);
  const unfinished = keys.filter((k) => !isRunFinished(dir, k.id, interrupted));
  const toSubmit = unfinished.filter((k) => !active.has(k.id));
  const progress: BenchProgress = { total: keys.length, skipped: keys.length - unfinished.length, done: 0, failed: 0, running: before.running, remaining: unfinished.length };
  const outcome: SlurmOutcome = { dir, total: keys.length, skipped: progress.skipped, succeeded: 0, failed: 0, interrupted: 0, stopped: false, jobIds: [], detached: Boolean(request.detach) };
  const tally: Tally = { progress, outcome, cancelledByUs: new Set(), seenRunning: new Set() };
  appendEvent(dir, { type: "bench.started", ts: nowIso(), resumed: Boolean(existing), pending: unfinished.length });
  if (progress.skipped > 0 || active.size > 0) logLine(`resuming: ${progress.skipped} finished run(s) kept, ${active.size} still in Slurm, ${toSubmit.length} to submit`);
  request.onProgress?.({ ...progress });

  if (toSubmit.length > 0 && !request.signal?.aborted) {
    // A resubmitted cell starts from an empty folder; what an earlier attempt left is kept aside.
    for (const key of toSubmit) if (existsSync(join(dir, BENCH_FILES.runs, key.id))) moveAside(join(dir, BENCH_FILES.runs, key.id), "unfinished");
    const submission = await submit(request, toSubmit.map((k) => k.id));
    logLine(`submitted job array ${submission.jobId} (${toSubmit.length} cell(s)); job script ${submission.script}`);
  }
  outcome.jobIds = [...new Set(readSlurmState(dir).submissions.map((s) => s.jobId))];
  if (request.detach) {
    logLine(`detached: follow with 'linguacodus bench --status ${dir}'`);
    return outcome;
  }

  const openJobs = () => {
    const s = readSlurmState(dir);
    return [...new Set([...latestTasks(s)].filter(([cell, { task }]) => s.reported[cell] !== task).map(([, { submission }]) => submission.jobId))];
  };
  let stopAsked = false;
  let cancelAsked = false;
  const cancelOpen = async (pendingOnly: boolean) => {
    const s = readSlurmState(dir);
    const live = await request.commands.states(openJobs());
    for (const [cell, { task }] of latestTasks(s))
      if (s.reported[cell] !== task && (!pendingOnly || (taskState(live, task)?.state ?? "PENDING") === "PENDING")) tally.cancelledByUs.add(cell);
    await request.commands.cancel(openJobs(), { pendingOnly }).catch((error: unknown) => logLine(`scancel: ${(error as Error).message}`));
  };
  for (;;) {
    if (request.cancelSignal?.aborted && !cancelAsked) {
      cancelAsked = true;
      logLine("cancelling the bench's Slurm jobs (scancel); --resume reruns them");
      await cancelOpen(false);
    } else if (request.signal?.aborted && !stopAsked) {
      stopAsked = true;
      logLine("stopping: cells not yet started are cancelled; the running ones finish (Ctrl-C again to cancel them too)");
      await cancelOpen(true);
    }
    let status;
    try {
      status = await reconcile(dir, keys, request.commands, request.version, tally, logLine);
    } catch (error) {
      if (!(error instanceof SlurmCommandError)) throw error;
      logLine(`Slurm did not answer (${error.message}); trying again`);
      await sleep(pollMs);
      continue;
    }
    request.onProgress?.({ ...progress });
    if (status.pending + status.running === 0) break;
    await sleep(pollMs);
  }
  if (stopAsked || cancelAsked) {
    outcome.stopped = true;
    appendEvent(dir, { type: "bench.stopped", ts: nowIso(), reason: "interrupted by Ctrl-C" });
    logLine(`stopped: ${outcome.succeeded + outcome.failed} run(s) finished this session, ${outcome.interrupted} left for --resume`);
  } else {
    appendEvent(dir, { type: "bench.finished", ts: nowIso(), done: outcome.succeeded, failed: outcome.failed });
    logLine(`finished: ${outcome.succeeded} succeeded, ${outcome.failed} failed, ${outcome.skipped} kept from earlier sessions`);
  }
  return outcome;
}

export interface BenchStatus {
  dir: string;
  total: number;
  succeeded: number;
  failed: number;
  running: number;
  pending: number;
  /** Cells with no finished record and nothing in Slurm. */
  notStarted: number;
  /** Cells `--resume` would run: not started, interrupted, or stopped by Slurm (failed with a Slurm state). */
  toRerun: number;
  jobIds: string[];
  /** Slurm state → array tasks, over the cells whose outcome is not recorded yet. */
  slurmStates: Record<string, number>;
}

/** Where a bench stands; with Slurm submissions, ended array tasks get their outcome recorded first. */
export async function benchStatus(dir: string, keys: readonly RunKey[], commands: SlurmCommands | undefined, version: string): Promise<BenchStatus> {
  const state = readSlurmState(dir);
  let live = { pending: 0, running: 0, states: new Map<string, SlurmTaskState>() };
  if (commands && state.submissions.length) live = await reconcile(dir, keys, commands, version);
  const after = readSlurmState(dir);
  const latest = latestTasks(after);
  const active = new Set([...latest].filter(([cell, { task }]) => after.reported[cell] !== task).map(([cell]) => cell));
  const interrupted = interruptedRuns(dir);
  const status: BenchStatus = { dir, total: keys.length, succeeded: 0, failed: 0, running: live.running, pending: live.pending, notStarted: 0, toRerun: 0, jobIds: after.submissions.map((s) => s.jobId), slurmStates: {} };
  for (const key of keys) {
    if (active.has(key.id)) continue;
    if (!isRunFinished(dir, key.id, interrupted)) status.toRerun += 1;
    const record = runState(join(dir, BENCH_FILES.runs, key.id));
    if (record === "succeeded") status.succeeded += 1;
    else if (record === "failed") status.failed += 1;
    else status.notStarted += 1;
  }
  for (const [, { task }] of latest) {
    const s = taskState(live.states, task)?.state;
    if (s) status.slurmStates[s] = (status.slurmStates[s] ?? 0) + 1;
  }
  return status;
}
