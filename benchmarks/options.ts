// The options of a whole bench, as bench.json keeps them: the run options every cell shares (a part of the run
// options schema, benchmarks/modes.ts), how many runs and executions go at once, the sandbox, the bench-wide
// budgets and the executor with its Slurm resources. Typed, so the Slurm cell entry reads the same options the
// local executor was given (a field it misses is a schema change here, not a key it forgot to copy).
import { z } from "zod";
import { RunOptionsSchema, SANDBOX_KINDS } from "../execution/index.js";
import { isDeepStrictEqual } from "node:util";
import { BenchInputError } from "./matrix.js";
import { BenchRunOptionsSchema, type BenchRunOptions } from "./modes.js";

/** The executors `bench --executor` accepts. */
export const EXECUTORS = ["local", "slurm"] as const;
export type ExecutorName = (typeof EXECUTORS)[number];

/** Budgets of the whole bench: the run budgets' types, counted over every run and session (benchmarks/budget.ts). */
export const BenchBudgetSchema = z.object({
  tokens: RunOptionsSchema.shape.budgetTokens,
  usd: RunOptionsSchema.shape.budgetUsd,
  minutes: RunOptionsSchema.shape.budgetMinutes,
});
export type BenchBudget = z.infer<typeof BenchBudgetSchema>;

const wholePositive = z.number().int().positive();

/** What each cell's Slurm job asks for (`--slurm-*`). */
export const SlurmResourcesSchema = z.object({
  partition: z.string().min(1).optional(),
  /** HH:MM:SS (or any form sbatch's --time accepts). */
  time: z.string().min(1).optional(),
  cpus: wholePositive.optional(),
  /** sbatch --mem, e.g. 8G. */
  mem: z.string().min(1).optional(),
  gpus: wholePositive.optional(),
  /** `%` throttle: at most this many array tasks at once. */
  maxRunning: wholePositive.optional(),
  /** Further sbatch options, as typed (e.g. "--account=lab --qos=short"). */
  extra: z.string().optional(),
});
export type SlurmResources = z.infer<typeof SlurmResourcesSchema>;

/** bench.json's `options`. Every field optional or defaulted: benches recorded before a field existed still read. */
export const BenchOptionsSchema = BenchRunOptionsSchema.extend({
  /** Runs at once (`--parallel`). */
  parallel: wholePositive.default(1),
  /** Sandbox executions at once (`--sandboxes`, default: parallel). */
  sandboxes: wholePositive.optional(),
  /** Concurrent calls per API model (GGUF models are always serialised). */
  apiConcurrency: wholePositive.default(4),
  sandbox: z.enum(SANDBOX_KINDS).optional(),
  budget: BenchBudgetSchema.optional(),
  executor: z.enum(EXECUTORS).default("local"),
  /** The --model-pool file (absolute), read again on every node. */
  modelPool: z.string().min(1).optional(),
  /** With --executor slurm: the resources asked for, and the job arrays submitted so far. */
  slurm: SlurmResourcesSchema.extend({ jobIds: z.array(z.string()).optional() }).optional(),
});
export type BenchOptions = z.infer<typeof BenchOptionsSchema>;

/** The run options a bench's cells share, out of its options (what a Slurm node gives each run). */
export function sharedRunOptions(options: BenchOptions): z.infer<typeof BenchRunOptionsSchema> {
  return BenchRunOptionsSchema.parse(options);
}

/**
 * The shared run options of a resumed bench: the ones bench.json recorded, so the cells run now are run as the
 * first session's were (a paired comparison needs one setting per bench). A flag given again with the same value is
 * fine; a different value is refused, naming the option, as it would split the bench in two.
 */
export function resumedRunOptions(recorded: BenchOptions, given: BenchRunOptions, flagOf: (option: string) => string): BenchRunOptions {
  const kept = sharedRunOptions(recorded);
  for (const [name, value] of Object.entries(given)) {
    if (value === undefined) continue;
    const was = (kept as Record<string, unknown>)[name];
    if (!isDeepStrictEqual(was, value)) {
      throw new BenchInputError(
        `${flagOf(name)} ${JSON.stringify(value)} differs from the bench's ${was === undefined ? "(not set)" : JSON.stringify(was)} in bench.json: ` +
          `--resume runs the rest as the first session did (drop ${flagOf(name)}), or start a new bench with another --out`,
      );
    }
  }
  return kept;
}
