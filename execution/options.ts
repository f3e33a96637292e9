// The options of one run, as a zod schema: the one definition of a run's flags. The CLI parses flags into it,
// benchmarks build their modes, ablations and bench-wide options as parts of it (benchmarks/modes.ts), and
// run.json keeps the parsed value ("config as run").
import { z } from "zod";
import { AGENT_ROLES, RUN_ROLES, roleModelSpec, type AgentRole } from "../agents/index.js";
import { PLANNER_PROMPT_MODES } from "../instructions/index.js";
import { describeZodIssue } from "../core/index.js";
import { PriceTableSchema } from "./usage.js";
import { SEARCH_POLICIES } from "./search/policies.js";
import { SANDBOX_PROFILES } from "../sandbox/index.js";

/** The two pipelines (run.json keeps it; the record's schemas take it from here, so options import no record). */
export const RunModeSchema = z.enum(["linguacodus", "direct"]);
export type RunMode = z.infer<typeof RunModeSchema>;

/** How the coders' instruction is chosen among the planner's candidates (`--select`; run.json's `selection`). */
export const SelectMethodSchema = z.enum(["critic", "first", "validation"]);
export type SelectMethod = z.infer<typeof SelectMethodSchema>;

const ModelSpec = z.string().min(1);
const roleShape = Object.fromEntries(AGENT_ROLES.map((role) => [role, ModelSpec.optional()])) as Record<AgentRole, z.ZodOptional<z.ZodString>>;

/** Model spec per role; `default` covers the roles not named (after agents' ROLE_FALLBACKS). */
export const RoleModelsSchema = z.object({ default: ModelSpec.optional(), ...roleShape });
export type RoleModelSpecs = z.infer<typeof RoleModelsSchema>;

export const RunOptionsSchema = z.object({
  mode: RunModeSchema.default("linguacodus"),
  /** Model spec per role; `default` covers the roles not named. */
  models: RoleModelsSchema.default({}),
  /** How the planner is asked: "json" (N ranked instructions in one JSON answer), "json-per-rank" (one short JSON
   * answer per place, for small models) or "paper" (the fine-tuning prompt of the Linguacodus paper, one free-text
   * answer per rank, parsed into the four sections). */
  plannerPrompt: z.enum(PLANNER_PROMPT_MODES).default("json"),
  /** Ranked instructions the planner writes. */
  instructions: z.number().int().min(1).max(10).default(3),
  /** Skip the critic: the top-ranked instruction is used as is. */
  noCritic: z.boolean().default(false),
  /** One coder writes the whole script from the instruction (no stage blocks, no merger). */
  unstaged: z.boolean().default(false),
  /** Fixes after a failed execution (0 = run once). */
  fixAttempts: z.number().int().min(0).max(20).default(3),
  /** Leave the schema summary and data sample out of the task context. */
  noSchema: z.boolean().default(false),
  /** Token budget of the task context. */
  contextTokens: z.number().int().min(200).max(100_000).default(3000),
  /** Reviewer reflection rounds after a successful run. */
  feedbackIterations: z.number().int().min(0).max(20).default(0),
  /** Independent chains (Sand-Bob's n_parallel); `run --chains`. */
  chains: z.number().int().min(1).max(32).default(1),
  /** Runs per chain (Sand-Bob's n_iterative). */
  iterations: z.number().int().min(1).max(32).default(1),
  temperature: z.number().min(0).max(2).optional(),
  seed: z.number().int().nonnegative().optional(),
  /** Cap on the tokens of every model answer, so a small local model cannot ramble until its context is full. */
  maxTokens: z.number().int().positive().optional(),
  /** Wall-clock limit of one execution of the script. */
  timeoutSeconds: z.number().int().min(1).max(86_400).default(900),
  /** Also write code/solution.ipynb. */
  notebook: z.boolean().default(false),
  /**
   * How the coders' instruction is chosen among the planner's candidates: `critic` (the paper's method, the
   * default), `first` (rank 1 as is, the no-critic ablation), `validation` (every candidate through coders and the
   * fix loop as branches/<k>/, the best by the validation score the scripts printed is kept — never the test score).
   */
  select: SelectMethodSchema.optional(),
  /** The critic: `structured` (one call: findings per candidate, choice, refined; the default) or `paper` (the paper's
   * two agents: a researcher lists each option's flaws step by step, a resolver improves the one it favoured). */
  criticStyle: z.enum(["structured", "paper"]).optional(),
  /** After a valid run, rerun its final script on training data with permuted targets (seeded by `seed`, else 0). */
  sanity: z.enum(["permuted-labels"]).optional(),
  // Budgets (issue 13): the run stops at the next model call or attempt once one is reached, with status `budget`,
  // and its best valid submission so far is graded. Optional, so records and bench ids without them stay as they were.
  /** Tokens (prompt + completion) of all the run's model calls. */
  budgetTokens: z.number().int().positive().optional(),
  /** Cost in USD of the run's model calls, priced by `prices`. */
  budgetUsd: z.number().positive().optional(),
  /** Wall-clock minutes of the run (this session and earlier ones). */
  budgetMinutes: z.number().positive().optional(),
  // Tree search (issue 20): optional, so records and bench ids without it stay as they were.
  /** Search instead of one pass: greedy (AIDE's draft/debug/improve), instructed (drafts and improvements through
   * the planner's instructions and the staged coders) or mcts (UCT over the tree). */
  search: z.enum(SEARCH_POLICIES).optional(),
  /** Search steps (nodes): one coding call chain, one sandbox attempt and its grade each. Default 20. */
  steps: z.number().int().min(1).max(10_000).optional(),
  /** Initial drafts before debugging and improving (AIDE: 5). */
  drafts: z.number().int().min(1).max(100).optional(),
  /** Chance that a step debugs a failed leaf (AIDE: 0.5). */
  debugProbability: z.number().min(0).max(1).optional(),
  /** Longest chain of consecutive debug steps (AIDE: 3). */
  maxDebugDepth: z.number().int().min(0).max(20).optional(),
  // Generated unit tests (issue 23): optional, so records and bench ids without them stay as they were.
  /** After the final script, the tester writes pytest tests for it and they run in the sandbox (unit-tests/). */
  unitTests: z.boolean().optional(),
  /** Wall-clock limit of the unit tests' run, in seconds (default UNIT_TEST_TIMEOUT_SECONDS). */
  unitTestTimeout: z.number().int().min(1).max(3600).optional(),
  /** USD per 1M tokens per model spec (bench's --prices table): cost per role/stage in run.json, and --budget-usd. */
  prices: PriceTableSchema.optional(),
  /** The sandbox image the scripts run in (`--sandbox-profile`; absent = `default`): recorded so --resume and a
   * bench's Slurm cells open the same image. Optional, so records and bench ids without it stay as they were. */
  sandboxProfile: z.enum(SANDBOX_PROFILES).optional(),
});
export type RunOptions = z.infer<typeof RunOptionsSchema>;

