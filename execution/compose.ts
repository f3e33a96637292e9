// Compositions of the operators: the paper's pipeline, direct mode and the ablations are sequences of operators;
// the execute-and-fix loop, feedback rounds and validation branches are built from execute, fix and review.
// (Chains of whole runs are execution/branches.ts's `runChains`.)
import { isBetter } from "../datasets/index.js";
import { budgetCause } from "./budget.js";
import {
  STAGED_CODERS,
  codeUnstaged,
  critique,
  directCode,
  execute,
  fix,
  merge,
  parseValidationScore,
  plan,
  planPaper,
  review,
  roundAttempts,
  withRecordedAttempts,
} from "./operators/index.js";
import type { RunOptions, SelectMethod } from "./options.js";
import { RUN_FILES } from "./record/index.js";
import { type Operator, type SolutionState, type StageContext, runStage, timedStage } from "./state.js";
import { validationBranches } from "./branches.js";
import { search, searchConfig } from "./search/index.js";

/** The operators in order; a state with a failure ends the sequence there (what it has is the result). */
export function sequence(...steps: Operator[]): Operator {
  return async (state, ctx) => {
    let current = state;
    for (const step of steps) {
      if (current.failure) break;
      current = await step(current, ctx);
    }
    return current;
  };
}

/**
 * Execute the state's script; while the attempt fails and fixes are left, fix it and execute again — all in the
 * state's round. Attempts the record already holds are read back, and the loop continues after the last one.
 */
export function fixLoop(maxFixes: number): Operator {
  return async (state, ctx) => {
    let current = withRecordedAttempts(state, ctx);
    const resumed = roundAttempts(current).at(-1);
    if (resumed) current = { ...current, script: resumed.script };
    for (;;) {
      const round = roundAttempts(current);
      const last = round.at(-1);
      if (last?.result.outcome === "ok" || round.length > maxFixes) return current;
      if (last) {
        const before = current.attempts.length;
        current = await fix(current, ctx);
        // The fixer wrote no code: that was an attempt of its own, and the next fix tries again.
        if (current.attempts.length > before) continue;
      }
      current = await execute(current, ctx);
    }
  };
}

/** The last attempt of the state's round when it produced a valid submission. */
function roundSuccess(state: SolutionState) {
  const last = roundAttempts(state).at(-1);
  return last?.result.outcome === "ok" ? last : undefined;
}

/**
 * The first execution (stage `execute`, round 0): the fix loop; its valid attempt is the solution's best, and a
 * loop without one ends the solution with the last error.
 */
export function executeAndFix(maxFixes: number): Operator {
  return (state, ctx) =>
    timedStage<SolutionState>(ctx, "execute", async () => {
      const looped = await fixLoop(maxFixes)({ ...state, round: 0 }, ctx);
      const final = roundSuccess(looped);
      if (final) return { value: { ...looped, best: final }, ok: true };
      const attempts = roundAttempts(looped);
      const lastError = attempts.at(-1)?.failure;
      const message = `no valid submission after ${attempts.length} attempt(s) (fix attempts: ${maxFixes}); last error: ${lastError?.split("\n").slice(0, 2).join(" ") ?? "unknown"}`;
      return { value: { ...looped, failure: { stage: "execute", message } }, ok: false, detail: lastError?.split("\n")[0] };
    });
}

/** A feedback round's verdict on the revised script: kept or not, why, and the score it printed. */
interface RoundVerdict {
  kept: boolean;
  reason: string;
  score: number | null;
}

/**
 * A competition keeps the revision when its printed validation score is better (never the hidden test score). An
 * analysis has no score to compare: it keeps a revision that ran and printed a result (Sand-Bob keeps the revised
 * code), and a revision that fails or prints no result leaves the previous code.
 */
function roundVerdict(ctx: StageContext, looped: SolutionState, bestValidation: number | null): RoundVerdict {
  const final = roundSuccess(looped);
  if (ctx.task.analysis) {
    if (final?.result.analysisResult !== undefined) return { kept: true, reason: "the revision ran and gave a result", score: null };
    const last = roundAttempts(looped).at(-1)?.result;
    return { kept: false, reason: `the revision gave no result (${last?.errorClass ?? last?.outcome ?? "not run"}): the previous code is kept`, score: null };
  }
  const validation = final ? parseValidationScore(final.stdout) : null;
  const improved = validation !== null && (bestValidation === null || isBetter(validation, bestValidation, ctx.task.spec.lower_is_better));
  return { kept: improved, reason: improved ? "improved" : "not improved", score: validation };
}

