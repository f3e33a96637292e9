// The options of one run, as a zod schema: the CLI parses flags into it, benchmarks build ablations from it,
// and run.json keeps the parsed value ("config as run").
import { z } from "zod";
import { RunModeSchema } from "./record.js";

const ModelSpec = z.string().min(1);

export const RoleModelsSchema = z.object({
  default: ModelSpec.optional(),
  planner: ModelSpec.optional(),
  critic: ModelSpec.optional(),
  coder: ModelSpec.optional(),
  merger: ModelSpec.optional(),
  direct: ModelSpec.optional(),
  reviewer: ModelSpec.optional(),
});
export type RoleModelSpecs = z.infer<typeof RoleModelsSchema>;

export const RunOptionsSchema = z.object({
  mode: RunModeSchema.default("linguacodus"),
  /** Model spec per role; `default` covers the roles not named. */
  models: RoleModelsSchema.default({}),
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
  /** Independent chains (Sand-Bob's n_parallel). */
  parallel: z.number().int().min(1).max(32).default(1),
  /** Runs per chain (Sand-Bob's n_iterative). */
  iterations: z.number().int().min(1).max(32).default(1),
  temperature: z.number().min(0).max(2).optional(),
  seed: z.number().int().optional(),
  /** Cap on the tokens of every model answer, so a small local model cannot ramble until its context is full. */
  maxTokens: z.number().int().positive().optional(),
  /** Wall-clock limit of one execution of the script. */
  timeoutSeconds: z.number().int().min(1).max(86_400).default(900),
  /** Also write code/solution.ipynb. */
  notebook: z.boolean().default(false),
});
export type RunOptions = z.infer<typeof RunOptionsSchema>;
export type RunOptionsInput = z.input<typeof RunOptionsSchema>;

/** Parses options, naming the field and the fix on bad input. */
export function parseRunOptions(input: unknown): RunOptions {
  const parsed = RunOptionsSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Run option '${issue?.path.join(".") ?? "?"}': ${issue?.message ?? "invalid"}`);
  }
  return parsed.data;
}

/** The spec each role uses, for run.json (roles not named fall back to `default`). */
export function resolveRoleSpecs(models: RoleModelSpecs): Record<string, string> {
  const out: Record<string, string> = {};
  for (const role of ["planner", "critic", "coder", "merger", "direct", "reviewer"] as const) {
    const spec = models[role] ?? models.default;
    if (spec) out[role] = spec;
  }
  return out;
}
