// The zod schemas of a run record's files (run.json, events.jsonl lines, exec/<n>/result.json, score.json):
// what the writer validates before writing and the reader validates after reading.
import { z } from "zod";
import { RUN_RECORD_SCHEMA_VERSION } from "./layout.js";

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