/** Where generated scripts run: `docker` (the sandbox) or `local` (no isolation; execution/wiring.ts). */
export const SANDBOX_KINDS = ["docker", "local"] as const;
export type SandboxKind = (typeof SANDBOX_KINDS)[number];
export type RunOptionsInput = z.input<typeof RunOptionsSchema>;

/** Run records written before `parallel` was renamed `chains` keep the old key; resume reads them as written. */
function withLegacyKeys(input: unknown): unknown {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return input;
  const { parallel, ...rest } = input as Record<string, unknown>;
  return parallel !== undefined && rest.chains === undefined ? { ...rest, chains: parallel } : input;
}

/**
 * run.json's `config`: the options as parsed when the run started. Records of older versions read as resume reads
 * them (old key names, fields added since take their defaults, fields no longer known are dropped).
 */
export const RunConfigSchema = z.preprocess(withLegacyKeys, RunOptionsSchema);

/** Options that need another to mean anything: a USD budget is priced by the price table. */
const OPTION_NEEDS = [{ field: "budgetUsd", needs: "prices", why: "to turn tokens into USD" }] as const;

/** The first option set without the one it needs, in words naming both (`nameOf` spells a field: its CLI flag, say). */
export function unmetOptionNeed(options: Partial<Record<string, unknown>>, nameOf: (field: string) => string = (f) => f): string | undefined {
  const unmet = OPTION_NEEDS.find((n) => options[n.field] !== undefined && options[n.needs] === undefined);
  return unmet && `${nameOf(unmet.field)} needs ${nameOf(unmet.needs)} ${unmet.why}`;
}

/** Parses options, naming the field and the fix on bad input. */
export function parseRunOptions(input: unknown): RunOptions {
  const parsed = RunOptionsSchema.safeParse(withLegacyKeys(input));
  if (!parsed.success) throw new Error(`run options: ${describeZodIssue(parsed.error)}`);
  const problem = unmetOptionNeed(parsed.data);
  if (problem) throw new Error(`run options: ${problem}`);
  return parsed.data;
}

/** The spec each role uses, for run.json (roles not named fall back as agents' roleModelSpec says). */
export function resolveRoleSpecs(models: RoleModelSpecs): Record<string, string> {
  const out: Record<string, string> = {};
  for (const role of RUN_ROLES) {
    const spec = roleModelSpec(models, role);
    if (spec) out[role] = spec;
  }
  return out;
}
