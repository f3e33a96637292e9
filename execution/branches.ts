// Solutions in sub-records: `--select validation` runs each candidate instruction as a branch (branches/<rank>/),
// `--chains P --iterations I` runs P×I whole solutions (chains/c<p>-i<i>/). Each sub-record is a full run record;
// one already finished is read back, not rerun.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type JsonValue, bestFirst, groupResults } from "../datasets/index.js";
import type { BudgetReachedError } from "./budget.js";
import { finishSolution, settle } from "./finish.js";
import { recordedAnalysisGrade } from "./operators/index.js";
import type { InstructionsRecord } from "../instructions/index.js";
import { ATTEMPT_FILES, CODE_FILES, RUN_FILES, type RunJson, RunRecordWriter, attemptPath, readAttempts, readRunJson, readScore } from "./record/index.js";
import { type AttemptOutput, type Operator, type SolutionState, type StageContext, promptBase, stageContext } from "./state.js";

/** A sub-record of `parent` at `rel`: opened when it was left running, created when new, undefined when finished. */
export function openSubRecord(
  parent: RunRecordWriter,
  rel: string,
  init: { runId: string; seed?: number | undefined; onEvent?: StageContext["onEvent"] },
): { writer: RunRecordWriter; created: boolean } | undefined {
  const dir = parent.path(rel);
  const existing = existsSync(join(dir, RUN_FILES.run)) ? readRunJson(dir) : undefined;
  if (existing && existing.status !== "running") return undefined;
  const hooks = parent.subOptions(init.onEvent);
  if (existing) return { writer: RunRecordWriter.open(dir, hooks), created: false };
  const fresh: Partial<RunJson> = { timings: { wallMs: 0, modelMs: 0, sandboxMs: 0 }, chains: undefined, agreement: undefined, failure: undefined, finishedAt: undefined, usage: undefined, budget: undefined, selection: undefined };
  const seed = "seed" in init ? { seed: init.seed } : {};
  return { writer: RunRecordWriter.create(dir, { ...parent.runJson, ...fresh, runId: init.runId, ...seed }, hooks), created: true };
}

/** A state to start a sub-record's solution from: the parent's context, libraries and cores, nothing written. */
function freshState(state: SolutionState): SolutionState {
  return { context: state.context, ...promptBase(state), blocks: [], attempts: [], round: 0 };
}

function readTextIfExists(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, "utf8") : undefined;
}

/** A finished branch's final attempt, rebuilt from its record (so a resumed run chooses exactly as a fresh one). */
function branchFinal(dir: string, task: StageContext["task"]): AttemptOutput | undefined {
  const score = readScore(dir);
  if (!score?.valid || !score.attempt) return undefined;
  const result = readAttempts(dir).find((a) => a.attempt === score.attempt);
  if (!result) return undefined;
  const grade = recordedAnalysisGrade(task, result);
  return {
    result,
    ...(grade ? { grade } : {}),
    script: readTextIfExists(join(dir, RUN_FILES.finalScript)) ?? "",
    stdout: readTextIfExists(join(dir, attemptPath(result.attempt, ATTEMPT_FILES.stdout))) ?? "",
    submissionPath: join(dir, RUN_FILES.submission),
  };
}

/**
 * --select validation: every candidate instruction becomes a branch (branches/<rank>/, a full run record whose
 * planner stage is its parent's, naming its candidate), run through `branch`; the branch whose script printed the
 * best validation score is kept (valid branches without one rank last; the hidden test score is never consulted).
 */
