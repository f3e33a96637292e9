// The zod schemas of a run record's files (run.json, events.jsonl lines, exec/<n>/result.json, score.json):
// what the writer validates before writing and the reader validates after reading. The search tree's nodes
// (search-schemas.ts), unit-tests/result.json (unit-tests-schemas.ts) and figures (figure-schemas.ts) have their own.
import { z } from "zod";
import { FiguresSchema, ReviewFiguresSchema, SkippedEntrySchema } from "./figure-schemas.js";
import { TokenCountsSchema } from "../../agents/index.js";
import { RUN_RECORD_SCHEMA_VERSION } from "./layout.js";

// The run's options (and its mode) are execution/options.ts's; the record stores them as parsed.
import { RunConfigSchema, RunModeSchema, SelectMethodSchema, type RunMode } from "../options.js";
export { RunModeSchema, type RunMode };

/** `budget`: the run reached a --budget-* limit and stopped; what it had (its best valid submission) is graded. */
export const RunStatusSchema = z.enum(["running", "succeeded", "failed", "budget"]);
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
  /** An analysis's script printed no `RESULT=<json>` line. */
  noResult: "NoResult",
  /** An analysis's script printed a `RESULT=` line that is not JSON. */
  resultNotJson: "ResultNotJSON",
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

/** Records written before agents' one token shape kept `inputTokens`/`outputTokens` beside `calls`. */
function legacyUsageEntry(value: unknown): unknown {
  if (value === null || typeof value !== "object" || "tokens" in value || !("inputTokens" in value)) return value;
  const { inputTokens, outputTokens, ...rest } = value as Record<string, unknown>;
  return { ...rest, tokens: { input: inputTokens, output: outputTokens } };
}

/** Model calls and tokens of one role or stage; cost in USD when the run has a price table for the model. */
export const UsageEntrySchema = z.preprocess(
  legacyUsageEntry,
  z.object({
    calls: z.number().int().nonnegative(),
    tokens: TokenCountsSchema,
    /** null: no price known for (some of) the models used. */
    costUsd: z.number().nonnegative().nullable(),
  }),
);
export type UsageEntry = z.infer<typeof UsageEntrySchema>;

/**
 * What the run's model calls used (all sessions, all chains and branches), fed by the team's onCall hook.
 * byStage keys are the calls' steps without their number (agents' CallStep `tally`: "instructions", "critique",
 * "preprocessing-block", "merge", "fix", "review", "direct-script", "research", "resolve"); byRole keys the role
 * each call counts under (a fix recorded as the merger's, before the fixer role, counts as the fixer's).
 */
export const UsageSchema = z.object({
  total: UsageEntrySchema,
  byRole: z.record(z.string(), UsageEntrySchema),
  byStage: z.record(z.string(), UsageEntrySchema),
});
export type Usage = z.infer<typeof UsageSchema>;

/** The machine and software a result came from (issue 13: runs on different hardware are not compared as equals). */
export const FingerprintSchema = z.object({
  cpu: z.object({ model: z.string(), count: z.number().int() }),
  memoryBytes: z.number().int(),
  gpus: z.array(z.object({ name: z.string(), driver: z.string().optional(), memoryMiB: z.number().optional() })),
  platform: z.string(),
  node: z.string(),
  linguacodus: z.string(),
  docker: z.string().optional(),
  sandbox: z.object({ image: z.string().optional(), limits: z.record(z.string(), z.unknown()).optional() }).optional(),
  /** Per role: the spec, and the GGUF file's size and sha256, or the name the server said it served. */
  models: z.record(
    z.string(),
    z.object({ spec: z.string(), file: z.string().optional(), bytes: z.number().optional(), sha256: z.string().optional(), servedName: z.string().optional() }),
  ),
});
export type Fingerprint = z.infer<typeof FingerprintSchema>;

export const BudgetKindSchema = z.enum(["tokens", "usd", "minutes"]);
export type BudgetKind = z.infer<typeof BudgetKindSchema>;

