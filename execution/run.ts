// runTask: the library API behind `linguacodus run`. One task, one set of options → one run record.
// Linguacodus mode: context → planner → critic → staged coders → merger → execute-and-fix → grade.
// Direct mode: context → direct coder → the same execute-and-fix → grade. Stages already finished in the
// record are read back instead of repeated (resume).
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { StructuredOutputError } from "../agents/errors.js";
import type { AgentTeam, CallOptions, TokenProgress } from "../agents/types.js";
import type { CallHook, RoleModels } from "../agents/team.js";
import {
  CODE_STAGES,
  type CodeStage,
  NoCodeError,
  type StageBlock,
  assembleDraft,
  hasCode,
  mergeBlocks,
  noCodePlaceholder,
  noCodeReasons,
  reviewScript,
  toNotebook,
  writeDirectScript,
  writeStageBlock,
} from "../codegen/index.js";
import { type GradeResult, type Task, assertTaskRunnable, bestFirst, isBetter, loadTask } from "../datasets/index.js";
import {
  INSTRUCTION_SECTIONS,
  type Instruction,
  type InstructionsRecord,
  InstructionsRecordSchema,
  type TaskInfo,
  buildTaskContext,
  critiqueInstructions,
  critiqueInstructionsPaper,
  adapterPromptTemplate,
  planInstructionsPaper,
  planInstructionsReport,
  renderInstruction,
} from "../instructions/index.js";
import type { Sandbox } from "../sandbox/types.js";
import { type ModelCallReport, Meter, meteredSandbox, meteredTeam } from "./instrument.js";
import { type Redactor, createRedactor, redactedMessage, runSecrets } from "./redact.js";
import { BudgetGuard, type BudgetReachedError, budgetCause } from "./budget.js";
import { machineFingerprint } from "./fingerprint.js";
import { UsageTally } from "./usage.js";
import { permutedLabelCheck } from "./sanity.js";
import { type AttemptOutput, type LoopEnvironment, executeAndFix, parseValidationScore } from "./loop.js";
import { type RunOptions, type RunOptionsInput, parseRunOptions, resolveRoleSpecs } from "./options.js";
import {
  ATTEMPT_FILES,
  CODE_FILE,
  CODE_FILES,
  RUN_FILES,
  type RunEvent,
  type RunJson,
  RunRecordWriter,
  type RunSummary,
  type ScoreJson,
  finishedStages,
  attemptPath,
  newRunId,
  readAttempts,
  readEvents,
  readRunJson,
  readScore,
  summarizeRun,
} from "./record/index.js";

export const LINGUACODUS_VERSION = "0.1.0";

/** What a run needs from the outside: models, the sandbox, the grader, the image's libraries. */
export interface RunDependencies {
  /**
   * Creates the agent team of a run: calls must be appended to `transcriptsPath` and passed to `onCall` (give it to
   * createAgentTeam's `onCall`), which meters tokens per role and step.
   */
  createTeam(input: TeamRequest): AgentTeam | Promise<AgentTeam>;
  sandbox: Sandbox;
  grade(task: Task, submissionPath: string): Promise<GradeResult>;
  /** Python libraries of the sandbox image (the coders' whitelist). */
  libraries: readonly string[];
  versions?: { sandbox?: string; docker?: string; sandboxLimits?: Record<string, unknown> };
  /** Secret values the providers loaded (environment, .env): redacted by value from every file of the record. */
  secrets?: readonly string[];
}

/** What a run asks its team factory for. */
export interface TeamRequest {
  runId: string;
  transcriptsPath: string;
  models: RoleModels;
  onCall?: CallHook;
}

/** Progress as the run goes: the record's events, plus each model call with its duration and tokens. */
export type RunProgress =
  | RunEvent
  | ({ type: "model.call"; chain?: string } & ModelCallReport)
  /** A model call in flight: tokens so far and tokens/s (providers that stream tokens; throttled). */
  | ({ type: "model.tokens" } & TokenProgress);

export interface RunEnvironment extends RunDependencies {
  /** Folder that receives runs/<run-id>/ (ignored when `runDir` is given). */
  outDir: string;
  /** Exact folder of the run (otherwise outDir/<new run id>). */
  runDir?: string;
  onProgress?: (event: RunProgress) => void;
  /**
   * Stops a run in flight: checked before every stage, fix and execution attempt (a model call or script already
   * running finishes first). The run is recorded as failed with the signal's reason, and --resume continues it.
   */
  signal?: AbortSignal;
}

export interface RunResult {
  dir: string;
  run: RunJson;
  summary: RunSummary;
}

