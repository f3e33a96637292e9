// The run record of DESIGN.md: one folder per run, written as the run goes, append-only where it grows
// (events.jsonl, transcripts.jsonl) and replaced atomically where it is a snapshot (run.json, score.json),
// so a crash at any moment leaves a readable folder that `--resume` and the reports can use.
//
//   runs/<run-id>/
//     run.json            RunJson (config as run, versions, models, seeds, status, timings)
//     events.jsonl        RunEvent per line, appended as things happen
//     transcripts.jsonl   written by the agents layer (one LLM call per line)
//     instructions.json   InstructionsRecord (candidates, critic findings, choice, refined instruction)
//     code/blocks/<stage>.py, code/attempt-<n>.py, code/final.py, code/solution.ipynb
//     exec/<n>/           result.json (AttemptResult), stdout.txt, stderr.txt
//     submission.csv, score.json
//     chains/<chain-id>/  one full run record per chain when --chains/--iterations ask for several
import { appendFileSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, truncateSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { z } from "zod";

export const RUN_RECORD_SCHEMA_VERSION = 1;

export const RUN_FILES = {
  run: "run.json",
  events: "events.jsonl",
  transcripts: "transcripts.jsonl",
  instructions: "instructions.json",
  code: "code",
  blocks: join("code", "blocks"),
  exec: "exec",
  submission: "submission.csv",
  score: "score.json",
  notebook: join("code", "solution.ipynb"),
  finalScript: join("code", "final.py"),
  chains: "chains",
} as const;

export const RunModeSchema = z.enum(["linguacodus", "direct"]);
export type RunMode = z.infer<typeof RunModeSchema>;

export const RunStatusSchema = z.enum(["running", "succeeded", "failed"]);
export type RunStatus = z.infer<typeof RunStatusSchema>;

/**
 * How an attempt ended. The sandbox outcomes, plus what the pipeline itself decides before or after running:
 * a syntax error found by the pre-check (no full run), no code in the model's answer, or a script that ran
 * but left no valid submission.
 */
export const AttemptOutcomeSchema = z.enum([
  "ok",
  "error",
  "timeout",
  "oom",
  "killed",
  "syntax-error",
  "no-code",
  "invalid-submission",
]);
export type AttemptOutcome = z.infer<typeof AttemptOutcomeSchema>;

/** What made an attempt fail, as a short class: a Python exception name or one of these pipeline classes. */
export const PIPELINE_ERROR_CLASSES = {
  timeout: "Timeout",
  oom: "OutOfMemory",
  killed: "Killed",
  noCode: "NoCode",
  noSubmission: "NoSubmission",
  invalidSubmission: "InvalidSubmission",
  unknown: "UnknownError",
} as const;

export const TimingsSchema = z.object({
  /** Wall time of the run so far (all sessions, when resumed). */
  wallMs: z.number().nonnegative(),
  /** Time spent waiting for model calls. */
  modelMs: z.number().nonnegative(),
  /** Time spent in sandbox executions (syntax checks and full runs). */
  sandboxMs: z.number().nonnegative(),
});
export type Timings = z.infer<typeof TimingsSchema>;

export const RunJsonSchema = z.object({
  schemaVersion: z.literal(RUN_RECORD_SCHEMA_VERSION),
  runId: z.string().min(1),
  taskId: z.string().min(1),
  /** The task folder the run read (absolute). */
  taskDir: z.string(),
  mode: RunModeSchema,
  status: RunStatusSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().optional(),
  /** The run options as run (parsed by execution/options.ts `RunOptionsSchema`). */
  config: z.record(z.string(), z.unknown()),
  versions: z.object({
    linguacodus: z.string(),
    node: z.string(),
    sandbox: z.string().optional(),
  }),
  /** Model spec per agent role. */
  models: z.record(z.string(), z.string()),
  seed: z.number().int().optional(),
  temperature: z.number().optional(),
  timings: TimingsSchema,
  /** Why the run failed, when it did (one line, with the fix when there is one). */
  failure: z.object({ message: z.string(), stage: z.string().optional() }).optional(),
  /** Sub-runs, one per chain, when the run has several (relative folders under chains/). */
  chains: z.array(z.object({ id: z.string(), dir: z.string() })).optional(),
  /** Chains that reached the same valid result, when there are several. */
  agreement: z
    .object({
      chains: z.number().int(),
      valid: z.number().int(),
      /** Size of the largest group of valid chains whose scores agree (to 1e-6 relative). */
      largestAgreeingGroup: z.number().int(),
      bestChain: z.string().optional(),
    })
    .optional(),
});
export type RunJson = z.infer<typeof RunJsonSchema>;

const eventBase = {
  ts: z.string(),
  /** Milliseconds since the run (session) started. */
  elapsedMs: z.number().nonnegative(),
};

export const RunEventSchema = z.discriminatedUnion("type", [
  z.object({ ...eventBase, type: z.literal("run.started"), mode: RunModeSchema, taskId: z.string(), resumed: z.boolean() }),
  z.object({ ...eventBase, type: z.literal("stage.started"), stage: z.string() }),
  z.object({
    ...eventBase,
    type: z.literal("stage.finished"),
    stage: z.string(),
    ok: z.boolean(),
    durationMs: z.number().nonnegative(),
    detail: z.string().optional(),
  }),
  z.object({
    ...eventBase,
    type: z.literal("attempt.finished"),
    attempt: z.string(),
    kind: z.enum(["initial", "fix", "feedback"]),
    outcome: AttemptOutcomeSchema,
    errorClass: z.string().optional(),
    durationMs: z.number().nonnegative(),
    valid: z.boolean(),
    score: z.number().nullable().optional(),
  }),
  z.object({
    ...eventBase,
    type: z.literal("feedback.finished"),
    round: z.number().int(),
    changed: z.boolean(),
    improved: z.boolean(),
    score: z.number().nullable().optional(),
  }),
  z.object({
    ...eventBase,
    type: z.literal("run.finished"),
    status: RunStatusSchema,
    valid: z.boolean(),
    score: z.number().nullable().optional(),
    reason: z.string().optional(),
  }),
]);
export type RunEvent = z.infer<typeof RunEventSchema>;
/** A run event without the fields the writer stamps on it. */
export type RunEventInput = RunEvent extends infer E ? (E extends RunEvent ? Omit<E, "ts" | "elapsedMs"> : never) : never;

/** One execution of one version of the script (exec/<attempt>/result.json). */
export const AttemptResultSchema = z.object({
  attempt: z.string(),
  /** 0-based position in the run. */
  index: z.number().int().nonnegative(),
  kind: z.enum(["initial", "fix", "feedback"]),
  /** How many fixes preceded this attempt in its execute-and-fix loop. */
  fixIndex: z.number().int().nonnegative(),
  /** Feedback round the script belongs to (0 = before any reviewer feedback). */
  feedbackRound: z.number().int().nonnegative(),
  /** Relative path of the script that ran. */
  script: z.string(),
  outcome: AttemptOutcomeSchema,
  exitCode: z.number().int().nullable(),
  durationMs: z.number().nonnegative(),
  errorClass: z.string().optional(),
  errorMessage: z.string().optional(),
  /** Traceback tail (or syntax-check output) fed to the fixer. */
  tracebackTail: z.string().optional(),
  errorLine: z.number().int().optional(),
  stdoutTruncated: z.boolean(),
  stderrTruncated: z.boolean(),
  submission: z.object({
    present: z.boolean(),
    valid: z.boolean(),
    errors: z.array(z.string()),
    score: z.number().nullable().optional(),
  }),
});
export type AttemptResult = z.infer<typeof AttemptResultSchema>;

/** score.json: the grader's verdict on the final submission. */
export const ScoreJsonSchema = z.looseObject({
  valid: z.boolean(),
  score: z.number().nullable(),
  metric: z.string(),
  lower_is_better: z.boolean(),
  errors: z.array(z.string()),
  percentile: z.number().nullable().optional(),
  medal: z.string().nullable().optional(),
  above_median: z.boolean().nullable().optional(),
  /** The attempt whose submission this is. */
  attempt: z.string().optional(),
});
export type ScoreJson = z.infer<typeof ScoreJsonSchema>;

/** One line of transcripts.jsonl, read loosely: only what the summary needs (the agents layer owns the format). */
const TranscriptLineSchema = z.looseObject({
  role: z.string().optional(),
  latencyMs: z.number().optional(),
  tokens: z
    .looseObject({
      prompt: z.number().optional(),
      completion: z.number().optional(),
      input: z.number().optional(),
      output: z.number().optional(),
      total: z.number().optional(),
    })
    .nullable()
    .optional(),
});

export interface RoleTokens {
  calls: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  latencyMs: number;
}

// ---------------------------------------------------------------------------------------------- writing

function nowIso(): string {
  return new Date().toISOString();
}

/** Writes `value` as JSON via a temporary file and a rename, so a reader never sees half a file. */
export function writeJsonAtomic(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, path);
}

function writeTextAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

function dropPartialLastLine(path: string): void {
  if (!existsSync(path)) return;
  const bytes = readFileSync(path);
  if (bytes.length === 0 || bytes[bytes.length - 1] === 0x0a) return;
  truncateSync(path, bytes.lastIndexOf(0x0a) + 1);
}

/** A new run id: sortable by time, readable, unique enough for one machine. */
export function newRunId(taskId: string, mode: RunMode, now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  const random = Math.random().toString(36).slice(2, 6);
  const safeTask = taskId.replace(/[^A-Za-z0-9_.-]+/g, "-");
  return `${stamp}-${safeTask}-${mode}-${random}`;
}

export function attemptName(index: number): string {
  return String(index + 1).padStart(3, "0");
}

export type RunJsonInit = Omit<RunJson, "schemaVersion" | "createdAt" | "updatedAt" | "status" | "timings"> & {
  timings?: Timings;
};

/**
 * Writes one run folder. Every method persists immediately (sync I/O: a handful of small writes per stage,
 * cheaper than the ordering bugs of async appends), so what is on disk is always what has happened.
 */
export class RunRecordWriter {
  private run: RunJson;
  private readonly sessionStart = Date.now();

  private constructor(
    readonly dir: string,
    run: RunJson,
  ) {
    this.run = run;
  }

