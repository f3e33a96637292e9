// Measures where a run's time goes (model calls, sandbox executions) and what its model calls used (tokens per
// role and step, fed by the agent team's onCall hook), by thin wrappers: the pipeline code stays unaware of it.
import type { AgentRole, AgentTeam } from "../agents/index.js";
import { wrapTeamCalls } from "../agents/index.js";
import type { TranscriptLine } from "../agents/index.js";
import { type Sandbox, wrapSandbox } from "../sandbox/index.js";
import type { UsageTally } from "./usage.js";

export interface ModelCallReport {
  role: AgentRole;
  step?: string;
  durationMs: number;
  /** Tokens of the provider calls completed since the last report. */
  tokens: number;
  ok: boolean;
}

export class Meter {
  modelMs = 0;
  sandboxMs = 0;
  tokens = 0;
  private unreported = 0;

  /** `usage` tallies tokens and cost per role and stage; `afterCall` runs after each call is counted (budgets). */
  constructor(
    readonly usage?: UsageTally,
    private readonly afterCall?: () => void,
  ) {}

  /** The team's onCall hook: counts one completed provider call. */
  readonly recordCall = (call: TranscriptLine): void => {
    const tokens = (call.tokens?.input ?? 0) + (call.tokens?.output ?? 0);
    this.tokens += tokens;
    this.unreported += tokens;
    this.usage?.record(call);
    this.afterCall?.();
  };

  /** Tokens counted since the last call of this method. */
  takeTokens(): number {
    const tokens = this.unreported;
    this.unreported = 0;
    return tokens;
  }
}

/** Times every model call of `team` into `meter` and reports it (with the tokens counted meanwhile) to `onCall`. */
export function meteredTeam(team: AgentTeam, meter: Meter, onCall: (report: ModelCallReport) => void): AgentTeam {
  return wrapTeamCalls(team, async (model, options, call) => {
    const started = performance.now();
    let ok = false;
    try {
      const value = await call();
      ok = true;
      return value;
    } finally {
      const durationMs = performance.now() - started;
      meter.modelMs += durationMs;
      onCall({ role: model.role, step: options?.step, durationMs, tokens: meter.takeTokens(), ok });
    }
  });
}

export function meteredSandbox(sandbox: Sandbox, meter: Meter): Sandbox {
  return wrapSandbox(sandbox, {
    async run(request, inner) {
      const started = performance.now();
      try {
        return await inner.run(request);
      } finally {
        meter.sandboxMs += performance.now() - started;
      }
    },
  });
}