export function validationBranches(branch: Operator): Operator {
  return async (state, ctx) => {
    const { writer } = ctx;
    const candidates = [...(state.candidates ?? [])];
    const rows: Array<{ id: string; dir: string; candidateRank: number; final?: AttemptOutput }> = [];
    let budget: BudgetReachedError | undefined;
    for (const [index, candidate] of candidates.entries()) {
      const id = String(index + 1);
      const rel = join(RUN_FILES.branches, id);
      const sub = openSubRecord(writer, rel, { runId: `${writer.runJson.runId}/branch-${id}`, onEvent: ctx.onEvent });
      if (sub) {
        if (sub.created) {
          // The parent planned: the branch starts from its candidate, planner stage done.
          sub.writer.writeInstructions({ candidates, critic: null, chosen: candidate, source: "validation-branch" } satisfies InstructionsRecord);
          sub.writer.event({ type: "stage.finished", stage: "planner", ok: true, durationMs: 0, detail: `candidate ${id} of the parent run` });
        }
        const subCtx = stageContext(sub.writer, { ...ctx });
        const settled = await settle(branch, freshState(state), subCtx);
        // The caller's stop (Ctrl-C) ends the whole run; a branch's own failure is that branch's result.
        if (settled.error !== undefined && !settled.state.budget && ctx.signal?.aborted) throw settled.error;
        await finishSolution(subCtx, settled.state);
        budget ??= settled.state.budget;
      }
      rows.push({ id, dir: rel, candidateRank: index + 1, final: branchFinal(writer.path(rel), ctx.task) });
      if (budget) break;
    }
    const scored = rows.map((row) => {
      const score = readScore(writer.path(row.dir));
      return { ...row, valid: score?.valid ?? false, validationScore: row.final?.result.validationScore ?? null, testScore: score?.valid ? score.score : null };
    });
    const ranked = scored
      .filter((r) => r.valid && r.final)
      .sort((a, b) => {
        if (a.validationScore === null || b.validationScore === null) return (a.validationScore === null ? 1 : 0) - (b.validationScore === null ? 1 : 0);
        return bestFirst(ctx.task.spec.lower_is_better)(a.validationScore, b.validationScore);
      });
    const chosen = ranked[0];
    writer.updateRun({
      selection: {
        method: "validation",
        branches: scored.map(({ id, dir, candidateRank, valid, validationScore, testScore }) => ({ id, dir, candidateRank, valid, validationScore, testScore })),
        ...(chosen ? { chosen: chosen.id } : {}),
      },
    });
    if (!chosen?.final) {
      return { ...state, ...(budget ? { budget } : {}), failure: { stage: "branches", message: `none of the ${scored.length} branches produced a valid submission` } };
    }
    const final = chosen.final;
    return {
      ...state,
      best: { ...final, result: { ...final.result, attempt: `${chosen.dir}/${final.result.attempt}` } },
      instruction: candidates[chosen.candidateRank - 1],
      ...(budget ? { budget } : {}),
    };
  };
}

/**
 * Groups valid chains whose scores agree (to 1e-6 relative) and reports the largest group. Called on the graded test
 * scores for the record's consistency figures, and on the validation scores the scripts printed for the choice of
 * the chain kept: selection never sees the test score.
 */
export function chainAgreement(results: Array<{ id: string; valid: boolean; score: number | null }>): NonNullable<RunJson["agreement"]> {
  const valid = results.filter((r) => r.valid && r.score !== null);
  let largest: typeof valid = [];
  for (const r of valid) {
    const group = valid.filter((o) => Math.abs((o.score as number) - (r.score as number)) <= 1e-6 * Math.max(1, Math.abs(r.score as number)));
    if (group.length > largest.length) largest = group;
  }
  return { chains: results.length, valid: valid.length, largestAgreeingGroup: largest.length, bestChain: largest[0]?.id };
}

export interface ChainsInput {
  /** The run's context: its record receives chains/ and the chosen chain's result. */
  ctx: StageContext;
  /** Each chain's solution, from `state`. */
  solution: Operator;
  state: SolutionState;
  /** The context of one chain (its own record, metered team and sandbox, seed); called when the chain starts. */
  chainContext: (writer: RunRecordWriter, seed: number | undefined) => { ctx: StageContext; finished: () => void };
  /** The budget the run reached, if any (the run's status). */
  budgetReached: () => BudgetReachedError | undefined;
}

type ChainResult = { valid: boolean; score: number | null; validationScore: number | null; result?: JsonValue };
type Agreement = { agreement: NonNullable<RunJson["agreement"]>; chosen: string | undefined };

/** Competitions: consistency of the graded scores; the chain kept agrees on the printed validation score (else the first valid). */
function scoreAgreement(ids: readonly string[], resultOf: (id: string) => ChainResult): Agreement {
  // How consistent the chains' graded results are (Sand-Bob's view), recorded for the report only.
  const graded = chainAgreement(ids.map((id) => ({ id, valid: resultOf(id).valid, score: resultOf(id).score })));
  const byValidation = chainAgreement(ids.map((id) => ({ id, valid: resultOf(id).valid, score: resultOf(id).validationScore })));
  const chosen = byValidation.bestChain ?? ids.find((id) => resultOf(id).valid);
  return { agreement: { chains: graded.chains, valid: graded.valid, largestAgreeingGroup: graded.largestAgreeingGroup, ...(chosen ? { bestChain: chosen } : {}), chosenBy: "validation" }, chosen };
}

