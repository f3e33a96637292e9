// The experiment modes of a bench: the two pipelines and the named ablations of the Linguacodus one.
// A mode is a partial set of run options (execution/options.ts, the one definition of a run's flags) over their
// defaults; adding one is one line in MODE_TABLE. The options every run of a bench shares (--timeout,
// --max-tokens) are another part of the same schema.
import type { z } from "zod";
import { RunOptionsSchema } from "../execution/index.js";

/** The run options a mode may set: the pipeline and its ablation switches. */
export const ModeFlagsSchema = RunOptionsSchema.pick({
  mode: true,
  fixAttempts: true,
  instructions: true,
  noCritic: true,
  noSchema: true,
  unstaged: true,
  feedbackIterations: true,
  plannerPrompt: true,
  select: true,
  criticStyle: true,
  search: true,
});
export type ModeFlags = z.infer<typeof ModeFlagsSchema>;

/** The defaults of the run options schema, as the full pipeline runs them. */
export const DEFAULT_MODE_FLAGS: Readonly<ModeFlags> = Object.freeze(ModeFlagsSchema.parse({}));

/** The run options a bench sets for every run, from its own flags (not part of a run's identity). */
export const BenchRunOptionsSchema = RunOptionsSchema.pick({
  timeoutSeconds: true,
  maxTokens: true,
  // The bench's --prices table, so every run costs its calls in run.json; the run budgets a bench-wide budget
  // leaves each run when it starts (benchmarks/budget.ts).
  prices: true,
  budgetTokens: true,
  budgetUsd: true,
  budgetMinutes: true,
  // --sanity permuted-labels for every run of the bench.
  sanity: true,
  // --unit-tests for every run of the bench (the tester's model: a model column's tester=SPEC, else its coder's).
  unitTests: true,
  unitTestTimeout: true,
  // Search modes: the same number of steps in every cell (the budget that makes them comparable).
  steps: true,
  // What a small local model needs in every cell (the demo's settings): one short JSON answer per planner place,
  // a smaller task context.
  plannerPrompt: true,
  contextTokens: true,
  // The sandbox image every cell runs in (a Slurm cell opens the one bench.json names).
  sandboxProfile: true,
}).partial();
export type BenchRunOptions = z.infer<typeof BenchRunOptionsSchema>;

interface ModeDefinition {
  description: string;
  flags: Partial<ModeFlags>;
  /** Ablations are compared against `linguacodus` in the ablation table. */
  ablation: boolean;
}

export const MODE_TABLE = {
  linguacodus: { ablation: false, flags: {}, description: "planner → critic → staged coders → merger, with fixes" },
  direct: { ablation: false, flags: { mode: "direct" }, description: "one coder from the task text, with fixes" },
  "no-critic": { ablation: true, flags: { noCritic: true }, description: "top-ranked instruction used without the critic" },
  "select-first": { ablation: true, flags: { select: "first" }, description: "--select first: rank 1 as the planner wrote it (what no-critic does, recorded as a selection)" },
  "select-validation": {
    ablation: true,
    flags: { select: "validation" },
    description: "--select validation: every candidate coded and run through the fix loop, the best validation score kept",
  },
  "critic-paper": { ablation: true, flags: { criticStyle: "paper" }, description: "--critic-style paper: the paper's researcher lists flaws, a resolver picks and improves" },
  "single-instruction": { ablation: true, flags: { instructions: 1 }, description: "the planner writes 1 candidate" },
  unstaged: { ablation: true, flags: { unstaged: true }, description: "one coder writes the script from the instruction" },
  "no-fix": { ablation: true, flags: { fixAttempts: 0 }, description: "no fix attempts after the first execution" },
  "no-schema": { ablation: true, flags: { noSchema: true }, description: "task context without schema summary and sample" },
  feedback: { ablation: true, flags: { feedbackIterations: 2 }, description: "2 feedback iterations after a valid run" },
  // Tree search (issue 20), beside the one-pass pipelines: the same budget per cell (--steps, --budget-*).
  "search-greedy": {
    ablation: false,
    flags: { mode: "direct", search: "greedy" },
    description: "AIDE's greedy tree search: drafts, then debug a failed leaf or improve the best node by validation",
  },
  "search-instructed": {
    ablation: false,
    flags: { search: "instructed" },
    description: "the same tree, drafts from the planner's ranked instructions and improvements through a new instruction",
  },
  "search-mcts": { ablation: false, flags: { mode: "direct", search: "mcts" }, description: "UCT over the tree, validation rank as reward" },
  // A mode, not an ablation: meant for a fine-tuned planner, so `--ablation all` leaves it out.
  "paper-planner": {
    ablation: false,
    flags: { plannerPrompt: "paper" },
    description: "the planner gets the paper's fine-tuning prompt, one free-text call per rank (for a fine-tuned planner)",
  },
} as const satisfies Record<string, ModeDefinition>;

export type ModeName = keyof typeof MODE_TABLE;
export const MODE_NAMES = Object.keys(MODE_TABLE) as ModeName[];
export const ABLATION_NAMES = MODE_NAMES.filter((name) => MODE_TABLE[name].ablation);

export function isModeName(name: string): name is ModeName {
  return Object.hasOwn(MODE_TABLE, name);
}

/** A mode's run options, its own over the schema's defaults. */
export function flagsOf(mode: ModeName): ModeFlags {
  return ModeFlagsSchema.parse(MODE_TABLE[mode].flags);
}

export function describeMode(mode: ModeName): string {
  return MODE_TABLE[mode].description;
}

/**
 * The mode flags that identify a run (its id hashes them): the fields of bench schema v1 always, in their v1
 * order, and a field added since only when a mode sets it off its default, so the ids of earlier benches (and
 * their `--resume`) stay as they were.
 */
const V1_FLAG_KEYS = ["mode", "fixAttempts", "instructions", "noCritic", "noSchema", "unstaged", "feedbackIterations"] as const;
export function identifyingFlags(flags: ModeFlags): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of V1_FLAG_KEYS) out[key] = flags[key];
  const later = (Object.keys(flags) as (keyof ModeFlags)[]).filter((k) => !(V1_FLAG_KEYS as readonly string[]).includes(k)).sort();
  for (const key of later) if (flags[key] !== DEFAULT_MODE_FLAGS[key]) out[key] = flags[key];
  return out;
}
