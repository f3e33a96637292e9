// The non-isolated runner (`--sandbox local`): runs the script with the host's Python. It exists for
// machines without Docker and only when asked for; every run prints a warning.
import { spawn } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { checkPublicDir, SandboxRequestError } from "./docker-sandbox.js";
import { truncationMarker } from "./protocol.js";
import { parsePythonError } from "./traceback.js";
import {
  DEFAULT_SANDBOX_LIMITS,
  SANDBOX_DATA_DIR,
  SANDBOX_WORK_DIR,
  type Sandbox,
  type SandboxLimits,
  type SandboxRunRequest,
  type SandboxRunResult,
} from "./types.js";

export const LOCAL_SANDBOX_WARNING =
  "WARNING: --sandbox local runs generated code on this host WITHOUT isolation (no container, network on, your files reachable, no memory limit). Use the Docker sandbox unless you trust the code.";

export interface LocalSandboxOptions {
  /** Python interpreter; default `python3` on PATH. */
  python?: string;
  /** Receives the warning printed before every run; default: stderr. */
  warn?: (message: string) => void;
  limits?: Partial<Pick<SandboxLimits, "maxOutputBytes" | "maxCollectBytes">>;
}

/** Keeps the head and the tail of a stream, like the fork server does in the container. */
export class OutputCapture {
  private head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  total = 0;
  constructor(private readonly limit: number) {}

  add(chunk: Buffer): void {
    this.total += chunk.length;
    const headLimit = Math.floor(this.limit / 2);
    if (this.headBytes < headLimit) {
      const take = chunk.subarray(0, headLimit - this.headBytes);
      this.head.push(take);
      this.headBytes += take.length;
      chunk = chunk.subarray(take.length);
    }
    if (chunk.length === 0) return;
    this.tail.push(chunk);
    this.tailBytes += chunk.length;
    const tailLimit = this.limit - headLimit;
    while (this.tail.length > 1 && this.tailBytes - this.tail[0]!.length >= tailLimit) this.tailBytes -= this.tail.shift()!.length;
  }

  result(): { text: string; truncated: boolean } {
    const tailLimit = this.limit - Math.floor(this.limit / 2);
    let tail = Buffer.concat(this.tail);
    if (tail.length > tailLimit) tail = tail.subarray(tail.length - tailLimit);
    const head = Buffer.concat(this.head);
    const dropped = this.total - head.length - tail.length;
    if (dropped === 0) return { text: head.toString("utf8") + tail.toString("utf8"), truncated: false };
    return { text: head.toString("utf8") + truncationMarker(dropped) + tail.toString("utf8"), truncated: true };
  }
}

/**
 * Rewrites the sandbox's fixed paths in string literals ("/data/…", "/workspace") to the host folders,
 * because nothing is mounted on the host. Line numbers stay the same.
 */
export function mapSandboxPaths(script: string, dataDir: string | undefined, workDir: string): string {
  const swap = (text: string, from: string, to: string): string =>
    text.replace(new RegExp(`(["'])${from.replace(/\//g, "\\/")}(?=/|\\1)`, "g"), (_m, quote: string) => `${quote}${to}`);
  const withWork = swap(script, SANDBOX_WORK_DIR, workDir);
  return dataDir ? swap(withWork, SANDBOX_DATA_DIR, dataDir) : withWork;
}

export class LocalSandbox implements Sandbox {
  readonly kind = "local" as const;
  readonly cores = availableParallelism();
  private readonly limits: Pick<SandboxLimits, "maxOutputBytes" | "maxCollectBytes">;

  constructor(private readonly options: LocalSandboxOptions = {}) {
    this.limits = { maxOutputBytes: DEFAULT_SANDBOX_LIMITS.maxOutputBytes, maxCollectBytes: DEFAULT_SANDBOX_LIMITS.maxCollectBytes, ...options.limits };
  }

