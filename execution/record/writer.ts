// Writes one run folder as the run goes: append-only where it grows (events.jsonl), replaced atomically where it is
// a snapshot (run.json, score.json, result.json), so a crash at any moment leaves a readable folder.
import { appendFileSync, copyFileSync, existsSync, mkdirSync, renameSync } from "node:fs";
import { dirname, join } from "node:path";
import { dropPartialLastLine, writeTextAtomic } from "./files.js";
import { ATTEMPT_FILES, CODE_FILE, RUN_FILES, RUN_RECORD_SCHEMA_VERSION } from "./layout.js";
import { readAttempts, readRunJson } from "./reader.js";
import { lockRunFolder } from "./lock.js";
import type { FolderLock } from "../../core/index.js";
import {
  type AttemptResult,
  AttemptResultSchema,
  type RunEvent,
  type RunEventInput,
  RunEventSchema,
  type RunJson,
  RunJsonSchema,
  type ScoreJson,
  ScoreJsonSchema,
  type Timings,
} from "./schemas.js";
import { type SearchNode, SearchNodeSchema } from "./search-schemas.js";

function nowIso(): string {
  return new Date().toISOString();
}

export type RunJsonInit = Omit<RunJson, "schemaVersion" | "createdAt" | "updatedAt" | "status" | "timings"> & {
  timings?: Timings;
};

export interface RunRecordWriterOptions {
  /** Called with every event right after it is on disk (progress lines, a parent run's listener). */
  onEvent?: (event: RunEvent) => void;
  /**
   * Applied to the text of every file this writer writes (JSON as serialized): the run's secret redaction
   * (execution/redact.ts), so no key, .env value or URL credential reaches the record, whatever its shape.
   */
  redact?: (text: string) => string;
  /**
   * Hold the folder's run.lock until close(): the writer of a whole run (`run`, `run --resume`, a bench cell), so a
   * second process on the same folder is refused. Sub-records (chains, branches) live inside a locked folder.
   */
  lock?: boolean;
}

/**
 * Writes one run folder. Every method persists immediately (sync I/O: a handful of small writes per stage,
 * cheaper than the ordering bugs of async appends), so what is on disk is always what has happened.
 */
export class RunRecordWriter {
  private run: RunJson;
  private readonly sessionStart = Date.now();
  private readonly onEvent: ((event: RunEvent) => void) | undefined;
  private readonly redact: (text: string) => string;
  /** One past the highest attempt index recorded (read from exec/ on first use, then counted as attempts are written). */
  private attemptsEnd: number | undefined;
  private lock: FolderLock | undefined;

  private constructor(
    readonly dir: string,
    run: RunJson,
    options: RunRecordWriterOptions,
    lock?: FolderLock,
  ) {
    this.run = run;
    this.lock = lock;
    this.onEvent = options.onEvent;
    this.redact = options.redact ?? ((text) => text);
  }

  /** The options a sub-record (chain, branch) inherits: the same redaction, its own listener. */
  subOptions(onEvent?: (event: RunEvent) => void): RunRecordWriterOptions {
    return { redact: this.redact, ...(onEvent ? { onEvent } : {}) };
  }

  /** Starts a new run folder; fails when `dir` already holds a run. */
  static create(dir: string, init: RunJsonInit, options: RunRecordWriterOptions = {}): RunRecordWriter {
    if (existsSync(join(dir, RUN_FILES.run))) {
      throw new Error(`${join(dir, RUN_FILES.run)} already exists: choose another run folder, or resume it with --resume ${dir}`);
    }
    const lock = options.lock ? lockRunFolder(dir) : undefined;
    if (lock && existsSync(join(dir, RUN_FILES.run))) {
      lock.release();
      throw new Error(`${join(dir, RUN_FILES.run)} already exists: choose another run folder, or resume it with --resume ${dir}`);
    }
    mkdirSync(join(dir, RUN_FILES.blocks), { recursive: true });
    mkdirSync(join(dir, RUN_FILES.exec), { recursive: true });
    const now = nowIso();
    const run = RunJsonSchema.parse({
      ...init,
      schemaVersion: RUN_RECORD_SCHEMA_VERSION,
      status: "running",
      createdAt: now,
      updatedAt: now,
      timings: init.timings ?? { wallMs: 0, modelMs: 0, sandboxMs: 0 },
    });
    const writer = new RunRecordWriter(dir, run, options, lock);
    writer.writeJson(RUN_FILES.run, run);
    return writer;
  }

  /** Reopens an existing run folder to continue it (status goes back to running). */
  static open(dir: string, options: RunRecordWriterOptions = {}): RunRecordWriter {
    const lock = options.lock ? lockRunFolder(dir) : undefined;
    try {
      const run = readRunJson(dir);
      // Read under the lock: a run that another process finished meanwhile is not started again.
      if (lock && run.status === "succeeded") throw new Error(`${dir} already finished (succeeded); nothing to resume`);
      for (const file of [RUN_FILES.events, RUN_FILES.transcripts, RUN_FILES.searchNodes]) dropPartialLastLine(join(dir, file));
      const writer = new RunRecordWriter(dir, { ...run, status: "running", finishedAt: undefined }, options, lock);
      writer.updateRun({});
      return writer;
    } catch (error) {
      lock?.release();
      throw error;
    }
  }

  /** Lets go of the folder's run.lock (when this writer holds it); the record stays as written. */
  close(): void {
    this.lock?.release();
    this.lock = undefined;
  }

  get runJson(): RunJson {
    return this.run;
  }

  get transcriptsPath(): string {
    return join(this.dir, RUN_FILES.transcripts);
  }

  path(...parts: string[]): string {
    return join(this.dir, ...parts);
  }

