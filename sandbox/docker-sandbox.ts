// The real sandbox: each attempt runs in a locked-down Docker container (see warm-container.ts),
// reusing warm containers from a pool, and comes back as a SandboxRunResult.
import { randomUUID } from "node:crypto";
import { existsSync, statSync, readdirSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, normalize, resolve, sep } from "node:path";
import type Docker from "dockerode";
import { imageExists, requireEngine } from "./engine.js";
import { SANDBOX_SCRIPT_PATH, type PRELOAD_MODULES } from "./fork-server.js";
import { SANDBOX_IMAGE_TAG } from "./image-recipe.js";
import { ContainerPool, DEFAULT_POOL_OPTIONS, type PoolOptions } from "./pool.js";
import { joinCaptured } from "./protocol.js";
import { parsePythonError } from "./traceback.js";
import {
  DEFAULT_SANDBOX_LIMITS,
  type Sandbox,
  type SandboxLimits,
  type SandboxRunRequest,
  type SandboxRunResult,
} from "./types.js";
import { currentOwner } from "./owner.js";
import { sandboxCores } from "./threads.js";
import { removeStaleContainers, type AttemptEnd, type ContainerSpec, type SANDBOX_OWNER_LABEL } from "./warm-container.js";

export interface DockerSandboxOptions {
  docker: Docker;
  /** Image tag; default the tag of the current recipe ({@link SANDBOX_IMAGE_TAG}). */
  image?: string;
  limits?: Partial<SandboxLimits>;
  /** NVIDIA GPU passthrough (DeviceRequests); off by default. */
  gpus?: boolean;
  /** Reuse warm containers between attempts (default true); false gives every attempt a new container. */
  reuse?: boolean;
  pool?: Partial<PoolOptions>;
  /** Modules the in-container server imports once; default {@link PRELOAD_MODULES} (none when reuse is off). */
  preload?: readonly string[];
  /** How many attempts run at once (a bench's --parallel): the CPU limit is shared among them. Default 1. */
  concurrency?: number;
  /** Cores per attempt, overriding the share computed from the CPU limit, the host and `concurrency`. */
  cores?: number;
}

/** Thrown before a run when the request cannot be run as asked; the message names the field and the fix. */
export class SandboxRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SandboxRequestError";
  }
}

/** Connects to the engine, checks the image, and returns the Docker sandbox. */
export async function createDockerSandbox(options: DockerSandboxOptions): Promise<DockerSandbox> {
  await requireEngine(options.docker);
  const image = options.image ?? SANDBOX_IMAGE_TAG;
  if (!(await imageExists(options.docker, image))) {
    throw new Error(`the sandbox image ${image} is missing: build it with 'linguacodus sandbox build --offline' (or 'linguacodus sandbox build' where a registry is reachable)`);
  }
  await removeStaleContainers(options.docker).catch(() => 0);
  return new DockerSandbox(options, image);
}

export class DockerSandbox implements Sandbox {
  readonly kind = "docker" as const;
  readonly limits: SandboxLimits;
  /** Written on this sandbox's containers as the {@link SANDBOX_OWNER_LABEL} label. */
  readonly instanceId = randomUUID();
  /** This process, labelled on every container so a later start can tell whether it is still alive. */
  private readonly ownerProcess = currentOwner();
  /** Cores an attempt gets (its threads, and what the coders are told to use for n_jobs). */
  readonly cores: number;
  private readonly pool: ContainerPool;

  constructor(
    private readonly options: DockerSandboxOptions,
    readonly image: string = options.image ?? SANDBOX_IMAGE_TAG,
  ) {
    this.limits = { ...DEFAULT_SANDBOX_LIMITS, ...options.limits };
    this.cores = options.cores !== undefined ? Math.max(1, Math.floor(options.cores)) : sandboxCores({ cpus: this.limits.cpus, concurrent: options.concurrency ?? 1 });
    this.pool = new ContainerPool(options.docker, { ...DEFAULT_POOL_OPTIONS, ...options.pool });
  }

  /** The container spec for a public folder (validated: exists, is a folder, holds no private answers). */
  specFor(publicDir: string | undefined): ContainerSpec {
    const spec: ContainerSpec = {
      image: this.image,
      owner: this.instanceId,
      ownerProcess: this.ownerProcess,
      publicDir: publicDir === undefined ? undefined : checkPublicDir(publicDir),
      limits: this.limits,
      gpus: this.options.gpus ?? false,
      cores: this.cores,
    };
    // A container used once gains nothing from pre-imports: the script imports what it needs.
    const preload = this.options.preload ?? (this.options.reuse === false ? [] : undefined);
    if (preload) spec.preload = preload;
    return spec;
  }

  /** Starts a warm container for this public folder now, so the first attempt skips the cold start. */
  async prewarm(publicDir?: string): Promise<void> {
    if (this.options.reuse === false) return;
    await this.pool.prewarm(this.specFor(publicDir));
  }

  async run(request: SandboxRunRequest): Promise<SandboxRunResult> {
    checkRequest(request);
    const spec = this.specFor(request.publicDir);
    const { container, coldStartMs } = await this.pool.acquire(spec);
    const started = Date.now();
    try {
      const end = await container.run(
        {
          script: request.script,
          env: request.env ?? {},
          maxOutputBytes: this.limits.maxOutputBytes,
          maxCollectBytes: this.limits.maxCollectBytes,
          maxCollectFiles: this.limits.maxCollectFiles,
        },
        request.timeoutSeconds * 1000,
      );
      if (this.options.reuse === false) container.usable = false;
      const result = toResult(end, Date.now() - started, request.timeoutSeconds);
      result.coldStartMs = coldStartMs;
      if (end.kind === "finished") {
        result.files = await writeCollected(end.files, request.outputDir);
        if (end.result.skippedFiles.length > 0) result.skippedFiles = end.result.skippedFiles;
      }
      return result;
    } finally {
      await this.pool.release(container);
    }
  }

