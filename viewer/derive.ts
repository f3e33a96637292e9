// Pure functions that turn what a run record holds into what the pages show: the stage timeline, the attempt tree,
// which stage and attempt each model call served, and the instructions side by side. No I/O here.
import { addTokens, noTokens, parseCallStep } from "../agents/index.js";
import type { AttemptResult, RunEvent, TranscriptEntry, TranscriptItem } from "../execution/index.js";
import { INSTRUCTION_SECTIONS, renderInstruction, type Instruction, type InstructionsRecord } from "../instructions/index.js";
import type { CallView, CandidateView, FindingView, InstructionsView, StageRow } from "./api.js";

const time = (iso: string | undefined) => (iso === undefined ? Number.NaN : Date.parse(iso));

/** Stage windows from stage.started / stage.finished events, with the calls made inside each window. */
export function stageTimeline(events: readonly RunEvent[], calls: readonly TranscriptEntry[]): StageRow[] {
  const first = events[0] ? time(events[0].ts) : 0;
  const rows: (StageRow & { from: number; to: number })[] = [];
  const open = new Map<string, number>();
  for (const event of events) {
    if (event.type === "stage.started") {
      open.set(event.stage, rows.length);
      const at = time(event.ts);
      rows.push({ stage: event.stage, startMs: at - first, durationMs: null, ok: null, calls: 0, tokens: noTokens(), models: [], from: at, to: Number.POSITIVE_INFINITY });
    } else if (event.type === "stage.finished") {
      const i = open.get(event.stage);
      const row = i === undefined ? undefined : rows[i];
      if (row && i !== undefined) {
        row.durationMs = event.durationMs;
        row.ok = event.ok;
        row.to = time(event.ts);
        if (event.detail) row.detail = event.detail;
        open.delete(event.stage);
      }
    }
  }
  // A stage still open when a later one starts was cut off (a crash before resume): it ends where the next begins.
  rows.forEach((row, i) => {
    if (row.to === Number.POSITIVE_INFINITY && rows[i + 1]) row.to = rows[i + 1]!.from;
  });
  for (const call of calls) {
    const row = stageAt(rows, time(call.startedAt), parseCallStep(call)?.stage);
    if (!row) continue;
    row.calls += 1;
    addTokens(row.tokens, call.tokens);
    if (call.model && !row.models.includes(call.model)) row.models.push(call.model);
  }
  return rows.map(({ from: _from, to: _to, ...row }) => row);
}

/**
 * The stage window a call started in: of the windows holding the moment, the one of the stage its step serves, else
 * the latest (a call is made inside the stage that asked for it). Windows meet at a shared millisecond — a stage
 * that ends as the next starts — so the moment alone cannot tell a merge call from the execution that follows it.
 */
function stageAt<T extends { stage: string; from: number; to: number }>(rows: readonly T[], at: number, stepStage: string | null | undefined): T | undefined {
  if (Number.isNaN(at)) return undefined;
  const holding = rows.filter((row) => row.from <= at && at <= row.to);
  return holding.findLast((row) => row.stage === stepStage) ?? holding.at(-1);
}

/** The stage whose window holds a call's start; the call's step says it when the events do not. */
export function stageOfCall(events: readonly RunEvent[], call: Pick<TranscriptEntry, "startedAt" | "role" | "step">): string | null {
  const windows: { stage: string; from: number; to: number }[] = [];
  for (const event of events) {
    if (event.type === "stage.started") windows.push({ stage: event.stage, from: time(event.ts), to: Number.POSITIVE_INFINITY });
    else if (event.type === "stage.finished") {
      const w = [...windows].reverse().find((x) => x.stage === event.stage && x.to === Number.POSITIVE_INFINITY);
      if (w) w.to = time(event.ts);
    }
  }
  const stepStage = parseCallStep(call)?.stage;
  const hit = stageAt(windows, time(call.startedAt), stepStage);
  if (hit) return hit.stage;
  return stepStage ?? null;
}

/**
 * The attempt whose script a call wrote: the merger's (or direct coder's) script is the first attempt; fix-k writes
 * the next attempt with fix index k; review-r the first attempt of feedback round r.
 */
