// Shared by the Slurm tests: the single-node cluster of .ci/slurm.sh, a recorded bench to replay (scripted models
// on the real Docker sandbox), and the built CLI run as a user runs it.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import type { RunKey } from "../../benchmarks/matrix.js";
import type { ModeName } from "../../benchmarks/modes.js";
import { runBench } from "../../benchmarks/runner.js";
import { pipelineCellRunner } from "../../benchmarks/cell.js";
import { ModelCallLimiter, Semaphore } from "../../benchmarks/limits.js";
import { BenchEventSchema, type BenchEvent } from "../../benchmarks/manifest.js";
import { createWiring } from "../../execution/wiring.js";
import { readSlurmState } from "../../benchmarks/executors/index.js";
import { scriptedBenchDeps, scriptedKeys, tasksWithReferences } from "../benchmarks/bench-support.js";
import { BenchOptionsSchema } from "../../benchmarks/index.js";

export const ROOT = resolve(import.meta.dirname, "../..");

/** Starts (or finds running) the single-node cluster; returns the environment its client commands need. */
export function slurmUp(): NodeJS.ProcessEnv {
  execFileSync("bash", [join(ROOT, ".ci/slurm.sh"), "up"], { stdio: ["ignore", "ignore", "inherit"], timeout: 600_000 });
  const conf = /SLURM_CONF=(\S+)/.exec(execFileSync("bash", [join(ROOT, ".ci/slurm.sh"), "env"], { encoding: "utf8" }))?.[1]?.replace(/^'|'$/g, "");
  return { ...process.env, SLURM_CONF: conf };
}


export interface Recorded {
  dir: string;
  tasks: { id: string; dir: string }[];
  keys: RunKey[];
}

/** Tasks × modes × 1 repeat with scripted models (2 tasks × {linguacodus, direct} unless told), recorded for replay. */
export async function recordBench(root: string, matrix: { taskIds: string[]; modes: ModeName[] } = { taskIds: ["concrete-strength", "seattle-weather"], modes: ["linguacodus", "direct"] }): Promise<Recorded> {
  const tasks = (await tasksWithReferences(matrix.taskIds, join(root, "tasks"), join("/tmp", "linguacodus-test-tasks"))).map((t) => ({ id: t.id, dir: t.dir }));
  const { modes } = matrix;
  const keys = scriptedKeys({ tasks, modes });
  const dir = join(root, "recorded");
  const wiring = await createWiring({ sandbox: "docker" });
  try {
    const runCell = pipelineCellRunner({ deps: scriptedBenchDeps(wiring), limiter: new ModelCallLimiter({ apiConcurrency: 4, replayConcurrency: 4 }), sandboxSlots: new Semaphore(2) });
    const outcome = await runBench({
      dir,
      keys,
      manifest: { command: ["test"], tasks, modes, models: [keys[0]!.model], temperatures: [], repeats: 1, baseSeed: 1, options: BenchOptionsSchema.parse({}) },
      parallel: 2,
      resume: false,
      runCell,
      version: "test",
    });
    if (outcome.succeeded !== keys.length) throw new Error(`recording bench: ${JSON.stringify(outcome)}`);
  } finally {
    await wiring.close();
  }
  return { dir, tasks, keys };
}

export function events(dir: string): BenchEvent[] {
  const path = join(dir, "bench-events.jsonl");
  return existsSync(path) ? readFileSync(path, "utf8").trim().split("\n").filter(Boolean).map((l) => BenchEventSchema.parse(JSON.parse(l))) : [];
}

/** A Slurm client command's stdout. */
export function slurm(command: string, args: string[], env: NodeJS.ProcessEnv): string {
  return execFileSync(command, args, { env, encoding: "utf8" });
}

/** Cancels the jobs of the benches under `root` (only those: other benches may share the cluster), then removes it. */
export function cleanUp(root: string | undefined, env: NodeJS.ProcessEnv | undefined): void {
  if (!root) return;
  const benches = existsSync(root) ? readdirSync(root).map((d) => join(root, d)) : [];
  const jobs = benches.flatMap((dir) => (existsSync(join(dir, "slurm", "state.json")) ? readSlurmState(dir).submissions.map((s) => s.jobId) : []));
  if (env && jobs.length) execFileSync("scancel", jobs, { env });
  rmSync(root, { recursive: true, force: true });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
