// `bench --executor slurm` on a real single-node Slurm cluster (.ci/slurm.sh): one job array per submission, the
// same run records as the local executor with replayed models, a cell cancelled with scancel recorded as failed
// (with the Slurm state) and rerun by --resume, Ctrl-C twice leaving nothing in squeue, and bad input rejected
// with the fix.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readRunJson, readScore, summarizeRun } from "../../execution/index.js";
import { readManifest } from "../../benchmarks/manifest.js";
import { TERMINAL_STATES, readSlurmState } from "../../benchmarks/executors/index.js";
import { buildCli, linguacodus } from "../support/cli.js";
import { until } from "../support/wait.js";
import { cleanUp, events, recordBench, sleep, slurm, slurmUp, type Recorded } from "./support.js";

let root: string;
let env: NodeJS.ProcessEnv;
let recorded: Recorded;
let local: string;

const benchArgs = (out: string) => ["bench", ...recorded.tasks.map((t) => t.dir), "--modes", "linguacodus,direct", "--models", `label=scripted;all=replay:${recorded.dir}`, "--no-report", "--out", out];
const jobTasks = (jobId: string) =>
  slurm("sacct", ["-n", "-P", "-X", "-j", jobId, "-o", "JobID,State"], env)
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((l) => l.split("|") as [string, string]);
/**
 * The accounting's record of a finished job's `count` array tasks. slurmdbd learns of each task's end after the
 * controller does (the executor trusts squeue first for that reason), so one read right after the bench may miss a
 * task: wait, bounded, until all `count` tasks are there in a terminal state.
 */
async function settledJobTasks(jobId: string, count: number, ms = 60_000): Promise<[string, string][]> {
  const end = Date.now() + ms;
  for (;;) {
    const tasks = jobTasks(jobId);
    if (tasks.length >= count && tasks.every(([, state]) => TERMINAL_STATES.has(state.split(" ")[0]!))) return tasks;
    if (Date.now() > end) throw new Error(`sacct still had ${JSON.stringify(tasks)} for job ${jobId} after ${ms} ms (expected ${count} ended tasks)`);
    await sleep(250);
  }
}

beforeAll(async () => {
  env = { ...slurmUp(), LINGUACODUS_SLURM_POLL_MS: "300" };
  root = mkdtempSync(join(tmpdir(), "lc-slurm-"));
  env.LINGUACODUS_HOME = join(root, "home");
  await buildCli();
  recorded = await recordBench(root);
  local = join(root, "local");
  const r = await linguacodus([...benchArgs(local), "--json"], env);
  if (r.code !== 0) throw new Error(`local bench failed: ${r.stderr}`);
}, 1_200_000);

afterAll(() => cleanUp(root, env));