  /** Starts a new run folder; fails when `dir` already holds a run. */
  static create(dir: string, init: RunJsonInit): RunRecordWriter {
    if (existsSync(join(dir, RUN_FILES.run))) {
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
    const writer = new RunRecordWriter(dir, run);
    writeJsonAtomic(join(dir, RUN_FILES.run), run);
    return writer;
  }

  /** Reopens an existing run folder to continue it (status goes back to running). */
  static open(dir: string): RunRecordWriter {
    const run = readRunJson(dir);
    // A crash may have cut the last line of an append-only file; drop the fragment so new lines stay parseable.
    for (const file of [RUN_FILES.events, RUN_FILES.transcripts]) dropPartialLastLine(join(dir, file));
    const writer = new RunRecordWriter(dir, { ...run, status: "running", finishedAt: undefined });
    writer.updateRun({});
    return writer;
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

  updateRun(patch: Partial<Omit<RunJson, "schemaVersion" | "runId" | "createdAt">>): RunJson {
    this.run = RunJsonSchema.parse({ ...this.run, ...patch, updatedAt: nowIso() });
    writeJsonAtomic(join(this.dir, RUN_FILES.run), this.run);
    return this.run;
  }

  event(input: RunEventInput): RunEvent {
    const event = RunEventSchema.parse({ ...input, ts: nowIso(), elapsedMs: this.elapsedMs() });
    appendFileSync(join(this.dir, RUN_FILES.events), `${JSON.stringify(event)}\n`);
    return event;
  }

  writeInstructions(value: unknown): void {
    writeJsonAtomic(join(this.dir, RUN_FILES.instructions), value);
  }

  /** A code block of the staged coders (or the direct coder's whole script): code/blocks/<name>.py */
  writeBlock(name: string, code: string): string {
    const rel = join(RUN_FILES.blocks, `${name}.py`);
    writeTextAtomic(join(this.dir, rel), code);
    return rel;
  }

  /** The merged script of one attempt: code/attempt-<n>.py (returns the relative path). */
  writeAttemptScript(attempt: string, code: string): string {
    const rel = join(RUN_FILES.code, `attempt-${attempt}.py`);
    writeTextAtomic(join(this.dir, rel), code);
    return rel;
  }

  /** A named text file under code/ (e.g. the merged script before its first run, the final script). */
  writeCodeFile(name: string, text: string): string {
    const rel = join(RUN_FILES.code, name);
    writeTextAtomic(join(this.dir, rel), text);
    return rel;
  }

  /** Folder of one attempt's execution output (created on demand). */
  execDir(attempt: string): string {
    const dir = join(this.dir, RUN_FILES.exec, attempt);
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  writeAttemptResult(result: AttemptResult, stdout: string, stderr: string): void {
    const dir = this.execDir(result.attempt);
    writeFileSync(join(dir, "stdout.txt"), stdout);
    writeFileSync(join(dir, "stderr.txt"), stderr);
    writeJsonAtomic(join(dir, "result.json"), AttemptResultSchema.parse(result));
  }

  /** Copies the chosen submission to the run's top level. */
  writeSubmission(sourcePath: string): void {
    const tmp = join(this.dir, `${RUN_FILES.submission}.${process.pid}.tmp`);
    copyFileSync(sourcePath, tmp);
    renameSync(tmp, join(this.dir, RUN_FILES.submission));
  }

  writeScore(score: ScoreJson): void {
    writeJsonAtomic(join(this.dir, RUN_FILES.score), ScoreJsonSchema.parse(score));
  }

  writeNotebook(notebook: unknown): void {
    writeJsonAtomic(join(this.dir, RUN_FILES.notebook), notebook);
  }

  /** Ends the run: status, finish time, final timings, and a run.finished event. */
  finish(status: "succeeded" | "failed", outcome: { valid: boolean; score?: number | null; reason?: string; stage?: string }): RunJson {
    this.event({ type: "run.finished", status, valid: outcome.valid, score: outcome.score ?? null, reason: outcome.reason });
    return this.updateRun({
      status,
      finishedAt: nowIso(),
      failure: status === "failed" && outcome.reason ? { message: outcome.reason, stage: outcome.stage } : undefined,
    });
  }
}

// ---------------------------------------------------------------------------------------------- reading

export class RunRecordError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RunRecordError";
  }
}

function readJsonFile<T>(path: string, schema: z.ZodType<T>): T {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new RunRecordError(`${path}: ${(error as Error).message}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RunRecordError(`${path}: field '${issue?.path.join(".") ?? ""}' ${issue?.message ?? "is invalid"}`);
  }
  return parsed.data;
}

export function readRunJson(dir: string): RunJson {
  const path = join(dir, RUN_FILES.run);
  if (!existsSync(path)) throw new RunRecordError(`${dir} is not a run folder (no ${RUN_FILES.run})`);
  return readJsonFile(path, RunJsonSchema);
}

/**
 * Reads a JSON-lines file line by line. A last line cut short by a crash is skipped (and counted); a bad line
 * in the middle is an error, since append-only writing cannot produce one.
 */
export function readJsonLines<T>(path: string, schema: z.ZodType<T>): { items: T[]; truncatedTail: boolean } {
  if (!existsSync(path)) return { items: [], truncatedTail: false };
  const lines = readFileSync(path, "utf8").split("\n");
  const items: T[] = [];
  let truncatedTail = false;
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    const isLast = lines.slice(i + 1).every((rest) => rest.trim() === "");
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (error) {
      if (isLast) {
        truncatedTail = true;
        return;
      }
      throw new RunRecordError(`${path}:${i + 1}: ${(error as Error).message}`);
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) throw new RunRecordError(`${path}:${i + 1}: ${parsed.error.issues[0]?.message ?? "invalid"}`);
    items.push(parsed.data);
  });
  return { items, truncatedTail };
}

export function readEvents(dir: string): RunEvent[] {
  return readJsonLines(join(dir, RUN_FILES.events), RunEventSchema).items;
}

export function readAttempts(dir: string): AttemptResult[] {
  const execDir = join(dir, RUN_FILES.exec);
  if (!existsSync(execDir)) return [];
  return readdirSync(execDir)
    .filter((name) => existsSync(join(execDir, name, "result.json")))
    .map((name) => readJsonFile(join(execDir, name, "result.json"), AttemptResultSchema))
    .sort((a, b) => a.index - b.index);
}

export function readScore(dir: string): ScoreJson | undefined {
  const path = join(dir, RUN_FILES.score);
  return existsSync(path) ? readJsonFile(path, ScoreJsonSchema) : undefined;
}

/** Model calls, tokens and latency per role, from transcripts.jsonl. */
export function tokensByRole(dir: string): Record<string, RoleTokens> {
  const { items } = readJsonLines(join(dir, RUN_FILES.transcripts), TranscriptLineSchema);
  const byRole: Record<string, RoleTokens> = {};
  for (const line of items) {
    const role = line.role ?? "unknown";
    const entry = (byRole[role] ??= { calls: 0, promptTokens: 0, completionTokens: 0, totalTokens: 0, latencyMs: 0 });
    const prompt = line.tokens?.prompt ?? line.tokens?.input ?? 0;
    const completion = line.tokens?.completion ?? line.tokens?.output ?? 0;
    entry.calls += 1;
    entry.promptTokens += prompt;
    entry.completionTokens += completion;
    entry.totalTokens += line.tokens?.total ?? prompt + completion;
    entry.latencyMs += line.latencyMs ?? 0;
  }
  return byRole;
}

export interface RunRecord {
  dir: string;
  run: RunJson;
  events: RunEvent[];
  attempts: AttemptResult[];
  score?: ScoreJson;
  instructions?: unknown;
  chains: RunRecord[];
}

export function readRunRecord(dir: string): RunRecord {
  const run = readRunJson(dir);
  const instructionsPath = join(dir, RUN_FILES.instructions);
  return {
    dir,
    run,
    events: readEvents(dir),
    attempts: readAttempts(dir),
    score: readScore(dir),
    instructions: existsSync(instructionsPath) ? (JSON.parse(readFileSync(instructionsPath, "utf8")) as unknown) : undefined,
    chains: (run.chains ?? []).map((chain) => readRunRecord(join(dir, chain.dir))),
  };
}

// ---------------------------------------------------------------------------------------------- summary

export const RunSummarySchema = z.object({
  runId: z.string(),
  dir: z.string(),
  taskId: z.string(),
  mode: RunModeSchema,
  status: RunStatusSchema,
  models: z.record(z.string(), z.string()),
  config: z.record(z.string(), z.unknown()),
  seed: z.number().optional(),
  temperature: z.number().optional(),
  valid: z.boolean(),
  score: z.number().nullable(),
  metric: z.string().optional(),
  lowerIsBetter: z.boolean().optional(),
  percentile: z.number().nullable().optional(),
  medal: z.string().nullable().optional(),
  aboveMedian: z.boolean().nullable().optional(),
  /** The first execution produced a valid submission, without any fix. */
  firstAttemptSuccess: z.boolean(),
  /** Executions (syntax-checked or run) in all. */
  attemptsUsed: z.number().int(),
  /** Fix attempts used (executions after a failed one). */
  fixesUsed: z.number().int(),
  /** Error class of each failed attempt, in order. */
  errorClasses: z.array(z.string()),
  wallMs: z.number(),
  modelMs: z.number(),
  sandboxMs: z.number(),
  /** Time beyond model calls and sandbox runs: the orchestration's own cost. */
  otherMs: z.number(),
  tokensByRole: z.record(
    z.string(),
    z.object({ calls: z.number(), promptTokens: z.number(), completionTokens: z.number(), totalTokens: z.number(), latencyMs: z.number() }),
  ),
  totalTokens: z.number(),
  failure: z.string().optional(),
  chains: z.number().int(),
  agreement: RunJsonSchema.shape.agreement,
});
export type RunSummary = z.infer<typeof RunSummarySchema>;

function allAttempts(record: RunRecord): AttemptResult[] {
  return [...record.attempts, ...record.chains.flatMap(allAttempts)];
}

function mergeTokens(target: Record<string, RoleTokens>, source: Record<string, RoleTokens>): void {
  for (const [role, t] of Object.entries(source)) {
    const entry = (target[role] ??= { calls: 0, promptTokens: 0, completionTokens: 0, totalTokens: 0, latencyMs: 0 });
    entry.calls += t.calls;
    entry.promptTokens += t.promptTokens;
    entry.completionTokens += t.completionTokens;
    entry.totalTokens += t.totalTokens;
    entry.latencyMs += t.latencyMs;
  }
}

function allTokens(record: RunRecord): Record<string, RoleTokens> {
  const tokens = tokensByRole(record.dir);
  for (const chain of record.chains) mergeTokens(tokens, allTokens(chain));
  return tokens;
}

/** The numbers a report needs about one run, computed from its record only. */
export function summarizeRun(recordOrDir: RunRecord | string): RunSummary {
  const record = typeof recordOrDir === "string" ? readRunRecord(recordOrDir) : recordOrDir;
  const { run, score } = record;
  const attempts = allAttempts(record);
  // With several chains, the first attempt of each chain counts: the run succeeded first time if any did.
  const firstAttempts = record.chains.length > 0 ? record.chains.map((c) => c.attempts[0]) : [record.attempts[0]];
  const tokens = allTokens(record);
  const { wallMs, modelMs, sandboxMs } = run.timings;
  return RunSummarySchema.parse({
    runId: run.runId,
    dir: record.dir,
    taskId: run.taskId,
    mode: run.mode,
    status: run.status,
    models: run.models,
    config: run.config,
    seed: run.seed,
    temperature: run.temperature,
    valid: score?.valid ?? false,
    score: score?.valid ? score.score : null,
    metric: score?.metric,
    lowerIsBetter: score?.lower_is_better,
    percentile: score?.percentile,
    medal: score?.medal,
    aboveMedian: score?.above_median,
    firstAttemptSuccess: firstAttempts.some((a) => a !== undefined && a.outcome === "ok" && a.submission.valid),
    attemptsUsed: attempts.length,
    fixesUsed: attempts.filter((a) => a.kind === "fix").length,
    errorClasses: attempts.filter((a) => a.errorClass !== undefined).map((a) => a.errorClass as string),
    wallMs,
    modelMs,
    sandboxMs,
    otherMs: Math.max(0, wallMs - modelMs - sandboxMs),
    tokensByRole: tokens,
    totalTokens: Object.values(tokens).reduce((sum, t) => sum + t.totalTokens, 0),
    failure: run.failure?.message,
    chains: record.chains.length,
    agreement: run.agreement,
  });
}

/** Stages recorded as finished successfully (what `--resume` skips). */
export function finishedStages(events: RunEvent[]): Set<string> {
  const done = new Set<string>();
  for (const event of events) if (event.type === "stage.finished" && event.ok) done.add(event.stage);
  return done;
}
