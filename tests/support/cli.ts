// Runs the built CLI (dist/cli/main.js) as a child process, the way a user does.
import { execFile, spawn, type ChildProcessByStdio } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Readable } from "node:stream";
import { promisify } from "node:util";

const exec = promisify(execFile);
export const repoRoot = resolve(import.meta.dirname, "..", "..");
/** The built CLI, for tests that start it themselves (to signal it, or read its streams as it runs). */
export const cliPath = join(repoRoot, "dist", "cli", "main.js");

export interface CliResult {
  /** The exit code; -1 when a signal ended the process. */
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Compiles the CLI into dist/ (other folders' type errors don't stop tsc from emitting) and copies the Python files
 * it runs, as `npm run build` does: a CLI test after an edit of fork_server.py runs the edited file.
 */
export async function buildCli(): Promise<void> {
  await exec("npx", ["tsc", "-p", "tsconfig.json"], { cwd: repoRoot }).catch(() => undefined);
  if (!existsSync(cliPath)) throw new Error("dist/cli/main.js was not built");
  await exec(process.execPath, [join(repoRoot, "tools", "copy-assets.mjs")], { cwd: repoRoot });
}

export interface CliOptions {
  cwd?: string;
  /** Run cli/main.ts through tsx instead of the built dist/ (for tests that need no build). */
  sources?: boolean;
}

/**
 * `linguacodus <args>` with `env` over the test's environment: settles when it exits with the exit code and both
 * streams (never rejects on a non-zero exit); `child` is the running process, to signal it.
 */
export function linguacodus(args: string[], env: NodeJS.ProcessEnv = {}, options: CliOptions = {}): Promise<CliResult> & { child: ChildProcessByStdio<null, Readable, Readable> } {
  const entry = options.sources ? ["--import", "tsx", join(repoRoot, "cli", "main.ts")] : [cliPath];
  const child = spawn(process.execPath, [...entry, ...args], { cwd: options.cwd ?? repoRoot, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliResult>((settle, fail) => {
    child.on("error", fail);
    child.on("close", (code) => settle({ code: code ?? -1, stdout, stderr }));
  });
  return Object.assign(done, { child });
}