describe("bench --executor slurm on a real cluster", () => {
  it("runs every cell as one job array and records the same runs as the local executor", async () => {
    const out = join(root, "slurm");
    const r = await linguacodus([...benchArgs(out), "--executor", "slurm", "--slurm-cpus", "1", "--json"], env);
    expect(r.code, r.stderr).toBe(0);
    const outcome = JSON.parse(r.stdout) as { succeeded: number; failed: number; jobIds: string[] };
    expect(outcome).toMatchObject({ succeeded: 4, failed: 0 });
    // one array: the four cells are tasks 0..3 of a single job, all COMPLETED
    expect(outcome.jobIds).toHaveLength(1);
    expect(readManifest(out)!.options.slurm).toMatchObject({ jobIds: outcome.jobIds });
    const tasks = await settledJobTasks(outcome.jobIds[0]!, 4);
    expect(tasks.map(([id]) => id).sort()).toEqual([0, 1, 2, 3].map((i) => `${outcome.jobIds[0]}_${i}`));
    expect(tasks.every(([, state]) => state === "COMPLETED")).toBe(true);
    // the job script is in the bench folder
    const script = readFileSync(join(out, "slurm", "submit-1.sbatch"), "utf8");
    expect(script).toMatch(/#SBATCH --array=0-3\n/);
    expect(script).toContain("docker image inspect");
    // the same records, run by run
    const ids = readManifest(local)!.runs.map((r) => r.id);
    expect(readManifest(out)!.runs.map((r) => r.id)).toEqual(ids);
    for (const id of ids) {
      const a = join(local, "runs", id);
      const b = join(out, "runs", id);
      expect(readRunJson(b).status).toBe(readRunJson(a).status);
      expect(readScore(b)).toEqual(readScore(a));
      const [sa, sb] = [summarizeRun(a), summarizeRun(b)];
      expect([sb.valid, sb.score, sb.attemptsUsed, sb.firstAttemptSuccess]).toEqual([sa.valid, sa.score, sa.attemptsUsed, sa.firstAttemptSuccess]);
      expect(readScore(b)?.valid).toBe(true);
    }
    expect(r.stderr).toMatch(/\[4\/4\] .* — ✓ valid=true/);
  }, 900_000);

  it("records a cell cancelled with scancel as failed with the Slurm state, and --resume reruns only it", async () => {
    const out = join(root, "cancelled");
    // Held: nothing starts until released, so the cancel hits a known cell.
    const submitted = await linguacodus([...benchArgs(out), "--executor", "slurm", "--detach", "--slurm-extra", "--hold", "--json"], env);
    expect(submitted.code, submitted.stderr).toBe(0);
    const jobId = (JSON.parse(submitted.stdout) as { jobIds: string[] }).jobIds[0]!;
    const cells = readSlurmState(out).submissions[0]!.cells;
    slurm("scancel", [`${jobId}_0`], env);
    // Wait until the controller's live view no longer has the task pending — the view the executor trusts: a task
    // cancelled while pending was never split off, so accounting may keep no record of its own for it at all.
    await until("squeue to drop the cancelled task", () => !slurm("squeue", ["-h", "-r", "-t", "PENDING", "-j", jobId, "-o", "%i"], env).split("\n").includes(`${jobId}_0`));

    const status = await linguacodus(["bench", "--status", out, "--json"], env);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ total: 4, failed: 1, succeeded: 0, pending: 3, toRerun: 1 });
    const cancelled = readRunJson(join(out, "runs", cells[0]!));
    expect(cancelled.status).toBe("failed");
    expect(cancelled.failure?.message).toMatch(new RegExp(`^Slurm job ${jobId}_0 ended CANCELLED`));

    slurm("scontrol", ["release", jobId], env);
    const resumed = await linguacodus(["bench", "--resume", "--out", out, "--executor", "slurm", "--json", "--no-report"], env);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain("3 still in Slurm, 1 to submit");
    const outcome = JSON.parse(resumed.stdout) as { succeeded: number; failed: number; jobIds: string[] };
    expect(outcome).toMatchObject({ succeeded: 4, failed: 0 });
    expect(outcome.jobIds).toHaveLength(2);
    // the second array holds only the cancelled cell
    expect(readSlurmState(out).submissions[1]!.cells).toEqual([cells[0]]);
    expect(await settledJobTasks(outcome.jobIds[1]!, 1)).toEqual([[`${outcome.jobIds[1]}_0`, "COMPLETED"]]);
    expect(readRunJson(join(out, "runs", cells[0]!)).status).toBe("succeeded");
    // the cancelled attempt is kept aside, not deleted
    expect(readdirSync(join(out, "interrupted")).some((n) => n.startsWith(cells[0]!))).toBe(true);
  }, 900_000);

  it("Ctrl-C once cancels the cells not yet started, twice cancels the running one: nothing left in squeue", async () => {
    const out = join(root, "ctrl-c");
    const run = linguacodus([...benchArgs(out), "--executor", "slurm", "--slurm-extra", "--hold"], env);
    let jobId: string | undefined;
    await until("the bench to submit its array", () => {
      jobId = existsSync(join(out, "slurm", "state.json")) ? readSlurmState(out).submissions[0]?.jobId : undefined;
      return jobId !== undefined;
    });
    // one cell runs; the other three wait
    slurm("scontrol", ["release", `${jobId}_0`], env);
    await until("the released task to run", () => slurm("squeue", ["-h", "-r", "-j", jobId!, "-t", "RUNNING", "-o", "%i"], env).trim() !== "");
    run.child.kill("SIGINT");
    await until("the first Ctrl-C to cancel the waiting tasks", () => slurm("squeue", ["-h", "-r", "-j", jobId!, "-t", "PENDING", "-o", "%i"], env).trim() === "");
    expect(slurm("squeue", ["-h", "-r", "-j", jobId!, "-o", "%i %T"], env).trim()).toBe(`${jobId}_0 RUNNING`);
    // The running cell is inside its run (its record says running), so SIGTERM stops it at the next checkpoint and
    // the run records its own failed end: that cell, too, must be left for --resume.
    const runningCell = readSlurmState(out).submissions[0]!.cells[0]!;
    const runJson = join(out, "runs", runningCell, "run.json");
    await until("the running cell's record to say running", () => existsSync(runJson) && readRunJson(join(out, "runs", runningCell)).status === "running");
    run.child.kill("SIGINT");
    const result = await run;
    expect(result.code, result.stderr).toBe(130);
    expect(result.stderr).toContain("cancelling the bench's Slurm jobs (scancel)");
    expect(slurm("squeue", ["-h", "-j", jobId!], env).trim()).toBe("");
    // every cell is left for --resume
    const finished = events(out).filter((e) => e.type === "run.finished");
    expect(finished).toHaveLength(4);
    expect(finished.flatMap((e) => (e.type === "run.finished" && e.reason?.startsWith("interrupted:") ? [] : [e]))).toEqual([]);
    expect(readRunJson(join(out, "runs", runningCell)).failure?.message).toBe("stopped by Slurm");
    const status = await linguacodus(["bench", "--status", out, "--json"], env);
    expect(JSON.parse(status.stdout)).toMatchObject({ total: 4, toRerun: 4 });
  }, 900_000);
});