export function taskInfo(task: Task): TaskInfo {
  return {
    id: task.spec.id,
    title: task.spec.title,
    dataType: task.spec.data_type,
    metricName: task.spec.metric.name,
    metricParams: task.spec.metric.params,
    lowerIsBetter: task.spec.lower_is_better,
    idColumn: task.spec.id_column,
    targetColumns: task.spec.target_columns,
    description: task.description,
    publicDir: task.publicDir,
  };
}

/** A stage that is run once and skipped on resume when the record says it finished. */
async function stage<T>(
  writer: RunRecordWriter,
  done: Set<string>,
  name: string,
  load: () => T | undefined,
  work: () => Promise<T>,
  signal?: AbortSignal,
  /** A failure the run goes on after (e.g. a coder that wrote no code): recorded as the stage's detail, ok false. */
  softFailure?: (value: T) => string | undefined,
): Promise<T> {
  if (done.has(name)) {
    const loaded = load();
    if (loaded !== undefined) return loaded;
  }
  signal?.throwIfAborted();
  writer.event({ type: "stage.started", stage: name });
  const started = performance.now();
  try {
    const value = await work();
    const failed = softFailure?.(value);
    writer.event({ type: "stage.finished", stage: name, ok: failed === undefined, durationMs: performance.now() - started, ...(failed ? { detail: failed } : {}) });
    return value;
  } catch (error) {
    writer.event({ type: "stage.finished", stage: name, ok: false, durationMs: performance.now() - started, detail: (error as Error).message });
    throw new StageError(name, error);
  }
}

/** A run ended by an error; says where its folder is (what was done is kept there, and --resume continues it). */
export class RunFailedError extends Error {
  constructor(
    readonly runDir: string,
    readonly stage: string | undefined,
    override readonly cause: unknown,
    /** The message to show (the cause's, with secrets redacted); default the cause's message. */
    message?: string,
  ) {
    super(message ?? (cause instanceof Error ? cause.message : String(cause)));
    this.name = "RunFailedError";
  }
}

