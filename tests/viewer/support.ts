// Shared pieces of the viewer tests: the web bundle built as `npm run build` builds it, Debian's Chromium through
// playwright-core, and a small bench recorded on the real Docker sandbox with scripted models whose answers carry
// an XSS payload.
import { execFile } from "node:child_process";
import { mkdirSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { chromium, type Browser } from "playwright-core";
import { pipelineCellRunner } from "../../benchmarks/cell.js";
import { ModelCallLimiter, Semaphore } from "../../benchmarks/limits.js";
import { runBench } from "../../benchmarks/runner.js";
import type { RunDependencies } from "../../execution/index.js";
import { benchScript, scriptedKeys, tasksWithReferences } from "../benchmarks/bench-support.js";
import { FENCE } from "../support/fence.js";
import type { Script } from "../support/scripted-model.js";
import { withScriptedModels } from "../support/scripted-team.js";
import { XSS } from "./fixtures.js";
import { BenchOptionsSchema } from "../../benchmarks/index.js";

const exec = promisify(execFile);
export const repoRoot = resolve(import.meta.dirname, "..", "..");
/** Screenshots of the browser tests (gitignored), for a person to look at. */
export const artifactDir = join(repoRoot, ".artifacts", "viewer");

/** The page bundle, built by the same script `npm run build` runs. */
export async function buildWebBundle(): Promise<void> {
  await exec("node", [join(repoRoot, "viewer", "web", "build.mjs")], { cwd: repoRoot });
}

/**
 * Debian's Chromium, headless. playwright-core gives each launch a fresh profile folder; the flags keep the
 * browser from reaching for the network (this machine has none, and refused connections would flood the log).
 */
export async function launchChromium(): Promise<Browser> {
  mkdirSync(artifactDir, { recursive: true });
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** The bench's scripted answers, with markup a hostile model might add around (and inside) its code. */
export const xssBenchScript: Script = async (call) => {
  const answer = await benchScript(call);
  const opening = `${FENCE}python\n`;
  if (typeof answer !== "string" || !answer.startsWith(opening)) return answer;
  return `Here you go. ${XSS}\n\n${answer.replace(opening, `${opening}# ${XSS}\n`)}\n\nDone.`;
};

export interface RecordedBench {
  dir: string;
  tasks: string[];
}

/** 2 built-in tasks × {linguacodus, direct} × 1 repeat (seed 1: the merged script fails with a KeyError, the fix works). */
export async function recordBench(root: string, real: RunDependencies): Promise<RecordedBench> {
  const tasks = await tasksWithReferences(["concrete-strength", "seattle-weather"], join(root, "tasks"), join(tmpdir(), "linguacodus-test-tasks"));
  const keys = scriptedKeys({ tasks, modes: ["linguacodus", "direct"] });
  const deps: RunDependencies = withScriptedModels(real, xssBenchScript);
  const dir = join(root, "bench");
  const outcome = await runBench({
    dir,
    keys,
    manifest: { command: ["linguacodus", "bench", "(viewer test)"], tasks: tasks.map((t) => ({ id: t.id, dir: t.dir })), modes: ["linguacodus", "direct"], models: [keys[0]!.model], temperatures: [], repeats: 1, baseSeed: 1, options: BenchOptionsSchema.parse({}) },
    parallel: 2,
    resume: false,
    runCell: pipelineCellRunner({ deps, limiter: new ModelCallLimiter({ apiConcurrency: 4, replayConcurrency: 4 }), sandboxSlots: new Semaphore(2) }),
    version: "test",
  });
  if (outcome.succeeded !== keys.length) throw new Error(`the recorded bench did not complete: ${JSON.stringify(outcome)}`);
  return { dir, tasks: tasks.map((t) => t.id) };
}

/** The status of a raw GET to the viewer on `port` with a Host header of our choosing (fetch does not let a page set it). */
export function statusWithHost(port: number, path: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end();
  });
}
