// The Slurm client commands the executor uses (sbatch, squeue, sacct, scontrol, scancel), behind one narrow
// interface; tests and the perf script use the real ones against a real cluster.
import { execFile } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";

const exec = promisify(execFile);

/** What Slurm says about one array task (`<jobId>_<index>`). */
export interface SlurmTaskState {
  /** PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, TIMEOUT, PREEMPTED, NODE_FAIL, OUT_OF_MEMORY, … */
  state: string;
  /** Slurm's reason (pending reason, or who cancelled), "" when none. */
  reason: string;
  /** `exit:signal`, e.g. "0:0", "1:0", "0:15". */
  exitCode: string;
  node: string;
}

export interface SlurmCommands {
  /**
   * Submits a job script from `cwd` with `options` before it (sbatch's own options, which override its #SBATCH
   * lines); returns the job id. Throws SlurmCommandError with Slurm's message.
   */
  sbatch(submission: { script: string; cwd: string; options?: readonly string[] }): Promise<string>;
  /**
   * What Slurm says about these jobs' array tasks, keyed `<jobId>_<index>` (read it through taskState()); also
   * `<jobId>_*` for accounting's record of never-split tasks and `<jobId>_live` when the controller still knows
   * the job.
   */
  states(jobIds: readonly string[]): Promise<Map<string, SlurmTaskState>>;
  /** scancel; `pendingOnly` cancels only the tasks that have not started. */
  cancel(jobIds: readonly string[], options?: { pendingOnly?: boolean }): Promise<void>;
}

/** A Slurm command failed: the message is Slurm's own. */
export class SlurmCommandError extends Error {
  override name = "SlurmCommandError";
}

/** States after which an array task will not run again (unless requeued, which shows as PENDING). */
export const TERMINAL_STATES = new Set([
  "COMPLETED",
  "FAILED",
  "CANCELLED",
  "TIMEOUT",
  "PREEMPTED",
  "NODE_FAIL",
  "OUT_OF_MEMORY",
  "BOOT_FAIL",
  "DEADLINE",
  "REVOKED",
  "SPECIAL_EXIT",
]);

