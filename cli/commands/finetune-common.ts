// Shared by the finetune subcommands: number flags, library errors as user-facing ones, the recipe's venv, and a
// team with real providers.
import { join, resolve } from "node:path";
import { z } from "zod";
import { UserFacingError } from "../failure.js";
import { flagValue, wholeNumber } from "../flags.js";
import { defaultPaths } from "../paths.js";

// Numbers through the CLI's one flag parser (cli/flags.ts).
export const int = (flag: string, value: string | undefined, min: number): number | undefined => (value === undefined ? undefined : flagValue(flag, value, wholeNumber(min)));
export const num = (flag: string, value: string | undefined): number | undefined => (value === undefined ? undefined : flagValue(flag, value, z.number()));

/** Runs `read`, turning its error (bad input, named by the library) into a UserFacingError. */
export function userInput<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw new UserFacingError((error as Error).message);
  }
}

export const fmtS = (s: number | null | undefined) =>
  s === null || s === undefined ? "?" : s < 90 ? `${Math.round(s)}s` : s < 5400 ? `${Math.round(s / 60)}m` : `${(s / 3600).toFixed(1)}h`;

export const home = () => defaultPaths();
export const venvDir = (flag?: string) => resolve(flag ?? join(home().home, "venvs", "finetune"));

export async function python(venv?: string): Promise<string> {
  const { ensureVenv } = await import("../../finetune/index.js");
  return ensureVenv({ dir: venvDir(venv), log: (line) => process.stderr.write(`${line}\n`) });
}

/** A team with real providers whose every role is `spec`; transcripts to `transcriptsPath` (or kept in memory). */
export async function realTeam(spec: string, role: "extractor" | "planner", transcriptsPath?: string, contextSize = 4096) {
  const agents = await import("../../agents/index.js");
  return agents.createAgentTeam({
    models: { [role]: spec, default: spec },
    transcript: transcriptsPath ? agents.createJsonlTranscriptSink(transcriptsPath) : agents.createMemoryTranscriptSink(),
    providers: { gguf: { modelsDir: home().models, contextSize }, envFile: ".env" },
  });
}
