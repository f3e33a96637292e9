// One run as one Inspect sample: its model calls (all chains, in the order they started) as the sample's messages
// and model events, the run's own events (stages, attempts) as info events between them, its grade as one score
// with several values, and its attempts, instructions and roles as metadata.
import { join } from "node:path";
import { TranscriptLineSchema, roleOfCall, type TokenCounts, type TranscriptLine } from "../agents/index.js";
import type { ReportRun } from "../benchmarks/index.js";
import { RUN_FILES, readJsonLines, type RunEvent, type RunRecord } from "../execution/index.js";
import type { InspectEvent, InspectInfoEvent, InspectMessage, InspectModelEvent, InspectModelUsage, InspectSample, InspectScore } from "./inspect-schema.js";

/** The one scorer of an exported sample: its value holds each of the run's grades. */
export const INSPECT_SCORER = "linguacodus";

/** The role whose model an Inspect log names as its model: the one that writes the code in the run's mode. */
export function primaryRole(mode: string, models: Record<string, string>): string {
  const preferred = mode === "direct" ? "direct" : "coder";
  return preferred in models ? preferred : (Object.keys(models)[0] ?? preferred);
}

export function usageOf(tokens: TokenCounts | null | undefined): InspectModelUsage {
  const input = tokens?.input ?? 0;
  const output = tokens?.output ?? 0;
  return { input_tokens: input, output_tokens: output, total_tokens: input + output, ...(tokens?.cached !== undefined ? { input_tokens_cache_read: tokens.cached } : {}) };
}

export function addUsage(into: Record<string, InspectModelUsage>, key: string, more: InspectModelUsage): void {
  const entry = (into[key] ??= { input_tokens: 0, output_tokens: 0, total_tokens: 0 });
  entry.input_tokens += more.input_tokens;
  entry.output_tokens += more.output_tokens;
  entry.total_tokens += more.total_tokens;
  if (more.input_tokens_cache_read !== undefined) entry.input_tokens_cache_read = (entry.input_tokens_cache_read ?? 0) + more.input_tokens_cache_read;
}

/** Every model call of the run and its chains (the records summarizeRun counts), in the order they started. */
function callsOf(record: RunRecord): TranscriptLine[] {
  const own = readJsonLines(join(record.dir, RUN_FILES.transcripts), TranscriptLineSchema).items;
  const all = [...own, ...record.chains.flatMap(callsOf)];
  return all.map((line, order) => ({ line, order })).sort((a, b) => a.line.startedAt.localeCompare(b.line.startedAt) || a.order - b.order).map((x) => x.line);
}

function eventsOf(record: RunRecord): { event: RunEvent; chain: string | null }[] {
  const own = record.events.map((event) => ({ event, chain: null as string | null }));
  return [...own, ...record.chains.flatMap((c) => eventsOf(c).map((e) => ({ ...e, chain: e.chain ?? c.run.runId })))];
}

const seconds = (ms: number) => ms / 1000;

function callMessages(call: TranscriptLine): { input: InspectMessage[]; answer: InspectMessage | null } {
  const tag = { callId: call.callId, role: call.role, ...(call.step ? { step: call.step } : {}) };
  const input = call.messages.map((m): InspectMessage => ({ role: m.role, content: m.content, source: "input", metadata: tag }));
  const answer: InspectMessage | null = call.response === null ? null : { role: "assistant", content: call.response, source: "generate", model: call.model, metadata: tag };
  return { input, answer };
}

function modelEvent(call: TranscriptLine, startMs: number): InspectModelEvent {
  const { input, answer } = callMessages(call);
  const started = Date.parse(call.startedAt);
  const error = call.error ? `${call.error.name}: ${call.error.message}` : undefined;
  const usage = call.tokens ? usageOf(call.tokens) : undefined;
  return {
    event: "model",
    uuid: `${call.callId}`,
    timestamp: call.startedAt,
    working_start: seconds(Math.max(0, started - startMs)),
    model: call.model,
    role: roleOfCall(call),
    input,
    tools: [],
    tool_choice: "none",
    config: {
      ...(call.params.temperature !== undefined ? { temperature: call.params.temperature } : {}),
      ...(call.params.seed !== undefined ? { seed: call.params.seed } : {}),
      ...(call.params.maxTokens !== undefined ? { max_tokens: call.params.maxTokens } : {}),
    },
    output: {
      model: call.model,
      choices: answer ? [{ message: answer, stop_reason: "stop" }] : [],
      completion: call.response ?? "",
      ...(usage ? { usage } : {}),
      time: seconds(call.latencyMs),
      ...(error ? { error } : {}),
    },
    ...(call.attempt > 1 ? { retries: call.attempt - 1 } : {}),
    ...(error ? { error } : {}),
    completed: new Date(started + call.latencyMs).toISOString(),
    working_time: seconds(call.latencyMs),
    metadata: { callId: call.callId, agentRole: call.role, step: call.step ?? null, kind: call.kind, attempt: call.attempt, latencyMs: call.latencyMs, ...(call.servedBy ? { servedBy: call.servedBy } : {}) },
  };
}

