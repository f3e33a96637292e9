// The contract between the pipeline and whatever executes generated Python.
// The Docker backend is the real one; the local runner exists only behind an explicit flag.

/** What one attempt asks of the sandbox. */
export interface SandboxRunRequest {
  /** Python source of the script to run (the merged solution). */
  script: string;
  /**
   * Host folder with the task's public files (train.csv, test.csv, sample_submission.csv, …).
   * Mounted read-only at {@link SANDBOX_DATA_DIR}. Never the task's private folder.
   */
  publicDir?: string;
  /** Wall-clock limit for the whole attempt, in seconds. */
  timeoutSeconds: number;
  /**
   * Host folder that receives, after the run, every file the script wrote into its workspace
   * (at most {@link SandboxLimits.maxCollectBytes} in all). The submission is `<outputDir>/submission.csv`
   * when the script wrote `submission.csv` in its working directory.
   */
  outputDir?: string;
  /** Extra environment variables for the script (never secrets). */
  env?: Record<string, string>;
}

/** How an attempt ended. */
export type SandboxOutcome = "ok" | "error" | "timeout" | "oom" | "killed";

/** The Python exception that ended a failed script, as read from its traceback. */
export interface PythonErrorInfo {
  /** Exception class, e.g. `KeyError`, `ModuleNotFoundError`, `SyntaxError`. */
  type: string;
  message: string;
  /** Line in the generated script of the traceback's last frame inside it, when there is one. */
  line?: number;
  /** The traceback's tail (last frames and the exception line), for the fixer's prompt. */
  tracebackTail: string;
}

export interface SandboxRunResult {
  outcome: SandboxOutcome;
  exitCode: number | null;
  durationMs: number;
  stdout: string;
  stderr: string;
  stdoutTruncated: boolean;
  stderrTruncated: boolean;
  error?: PythonErrorInfo;
  /** Host paths (inside request.outputDir) of files collected from the workspace, relative name → path. */
  files: Record<string, string>;
  /** Workspace entries not collected, each with the reason (too large, a symlink, past the file-count cap, …). */
  skippedFiles?: SkippedFile[];
  /** Time this attempt waited for a new container to start (0 when a warm one was reused). */
  coldStartMs?: number;
}

/** A workspace entry the sandbox did not copy out, and why (the fixer is told). */
export interface SkippedFile {
  /** Path relative to the workspace; empty for a summary entry (e.g. "4000 more files not collected"). */
  name: string;
  reason: string;
}

/** Resource limits of one sandbox container (and of the attempt's output). */
export interface SandboxLimits {
  memoryBytes: number;
  /** CPU share, in cores (fractions allowed). */
  cpus: number;
  /** Maximum number of processes/threads in the container (stops fork bombs). */
  pids: number;
  /** Per stream (stdout, stderr); the middle of a longer stream is cut with a visible marker. */
  maxOutputBytes: number;
  /** Total size of workspace files copied to `outputDir`. */
  maxCollectBytes: number;
  /** Number of workspace files copied to `outputDir` (100k tiny files would cost a minute of host time). */
  maxCollectFiles: number;
  /** Size of the writable workspace (tmpfs) and of /tmp. */
  workspaceBytes: number;
  tmpBytes: number;
}

export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = {
  memoryBytes: 4 * 1024 ** 3,
  cpus: 2,
  pids: 256,
  maxOutputBytes: 1024 ** 2,
  maxCollectBytes: 256 * 1024 ** 2,
  maxCollectFiles: 1000,
  workspaceBytes: 1024 ** 3,
  tmpBytes: 512 * 1024 ** 2,
};

/** Anything that runs generated scripts: the Docker sandbox, or the explicit local runner. */
export interface Sandbox {
  readonly kind: "docker" | "local";
  /** CPU cores an attempt gets: the coders are told to use this many for n_jobs. */
  readonly cores?: number;
  run(request: SandboxRunRequest): Promise<SandboxRunResult>;
  /** Stop pooled containers and free resources. */
  close(): Promise<void>;
}

// Wrappers that change how a sandbox runs (timing, a shared slot limit) must not change what it is: every field
// (its kind, the cores the coders and fixers are told about) comes from the sandbox it wraps.
/** What a wrapper replaces; each receives the wrapped sandbox. What is not given is the inner sandbox's. */
export interface SandboxAround {
  run?: (request: SandboxRunRequest, inner: Sandbox) => Promise<SandboxRunResult>;
  close?: (inner: Sandbox) => Promise<void>;
}

export function wrapSandbox(inner: Sandbox, around: SandboxAround): Sandbox {
  const { run, close } = around;
  // Every key of Sandbox, required: a field added to the interface fails to compile here until it is passed on.
  const wrapped: { [K in keyof Required<Sandbox>]: Sandbox[K] } = {
    kind: inner.kind,
    cores: inner.cores,
    run: run ? (request) => run(request, inner) : (request) => inner.run(request),
    close: close ? () => close(inner) : () => inner.close(),
  };
  return wrapped;
}

/** Where scripts see the task's public data inside the sandbox, and their writable working folder. */
export const SANDBOX_DATA_DIR = "/data";
export const SANDBOX_WORK_DIR = "/workspace";