/** The folder on PATH that holds `command`, or undefined. */
export function findOnPath(command: string, path: string | undefined): string | undefined {
  for (const dir of (path ?? "").split(delimiter).filter(Boolean)) {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return join(dir, command);
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Parses `sbatch --parsable` output: `<jobId>[;<cluster>]`. */
export function parseSbatchOutput(stdout: string): string {
  const id = stdout.trim().split("\n").pop()?.split(";")[0]?.trim() ?? "";
  if (!/^\d+$/.test(id)) throw new SlurmCommandError(`sbatch printed no job id (got '${stdout.trim()}')`);
  return id;
}

/** Expands an array-index expression such as `1-3,7,9-11%2` (the `%` throttle is dropped). */
export function expandIndices(text: string): number[] {
  const out: number[] = [];
  for (const part of text.replace(/%\d+$/, "").split(",")) {
    const [a, b] = part.split("-").map(Number);
    if (a === undefined || !Number.isInteger(a)) continue;
    const end = b === undefined ? a : b;
    for (let i = a; i <= end && Number.isInteger(end); i++) out.push(i);
  }
  return out;
}

/**
 * Parses `<id>|<state>|<reason>|<exit>|<node>` lines (squeue and sacct, formats below). Array tasks are
 * `<job>_<index>`; a pending range `<job>_[2-5]` is expanded; a bare `<job>` (accounting's record of the tasks never
 * split off, e.g. cancelled while pending) is kept as `<job>_*`; job steps (`.batch`) are skipped.
 */
export function parseStateLines(stdout: string): Map<string, SlurmTaskState> {
  const out = new Map<string, SlurmTaskState>();
  for (const line of stdout.split("\n")) {
    const [id, state, reason, exitCode, node] = line.split("|").map((s) => s.trim());
    if (!id || !state) continue;
    const value = { state: state.split(/\s+/)[0] ?? state, reason: reason === "None" ? "" : (reason ?? ""), exitCode: exitCode ?? "", node: node === "None assigned" ? "" : (node ?? "") };
    const range = /^(\d+)_\[([\d,%-]+)\]$/.exec(id);
    if (/^\d+_\d+$/.test(id)) out.set(id, value);
    else if (range) for (const i of expandIndices(range[2]!)) out.set(`${range[1]}_${i}`, value);
    else if (/^\d+$/.test(id)) out.set(`${id}_*`, value);
  }
  return out;
}

/**
 * The state of one array task, given everything Slurm said about its job. A pending task cancelled before it was
 * split off leaves no record of its own: absent from the live view and from accounting, it was cancelled.
 */
export function taskState(states: ReadonlyMap<string, SlurmTaskState>, task: string): SlurmTaskState | undefined {
  const own = states.get(task);
  if (own) return own;
  const job = task.split("_")[0] ?? task;
  const rest = states.get(`${job}_*`);
  if (rest && TERMINAL_STATES.has(rest.state)) return rest;
  if (states.has(`${job}_live`)) return { state: "CANCELLED", reason: "cancelled before it started", exitCode: "", node: "" };
  // Neither the controller nor accounting knows the task.
  return rest ?? { state: "CANCELLED", reason: "unknown to Slurm", exitCode: "", node: "" };
}

/** Parses `scontrol show job -o` (one job per line): the fallback when accounting (sacct) is not configured. */
export function parseScontrolJobs(stdout: string): Map<string, SlurmTaskState> {
  const out = new Map<string, SlurmTaskState>();
  for (const line of stdout.split("\n")) {
    const field = (name: string) => new RegExp(`(?:^|\\s)${name}=(\\S*)`).exec(line)?.[1] ?? "";
    const job = field("ArrayJobId");
    const task = field("ArrayTaskId");
    if (!job || !/^\d+$/.test(task)) continue;
    const reason = field("Reason");
    out.set(`${job}_${task}`, { state: field("JobState"), reason: reason === "None" ? "" : reason, exitCode: field("ExitCode"), node: field("NodeList") });
  }
  return out;
}

function firstLines(error: unknown): string {
  const e = error as { stderr?: string; message?: string };
  const text = (e.stderr?.trim() || e.message || String(error)).split("\n").filter(Boolean);
  return text.slice(0, 3).join(" ");
}

/** The real Slurm client commands, run with `env` (PATH and SLURM_CONF decide which cluster). */
export function realSlurmCommands(env: NodeJS.ProcessEnv = process.env): SlurmCommands {
  const run = async (command: string, args: string[], cwd?: string): Promise<string> => {
    try {
      const { stdout } = await exec(command, args, { env, maxBuffer: 16 * 1024 ** 2, ...(cwd ? { cwd } : {}) });
      return stdout;
    } catch (error) {
      throw new SlurmCommandError(firstLines(error));
    }
  };
  return {
    async sbatch({ script, cwd, options = [] }) {
      return parseSbatchOutput(await run("sbatch", ["--parsable", ...options, script], cwd));
    },
    async states(jobIds) {
      if (jobIds.length === 0) return new Map();
      const ids = jobIds.join(",");
      let states: Map<string, SlurmTaskState>;
      try {
        states = parseStateLines(await run("sacct", ["-n", "-P", "-X", "-j", ids, "-o", "JobID,State,Reason,ExitCode,NodeList"]));
      } catch {
        // No accounting storage: the controller still knows recent jobs (MinJobAge).
        states = new Map();
        for (const id of jobIds) {
          const text = await run("scontrol", ["show", "job", "-o", id]).catch(() => "");
          for (const [k, v] of parseScontrolJobs(text)) states.set(k, v);
        }
      }
      // squeue is the controller's live view (with -t all also the recently ended tasks): fresher than accounting.
      // A job it no longer knows at all has left the controller; then only accounting speaks for it.
      for (const id of jobIds) {
        const text = await run("squeue", ["-h", "-r", "-t", "all", "-j", id, "-o", "%i|%T|%r|-|%N"]).catch((error: unknown) => {
          if (/Invalid job id/i.test((error as Error).message)) return undefined;
          throw error;
        });
        if (text === undefined) continue;
        for (const [k, v] of parseStateLines(text)) states.set(k, { ...v, exitCode: states.get(k)?.exitCode ?? "" });
        states.set(`${id}_live`, { state: "LIVE", reason: "", exitCode: "", node: "" });
      }
      return states;
    },
    async cancel(jobIds, options = {}) {
      if (jobIds.length === 0) return;
      await run("scancel", [...(options.pendingOnly ? ["--state=PENDING"] : []), ...jobIds]);
    },
  };
}