describe("bench --executor slurm: hostile paths (issue 21 item 4)", () => {
  it("an --out holding a newline + command, spaces, quotes, $, backticks and %j: the job runs there and no part of the path runs", async () => {
    const marker = join(root, "pwned");
    const out = join(root, `sp ace 'q" $HOME \`touch ${marker}-bt\` %j\ntouch ${marker};#`);
    const r = await linguacodus(["bench", recorded.tasks[0]!.dir, "--modes", "direct", "--models", `label=scripted;all=replay:${recorded.dir}`, "--no-report", "--out", out, "--executor", "slurm", "--json"], env);
    expect(r.code, r.stderr).toBe(0);
    const outcome = JSON.parse(r.stdout) as { succeeded: number; failed: number; jobIds: string[] };
    expect(outcome).toMatchObject({ succeeded: 1, failed: 0 });
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(`${marker}-bt`)).toBe(false);
    // Slurm wrote the task's log into the bench folder under its literal name (%j not expanded)
    expect(readdirSync(join(out, "slurm", "logs"))).toEqual([`${outcome.jobIds[0]}_0.out`]);
    // the hand-resubmission line of the job script is still one comment line
    const script = readFileSync(join(out, "slurm", "submit-1.sbatch"), "utf8");
    expect(script.split("\n").filter((l) => l.startsWith("touch"))).toEqual([]);
  }, 900_000);

  it("refuses a bench folder with a backslash before anything is submitted", async () => {
    const out = join(root, "back\\slash");
    const r = await linguacodus([...benchArgs(out), "--executor", "slurm"], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/holds a backslash, which Slurm's --output reads as "no %-patterns": choose an --out without one/);
    expect(existsSync(out)).toBe(false);
  });
});

describe("bench --executor slurm: bad input is rejected with the fix", () => {
  it("names a missing sbatch", async () => {
    const bin = join(root, "bin-without-slurm");
    mkdirSync(bin, { recursive: true });
    if (!existsSync(join(bin, "node"))) symlinkSync(process.execPath, join(bin, "node"));
    const out = join(root, "no-sbatch");
    const r = await linguacodus([...benchArgs(out), "--executor", "slurm"], { ...env, PATH: bin });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--executor slurm: 'sbatch' is not on PATH: run the bench from a Slurm login\/submit node, add Slurm's bin folder to PATH, or use --executor local/);
    expect(existsSync(out)).toBe(false);
  });

  it("names an out folder that is not writable", async () => {
    const ro = join(root, "read-only");
    mkdirSync(ro, { recursive: true });
    execFileSync("mount", ["-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", ro]);
    try {
      const r = await linguacodus([...benchArgs(join(ro, "bench")), "--executor", "slurm"], env);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/bench folder .*read-only\/bench is not writable \(EROFS\): give --out a folder you can write, on a filesystem every Slurm node shares/);
    } finally {
      execFileSync("umount", [ro]);
    }
  });

  it("passes on Slurm's error for an unknown partition, with the fix", async () => {
    const out = join(root, "bad-partition");
    const r = await linguacodus([...benchArgs(out), "--executor", "slurm", "--slurm-partition", "no-such-partition"], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Slurm refused the job array: sbatch: error: invalid partition specified: no-such-partition .*Invalid partition name specified\. Fix: give --slurm-partition one of the partitions `sinfo -s` lists/);
    expect(r.stderr).toContain("rerun with --resume");
  });
});