  async run(request: SandboxRunRequest): Promise<SandboxRunResult> {
    (this.options.warn ?? ((m: string) => process.stderr.write(`${m}\n`)))(LOCAL_SANDBOX_WARNING);
    if (!Number.isFinite(request.timeoutSeconds) || request.timeoutSeconds <= 0) {
      throw new SandboxRequestError(`sandbox request: 'timeoutSeconds' must be a positive number of seconds (got ${request.timeoutSeconds})`);
    }
    const dataDir = request.publicDir === undefined ? undefined : checkPublicDir(request.publicDir);
    const base = await mkdtemp(join(tmpdir(), "linguacodus-local-"));
    const workDir = join(base, "workspace");
    const scriptPath = join(base, "solution.py");
    try {
      await mkdir(workDir);
      await writeFile(scriptPath, mapSandboxPaths(request.script, dataDir, workDir));
      const env: NodeJS.ProcessEnv = {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        LANG: process.env.LANG ?? "C.UTF-8",
        MPLBACKEND: "Agg",
        LINGUACODUS_DATA_DIR: dataDir ?? "",
        LINGUACODUS_WORK_DIR: workDir,
        ...request.env,
      };
      const run = await runProcess(this.options.python ?? "python3", [scriptPath], workDir, env, request.timeoutSeconds * 1000, this.limits.maxOutputBytes);
      const stdout = run.stdout.result();
      const stderr = run.stderr.result();
      const result: SandboxRunResult = {
        outcome: run.timedOut ? "timeout" : run.signal ? "killed" : run.code === 0 ? "ok" : "error",
        exitCode: run.timedOut ? null : run.signal ? 128 + signalNumber(run.signal) : run.code,
        durationMs: run.durationMs,
        stdout: stdout.text,
        stderr: stderr.text,
        stdoutTruncated: stdout.truncated,
        stderrTruncated: stderr.truncated,
        files: {},
      };
      if (result.outcome === "error") {
        const error = parsePythonError(stderr.text, scriptPath);
        if (error) result.error = error;
      }
      if (request.outputDir) result.files = await collect(workDir, resolve(request.outputDir), this.limits.maxCollectBytes);
      return result;
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  }

  async close(): Promise<void> {}
}

function signalNumber(signal: NodeJS.Signals): number {
  const numbers: Partial<Record<NodeJS.Signals, number>> = { SIGKILL: 9, SIGTERM: 15, SIGSEGV: 11, SIGABRT: 6, SIGINT: 2 };
  return numbers[signal] ?? 0;
}

interface ProcessRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  durationMs: number;
  stdout: OutputCapture;
  stderr: OutputCapture;
}

function runProcess(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number, cap: number): Promise<ProcessRun> {
  return new Promise((resolvePromise, reject) => {
    const started = Date.now();
    // Its own process group, so a timeout kills the script's children too.
    const child = spawn(cmd, args, { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    const stdout = new OutputCapture(cap);
    const stderr = new OutputCapture(cap);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        /* already gone */
      }
    }, timeoutMs);
    child.stdout.on("data", (c: Buffer) => stdout.add(c));
    child.stderr.on("data", (c: Buffer) => stderr.add(c));
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${cmd} for the local runner: ${error.message}`));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      try {
        process.kill(-child.pid!, "SIGKILL"); // leftovers of the script's process group
      } catch {
        /* none left */
      }
      resolvePromise({ code, signal, timedOut, durationMs: Date.now() - started, stdout, stderr });
    });
  });
}

async function collect(workDir: string, outputDir: string, maxBytes: number): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  let total = 0;
  const walk = async (dir: string): Promise<void> => {
    for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile()) {
        const size = (await stat(full)).size;
        if (total + size > maxBytes) continue;
        total += size;
        const rel = relative(workDir, full);
        const target = join(outputDir, rel);
        await mkdir(dirname(target), { recursive: true });
        await copyFile(full, target);
        files[rel] = target;
      }
    }
  };
  await walk(workDir);
  return files;
}
