// The state a solution is built in and the context its operators run in. Every pipeline step is an operator
// `(state, ctx) => Promise<state>` (execution/operators/); the pipeline, its ablations, validation branches and
// chains are compositions of them (execution/compose.ts). An operator reads what it needs from the state, does one
// step (a model call, a sandbox attempt), records it in ctx.writer as it ends, and returns the next state.
import type { AgentTeam, CallOptions } from "../agents/index.js";
import type { StageBlock } from "../codegen/index.js";
import type { GradeResult, Task } from "../datasets/index.js";
import { type Instruction, type TaskInfo, buildTaskContext } from "../instructions/index.js";
import type { Sandbox } from "../sandbox/index.js";
import type { BudgetReachedError } from "./budget.js";
import type { RunOptions } from "./options.js";
import { type AttemptKind, type AttemptResult, type RunEvent, type RunRecordWriter, finishedStages, readEvents } from "./record/index.js";

/** One execution of a script, as recorded (exec/<n>/) and as the next operator reads it. */
export interface AttemptOutput {
  result: AttemptResult;
  script: string;
  stdout: string;
  submissionPath?: string;
  grade?: GradeResult;
  /** What the fixer reads about this attempt when it failed (error, traceback tail, stderr tail). */
  failure?: string;
}

/** Everything a solution has so far. Operators return a new state; they never change the one they got. */
export interface SolutionState {
  /** The task context every prompt starts with (context.md). */
  readonly context: string;
  /** The sandbox image's Python libraries (the coders' whitelist). */
  readonly libraries: readonly string[];
  /** CPU cores one attempt gets (the n_jobs line of code-writing prompts). */
  readonly cores?: number;
  /** The task is an analysis: prompts ask for a RESULT line, not a submission. */
  readonly analysis?: boolean;
  /** The planner's ranked instructions (linguacodus mode). */
  readonly candidates?: readonly Instruction[];
  /** The instruction the coders follow (chosen by the critic, first place, or a validation branch). */
  readonly instruction?: Instruction;
  /** Code blocks written so far (staged coders), or the one script of an unstaged or direct coder. */
  readonly blocks: readonly StageBlock[];
  /** The script the next attempt runs (merged, direct, fixed or reviewed). */
  readonly script?: string;
  /** Attempts of this record so far, in order (all rounds). */
  readonly attempts: readonly AttemptOutput[];
  /** The round new attempts belong to: 0 the first execute-and-fix, n the n-th feedback round. */
  readonly round: number;
  /** The best valid attempt so far, by the validation score the script printed: what the solution submits. */
  readonly best?: AttemptOutput;
  /** The last reviewer call's verdict: did it change the code (a feedback round with no change ends the rounds). */
  readonly reviewChanged?: boolean;
  /** Why the solution stopped without a result (composition stops at it); the stage that failed. */
  readonly failure?: { message: string; stage?: string };
  /** The run reached a budget: what it has is graded, status `budget`. */
  readonly budget?: BudgetReachedError;
  /** What the next attempt is recorded as when not the round's own kind (a search node's attempt: "search"). */
  readonly attemptKind?: AttemptKind;
}

/** What operators run with: the record they write, the team, the sandbox and grader, the run's options. */
export interface StageContext {
  writer: RunRecordWriter;
  task: Task;
  options: RunOptions;
  team: AgentTeam;
  sandbox: Sandbox;
  grade: (task: Task, submissionPath: string) => Promise<GradeResult>;
  callOptions: CallOptions;
  /** Stops before the next stage, fix or attempt (the caller's stop or a reached budget). */
  signal?: AbortSignal;
  /** Stages the record already finished (read once when the context is made): resume reads them back. */
  done: ReadonlySet<string>;
  /** Where events of sub-records (branches, chains) go: the run's progress. */
  onEvent?: (event: RunEvent) => void;
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
    ...(task.analysis ? { analysis: task.analysis.result ? { result: task.analysis.result } : {} } : {}),
  };
}

/** The state a solution starts from: the task context (options' token budget and schema choice), nothing written. */
export function initialState(task: Task, options: Pick<RunOptions, "contextTokens" | "noSchema">, env: { libraries: readonly string[]; cores?: number }): SolutionState {
  const context = buildTaskContext(taskInfo(task), { tokenBudget: options.contextTokens, noSchema: options.noSchema });
  return { context: context.text, ...promptBase({ libraries: env.libraries, cores: env.cores, analysis: task.analysis !== undefined }), blocks: [], attempts: [], round: 0 };
}

/** The state's fields every prompt reads besides the context (libraries, cores, analysis), without the unset ones. */
export function promptBase(from: { libraries: readonly string[]; cores?: number | undefined; analysis?: boolean | undefined }): Pick<SolutionState, "libraries" | "cores" | "analysis"> {
  return { libraries: from.libraries, ...(from.cores !== undefined ? { cores: from.cores } : {}), ...(from.analysis ? { analysis: true } : {}) };
}

/** A stage context over `writer`, its finished stages read from its events now. */
export function stageContext(writer: RunRecordWriter, rest: Omit<StageContext, "writer" | "done">): StageContext {
  return { ...rest, writer, done: finishedStages(readEvents(writer.dir)) };
}

/** What every code-writing prompt gets from the state: the context, the libraries and the cores. */
export function codegenInput(state: SolutionState): { context: string; libraries: readonly string[]; cores?: number; analysis?: boolean } {
  return { context: state.context, ...promptBase(state) };
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

export interface StageSpec<T> {
  name: string;
  /** The stage's value read back from the record (resume); undefined when it must run. */
  load: () => T | undefined;
  work: () => Promise<T>;
  /** A failure the run goes on after (e.g. a coder that wrote no code): recorded as the stage's detail, ok false. */
  softFailure?: (value: T) => string | undefined;
}

/** A stage run once and skipped on resume when the record says it finished: stage.started/finished events. */
export async function runStage<T>(ctx: Pick<StageContext, "writer" | "done" | "signal">, spec: StageSpec<T>): Promise<T> {
  const { writer } = ctx;
  if (ctx.done.has(spec.name)) {
    const loaded = spec.load();
    if (loaded !== undefined) return loaded;
  }
  ctx.signal?.throwIfAborted();
  writer.event({ type: "stage.started", stage: spec.name });
  const started = performance.now();
  try {
    const value = await spec.work();
    const failed = spec.softFailure?.(value);
    writer.event({ type: "stage.finished", stage: spec.name, ok: failed === undefined, durationMs: performance.now() - started, ...(failed ? { detail: failed } : {}) });
    return value;
  } catch (error) {
    writer.event({ type: "stage.finished", stage: spec.name, ok: false, durationMs: performance.now() - started, detail: (error as Error).message });
    throw new StageError(spec.name, error);
  }
}

/** A stage whose work is not skipped on resume (it resumes inside, e.g. attempt by attempt): only the events. */
export async function timedStage<T>(ctx: Pick<StageContext, "writer" | "signal">, name: string, work: () => Promise<{ value: T; ok: boolean; detail?: string }>): Promise<T> {
  ctx.signal?.throwIfAborted();
  ctx.writer.event({ type: "stage.started", stage: name });
  const started = performance.now();
  const { value, ok, detail } = await work();
  ctx.writer.event({ type: "stage.finished", stage: name, ok, durationMs: performance.now() - started, ...(detail !== undefined ? { detail } : {}) });
  return value;
}

/** One step of a solution: reads the state, does its work (recorded in ctx.writer), returns the next state. */
export type Operator = (state: SolutionState, ctx: StageContext) => Promise<SolutionState>;
