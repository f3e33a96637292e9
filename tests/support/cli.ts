// Runs the built CLI (dist/cli/main.js) as a child process, the way a user does.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

const exec = promisify(execFile);
export const repoRoot = resolve(import.meta.dirname, "..", "..");
/** The built CLI, for tests that start it themselves (to signal it, or read its streams as it runs). */
export const cliPath = join(repoRoot, "dist", "cli", "main.js");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Compiles the CLI into dist/; other folders' type errors don't stop tsc from emitting. */
export async function buildCli(): Promise<void> {
  await exec("npx", ["tsc", "-p", "tsconfig.json"], { cwd: repoRoot }).catch(() => undefined);
  if (!existsSync(cliPath)) throw new Error("dist/cli/main.js was not built");
}

/** `linguacodus <args>`: exit code and both streams, never throws on a non-zero exit. */
export async function linguacodus(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  try {
    const { stdout, stderr } = await exec("node", [cliPath, ...args], { env: { ...process.env, ...env }, maxBuffer: 64 * 1024 ** 2 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}