/** A stage failed; the message names the stage and keeps the cause's message (which says the fix). */
export class StageError extends Error {
  constructor(
    readonly stage: string,
    override readonly cause: unknown,
  ) {
    super(`${stage}: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = "StageError";
  }
}

function readJsonIfExists(path: string): unknown {
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as unknown) : undefined;
}

function readTextIfExists(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, "utf8") : undefined;
}

interface SolutionEnvironment {
  writer: RunRecordWriter;
  task: Task;
  options: RunOptions;
  team: AgentTeam;
  sandbox: Sandbox;
  deps: RunDependencies;
  callOptions: CallOptions;
  signal?: AbortSignal;
  /** This solution is one branch of --select validation: its instruction is already in its record. */
  branch?: boolean;
  /** Where sub-records' events go (progress). */
  onEvent?: (event: RunEvent) => void;
}

interface SolutionOutcome {
  final?: AttemptOutput;
  instruction?: Instruction;
  failure?: { message: string; stage?: string };
  /** The run stopped on a budget (what it had is graded; status `budget`). */
  budget?: BudgetReachedError;
}

/** One solution in one run folder: instructions (linguacodus mode), code, execute-and-fix, feedback rounds. */
async function solve(env: SolutionEnvironment): Promise<SolutionOutcome> {
  const { writer, task, options, team, deps, callOptions } = env;
  const done = finishedStages(readEvents(writer.dir));
  const step = <T>(name: string, load: () => T | undefined, work: () => Promise<T>, softFailure?: (value: T) => string | undefined) =>
    stage(writer, done, name, load, work, env.signal, softFailure);
  // A code stage whose model wrote no code leaves a placeholder with the reason; the fix loop takes it from there.
  const codeOrPlaceholder = async (what: string, write: () => Promise<{ code: string }>): Promise<string> => {
    try {
      return (await write()).code;
    } catch (error) {
      if (!(error instanceof NoCodeError)) throw error;
      return noCodePlaceholder(what, error.message);
    }
  };
  const noCodeDetail = (code: string) => (hasCode(code) ? undefined : noCodeReasons(code)[0] ?? "no code");
  const context = buildTaskContext(taskInfo(task), { tokenBudget: options.contextTokens, noSchema: options.noSchema });
  await step("context", () => true, async () => {
    writer.writeTopFile(RUN_FILES.context, `${context.text}\n`);
    return true;
  });
  const libraries = deps.libraries;
  const input = { context: context.text, libraries, cores: deps.sandbox.cores };

  let instruction: Instruction | undefined;
  let script: string;
  let blocks: StageBlock[] = [];

  const instructionsPath = writer.path(RUN_FILES.instructions);
  const loadInstructions = (): InstructionsRecord | undefined => {
    const raw = readJsonIfExists(instructionsPath);
    return raw === undefined ? undefined : InstructionsRecordSchema.parse(raw);
  };

  if (options.mode === "linguacodus") {
    let plannerFailures: string | undefined;
    const candidates = await step("planner", () => loadInstructions()?.candidates, async () => {
      if (options.plannerPrompt === "paper") {
        const info = taskInfo(task);
        const planner = team.model("planner");
        // An adapter trained on a corpus with its own prompt (the paper's) is asked with that prompt, from its sidecar.
        const template = adapterPromptTemplate(planner.spec);
        const plan = await planInstructionsPaper(planner, { ...info, count: options.instructions, ...(template ? { template } : {}) }, callOptions);
        writer.writeInstructions({
          candidates: plan.instructions,
          critic: null,
          chosen: plan.instructions[0]!,
          source: "top-ranked",
          plannerPrompt: "paper",
          parseFailures: plan.failures,
        } satisfies InstructionsRecord);
        return plan.instructions;
      }
      const planned = await planInstructionsReport(
        team.model("planner"),
        { ...input, count: options.instructions, promptMode: options.plannerPrompt },
        callOptions,
      );
      // Places whose answer failed twice are left out; the stage says which and why.
      if (planned.failures.length) plannerFailures = planned.failures.map((f) => `place ${f.rank}: ${f.error.split("\n")[0]}`).join("; ");
      const record: InstructionsRecord = {
        candidates: planned.instructions,
        critic: null,
        chosen: planned.instructions[0]!,
        source: "top-ranked",
        plannerPrompt: options.plannerPrompt,
        ...(planned.failures.length ? { parseFailures: planned.failures } : {}),
      };
      writer.writeInstructions(record);
      return planned.instructions;
    }, () => plannerFailures);
    const select = selectionOf(options);
    if (select === "validation" && !env.branch) return solveBranches(env, candidates);
    if (!env.branch) writer.updateRun({ selection: { method: select } });
    let record: InstructionsRecord = loadInstructions() ?? { candidates, critic: null, chosen: candidates[0]!, source: "top-ranked" };
    if (select === "critic") {
      let criticFailure: string | undefined;
      record = await step("critic", () => {
        const loaded = loadInstructions();
        return loaded?.critic ? loaded : undefined;
      }, async () => {
        try {
          // Small-model prompts (per-rank planners) get short critic answers too.
          const compact = options.plannerPrompt !== "json";
          if (options.criticStyle === "paper") {
            const { verdict, research } = await critiqueInstructionsPaper(team.model("critic"), { ...input, candidates }, callOptions);
            const next: InstructionsRecord = { ...loadInstructions(), candidates, critic: verdict, chosen: verdict.refined, source: "critic", research };
            writer.writeInstructions(next);
            return next;
          }
          const verdict = await critiqueInstructions(team.model("critic"), { ...input, candidates, compact }, callOptions);
          // Keep what the planner stage recorded (prompt mode, parse failures).
          const next: InstructionsRecord = { ...loadInstructions(), candidates, critic: verdict, chosen: verdict.refined, source: "critic" };
          writer.writeInstructions(next);
          return next;
        } catch (error) {
          // A critic answer that fails validation twice leaves the top-ranked instruction in place (the stage says so).
          if (!(error instanceof StructuredOutputError)) throw error;
          criticFailure = `${error.message.split("\n")[0]}; the top-ranked instruction is used`;
          return record;
        }
      }, () => criticFailure);
    }
    instruction = record.chosen;
    const instructionText = renderInstruction(instruction);

    if (options.unstaged) {
      script = await step("coder:script", () => readTextIfExists(writer.path(RUN_FILES.blocks, CODE_FILE.block("script"))), async () => {
        const code = await codeOrPlaceholder("script", () => writeDirectScript(team.model("coder"), { ...input, instruction: instructionText }, callOptions));
        writer.writeBlock("script", code);
        return code;
      }, noCodeDetail);
      blocks = [{ stage: "script", code: script }];
    } else {
      for (const codeStage of CODE_STAGES) {
        const code = await step(`coder:${codeStage}`, () => readTextIfExists(writer.path(RUN_FILES.blocks, CODE_FILE.block(codeStage))), async () => {
          const code = await codeOrPlaceholder(`${codeStage} block`, () =>
            writeStageBlock(
              team.model("coder"),
              codeStage,
              { ...input, instruction: instructionText, previous: blocks as Array<{ stage: CodeStage; code: string }> },
              callOptions,
            ),
          );
          writer.writeBlock(codeStage, code);
          return code;
        }, noCodeDetail);
        blocks.push({ stage: codeStage, code });
      }
      script = await step("merger", () => readTextIfExists(writer.path(RUN_FILES.merged)), async () => {
        let merged: string;
        try {
          merged = (await mergeBlocks(team.model("merger"), blocks, input, callOptions)).code;
        } catch (error) {
          if (!(error instanceof NoCodeError)) throw error;
          // The blocks still make a script: run the mechanical join and let the fix loop do the rest.
          merged = assembleDraft(blocks);
          writer.writeCodeFile(CODE_FILES.mergeFallback, `${error.message}\nThe mechanical join of the blocks is used instead.\n`);
        }
        writer.writeCodeFile(CODE_FILES.merged, merged);
        return merged;
      });
    }
  } else {
    script = await step("direct", () => readTextIfExists(writer.path(RUN_FILES.blocks, CODE_FILE.block("script"))), async () => {
      const code = await codeOrPlaceholder("script", () => writeDirectScript(team.model("direct"), input, callOptions));
      writer.writeBlock("script", code);
      return code;
    }, noCodeDetail);
    blocks = [{ stage: "script", code: script }];
  }

  const loopEnv: LoopEnvironment = {
    writer,
    task,
    sandbox: env.sandbox,
    grade: deps.grade,
    fixer: team.model("fixer"),
    context: context.text,
    libraries,
    fixAttempts: options.fixAttempts,
    timeoutSeconds: options.timeoutSeconds,
    callOptions,
    ...(env.signal ? { signal: env.signal } : {}),
  };

  // The execute-and-fix loop is not a skippable stage: it resumes attempt by attempt from exec/.
  env.signal?.throwIfAborted();
  writer.event({ type: "stage.started", stage: "execute" });
  const started = performance.now();
  const first = await executeAndFix(loopEnv, script, { feedbackRound: 0, kind: "initial" });
  writer.event({ type: "stage.finished", stage: "execute", ok: first.success, durationMs: performance.now() - started, detail: first.lastError?.split("\n")[0] });
  if (!first.success || !first.final) {
    return {
      instruction,
      failure: {
        stage: "execute",
        message: `no valid submission after ${first.attempts.length} attempt(s) (fix attempts: ${options.fixAttempts}); last error: ${first.lastError?.split("\n").slice(0, 2).join(" ") ?? "unknown"}`,
      },
    };
  }

  let best = first.final;
  try {
    await feedbackRounds();
  } catch (error) {
    // A budget reached during feedback keeps the best valid version so far.
    const budget = budgetCause(error);
    if (!budget) throw error;
    return { final: best, instruction, budget };
  }
  return { final: best, instruction };

  async function feedbackRounds(): Promise<void> {
  for (let round = 1; round <= options.feedbackIterations; round++) {
    env.signal?.throwIfAborted();
    const stageName = `feedback:${round}`;
    writer.event({ type: "stage.started", stage: stageName });
    const roundStart = performance.now();
    const bestValidation = parseValidationScore(best.stdout);
    const review = await reviewScript(
      team.model("reviewer"),
      { ...input, script: best.script, stdoutTail: best.stdout.slice(-3000), validationScore: bestValidation, round },
      callOptions,
    );
    writer.writeCodeFile(CODE_FILE.feedback(round), review.code);
    if (!review.changed) {
      writer.event({ type: "feedback.finished", round, changed: false, improved: false, score: bestValidation });
      writer.event({ type: "stage.finished", stage: stageName, ok: true, durationMs: performance.now() - roundStart, detail: "code unchanged" });
      break;
    }
    const loop = await executeAndFix(loopEnv, review.code, { feedbackRound: round, kind: "feedback" });
    const validation = loop.final ? parseValidationScore(loop.final.stdout) : null;
    const improved =
      loop.success && validation !== null && (bestValidation === null || isBetter(validation, bestValidation, task.spec.lower_is_better));
    writer.event({ type: "feedback.finished", round, changed: true, improved, score: validation });
    writer.event({ type: "stage.finished", stage: stageName, ok: true, durationMs: performance.now() - roundStart, detail: improved ? "improved" : "not improved" });
    // The choice among versions uses the validation score the code printed, never the hidden answers.
    if (!improved || !loop.final) break;
    best = loop.final;
  }
  }
}

/** --select, with --no-critic read as `first` (the ablation it always was). */
function selectionOf(options: RunOptions): "critic" | "first" | "validation" {
  return options.select ?? (options.noCritic ? "first" : "critic");
}

/** A finished branch's final attempt, rebuilt from its record (so a resumed run chooses exactly as a fresh one). */
function branchFinal(dir: string): AttemptOutput | undefined {
  const score = readScore(dir);
  if (!score?.valid || !score.attempt) return undefined;
  const result = readAttempts(dir).find((a) => a.attempt === score.attempt);
  if (!result) return undefined;
  return {
    result,
    script: readTextIfExists(join(dir, RUN_FILES.finalScript)) ?? "",
    stdout: readTextIfExists(join(dir, attemptPath(result.attempt, ATTEMPT_FILES.stdout))) ?? "",
    submissionPath: join(dir, RUN_FILES.submission),
  };
}

/**
 * --select validation: every candidate instruction becomes a branch (branches/<rank>/, a full run record that
 * skips the critic), each through coders, the fix loop and feedback; the branch whose script printed the best
 * validation score is kept (valid branches without one rank last; the hidden test score is never consulted).
 */
async function solveBranches(env: SolutionEnvironment, candidates: Instruction[]): Promise<SolutionOutcome> {
  const { writer, task, options, deps } = env;
  const lower = task.spec.lower_is_better;
  const rows: Array<{ id: string; dir: string; candidateRank: number; final?: AttemptOutput }> = [];
  let budget: BudgetReachedError | undefined;
  for (const [index, candidate] of candidates.entries()) {
    const id = String(index + 1);
    const rel = join(RUN_FILES.branches, id);
    const dir = writer.path(rel);
    const existing = existsSync(join(dir, RUN_FILES.run)) ? readRunJson(dir) : undefined;
    if (!existing || existing.status === "running") {
      const sub = existing
        ? RunRecordWriter.open(dir, writer.subOptions(env.onEvent))
        : RunRecordWriter.create(
            dir,
            { ...writer.runJson, runId: `${writer.runJson.runId}/branch-${id}`, timings: { wallMs: 0, modelMs: 0, sandboxMs: 0 }, chains: undefined, agreement: undefined, failure: undefined, finishedAt: undefined, usage: undefined, budget: undefined, selection: undefined },
            writer.subOptions(env.onEvent),
          );
      if (!existing) {
        // The parent planned: the branch starts from its candidate, planner stage done.
        sub.writeInstructions({ candidates, critic: null, chosen: candidate, source: "validation-branch" } satisfies InstructionsRecord);
        sub.event({ type: "stage.finished", stage: "planner", ok: true, durationMs: 0, detail: `candidate ${id} of the parent run` });
      }
      let outcome: SolutionOutcome;
      try {
        outcome = await solve({ ...env, writer: sub, branch: true });
      } catch (error) {
        const reached = budgetCause(error);
        // The caller's stop (Ctrl-C) ends the whole run; a branch's own failure is that branch's result.
        if (!reached && env.signal?.aborted) throw error;
        outcome = { failure: { message: error instanceof Error ? error.message : String(error), stage: error instanceof StageError ? error.stage : undefined }, ...(reached ? { budget: reached } : {}) };
      }
      await finishSolution(sub, task, options, deps, outcome);
      budget ??= outcome.budget;
    }
    rows.push({ id, dir: rel, candidateRank: index + 1, final: branchFinal(dir) });
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
      return bestFirst(lower)(a.validationScore, b.validationScore);
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
    return { ...(budget ? { budget } : {}), failure: { stage: "branches", message: `none of the ${scored.length} branches produced a valid submission` } };
  }
  const final = chosen.final;
  return {
    final: { ...final, result: { ...final.result, attempt: `${chosen.dir}/${final.result.attempt}` } },
    instruction: candidates[chosen.candidateRank - 1],
    ...(budget ? { budget } : {}),
  };
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

/** Writes the final pieces of a finished solution: submission, score, final script, notebook. */
async function finishSolution(
  writer: RunRecordWriter,
  task: Task,
  options: RunOptions,
  deps: RunDependencies,
  outcome: SolutionOutcome,
  checks: { sanity?: boolean } = {},
): Promise<void> {
  if (outcome.final?.submissionPath) {
    const final = outcome.final;
    writer.writeSubmission(final.submissionPath!);
    const grade = final.grade ?? (await deps.grade(task, writer.path(RUN_FILES.submission)));
    const score = { ...grade, attempt: final.result.attempt, validation_score: final.result.validationScore ?? parseValidationScore(final.stdout) } as ScoreJson;
    writer.writeScore(score);
    if (checks.sanity && options.sanity === "permuted-labels" && grade.valid && grade.score !== null && !outcome.budget) {
      writer.event({ type: "stage.started", stage: "sanity" });
      const started = performance.now();
      const outputDir = writer.path(RUN_FILES.sanity, ATTEMPT_FILES.workspace);
      mkdirSync(outputDir, { recursive: true });
      const { stdout, stderr, ...sanity } = await permutedLabelCheck({
        task,
        script: final.script,
        sandbox: deps.sandbox,
        grade: deps.grade,
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
    if (options.notebook) {
      writer.writeNotebook(toNotebook({ title: `${task.spec.title} — ${options.mode}`, script: final.script, sections: notebookSections(outcome.instruction) }));
    }
    const status = outcome.budget ? "budget" : grade.valid ? "succeeded" : "failed";
    writer.finish(status, { valid: grade.valid, score: grade.score, reason: outcome.budget?.message ?? (grade.valid ? undefined : grade.errors.join("; ")) });
    return;
  }
  const reason = outcome.budget?.message ?? outcome.failure?.message ?? "no valid submission";
  writer.writeScore({ valid: false, score: null, metric: task.spec.metric.name, lower_is_better: task.spec.lower_is_better, errors: [reason] });
  writer.finish(outcome.budget ? "budget" : "failed", { valid: false, reason, stage: outcome.failure?.stage });
}

function updateTimings(writer: RunRecordWriter, meter: Meter, baseWallMs: number, baseModelMs: number, baseSandboxMs: number): void {
  writer.updateRun({
    timings: {
      wallMs: baseWallMs + writer.elapsedMs(),
      modelMs: baseModelMs + meter.modelMs,
      sandboxMs: baseSandboxMs + meter.sandboxMs,
    },
    ...(meter.usage ? { usage: meter.usage.snapshot() } : {}),
  });
}

function seedOf(options: RunOptions, chainIndex: number): number | undefined {
  return options.seed === undefined ? undefined : options.seed + chainIndex;
}

/** Groups valid chains whose scores agree (to 1e-6 relative) and reports the largest group. */
export function chainAgreement(results: Array<{ id: string; valid: boolean; score: number | null }>): NonNullable<RunJson["agreement"]> {
  const valid = results.filter((r) => r.valid && r.score !== null);
  let largest: typeof valid = [];
  for (const r of valid) {
    const group = valid.filter((o) => Math.abs((o.score as number) - (r.score as number)) <= 1e-6 * Math.max(1, Math.abs(r.score as number)));
    if (group.length > largest.length) largest = group;
  }
  return { chains: results.length, valid: valid.length, largestAgreeingGroup: largest.length, bestChain: largest[0]?.id };
}

/** Runs (or resumes) the record in `writer` (whose events already reach the caller) to its end. */
async function drive(
  writer: RunRecordWriter,
  task: Task,
  options: RunOptions,
  env: RunEnvironment,
  resumed: boolean,
  redact: Redactor,
): Promise<RunResult> {
  const base = writer.runJson.timings;
  const usage = new UsageTally(options.prices, writer.runJson.usage);
  const limits = { tokens: options.budgetTokens, usd: options.budgetUsd, minutes: options.budgetMinutes };
  const budget = new BudgetGuard(limits, usage, base.wallMs);
  const meter = new Meter(usage, () => budget.check());
  if (budget.active) writer.updateRun({ budget: { limits: Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined)) } });
  // The run stops on the caller's signal or on a reached budget, at the same checkpoints.
  const signal = env.signal ? AbortSignal.any([env.signal, budget.signal]) : budget.signal;
  const models = { ...options.models } as RoleModels;
  let team: AgentTeam | undefined;
  const progress = (event: RunProgress) => env.onProgress?.(event);
  const recordBudget = () => {
    if (budget.reached) writer.updateRun({ budget: { limits: writer.runJson.budget?.limits ?? {}, reached: { kind: budget.reached.kind, detail: budget.reached.message } } });
  };
  writer.event({ type: "run.started", mode: options.mode, taskId: task.spec.id, resumed });
  try {
    const rawTeam = await stage(writer, new Set(), "models", () => undefined, async () =>
      env.createTeam({ runId: writer.runJson.runId, transcriptsPath: writer.transcriptsPath, models, onCall: meter.recordCall }),
      signal,
    );
    team = meteredTeam(budget.guardTeam(rawTeam), meter, (report) => {
      progress({ type: "model.call", ...report });
      updateTimings(writer, meter, base.wallMs, base.modelMs, base.sandboxMs);
    });
    const sandbox = meteredSandbox(env.sandbox, meter);
    const chainCount = options.chains * options.iterations;

    if (chainCount === 1) {
      const callOptions: CallOptions = {
        temperature: options.temperature,
        seed: options.seed,
        maxTokens: options.maxTokens,
        onTokens: (tokens) => progress({ type: "model.tokens", ...tokens }),
      };
      let outcome: SolutionOutcome;
      try {
        outcome = await solve({ writer, task, options, team, sandbox, deps: env, callOptions, signal, onEvent: progress });
      } catch (error) {
        const reached = budgetCause(error);
        outcome = {
          failure: { message: error instanceof Error ? error.message : String(error), stage: error instanceof StageError ? error.stage : undefined },
          ...(reached ? { budget: reached } : {}),
        };
        updateTimings(writer, meter, base.wallMs, base.modelMs, base.sandboxMs);
        recordBudget();
        await finishSolution(writer, task, options, env, outcome, { sanity: true });
        // A budget stop is an ending, not a crash: the run resolves with status `budget`.
        if (!reached) throw error;
      }
      updateTimings(writer, meter, base.wallMs, base.modelMs, base.sandboxMs);
      recordBudget();
      if (readRunJson(writer.dir).status === "running") await finishSolution(writer, task, options, env, outcome, { sanity: true });
    } else {
      await runChains(writer, task, options, { ...env, signal }, team, sandbox, progress, () => budget.reached);
      recordBudget();
    }
    updateTimings(writer, meter, base.wallMs, base.modelMs, base.sandboxMs);
    return { dir: writer.dir, run: readRunJson(writer.dir), summary: summarizeRun(writer.dir) };
  } catch (error) {
    updateTimings(writer, meter, base.wallMs, base.modelMs, base.sandboxMs);
    if (readRunJson(writer.dir).status === "running") {
      writer.finish("failed", { valid: false, reason: error instanceof Error ? error.message : String(error), stage: error instanceof StageError ? error.stage : undefined });
    }
    throw new RunFailedError(writer.dir, error instanceof StageError ? error.stage : undefined, error, redactedMessage(error, redact));
  } finally {
    budget.stop();
    await team?.close();
  }
}

/** P chains in parallel, I runs each in sequence; each run is a full record under chains/. */
async function runChains(
  writer: RunRecordWriter,
  task: Task,
  options: RunOptions,
  env: RunEnvironment,
  team: AgentTeam,
  sandbox: Sandbox,
  progress: (event: RunProgress) => void,
  budgetReached: () => BudgetReachedError | undefined,
): Promise<void> {
  const ids: string[] = [];
  for (let p = 0; p < options.chains; p++) for (let i = 0; i < options.iterations; i++) ids.push(`c${p}-i${i}`);
  writer.updateRun({ chains: ids.map((id) => ({ id, dir: join(RUN_FILES.chains, id) })) });

  const results = new Map<string, { valid: boolean; score: number | null }>();
  const runOne = async (id: string, index: number) => {
    const dir = writer.path(RUN_FILES.chains, id);
    const existing = existsSync(join(dir, RUN_FILES.run)) ? readRunJson(dir) : undefined;
    if (existing && existing.status !== "running") {
      const score = readScore(dir);
      results.set(id, { valid: score?.valid ?? false, score: score?.score ?? null });
      return;
    }
    const seed = seedOf(options, index);
    const hooks = writer.subOptions(progress);
    const sub = existing
      ? RunRecordWriter.open(dir, hooks)
      : RunRecordWriter.create(dir, { ...writer.runJson, runId: `${writer.runJson.runId}/${id}`, seed, timings: { wallMs: 0, modelMs: 0, sandboxMs: 0 }, chains: undefined, agreement: undefined, failure: undefined, finishedAt: undefined, usage: undefined, budget: undefined }, hooks);
    // Each chain meters its own model and sandbox time (the run's meter sums them across concurrent chains).
    const chainMeter = new Meter();
    const chainTeam = meteredTeam(team, chainMeter, () => undefined);
    const chainSandbox = meteredSandbox(sandbox, chainMeter);
    const base = sub.runJson.timings;
    let outcome: SolutionOutcome;
    try {
      outcome = await solve({ writer: sub, task, options, team: chainTeam, sandbox: chainSandbox, deps: env, callOptions: { temperature: options.temperature, seed, maxTokens: options.maxTokens, onTokens: (tokens) => progress({ type: "model.tokens", ...tokens }) }, ...(env.signal ? { signal: env.signal } : {}) });
    } catch (error) {
      const reached = budgetCause(error);
      outcome = {
        failure: { message: error instanceof Error ? error.message : String(error), stage: error instanceof StageError ? error.stage : undefined },
        ...(reached ? { budget: reached } : {}),
      };
    }
    updateTimings(sub, chainMeter, base.wallMs, base.modelMs, base.sandboxMs);
    await finishSolution(sub, task, options, env, outcome);
    const score = readScore(dir);
    results.set(id, { valid: score?.valid ?? false, score: score?.score ?? null });
  };

  // Parallel chains, sequential iterations inside each chain.
  await Promise.all(
    Array.from({ length: options.chains }, async (_, p) => {
      for (let i = 0; i < options.iterations; i++) await runOne(`c${p}-i${i}`, p * options.iterations + i);
    }),
  );

  const agreement = chainAgreement(ids.map((id) => ({ id, ...(results.get(id) ?? { valid: false, score: null }) })));
  writer.updateRun({ agreement });
  const chosen = agreement.bestChain ?? ids.find((id) => results.get(id)?.valid);
  if (chosen) {
    const dir = writer.path(RUN_FILES.chains, chosen);
    writer.writeSubmission(join(dir, RUN_FILES.submission));
    const score = readScore(dir)!;
    writer.writeScore({ ...score, attempt: `${chosen}/${score.attempt ?? ""}` });
    writer.writeCodeFile(CODE_FILES.final, readFileSync(join(dir, RUN_FILES.finalScript), "utf8"));
    const reached = budgetReached();
    writer.finish(reached ? "budget" : "succeeded", { valid: true, score: score.score, ...(reached ? { reason: reached.message } : {}) });
  } else {
    const reason = `none of the ${ids.length} chains produced a valid submission`;
    writer.writeScore({ valid: false, score: null, metric: task.spec.metric.name, lower_is_better: task.spec.lower_is_better, errors: [reason] });
    const reached = budgetReached();
    writer.finish(reached ? "budget" : "failed", { valid: false, reason: reached?.message ?? reason, stage: "chains" });
  }
}

/** Runs one task with the given options and writes its record; resolves with the record's summary. */
export async function runTask(task: Task, optionsInput: RunOptionsInput, env: RunEnvironment): Promise<RunResult> {
  const options = parseRunOptions(optionsInput);
  // Before anything is spent or written: public/ must not hold the answers, and the answers must grade.
  await assertTaskRunnable(task);
  const runId = env.runDir ? resolve(env.runDir).split("/").pop()! : newRunId(task.spec.id, options.mode);
  const dir = env.runDir ? resolve(env.runDir) : join(resolve(env.outDir), runId);
  const redact = createRedactor(runSecrets({ ...(env.secrets ? { secrets: env.secrets } : {}), specs: Object.values(options.models) }));
  const writer = RunRecordWriter.create(dir, {
    runId,
    taskId: task.spec.id,
    taskDir: resolve(task.dir),
    mode: options.mode,
    config: options,
    versions: { linguacodus: LINGUACODUS_VERSION, node: process.version, ...(env.versions?.sandbox ? { sandbox: env.versions.sandbox } : {}) },
    models: resolveRoleSpecs(options.models),
    fingerprint: machineFingerprint({
      linguacodus: LINGUACODUS_VERSION,
      models: resolveRoleSpecs(options.models),
      ...(env.versions?.docker ? { docker: env.versions.docker } : {}),
      sandbox: { ...(env.versions?.sandbox ? { image: env.versions.sandbox } : {}), ...(env.versions?.sandboxLimits ? { limits: env.versions.sandboxLimits } : {}) },
    }),
    seed: options.seed,
    temperature: options.temperature,
  }, { onEvent: (event) => env.onProgress?.(event), redact });
  return drive(writer, task, options, env, false, redact);
}

/**
 * Continues an interrupted run from its folder: the options and task come from run.json; finished stages
 * and attempts are read back, not repeated.
 */
export async function resumeRun(runDir: string, env: Omit<RunEnvironment, "outDir" | "runDir">): Promise<RunResult> {
  const run = readRunJson(runDir);
  if (run.status === "succeeded") {
    return { dir: runDir, run, summary: summarizeRun(runDir) };
  }
  const options = parseRunOptions(run.config);
  const task = await loadTask(run.taskDir);
  await assertTaskRunnable(task);
  const redact = createRedactor(runSecrets({ ...(env.secrets ? { secrets: env.secrets } : {}), specs: Object.values(options.models) }));
  const writer = RunRecordWriter.open(runDir, { onEvent: (event) => env.onProgress?.(event), redact });
  return drive(writer, task, options, { ...env, outDir: runDir, runDir }, true, redact);
}