  /** Milliseconds since this writer was opened (this session). */
  elapsedMs(): number {
    return Date.now() - this.sessionStart;
  }

  // Every write of the record goes through these three, so what reaches the disk is decided in one place.
  private writeJson(rel: string, value: unknown): void {
    writeTextAtomic(join(this.dir, rel), this.redact(`${JSON.stringify(value, null, 2)}\n`));
  }

  private writeText(rel: string, text: string): void {
    writeTextAtomic(join(this.dir, rel), this.redact(text));
  }

  private appendLine(rel: string, value: unknown): void {
    appendFileSync(join(this.dir, rel), this.redact(`${JSON.stringify(value)}\n`));
  }

  updateRun(patch: Partial<Omit<RunJson, "schemaVersion" | "runId" | "createdAt">>): RunJson {
    this.run = RunJsonSchema.parse({ ...this.run, ...patch, updatedAt: nowIso() });
    this.writeJson(RUN_FILES.run, this.run);
    return this.run;
  }

  event(input: RunEventInput): RunEvent {
    const event = RunEventSchema.parse({ ...input, ts: nowIso(), elapsedMs: this.elapsedMs() });
    this.appendLine(RUN_FILES.events, event);
    this.onEvent?.(this.redactedEvent(event));
    return event;
  }

  /** One search node, appended as its step ends (resume reads the finished ones back). */
  appendSearchNode(node: SearchNode): void {
    mkdirSync(join(this.dir, dirname(RUN_FILES.searchNodes)), { recursive: true });
    this.appendLine(RUN_FILES.searchNodes, SearchNodeSchema.parse(node));
  }

  /** The event as it is on disk (redacted): what listeners (the progress line, a parent run) hear. */
  private redactedEvent(event: RunEvent): RunEvent {
    try {
      return RunEventSchema.parse(JSON.parse(this.redact(JSON.stringify(event))));
    } catch {
      return RunEventSchema.parse({ ...event, ...("detail" in event && event.detail ? { detail: "[REDACTED]" } : {}) });
    }
  }

  writeInstructions(value: unknown): void {
    this.writeJson(RUN_FILES.instructions, value);
  }

  /** A text file at the top of the run folder (e.g. context.md). */
  writeTopFile(name: string, text: string): void {
    this.writeText(name, text);
  }

  /** A code block of the staged coders (or the direct coder's whole script): code/blocks/<name>.py */
  writeBlock(name: string, code: string): string {
    const rel = join(RUN_FILES.blocks, CODE_FILE.block(name));
    this.writeText(rel, code);
    return rel;
  }

  /** The merged script of one attempt: code/attempt-<n>.py (returns the relative path). */
  writeAttemptScript(attempt: string, code: string): string {
    const rel = join(RUN_FILES.code, CODE_FILE.attempt(attempt));
    this.writeText(rel, code);
    return rel;
  }

  /** A named text file under code/ (e.g. the merged script before its first run, the final script). */
  writeCodeFile(name: string, text: string): string {
    const rel = join(RUN_FILES.code, name);
    this.writeText(rel, text);
    return rel;
  }

  /** Folder of one attempt's execution output (created on demand). */
  execDir(attempt: string): string {
    const dir = join(this.dir, RUN_FILES.exec, attempt);
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  /** Absolute path of a file of one attempt (exec/<attempt>/<file>). */
  attemptFile(attempt: string, file: (typeof ATTEMPT_FILES)[keyof typeof ATTEMPT_FILES]): string {
    return join(this.dir, RUN_FILES.exec, attempt, file);
  }

  /** Where the sandbox writes the script's output files for one attempt (created on demand). */
  workspaceDir(attempt: string): string {
    const dir = this.attemptFile(attempt, ATTEMPT_FILES.workspace);
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  /**
   * The index the record's next attempt takes: past every attempt recorded, whichever state wrote it (a search's
   * sibling nodes execute from different states into one record).
   */
  nextAttemptIndex(): number {
    this.attemptsEnd ??= readAttempts(this.dir).reduce((end, a) => Math.max(end, a.index + 1), 0);
    return this.attemptsEnd;
  }

  writeAttemptResult(result: AttemptResult, stdout: string, stderr: string): void {
    this.attemptsEnd = Math.max(this.nextAttemptIndex(), result.index + 1);
    this.execDir(result.attempt);
    const rel = (file: string) => join(RUN_FILES.exec, result.attempt, file);
    this.writeText(rel(ATTEMPT_FILES.stdout), stdout);
    this.writeText(rel(ATTEMPT_FILES.stderr), stderr);
    this.writeJson(rel(ATTEMPT_FILES.result), AttemptResultSchema.parse(result));
  }

  /** Copies the chosen submission to the run's top level. */
  writeSubmission(sourcePath: string): void {
    const tmp = join(this.dir, `${RUN_FILES.submission}.${process.pid}.tmp`);
    copyFileSync(sourcePath, tmp);
    renameSync(tmp, join(this.dir, RUN_FILES.submission));
  }

  writeScore(score: ScoreJson): void {
    this.writeJson(RUN_FILES.score, ScoreJsonSchema.parse(score));
  }

  writeNotebook(notebook: unknown): void {
    this.writeJson(RUN_FILES.notebook, notebook);
  }

  /** Ends the run: status, finish time, final timings, and a run.finished event. */
  finish(status: "succeeded" | "failed" | "budget", outcome: { valid: boolean; score?: number | null; reason?: string; stage?: string }): RunJson {
    this.event({ type: "run.finished", status, valid: outcome.valid, score: outcome.score ?? null, reason: outcome.reason });
    return this.updateRun({
      status,
      finishedAt: nowIso(),
      failure: status === "failed" && outcome.reason ? { message: outcome.reason, stage: outcome.stage } : undefined,
    });
  }
}
