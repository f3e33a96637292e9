// Runs a host command for the image build and fails with its stderr tail when it fails.
import { spawn } from "node:child_process";

export interface CommandOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Receives each output line (progress); the tail is kept for the error message either way. */
  onLine?: (line: string) => void;
}

export class CommandError extends Error {
  constructor(
    readonly command: string,
    readonly exitCode: number | null,
    readonly outputTail: string,
  ) {
    super(`'${command}' failed (exit ${exitCode ?? "signal"}):\n${outputTail}`);
    this.name = "CommandError";
  }
}

export function runCommand(cmd: string, args: readonly string[], options: CommandOptions = {}): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { env: options.env ?? process.env, cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"] });
    const tail: string[] = [];
    let stdout = "";
    const take = (chunk: Buffer, isStdout: boolean): void => {
      const text = chunk.toString("utf8");
      if (isStdout && stdout.length < 4_000_000) stdout += text;
      for (const line of text.split("\n")) {
        if (!line.trim()) continue;
        tail.push(line);
        if (tail.length > 40) tail.shift();
        options.onLine?.(line);
      }
    };
    child.stdout.on("data", (c: Buffer) => take(c, true));
    child.stderr.on("data", (c: Buffer) => take(c, false));
    child.on("error", (error) => reject(new CommandError(`${cmd} ${args.join(" ")}`, null, error.message)));
    child.on("close", (code) => {
      if (code === 0) resolvePromise(stdout);
      else reject(new CommandError(`${cmd} ${args.slice(0, 6).join(" ")}`, code, tail.join("\n")));
    });
  });
}
