// Budgets of a whole bench (`bench --budget-tokens N --budget-usd X --budget-minutes M`): the tokens and cost of
// every run of the bench (earlier sessions included, reruns of interrupted runs too: what was spent is spent) and
// the bench's wall-clock minutes across sessions. The runner starts no new run once a budget is reached and says
// so; each run starts with what is left as its own run budget, so it stops at its next call or attempt instead of
// running past the bench's limit (with --parallel P the bench can still overshoot by the runs in flight).
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { recordedRoleSpec, type TokenCounts } from "../agents/index.js";
import { readJsonLines, summarizeRun, unmetOptionNeed } from "../execution/index.js";
import { BENCH_FILES, BenchEventSchema } from "./manifest.js";
import { BenchBudgetSchema, type BenchBudget } from "./options.js";
import type { PriceTable } from "./collect.js";

export { BenchBudgetSchema, type BenchBudget };

export interface BenchSpend {
  tokens: number;
  /** null without a price table. */
  usd: number | null;
  /** Wall-clock time of the bench's sessions (earlier ones and this one). */
  ms: number;
}

export interface BudgetReached {
  kind: "tokens" | "usd" | "minutes";
  detail: string;
}

/** Cost of one run's model calls from its per-role tokens and the price table (unpriced specs cost nothing). */
export function runCost(tokensByRole: Record<string, { tokens: TokenCounts }>, models: Record<string, string>, prices: PriceTable): number {
  let cost = 0;
  for (const [role, t] of Object.entries(tokensByRole)) {
    const price = prices[recordedRoleSpec(models, role) ?? ""];
    if (price) cost += (t.tokens.input * price.input + t.tokens.output * price.output) / 1_000_000;
  }
  return cost;
}

/** Tokens and cost recorded in one run folder (zero for a folder without a readable record). */
export function spendOfRun(runDir: string, prices?: PriceTable): { tokens: number; usd: number } {
  try {
    const summary = summarizeRun(runDir);
    return { tokens: summary.totalTokens, usd: prices ? runCost(summary.tokensByRole, summary.models, prices) : 0 };
  } catch {
    return { tokens: 0, usd: 0 };
  }
}

/** Wall-clock ms of the bench's earlier sessions: each from its bench.started to its last event. */
export function sessionsMs(benchDir: string): number {
  const { items } = readJsonLines(join(benchDir, BENCH_FILES.events), BenchEventSchema);
  let total = 0;
  let start: number | undefined;
  let last: number | undefined;
  for (const event of items) {
    const ts = Date.parse(event.ts);
    if (event.type === "bench.started") {
      if (start !== undefined && last !== undefined) total += last - start;
      start = ts;
    }
    last = ts;
  }
  if (start !== undefined && last !== undefined) total += last - start;
  return total;
}

/** What the bench in `benchDir` has spent so far: every run folder under runs/ and interrupted/, and its sessions. */
export function benchSpentSoFar(benchDir: string, prices?: PriceTable): BenchSpend {
  let tokens = 0;
  let usd = 0;
  for (const folder of [BENCH_FILES.runs, "interrupted"]) {
    const dir = join(benchDir, folder);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      const spend = spendOfRun(join(dir, name), prices);
      tokens += spend.tokens;
      usd += spend.usd;
    }
  }
  return { tokens, usd: prices ? usd : null, ms: sessionsMs(benchDir) };
}

/** The budget state of a running bench: what earlier sessions spent plus the runs finished in this one. */
export class BenchBudgetTracker {
  private readonly started = Date.now();
  private tokens: number;
  private usd: number;
  private readonly earlierMs: number;

  constructor(
    readonly limits: BenchBudget,
    private readonly prices: PriceTable | undefined,
    spent: BenchSpend = { tokens: 0, usd: 0, ms: 0 },
  ) {
    const problem = unmetOptionNeed({ budgetUsd: limits.usd, prices }, (field) => (field === "prices" ? "a price table (--prices <file>)" : "--budget-usd"));
    if (problem) throw new Error(problem);
    this.tokens = spent.tokens;
    this.usd = spent.usd ?? 0;
    this.earlierMs = spent.ms;
  }

  /** Counts a finished (or cut-short) run's record. */
  addRun(runDir: string): void {
    const spend = spendOfRun(runDir, this.prices);
    this.tokens += spend.tokens;
    this.usd += spend.usd;
  }

  spent(): BenchSpend {
    return { tokens: this.tokens, usd: this.prices ? this.usd : null, ms: this.earlierMs + (Date.now() - this.started) };
  }

  /** The first budget reached, if any. */
  reached(): BudgetReached | undefined {
    const s = this.spent();
    const { tokens, usd, minutes } = this.limits;
    if (tokens !== undefined && s.tokens >= tokens) return { kind: "tokens", detail: `${s.tokens} tokens used of the bench's ${tokens}` };
    if (usd !== undefined && (s.usd ?? 0) >= usd) return { kind: "usd", detail: `$${(s.usd ?? 0).toFixed(4)} spent of the bench's $${usd}` };
    if (minutes !== undefined && s.ms / 60_000 >= minutes) return { kind: "minutes", detail: `${(s.ms / 60_000).toFixed(1)} minutes of the bench's ${minutes}` };
    return undefined;
  }

  /** What is left, as the run budgets of the next run to start (only the kinds the bench limits). */
  remaining(): { budgetTokens?: number; budgetUsd?: number; budgetMinutes?: number } {
    const s = this.spent();
    const { tokens, usd, minutes } = this.limits;
    return {
      ...(tokens === undefined ? {} : { budgetTokens: Math.max(1, tokens - s.tokens) }),
      ...(usd === undefined ? {} : { budgetUsd: Math.max(1e-9, usd - (s.usd ?? 0)) }),
      ...(minutes === undefined ? {} : { budgetMinutes: Math.max(1e-3, minutes - s.ms / 60_000) }),
    };
  }
}
