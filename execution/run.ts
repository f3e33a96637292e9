// runTask / resumeRun: the library API behind `linguacodus run`. One task, one set of options → one run record.
// The solution is the composition the options describe (execution/compose.ts `solution`), run over one state in
// the run's record, or as chains of sub-records; stages already finished are read back, not repeated (resume).
import { join, resolve } from "node:path";
import type { AgentTeam, CallOptions, TokenProgress } from "../agents/index.js";
import type { CallHook, RoleModels } from "../agents/index.js";
import { type GradeResult, type Task, assertTaskRunnable, loadTask } from "../datasets/index.js";
import type { Sandbox } from "../sandbox/index.js";
import { type ModelCallReport, Meter, meteredSandbox, meteredTeam } from "./instrument.js";
import { type Redactor, createRedactor, redactedMessage, runSecrets } from "./redact.js";
import { BudgetGuard } from "./budget.js";
import { machineFingerprint } from "./fingerprint.js";
import { UsageTally } from "./usage.js";
import { type RunOptions, type RunOptionsInput, parseRunOptions, resolveRoleSpecs } from "./options.js";
import { type StageContext, StageError, initialState, runStage, stageContext } from "./state.js";
import { solution } from "./compose.js";
import { runChains } from "./branches.js";
import { finishSolution, settle } from "./finish.js";
import { type RunEvent, type RunJson, RunRecordWriter, type RunSummary, newRunId, readRunJson, summarizeRun } from "./record/index.js";

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

/** run.json's timings: this session's meter on top of what earlier sessions recorded (`base`). */
function updateTimings(writer: RunRecordWriter, meter: Meter, base: RunJson["timings"]): void {
  writer.updateRun({
    timings: {
      wallMs: base.wallMs + writer.elapsedMs(),
      modelMs: base.modelMs + meter.modelMs,
      sandboxMs: base.sandboxMs + meter.sandboxMs,
    },
    ...(meter.usage ? { usage: meter.usage.snapshot() } : {}),
  });
}

interface DriveInput {
  writer: RunRecordWriter;
  task: Task;
  options: RunOptions;
  env: RunEnvironment;
  resumed: boolean;
  redact: Redactor;
}

/** Runs (or resumes) the record in `writer` (whose events already reach the caller) to its end. */
async function drive({ writer, task, options, env, resumed, redact }: DriveInput): Promise<RunResult> {
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
  const timings = () => updateTimings(writer, meter, base);
  const recordBudget = () => {
    if (budget.reached) writer.updateRun({ budget: { limits: writer.runJson.budget?.limits ?? {}, reached: { kind: budget.reached.kind, detail: budget.reached.message } } });
  };
  const callOptions = (seed: number | undefined): CallOptions => ({
    temperature: options.temperature,
    seed,
    maxTokens: options.maxTokens,
    onTokens: (tokens) => progress({ type: "model.tokens", ...tokens }),
  });
  writer.event({ type: "run.started", mode: options.mode, taskId: task.spec.id, resumed });
  try {
    const rawTeam = await runStage(
      { writer, done: new Set(), signal },
      { name: "models", load: () => undefined, work: async () => env.createTeam({ runId: writer.runJson.runId, transcriptsPath: writer.transcriptsPath, models, onCall: meter.recordCall }) },
    );
    team = meteredTeam(budget.guardTeam(rawTeam), meter, (report) => {
      progress({ type: "model.call", ...report });
      timings();
    });
    const base: Omit<StageContext, "writer" | "done"> = {
      task,
      options,
      team,
      sandbox: meteredSandbox(env.sandbox, meter),
      grade: env.grade,
      callOptions: callOptions(options.seed),
      signal,
      onEvent: progress,
    };
    const ctx = stageContext(writer, base);
    const state = initialState(task, options, { libraries: env.libraries, cores: env.sandbox.cores });
    // The sanity check's sandbox time is not the run's: it runs in the unmetered sandbox.
    const finishCtx = { ...ctx, sandbox: env.sandbox };

    if (options.chains * options.iterations === 1) {
      const settled = await settle(solution(options), state, ctx);
      timings();
      recordBudget();
      if (settled.error !== undefined) {
        await finishSolution(finishCtx, settled.state, { sanity: true, unitTests: true });
        // A budget stop is an ending, not a crash: the run resolves with status `budget`.
        if (!settled.state.budget) throw settled.error;
      } else if (readRunJson(writer.dir).status === "running") {
        await finishSolution(finishCtx, settled.state, { sanity: true, unitTests: true });
      }
    } else {
      await runChains({
        ctx,
        state,
        solution: solution(options),
        budgetReached: () => budget.reached,
        // Each chain meters its own model and sandbox time (the run's meter sums them across concurrent chains).
        chainContext: (chainWriter, seed) => {
          const chainMeter = new Meter();
          const chainBase = chainWriter.runJson.timings;
          const chainCtx = stageContext(chainWriter, {
            ...base,
            team: meteredTeam(team!, chainMeter, () => undefined),
            sandbox: meteredSandbox(base.sandbox, chainMeter),
            callOptions: callOptions(seed),
          });
          return { ctx: chainCtx, finished: () => updateTimings(chainWriter, chainMeter, chainBase) };
        },
      });
      recordBudget();
    }
    timings();
    return { dir: writer.dir, run: readRunJson(writer.dir), summary: summarizeRun(writer.dir) };
  } catch (error) {
    timings();
    if (readRunJson(writer.dir).status === "running") {
      writer.finish("failed", { valid: false, reason: error instanceof Error ? error.message : String(error), stage: error instanceof StageError ? error.stage : undefined });
    }
    throw new RunFailedError(writer.dir, error instanceof StageError ? error.stage : undefined, error, redactedMessage(error, redact));
  } finally {
    budget.stop();
    await team?.close();
    writer.close();
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
  }, { onEvent: (event) => env.onProgress?.(event), redact, lock: true });
  return drive({ writer, task, options, env, resumed: false, redact });
}

/**
 * Continues an interrupted run from its folder: the options and task come from run.json; finished stages
 * and attempts are read back, not repeated.
 */
export async function resumeRun(runDir: string, env: Omit<RunEnvironment, "outDir" | "runDir">): Promise<RunResult> {
  // A run that finished is refused by the writer, under the folder's lock (checked here, before it, a second
  // process could pass while the first was still finishing).
  const run = readRunJson(runDir);
  const options = parseRunOptions(run.config);
  const task = await loadTask(run.taskDir);
  await assertTaskRunnable(task);
  const redact = createRedactor(runSecrets({ ...(env.secrets ? { secrets: env.secrets } : {}), specs: Object.values(options.models) }));
  const writer = RunRecordWriter.open(runDir, { onEvent: (event) => env.onProgress?.(event), redact, lock: true });
  return drive({ writer, task, options, env: { ...env, outDir: runDir, runDir }, resumed: true, redact });
}