/**
 * Reviewer rounds after a valid version (stage `feedback:<n>`): review the best, execute-and-fix the reviewed
 * script, keep it by `roundVerdict`. A round that changes nothing or keeps nothing ends the rounds; a budget
 * reached meanwhile keeps the best so far.
 */
export function feedbackRounds(rounds: number, maxFixes: number): Operator {
  return async (state, ctx) => {
    let current = state;
    try {
      for (let round = 1; round <= rounds; round++) {
        const next = await timedStage<SolutionState | undefined>(ctx, `feedback:${round}`, async () => {
          const bestValidation = parseValidationScore(current.best!.stdout);
          const reviewed = await review({ ...current, round }, ctx);
          if (!reviewed.reviewChanged) {
            ctx.writer.event({ type: "feedback.finished", round, changed: false, improved: false, score: bestValidation, reason: "code unchanged" });
            return { value: undefined, ok: true, detail: "code unchanged" };
          }
          const looped = await fixLoop(maxFixes)(reviewed, ctx);
          const verdict = roundVerdict(ctx, looped, bestValidation);
          ctx.writer.event({ type: "feedback.finished", round, changed: true, improved: verdict.kept, score: verdict.score, reason: verdict.reason });
          const value = verdict.kept ? { ...looped, best: roundSuccess(looped) } : undefined;
          if (!verdict.kept) current = { ...looped, best: current.best };
          return { value, ok: true, detail: verdict.reason };
        });
        if (!next) break;
        current = next;
      }
    } catch (error) {
      const budget = budgetCause(error);
      if (!budget) throw error;
      return { ...current, budget };
    }
    return current;
  };
}

/** Stage `context`: the task context every prompt starts with, as context.md. */
export const writeContext: Operator = async (state, ctx) => {
  await runStage(ctx, {
    name: "context",
    load: () => true,
    work: async () => {
      ctx.writer.writeTopFile(RUN_FILES.context, `${state.context}\n`);
      return true;
    },
  });
  return state;
};

/** --select, with --no-critic read as `first` (the ablation it always was). */
export function selectionOf(options: Pick<RunOptions, "select" | "noCritic">): SelectMethod {
  return options.select ?? (options.noCritic ? "first" : "critic");
}

/** run.json says how the instruction was chosen. */
function recordSelection(method: SelectMethod): Operator {
  return async (state, ctx) => {
    ctx.writer.updateRun({ selection: { method } });
    return state;
  };
}

/**
 * A run's solution as its options compose it. Direct: context → direct coder → execute-and-fix → feedback.
 * Linguacodus: context → planner (json / per-rank / paper prompt) → critic (structured / paper; not with
 * `--select first`) → staged coders + merger (or one unstaged coder) → execute-and-fix → feedback. `--select
 * validation`: after the planner, every candidate runs the rest as a branch and the best by validation is kept.
 */
export function solution(options: RunOptions): Operator {
  const searching = searchConfig(options);
  // Tree search: every step one coding chain and one attempt; the best node by validation is the solution.
  if (searching) return sequence(writeContext, search(searching));
  const execution = sequence(executeAndFix(options.fixAttempts), feedbackRounds(options.feedbackIterations, options.fixAttempts));
  if (options.mode === "direct") return sequence(writeContext, directCode, execution);
  const planner = options.plannerPrompt === "paper" ? planPaper : plan;
  const coders = options.unstaged ? codeUnstaged : sequence(...STAGED_CODERS, merge);
  const select = selectionOf(options);
  // A branch starts where its parent planned (its record holds the chosen candidate): the critic is not asked.
  if (select === "validation") return sequence(writeContext, planner, validationBranches(sequence(writeContext, planner, coders, execution)));
  return sequence(writeContext, planner, recordSelection(select), ...(select === "critic" ? [critique(options.criticStyle)] : []), coders, execution);
}