/** Analyses: the chain kept is the first of the largest group printing the same result (the majority, when there is one). */
function resultAgreement(ids: readonly string[], resultOf: (id: string) => ChainResult): Agreement {
  const groups = groupResults(ids.map((id) => ({ id, result: resultOf(id).result })));
  const chosen = groups[0]?.members[0]?.id;
  const valid = ids.filter((id) => resultOf(id).result !== undefined).length;
  return { agreement: { chains: ids.length, valid, largestAgreeingGroup: groups[0]?.members.length ?? 0, ...(chosen ? { bestChain: chosen } : {}), chosenBy: "result" }, chosen };
}

/** P chains in parallel, I runs each in sequence; each run is a full record under chains/; the agreed result is kept. */
export async function runChains(input: ChainsInput): Promise<void> {
  const { ctx, state } = input;
  const { writer, options, task } = ctx;
  const ids: string[] = [];
  for (let p = 0; p < options.chains; p++) for (let i = 0; i < options.iterations; i++) ids.push(`c${p}-i${i}`);
  writer.updateRun({ chains: ids.map((id) => ({ id, dir: join(RUN_FILES.chains, id) })) });

  const results = new Map<string, { valid: boolean; score: number | null; validationScore: number | null; result?: JsonValue }>();
  const runOne = async (id: string, index: number) => {
    const rel = join(RUN_FILES.chains, id);
    const seed = options.seed === undefined ? undefined : options.seed + index;
    const sub = openSubRecord(writer, rel, { runId: `${writer.runJson.runId}/${id}`, seed, onEvent: ctx.onEvent });
    if (sub) {
      const chain = input.chainContext(sub.writer, seed);
      const settled = await settle(input.solution, freshState(state), chain.ctx);
      chain.finished();
      // The caller's stop (Ctrl-C) ends the whole run, the chain left running for --resume; a chain's own failure is its result.
      if (settled.error !== undefined && !settled.state.budget && ctx.signal?.aborted) throw settled.error;
      await finishSolution(chain.ctx, settled.state, { unitTests: true });
    }
    const score = readScore(writer.path(rel));
    results.set(id, { valid: score?.valid ?? false, score: score?.score ?? null, validationScore: score?.validation_score ?? null, ...(score?.result !== undefined ? { result: score.result } : {}) });
  };

  // Parallel chains, sequential iterations inside each chain; on a stop every chain ends before the run does.
  const ended = await Promise.allSettled(
    Array.from({ length: options.chains }, async (_, p) => {
      for (let i = 0; i < options.iterations; i++) await runOne(`c${p}-i${i}`, p * options.iterations + i);
    }),
  );
  const stopped = ended.find((e): e is PromiseRejectedResult => e.status === "rejected");
  if (stopped) throw stopped.reason;

  const resultOf = (id: string) => results.get(id) ?? { valid: false, score: null, validationScore: null };
  const { agreement, chosen } = task.analysis ? resultAgreement(ids, resultOf) : scoreAgreement(ids, resultOf);
  writer.updateRun({ agreement });
  const reached = input.budgetReached();
  if (chosen) {
    const dir = writer.path(RUN_FILES.chains, chosen);
    // An analysis's chain has no submission file (its result is in score.json).
    if (existsSync(join(dir, RUN_FILES.submission))) writer.writeSubmission(join(dir, RUN_FILES.submission));
    const score = readScore(dir)!;
    writer.writeScore({ ...score, attempt: `${chosen}/${score.attempt ?? ""}` });
    writer.writeCodeFile(CODE_FILES.final, readFileSync(join(dir, RUN_FILES.finalScript), "utf8"));
    writer.finish(reached ? "budget" : "succeeded", { valid: true, score: score.score, ...(reached ? { reason: reached.message } : {}) });
  } else {
    const reason = `none of the ${ids.length} chains produced a valid submission`;
    writer.writeScore({ valid: false, score: null, metric: task.spec.metric.name, lower_is_better: task.spec.lower_is_better, errors: [reason] });
    writer.finish(reached ? "budget" : "failed", { valid: false, reason: reached?.message ?? reason, stage: "chains" });
  }
}
