// Tokens and cost of a run's model calls, per role and per stage, tallied from the agent team's onCall hook;
// and the price table (USD per 1M tokens per model spec) that cost and --budget-usd are computed with.
import { z } from "zod";
import { addTokens, noTokens, parseCallStep, roleOfCall, tokenTotal, type TranscriptLine } from "../agents/index.js";
import { readJsonFile } from "../core/index.js";
import type { Usage, UsageEntry } from "./record/index.js";

/** {"<model spec>": {"input": <USD per 1M prompt tokens>, "output": <USD per 1M completion tokens>}} */
export const PriceTableSchema = z.record(z.string(), z.object({ input: z.number().nonnegative(), output: z.number().nonnegative() }));
export type PriceTable = z.infer<typeof PriceTableSchema>;

/** Reads a price table file (`run`/`bench --prices`, `report --prices`); the error names the file, the field and the expected form. */
export function readPriceTable(path: string): PriceTable {
  const form = '{"<model spec>": {"input": <price per 1M prompt tokens>, "output": <price per 1M completion tokens>}}';
  return readJsonFile(path, PriceTableSchema, { hint: `expected ${form}`, toError: (message) => new Error(`price table ${message}`) });
}

const emptyEntry = (): UsageEntry => ({ calls: 0, tokens: noTokens(), costUsd: 0 });

/** The usage.byStage key of a call: its step without the number (agents' CallStep tally: fix-2 → fix), else its step or role. */
export function stageOfCall(call: Pick<TranscriptLine, "role" | "step">): string {
  return parseCallStep(call)?.tally ?? call.step ?? call.role;
}

/** Cost of one call, or null when the table has no price for its model. */
export function callCost(call: Pick<TranscriptLine, "model" | "tokens">, prices: PriceTable | undefined): number | null {
  const price = prices?.[call.model];
  if (!price) return null;
  return ((call.tokens?.input ?? 0) * price.input + (call.tokens?.output ?? 0) * price.output) / 1_000_000;
}

function add(entry: UsageEntry, call: Pick<TranscriptLine, "tokens">, cost: number | null): void {
  entry.calls += 1;
  addTokens(entry.tokens, call.tokens);
  entry.costUsd = entry.costUsd === null || cost === null ? null : entry.costUsd + cost;
}

/** A running tally, seeded with what earlier sessions recorded (resume). */
export class UsageTally {
  private readonly usage: Usage;

  constructor(
    private readonly prices: PriceTable | undefined,
    previous?: Usage,
  ) {
    this.usage = previous ? structuredClone(previous) : { total: emptyEntry(), byRole: {}, byStage: {} };
  }

  record(call: TranscriptLine): void {
    const cost = callCost(call, this.prices);
    add(this.usage.total, call, cost);
    add((this.usage.byRole[roleOfCall(call)] ??= emptyEntry()), call, cost);
    add((this.usage.byStage[stageOfCall(call)] ??= emptyEntry()), call, cost);
  }

  get tokens(): number {
    return tokenTotal(this.usage.total.tokens);
  }

  /** Cost so far; null when a model without a price was used. */
  get costUsd(): number | null {
    return this.usage.total.costUsd;
  }

  snapshot(): Usage {
    return structuredClone(this.usage);
  }
}