export function attemptOfCall(attempts: readonly AttemptResult[], events: readonly RunEvent[], call: Pick<TranscriptEntry, "startedAt" | "role" | "step">): string | null {
  const step = parseCallStep(call);
  if (step?.kind === "merge" || step?.kind === "direct-script" || step?.kind === "unstaged-script") return attempts.find((a) => a.index === 0)?.attempt ?? null;
  if (step?.kind === "fix") {
    const k = step.n;
    const finished = new Map<string, number>();
    for (const e of events) if (e.type === "attempt.finished") finished.set(e.attempt, time(e.ts));
    const at = time(call.startedAt);
    const candidates = attempts.filter((a) => a.fixIndex === k);
    const after = candidates.find((a) => (finished.get(a.attempt) ?? Number.POSITIVE_INFINITY) >= at);
    return (after ?? candidates[0])?.attempt ?? null;
  }
  if (step?.kind === "review") return attempts.find((a) => a.feedbackRound === step.n && a.fixIndex === 0)?.attempt ?? null;
  return null;
}

/**
 * Parent of each attempt in the attempt tree: a fix grows from the attempt it fixed (the previous one of its
 * round); the first attempt of feedback round r grows from the valid attempt that round r-1 ended with.
 */
export function attemptParents(attempts: readonly AttemptResult[]): Map<string, string | null> {
  const parents = new Map<string, string | null>();
  const sorted = [...attempts].sort((a, b) => a.index - b.index);
  sorted.forEach((a, i) => {
    const earlier = sorted.slice(0, i);
    let parent: AttemptResult | undefined;
    if (a.fixIndex > 0) parent = [...earlier].reverse().find((p) => p.feedbackRound === a.feedbackRound);
    else if (a.feedbackRound > 0) {
      const valid = (p: AttemptResult) => p.outcome === "ok" && p.submission.valid;
      parent = [...earlier].reverse().find((p) => p.feedbackRound === a.feedbackRound - 1 && valid(p)) ?? [...earlier].reverse().find(valid);
    }
    parents.set(a.attempt, parent?.attempt ?? null);
  });
  return parents;
}

function candidateView(instruction: Instruction, findings: FindingView[], chosen: boolean): CandidateView {
  return {
    rank: instruction.rank,
    title: instruction.title,
    sections: INSTRUCTION_SECTIONS.map((s) => ({ title: s.title, bullets: [...instruction[s.key]] })),
    text: renderInstruction(instruction),
    findings,
    chosen,
  };
}

/** The candidates side by side with the critic's findings on each, the chosen one and the refined one. */
export function instructionsView(record: InstructionsRecord): InstructionsView {
  const chosenRank = record.critic?.chosenRank ?? record.candidates.slice().sort((a, b) => a.rank - b.rank)[0]?.rank ?? null;
  const findingsOf = (rank: number): FindingView[] => record.critic?.candidates.find((c) => c.rank === rank)?.findings.map((f) => ({ ...f })) ?? [];
  const candidates = record.candidates
    .slice()
    .sort((a, b) => a.rank - b.rank)
    .map((c) => candidateView(c, findingsOf(c.rank), c.rank === chosenRank));
  const chosen = record.candidates.find((c) => c.rank === chosenRank) ?? record.chosen;
  return {
    source: record.source,
    candidates,
    chosenRank,
    rationale: record.critic?.rationale ?? null,
    chosenText: renderInstruction(chosen),
    refined: candidateView(record.chosen, [], true),
  };
}

/** One call as the calls page shows it: the index entry, the full line when it read, its stage and attempt. */
export function callView(item: TranscriptItem, context: { events: readonly RunEvent[]; attempts: readonly AttemptResult[] }): CallView {
  const e: TranscriptEntry = item.entry;
  const line = item.line;
  let structured: unknown = null;
  if (line?.kind === "structured" && line.response !== null) {
    try {
      structured = JSON.parse(line.response);
    } catch {
      structured = null;
    }
  }
  return {
    index: e.index,
    role: e.role,
    step: line?.step ?? e.step ?? null,
    model: line?.model ?? e.model ?? null,
    kind: line?.kind ?? null,
    retry: line?.attempt ?? null,
    params: line ? { ...line.params } : null,
    messages: line?.messages.map((m) => ({ role: m.role, content: m.content })) ?? [],
    response: line?.response ?? null,
    structured,
    tokens: e.tokens,
    latencyMs: e.latencyMs,
    startedAt: e.startedAt ?? null,
    error: line?.error ?? null,
    stage: stageOfCall(context.events, e),
    servedAttempt: attemptOfCall(context.attempts, context.events, e),
    raw: item.raw ?? null,
    problem: item.problem ?? null,
  };
}
