// Live progress of a streamed call: tokens so far and tokens/s, reported at most every 250 ms (the team's onTokens).
import type { AgentRole, CallOptions } from "./types.js";

/** Counts streamed tokens of one call and reports them, throttled, with the speed since the first token. */
export function tokenCounter(role: AgentRole, step: string | undefined, report: NonNullable<CallOptions["onTokens"]>) {
  const started = performance.now();
  let first = 0;
  let count = 0;
  let lastReport = 0;
  return {
    handleLLMNewToken() {
      const now = performance.now();
      if (count === 0) first = now;
      count++;
      if (now - lastReport < 250) return;
      lastReport = now;
      const seconds = (now - first) / 1000;
      report({ role, ...(step !== undefined ? { step } : {}), outputTokens: count, elapsedMs: now - started, tokensPerSecond: count > 1 && seconds > 0 ? (count - 1) / seconds : 0 });
    },
  };
}

