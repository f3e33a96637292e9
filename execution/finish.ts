// The end of a solution in its record: the chosen attempt's submission, score.json (with the validation score the
// script printed, and the permuted-labels sanity check when asked), final.py, the notebook, and the run's status.
// Also `settle`: an operator run whose error becomes the state's failure (what was done stays in the record).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type CodeStage, toNotebook } from "../codegen/index.js";
import { INSTRUCTION_SECTIONS, type Instruction } from "../instructions/index.js";
import { budgetCause } from "./budget.js";
import { parseValidationScore } from "./operators/index.js";
import { ATTEMPT_FILES, CODE_FILES, RUN_FILES, type ScoreJson } from "./record/index.js";
import { permutedLabelCheck } from "./sanity.js";
import { unitTestStage } from "./unit-tests.js";
import { type Operator, type SolutionState, type StageContext, StageError } from "./state.js";

/** Runs `operator`; an error it throws is returned with the state it started from, marked failed (and `budget`). */
export async function settle(operator: Operator, state: SolutionState, ctx: StageContext): Promise<{ state: SolutionState; error?: unknown }> {
  try {
    return { state: await operator(state, ctx) };
  } catch (error) {
    const reached = budgetCause(error);
    const failure = { message: error instanceof Error ? error.message : String(error), stage: error instanceof StageError ? error.stage : undefined };
    return { state: { ...state, best: undefined, failure, ...(reached ? { budget: reached } : {}) }, error };
  }
}

function notebookSections(instruction: Instruction | undefined) {
  if (!instruction) return [];
  const stageOf: Record<string, CodeStage> = {
    dataPreprocessing: "preprocessing",
    modelArchitecture: "model",
    modelTraining: "training",
    submission: "submission",
  };
  return INSTRUCTION_SECTIONS.map((s) => ({ stage: stageOf[s.key] as string, title: s.title, bullets: instruction[s.key] }));
}

/**
 * Writes the final pieces of a finished solution: submission, score, final script, notebook, unit tests, status.
 * `ctx.sandbox` runs the sanity check and the unit tests (give the unmetered one: the checks are not part of the
 * run's sandbox time). `checks` says which the options may ask for here (the run's own record, a chain's).
 */
export async function finishSolution(ctx: StageContext, state: SolutionState, checks: { sanity?: boolean; unitTests?: boolean } = {}): Promise<void> {
  const { writer, task, options } = ctx;
  const final = state.best;
  // An analysis has no submission file: its graded result is the attempt's.
  if (final?.submissionPath || (task.analysis && final?.grade)) {
    if (final.submissionPath) writer.writeSubmission(final.submissionPath);
    const grade = final.grade ?? (await ctx.grade(task, writer.path(RUN_FILES.submission)));
    const result = final.result.analysisResult !== undefined ? { result: final.result.analysisResult } : {};
    const score = { ...grade, attempt: final.result.attempt, validation_score: final.result.validationScore ?? parseValidationScore(final.stdout), ...result } as ScoreJson;
    writer.writeScore(score);
    if (checks.sanity && options.sanity === "permuted-labels" && !task.analysis && grade.valid && grade.score !== null && !state.budget) {
      writer.event({ type: "stage.started", stage: "sanity" });
      const started = performance.now();
      const outputDir = writer.path(RUN_FILES.sanity, ATTEMPT_FILES.workspace);
      mkdirSync(outputDir, { recursive: true });
      const { stdout, stderr, ...sanity } = await permutedLabelCheck({
        task,
        script: final.script,
        sandbox: ctx.sandbox,
        grade: ctx.grade,
        realScore: grade.score,
        seed: options.seed ?? 0,
        timeoutSeconds: options.timeoutSeconds,
        outputDir,
      });
      writer.writeTopFile(join(RUN_FILES.sanity, ATTEMPT_FILES.stdout), stdout);
      writer.writeTopFile(join(RUN_FILES.sanity, ATTEMPT_FILES.stderr), stderr);
      writer.writeScore({ ...score, sanity });
      writer.event({ type: "stage.finished", stage: "sanity", ok: true, durationMs: performance.now() - started, detail: sanity.flagged ? "flagged" : "not flagged" });
    }
    writer.writeCodeFile(CODE_FILES.final, final.script);
    if (checks.unitTests && !state.budget) await unitTestStage(ctx, state, final.script);
    if (options.notebook) {
      // An analysis's notebook reads the run's data folder on the host (the sandbox's /data is not there).
      const dataDir = task.analysis ? { dataDir: task.publicDir } : {};
      writer.writeNotebook(toNotebook({ title: `${task.spec.title} — ${options.mode}`, script: final.script, sections: notebookSections(state.instruction), ...dataDir }));
    }
    const status = state.budget ? "budget" : grade.valid ? "succeeded" : "failed";
    writer.finish(status, { valid: grade.valid, score: grade.score, reason: state.budget?.message ?? (grade.valid ? undefined : grade.errors.join("; ")) });
    return;
  }
  const reason = state.budget?.message ?? state.failure?.message ?? "no valid submission";
  writer.writeScore({ valid: false, score: null, metric: task.spec.metric.name, lower_is_better: task.spec.lower_is_better, errors: [reason] });
  writer.finish(state.budget ? "budget" : "failed", { valid: false, reason, stage: state.failure?.stage });
}