/** How the instruction was chosen (--select) and, under `validation`, every branch tried (branches/<k>/). */
export const SelectionSchema = z.object({
  method: SelectMethodSchema,
  branches: z
    .array(
      z.object({
        id: z.string(),
        dir: z.string(),
        /** Rank of the candidate instruction this branch turned into code. */
        candidateRank: z.number().int(),
        valid: z.boolean(),
        validationScore: z.number().nullable(),
        /** The hidden test score: recorded for analysis, never used to choose. */
        testScore: z.number().nullable(),
      }),
    )
    .optional(),
  /** The branch kept (best validation score among valid branches). */
  chosen: z.string().optional(),
});
export type Selection = z.infer<typeof SelectionSchema>;

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
  /** The run options as run (execution/options.ts `RunOptionsSchema`). */
  config: RunConfigSchema,
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
  fingerprint: FingerprintSchema.optional(),
  usage: UsageSchema.optional(),
  /** The --budget-* limits of the run, and which one stopped it (status `budget`). */
  budget: z
    .object({
      limits: z.object({ tokens: z.number().optional(), usd: z.number().optional(), minutes: z.number().optional() }),
      reached: z.object({ kind: BudgetKindSchema, detail: z.string() }).optional(),
    })
    .optional(),
  selection: SelectionSchema.optional(),
  /** Tree search (--search): the policy, the steps asked and done, and why it stopped. */
  search: z
    .object({
      policy: z.string(),
      steps: z.number().int(),
      done: z.number().int(),
      /** "steps" when it ran every step, else the budget that stopped it. */
      stopped: z.string(),
      /** The node the solution is (best by validation score). */
      selected: z.string().optional(),
    })
    .optional(),
  /** Chains that reached the same valid result, when there are several. */
  agreement: z
    .object({
      chains: z.number().int(),
      valid: z.number().int(),
      /** Size of the largest group of valid chains whose test scores agree (to 1e-6 relative): consistency, for reports. */
      largestAgreeingGroup: z.number().int(),
      /**
       * The chain kept: the first of the largest group agreeing on the validation score the scripts printed, else the
       * first valid chain — chosen without the test score. (Records before this chose by test-score agreement.)
       */
      bestChain: z.string().optional(),
      /** How bestChain was chosen: "validation" since the choice stopped reading test scores (absent before); "result"
       * for an analysis: the first sample of the largest group agreeing on the printed result. */
      chosenBy: z.enum(["validation", "result"]).optional(),
    })
    .optional(),
});
export type RunJson = z.infer<typeof RunJsonSchema>;

/** Why an attempt ran: the first run of a script, a fix, a reviewer round's script, or a search node's script. */
export const AttemptKindSchema = z.enum(["initial", "fix", "feedback", "search"]);
export type AttemptKind = z.infer<typeof AttemptKindSchema>;

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
    kind: AttemptKindSchema,
    outcome: AttemptOutcomeSchema,
    errorClass: z.string().optional(),
    durationMs: z.number().nonnegative(),
    valid: z.boolean(),
    score: z.number().nullable().optional(),
    /** The VALIDATION_SCORE= the script printed (null: none, or not a number). */
    validationScore: z.number().nullable().optional(),
  }),
  z.object({
    ...eventBase,
    type: z.literal("review.finished"),
    round: z.number().int(),
    changed: z.boolean(),
    /** The reviewed attempt's figures and which of them the reviewer saw (absent when it saved none). */
    figures: ReviewFiguresSchema.optional(),
  }),
  z.object({
    ...eventBase,
    type: z.literal("feedback.finished"),
    round: z.number().int(),
    changed: z.boolean(),
    /** The revision was kept (a competition: its validation score is better; an analysis: it gave a result). */
    improved: z.boolean(),
    score: z.number().nullable().optional(),
    /** Why it was kept or not, in words. */
    reason: z.string().optional(),
  }),
  z.object({
    ...eventBase,
    type: z.literal("search.node"),
    node: z.string(),
    operator: z.string(),
    parent: z.string().nullable(),
    buggy: z.boolean(),
    validationScore: z.number().nullable(),
    /** Why the policy chose this step. */
    reason: z.string(),
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
  kind: AttemptKindSchema,
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
  /** Workspace files the sandbox did not collect, with the reason (sandbox SkippedFile; at most 50). */
  skippedFiles: z.array(SkippedEntrySchema).optional(),
  /** The PNG and SVG files the script saved (copied to exec/<attempt>/figures/); absent when it saved none. */
  figures: FiguresSchema.optional(),
  submission: z.object({
    present: z.boolean(),
    valid: z.boolean(),
    errors: z.array(z.string()),
    /** The hidden test score of the submission (the grader's). */
    score: z.number().nullable().optional(),
  }),
  /**
   * The validation score the script printed (`VALIDATION_SCORE=`, its last one), next to the test score above.
   * null when it printed none or an unparsable one — missing, never zero. Absent in records before this field.
   */
  validationScore: z.number().nullable().optional(),
  /** An analysis: the JSON value of the script's `RESULT=` line (absent when it printed none or not JSON). */
  analysisResult: z.json().optional(),
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
  /** The validation score that attempt's script printed (null: none). */
  validation_score: z.number().nullable().optional(),
  /** An analysis: the result of the attempt kept (its RESULT line's JSON value). */
  result: z.json().optional(),
  /** --sanity permuted-labels: the final script rerun on training data whose targets were permuted. */
  sanity: z
    .object({
      check: z.literal("permuted-labels"),
      seed: z.number().int(),
      /** Valid and scored on the permuted data, or why not. */
      permutedScore: z.number().nullable(),
      realScore: z.number(),
      constantScore: z.number().nullable(),
      /** The permuted-label score is nearer the real score than the constant baseline: the features carry the target. */
      flagged: z.boolean(),
      detail: z.string().optional(),
    })
    .optional(),
});
export type ScoreJson = z.infer<typeof ScoreJsonSchema>;