function infoEvent(entry: { event: RunEvent; chain: string | null }, index: number, runId: string, startMs: number): InspectInfoEvent {
  const { ts, elapsedMs: _elapsed, ...data } = entry.event;
  return {
    event: "info",
    uuid: `${runId}-event-${index}`,
    timestamp: ts,
    working_start: seconds(Math.max(0, Date.parse(ts) - startMs)),
    source: "linguacodus",
    data: entry.chain ? { ...data, chain: entry.chain } : data,
  };
}

/** The run's grades as one score: test score, valid, medal, normalised score (null: unknown) and validation score. */
export function scoreOf(run: ReportRun): InspectScore {
  return {
    value: {
      test_score: run.score,
      valid: run.valid,
      medal: run.medal,
      normalised_score: run.normalised,
      validation_score: run.validationScore,
    },
    ...(run.failure ? { explanation: run.failure } : {}),
    metadata: { metric: run.metric, lower_is_better: run.lowerIsBetter, normalised_by: run.normalisedBy, percentile: run.percentile },
  };
}

export interface SampleInput {
  run: ReportRun;
  record: RunRecord;
  /** The sample's epoch: the run's seed, or its place among the runs when it has none. */
  epoch: number;
  /** The sample id: the task id, or task id plus run id when two runs of a log share an epoch. */
  id: string;
}

/** One finished (or running) run as one Inspect sample. */
export function runToSample({ run, record, epoch, id }: SampleInput): InspectSample {
  const startMs = Date.parse(record.run.createdAt);
  const calls = callsOf(record);
  const messages: InspectMessage[] = [];
  const modelEvents = calls.map((call) => {
    const { input, answer } = callMessages(call);
    messages.push(...input, ...(answer ? [answer] : []));
    return modelEvent(call, startMs);
  });
  const infos = eventsOf(record).map((e, i) => infoEvent(e, i, run.runId, startMs));
  // Run events and model calls merged by time (the sort is stable: equal times keep run events first).
  const events: InspectEvent[] = [...infos, ...modelEvents].sort((a, b) => a.timestamp.localeCompare(b.timestamp));
  const score = scoreOf(run);
  const end = record.run.finishedAt ?? record.run.updatedAt;
  events.push({ event: "score", uuid: `${run.runId}-score`, timestamp: end, working_start: seconds(run.wallMs), score, target: "", intermediate: false, scorer: INSPECT_SCORER });

  const model_usage: Record<string, InspectModelUsage> = {};
  const role_usage: Record<string, InspectModelUsage> = {};
  for (const call of calls) {
    addUsage(model_usage, call.model, usageOf(call.tokens));
    addUsage(role_usage, roleOfCall(call), usageOf(call.tokens));
  }
  const final = [...messages].reverse().find((m) => m.role === "assistant");
  const role = primaryRole(record.run.mode, record.run.models);
  return {
    id,
    epoch,
    input: calls[0]?.messages.findLast((m) => m.role === "user")?.content ?? `Task ${run.taskId}`,
    target: `${run.metric}${run.lowerIsBetter === null ? "" : run.lowerIsBetter ? " (lower is better)" : " (higher is better)"}`,
    messages,
    output: { model: record.run.models[role] ?? "unknown", choices: final ? [{ message: final, stop_reason: "stop" }] : [], completion: final?.content ?? "" },
    scores: { [INSPECT_SCORER]: score },
    metadata: {
      run_id: run.runId,
      run_dir: run.dir,
      task_id: run.taskId,
      task_dir: run.taskDir,
      mode: run.mode,
      model_column: run.model,
      model_role: role,
      models: run.models,
      status: run.state,
      seed: run.seed,
      temperature: run.temperature,
      attempts_used: run.attemptsUsed,
      fixes_used: run.fixesUsed,
      first_attempt_success: run.firstAttemptSuccess,
      error_classes: run.errorClasses,
      attempts: record.attempts.map((a) => ({
        attempt: a.attempt,
        kind: a.kind,
        outcome: a.outcome,
        error_class: a.errorClass ?? null,
        valid: a.submission.valid,
        test_score: a.submission.score ?? null,
        validation_score: a.validationScore ?? null,
        duration_ms: a.durationMs,
      })),
      chains: run.chains.map((c) => ({ chain: c.chain, attempts: c.attempts })),
      instructions: record.instructions ?? null,
      usage: record.run.usage ?? null,
      cost_estimate: run.costEstimate,
      fingerprint_id: run.fingerprintId,
    },
    events,
    model_usage,
    role_usage,
    started_at: record.run.createdAt,
    ...(record.run.finishedAt ? { completed_at: record.run.finishedAt } : {}),
    total_time: seconds(run.wallMs),
    working_time: seconds(run.modelMs + run.sandboxMs),
    uuid: run.runId,
    ...(run.state === "failed" && run.failure ? { error: { message: run.failure, traceback: "", traceback_ansi: "" } } : {}),
  };
}