  /** Resolves when the containers kept warm have finished cleaning up after their last attempts. */
  async settled(): Promise<void> {
    await this.pool.settled();
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}

/** Turns how the attempt ended into the contract's result (pure). */
export function toResult(end: AttemptEnd, hostElapsedMs: number, timeoutSeconds: number): SandboxRunResult {
  if (end.kind === "timeout") {
    return {
      outcome: "timeout",
      exitCode: null,
      durationMs: hostElapsedMs,
      stdout: end.stdoutHead,
      stderr: `${end.stderrHead}\n[linguacodus sandbox: stopped after the ${timeoutSeconds} s wall-clock limit; the container was killed; output after the first part is lost]\n`,
      stdoutTruncated: false,
      stderrTruncated: false,
      files: {},
    };
  }
  if (end.kind === "protocol") {
    return {
      outcome: "error",
      exitCode: null,
      durationMs: hostElapsedMs,
      stdout: end.stdoutHead,
      stderr: `${end.stderrHead}\n[linguacodus sandbox: this attempt is void: ${end.reason}. Its result cannot be trusted; the container was thrown away and the next attempt gets a new one]\n`,
      stdoutTruncated: false,
      stderrTruncated: false,
      files: {},
      error: { type: "SandboxChannelError", message: end.reason, tracebackTail: "" },
    };
  }
  if (end.kind === "died") {
    return {
      outcome: end.oomKilled ? "oom" : "killed",
      exitCode: end.exitCode,
      durationMs: hostElapsedMs,
      stdout: "",
      stderr: end.oomKilled
        ? "[linguacodus sandbox: the container ran out of memory and was killed]\n"
        : `[linguacodus sandbox: the container stopped unexpectedly]\n${end.serverStderr.slice(-4000)}`,
      stdoutTruncated: false,
      stderrTruncated: false,
      files: {},
    };
  }
  const r = end.result;
  const stdout = joinCaptured(r.stdout);
  const stderr = joinCaptured(r.stderr);
  const base = {
    durationMs: Math.round(r.durationMs),
    stdout: stdout.text,
    stderr: stderr.text,
    stdoutTruncated: stdout.truncated,
    stderrTruncated: stderr.truncated,
    files: {},
  };
  if (r.oomKilled && (r.signal !== null || r.exitCode !== 0)) {
    return { ...base, outcome: "oom", exitCode: 128 + (r.signal ?? 9), stderr: `${base.stderr}\n[linguacodus sandbox: out of memory (limit reached); the process was killed]\n` };
  }
  if (r.signal !== null) return { ...base, outcome: "killed", exitCode: 128 + r.signal };
  if (r.exitCode === 0) return { ...base, outcome: "ok", exitCode: 0 };
  const result: SandboxRunResult = { ...base, outcome: "error", exitCode: r.exitCode };
  const error = parsePythonError(stderr.text, SANDBOX_SCRIPT_PATH);
  if (error) result.error = error;
  return result;
}

function checkRequest(request: SandboxRunRequest): void {
  if (typeof request.script !== "string") throw new SandboxRequestError("sandbox request: 'script' must be the Python source text");
  if (!Number.isFinite(request.timeoutSeconds) || request.timeoutSeconds <= 0) {
    throw new SandboxRequestError(`sandbox request: 'timeoutSeconds' must be a positive number of seconds (got ${request.timeoutSeconds})`);
  }
  for (const [key, value] of Object.entries(request.env ?? {})) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key) || typeof value !== "string") {
      throw new SandboxRequestError(`sandbox request: env entry '${key}' must be a NAME=string pair`);
    }
  }
}

/**
 * Resolves and checks the public folder. Refuses a folder that holds the private answers (a task
 * root instead of its public/ folder), since whatever is mounted is visible to the script.
 */
export function checkPublicDir(publicDir: string): string {
  const dir = resolve(publicDir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new SandboxRequestError(`sandbox request: publicDir ${dir} is not a folder; pass the task's public/ folder`);
  }
  if (basename(dir) === "private") {
    throw new SandboxRequestError(`sandbox request: publicDir ${dir} is a private folder; only the task's public/ folder may be mounted`);
  }
  const entries = readdirSync(dir);
  if (entries.includes("private") || entries.includes("answers.csv")) {
    throw new SandboxRequestError(
      `sandbox request: publicDir ${dir} holds private answers (${entries.includes("private") ? "private/" : "answers.csv"}); pass the task's public/ folder instead`,
    );
  }
  return dir;
}

/** Writes the collected workspace files under outputDir, refusing names that escape it. */
async function writeCollected(files: Map<string, Buffer[]>, outputDir: string | undefined): Promise<Record<string, string>> {
  const written: Record<string, string> = {};
  if (!outputDir || files.size === 0) return written;
  const root = resolve(outputDir);
  await mkdir(root, { recursive: true });
  for (const [name, parts] of files) {
    const clean = normalize(name);
    if (isAbsolute(clean) || clean.startsWith(`..${sep}`) || clean === "..") continue;
    const target = join(root, clean);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, Buffer.concat(parts));
    written[clean] = target;
  }
  return written;
}
