// --budget-tokens / --budget-usd / --budget-minutes: a run that reaches one stops at its next model call, stage or
// attempt (an abort signal the pipeline already checks there) with status `budget`, keeping what it has.
import type { AgentTeam } from "../agents/index.js";
import { wrapTeamCalls } from "../agents/index.js";
import type { BudgetKind } from "./record/index.js";
import type { UsageTally } from "./usage.js";

export interface BudgetLimits {
  tokens?: number;
  usd?: number;
  minutes?: number;
}

/** The reason a run stopped on a budget (the abort reason of the run's signal). */
export class BudgetReachedError extends Error {
  constructor(
    readonly kind: BudgetKind,
    message: string,
  ) {
    super(message);
    this.name = "BudgetReachedError";
  }
}

export function isBudgetReached(error: unknown): error is BudgetReachedError {
  return error instanceof BudgetReachedError || (error instanceof Error && error.cause instanceof BudgetReachedError);
}

/** The budget error behind `error` (a StageError wraps it as its cause). */
export function budgetCause(error: unknown): BudgetReachedError | undefined {
  if (error instanceof BudgetReachedError) return error;
  if (error instanceof Error && error.cause instanceof BudgetReachedError) return error.cause;
  return undefined;
}

export class BudgetGuard {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  reached: BudgetReachedError | undefined;

  constructor(
    readonly limits: BudgetLimits,
    private readonly usage: UsageTally,
    /** Wall time of the run's earlier sessions, and when this one started. */
    private readonly wallBaseMs: number,
    private readonly startedAt = Date.now(),
  ) {
    if (limits.minutes !== undefined) {
      this.timer = setInterval(() => this.check(), 1000);
      this.timer.unref();
    }
  }

  get active(): boolean {
    return this.limits.tokens !== undefined || this.limits.usd !== undefined || this.limits.minutes !== undefined;
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Checks every limit; the first one reached aborts the signal (once). */
  check(): void {
    if (this.reached) return;
    const { tokens, usd, minutes } = this.limits;
    const minutesUsed = (this.wallBaseMs + Date.now() - this.startedAt) / 60_000;
    let reached: BudgetReachedError | undefined;
    if (tokens !== undefined && this.usage.tokens >= tokens) reached = new BudgetReachedError("tokens", `token budget reached: ${this.usage.tokens} of ${tokens} tokens used`);
    else if (usd !== undefined && (this.usage.costUsd ?? 0) >= usd) reached = new BudgetReachedError("usd", `cost budget reached: $${(this.usage.costUsd ?? 0).toFixed(4)} of $${usd}`);
    else if (minutes !== undefined && minutesUsed >= minutes) reached = new BudgetReachedError("minutes", `time budget reached: ${minutesUsed.toFixed(2)} of ${minutes} minutes`);
    if (reached) {
      this.reached = reached;
      this.controller.abort(reached);
    }
  }

  /** A team whose calls first check the budget: a reached budget stops the run at its next call. */
  guardTeam(team: AgentTeam): AgentTeam {
    return wrapTeamCalls(team, (_model, _options, call) => {
      this.check();
      this.signal.throwIfAborted();
      return call();
    });
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
