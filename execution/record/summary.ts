// The numbers a report needs about one run, computed from its record only (run.json, exec/, score.json,
// transcripts.jsonl read through the agents layer's one TranscriptLineSchema).
import { join } from "node:path";
import { z } from "zod";
import { TokenCountsSchema, TranscriptLineSchema, addTokens, noTokens, roleOfCall, tokenTotal, type TokenCounts } from "../../agents/index.js";
import { readJsonLines } from "./files.js";
import { RUN_FILES } from "./layout.js";
import { type RunRecord, readRunRecord } from "./reader.js";
import { type AttemptResult, BudgetKindSchema, type RunEvent, RunJsonSchema, RunModeSchema, RunStatusSchema, UsageSchema } from "./schemas.js";

export interface RoleTokens {
  calls: number;
  tokens: TokenCounts;
  latencyMs: number;
}

const noRoleTokens = (): RoleTokens => ({ calls: 0, tokens: noTokens(), latencyMs: 0 });

/** What the summary reads of each transcript line: a view of the agents layer's schema, not a second definition. */
const TranscriptUsageSchema = TranscriptLineSchema.pick({ role: true, step: true, tokens: true, latencyMs: true });

/** Model calls, tokens and latency per role (as agents' call-step vocabulary reads it: an old fix is the fixer's), from transcripts.jsonl. */
export function tokensByRole(dir: string): Record<string, RoleTokens> {
  const { items } = readJsonLines(join(dir, RUN_FILES.transcripts), TranscriptUsageSchema);
  const byRole: Record<string, RoleTokens> = {};
  for (const line of items) {
    const entry = (byRole[roleOfCall(line)] ??= noRoleTokens());
    entry.calls += 1;
    addTokens(entry.tokens, line.tokens);
    entry.latencyMs += line.latencyMs;
  }
  return byRole;
}

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
  tokensByRole: z.record(z.string(), z.object({ calls: z.number(), tokens: TokenCountsSchema, latencyMs: z.number() })),
  totalTokens: z.number(),
  failure: z.string().optional(),
  /** An analysis: the result kept (its RESULT line's JSON value); absent when none. */
  result: z.json().optional(),
  /** The validation score the final submission's script printed (null: none printed). */
  validationScore: z.number().nullable().optional(),
  /** --sanity permuted-labels: whether the rerun on permuted training targets still scored near the real score. */
  sanity: z.object({ flagged: z.boolean(), permutedScore: z.number().nullable(), detail: z.string().optional() }).optional(),
  /** Tokens and cost per role and stage (run.json `usage`; absent in records before it). */
  usage: UsageSchema.optional(),
  /** Which budget stopped the run (status `budget`). */
  budgetReached: BudgetKindSchema.optional(),
  chains: z.number().int(),
  agreement: RunJsonSchema.shape.agreement,
});
export type RunSummary = z.infer<typeof RunSummarySchema>;

function allAttempts(record: RunRecord): AttemptResult[] {
  return [...record.attempts, ...record.chains.flatMap(allAttempts)];
}

function mergeTokens(target: Record<string, RoleTokens>, source: Record<string, RoleTokens>): void {
  for (const [role, t] of Object.entries(source)) {
    const entry = (target[role] ??= noRoleTokens());
    entry.calls += t.calls;
    addTokens(entry.tokens, t.tokens);
    entry.latencyMs += t.latencyMs;
  }
}

function allTokens(record: RunRecord): Record<string, RoleTokens> {
  const tokens = tokensByRole(record.dir);
  for (const chain of record.chains) mergeTokens(tokens, allTokens(chain));
  return tokens;
}

/**
 * The numbers a report needs about one run, computed from its record only. `tokens: false` skips reading
 * transcripts.jsonl (token counts come out empty): the viewer's bench page does not need them, and real
 * transcripts are the largest files of a run by far.
 */
export function summarizeRun(recordOrDir: RunRecord | string, options: { tokens?: boolean } = {}): RunSummary {
  const record = typeof recordOrDir === "string" ? readRunRecord(recordOrDir) : recordOrDir;
  const { run, score } = record;
  const attempts = allAttempts(record);
  // With several chains, the first attempt of each chain counts: the run succeeded first time if any did.
  const firstAttempts = record.chains.length > 0 ? record.chains.map((c) => c.attempts[0]) : [record.attempts[0]];
  const tokens = options.tokens === false ? {} : allTokens(record);
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
    totalTokens: Object.values(tokens).reduce((sum, t) => sum + tokenTotal(t.tokens), 0),
    failure: run.failure?.message,
    validationScore: score?.validation_score ?? null,
    ...(score?.result !== undefined ? { result: score.result } : {}),
    ...(score?.sanity ? { sanity: { flagged: score.sanity.flagged, permutedScore: score.sanity.permutedScore, ...(score.sanity.detail ? { detail: score.sanity.detail } : {}) } } : {}),
    usage: run.usage,
    budgetReached: run.budget?.reached?.kind,
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
