// The command-line flags of run options, in one place: each flag's name and help once, its type, limits, choices
// and default taken from the schema field it sets (execution/options.ts `RunOptionsSchema`, benchmarks/options.ts
// for a bench's own), and one parser that turns the flag's text into the field's value. `run`, `bench`, the Slurm
// cell and `finetune` add and read their shared flags here, so a flag cannot drift from its option.
// The schemas load when a command is about to run or show its help (main.ts's preSubcommand hook), not at start:
// commands that need no model keep starting fast.
import { Option, type Command } from "commander";
import { z } from "zod";
import type { BenchOptionsSchema } from "../benchmarks/index.js";
import type { PriceTable, RunOptionsInput, RunOptionsSchema } from "../execution/index.js";
import { UserFacingError } from "./failure.js";

/** One flag: how it is spelled (commander syntax), what it says, and the schema of the value it sets (loaded when needed). */
export interface FlagDef<S extends z.ZodType = z.ZodType> {
  flag: string;
  help: string;
  schema: () => Promise<S>;
}

type RunFields = (typeof RunOptionsSchema)["shape"];
type BenchFields = (typeof BenchOptionsSchema)["shape"];
const execution = () => import("../execution/index.js");
/** A run option's field: its type, limits, choices and default. */
export const runField =
  <K extends keyof RunFields>(key: K) =>
  async (): Promise<RunFields[K]> =>
    (await execution()).RunOptionsSchema.shape[key];
/** A bench option's field (benchmarks/options.ts). */
export const benchField =
  <K extends keyof BenchFields>(key: K) =>
  async (): Promise<BenchFields[K]> =>
    (await import("../benchmarks/index.js")).BenchOptionsSchema.shape[key];

/** A whole number ≥ `min` (flags that set no run option: training steps, ranks, …). */
export const wholeNumber = (min: number) => z.number().int().min(min);
const now = <S extends z.ZodType>(schema: S) => async () => schema;

/** The schema under optional/default wrappers, and the default when there is one. */
function unwrap(schema: z.ZodType): { inner: z.ZodType; fallback?: unknown } {
  let inner = schema;
  let fallback: unknown;
  for (;;) {
    if (inner instanceof z.ZodDefault) {
      fallback ??= inner.def.defaultValue;
      inner = inner.def.innerType as z.ZodType;
    } else if (inner instanceof z.ZodOptional) inner = inner.def.innerType as z.ZodType;
    else return fallback === undefined ? { inner } : { inner, fallback };
  }
}

/** "a whole number ≥ 1", "a number > 0", "a number from 0 to 2": what a number field accepts, read off its checks. */
function numberForm(schema: z.ZodNumber): string {
  const whole = schema.isInt;
  let min: { value: number; inclusive: boolean } | undefined;
  let max: { value: number; inclusive: boolean } | undefined;
  for (const check of schema.def.checks ?? []) {
    const def = check._zod.def as { check: string; value?: number; inclusive?: boolean };
    if (def.check === "greater_than" && def.value !== undefined) min = { value: def.value, inclusive: def.inclusive === true };
    if (def.check === "less_than" && def.value !== undefined) max = { value: def.value, inclusive: def.inclusive === true };
  }
  // A whole number > n is one ≥ n + 1: one way of saying "positive".
  if (whole && min && !min.inclusive) min = { value: min.value + 1, inclusive: true };
  if (whole && max && !max.inclusive) max = { value: max.value - 1, inclusive: true };
  const kind = whole ? "a whole number" : "a number";
  if (min && max && min.inclusive && max.inclusive) return `${kind} from ${min.value} to ${max.value}`;
  const bounds = [min && `${min.inclusive ? "≥" : ">"} ${min.value}`, max && `${max.inclusive ? "≤" : "<"} ${max.value}`].filter(Boolean);
  return bounds.length ? `${kind} ${bounds.join(" and ")}` : kind;
}

/** The one parser of a flag's text: a number or a choice as the field's schema allows, else one line naming the flag, the form and the value. */
export function flagValue<S extends z.ZodType>(flag: string, raw: string, schema: S): z.infer<S> {
  const { inner } = unwrap(schema);
  let value: unknown = raw;
  let form = "valid";
  if (inner instanceof z.ZodNumber) {
    form = numberForm(inner);
    value = raw.trim() === "" ? Number.NaN : Number(raw);
  } else if (inner instanceof z.ZodEnum) form = `one of ${(inner.options as readonly string[]).join(", ")}`;
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new UserFacingError(`${flag} must be ${form} (got '${raw}')`);
  return parsed.data as z.infer<S>;
}

/** The flag's name without its value placeholder: `--fix-attempts <n>` → `--fix-attempts`. */
export const flagName = (def: Pick<FlagDef, "flag">) => def.flag.split(/[ ,]/)[0]!;

/** The options added through addFlag, with their definition: their help gets the schema's default when shown. */
const defined = new WeakMap<Option, FlagDef>();

/** The commander option of a flag (commander keeps no default: the schema's is the only one). */
export function flagOption(def: FlagDef, help = def.help): Option {
  const option = new Option(def.flag, help);
  defined.set(option, def);
  return option;
}

/** Adds a flag to a command. */
export function addFlag(command: Command, def: FlagDef, help = def.help): Command {
  return command.addOption(flagOption(def, help));
}

/** Before a command runs or shows its help: each flag's help ends with its schema's default. */
export async function completeFlagHelp(command: Command): Promise<void> {
  for (const option of command.options) {
    const def = defined.get(option);
    if (!def) continue;
    defined.delete(option);
    const { fallback } = unwrap(await def.schema());
    if (fallback !== undefined && typeof fallback !== "boolean") option.description += ` (default: ${String(fallback)})`;
  }
  for (const sub of command.commands) await completeFlagHelp(sub);
}

/** A flag's value from commander's options: parsed, or undefined when not given. Negated flags (`--no-x`) give true. */
export async function readFlag<S extends z.ZodType>(values: object, def: FlagDef<S>): Promise<z.infer<S> | undefined> {
  const option = new Option(def.flag);
  const raw = (values as Record<string, unknown>)[option.attributeName()];
  if (option.negate) return (raw === false ? true : undefined) as z.infer<S> | undefined;
  if (!option.required && !option.optional) return (raw === true ? true : undefined) as z.infer<S> | undefined;
  return typeof raw === "string" ? flagValue(flagName(def), raw, await def.schema()) : undefined;
}

/** A flag's value, or the schema's default when not given. */
export async function readFlagOrDefault<S extends z.ZodType>(values: object, def: FlagDef<S>): Promise<z.infer<S>> {
  return (await readFlag(values, def)) ?? ((await def.schema()).parse(undefined) as z.infer<S>);
}

const run = <K extends keyof RunFields>(key: K, flag: string, help: string) => ({ key, def: { flag, help, schema: runField(key) } as FlagDef<RunFields[K]> });

/** The flags of run options, by option. `models` and `prices` are read differently (specs per role; a file). */
export const RUN_FLAGS = {
  mode: run("mode", "--mode <mode>", "linguacodus (instructions, then staged code) or direct (one coder)"),
  fixAttempts: run("fixAttempts", "--fix-attempts <n>", "fixes after a failed execution"),
  instructions: run("instructions", "--instructions <n>", "ranked instructions the planner writes"),
  plannerPrompt: run(
    "plannerPrompt",
    "--planner-prompt <mode>",
    "json (N ranked instructions as one JSON answer), json-per-rank (one short JSON answer per place: small models) or paper (the fine-tuning prompt, one free-text call per rank)",
  ),
  noCritic: run("noCritic", "--no-critic", "skip the critic: use the top-ranked instruction"),
  unstaged: run("unstaged", "--unstaged", "one coder writes the whole script from the instruction (ablation)"),
  noSchema: run("noSchema", "--no-schema", "leave the schema summary and data sample out of the task context"),
  contextTokens: run("contextTokens", "--context-tokens <n>", "token budget of the task context"),
  feedbackIterations: run("feedbackIterations", "--feedback-iterations <k>", "reviewer reflection rounds after a successful run"),
  chains: run("chains", "--chains <c>", "independent chains"),
  iterations: run("iterations", "--iterations <i>", "runs per chain"),
  temperature: run("temperature", "--temperature <t>", "sampling temperature of every model call"),
  seed: run("seed", "--seed <s>", "seed of every model call"),
  maxTokens: run("maxTokens", "--max-tokens <n>", "cap on the tokens of every model answer (keeps a small local model from rambling)"),
  timeoutSeconds: run("timeoutSeconds", "--timeout <s>", "time limit of one script execution, in seconds"),
  notebook: run("notebook", "--notebook", "also write code/solution.ipynb"),
  select: run(
    "select",
    "--select <how>",
    "critic (default: the critic chooses), first (rank 1 as is), validation (every candidate coded and run as branches/<k>/, best printed validation score kept)",
  ),
  criticStyle: run("criticStyle", "--critic-style <style>", "structured (one call, default) or paper (the paper's researcher + resolver)"),
  sanity: run("sanity", "--sanity <check>", "permuted-labels: rerun the final script on permuted training targets and flag a score that does not come from the labels"),
  budgetTokens: run("budgetTokens", "--budget-tokens <n>", "stop at the next model call or attempt once the run's calls used N tokens (status budget)"),
  budgetUsd: run("budgetUsd", "--budget-usd <x>", "stop once the run's calls cost X USD (needs --prices)"),
  budgetMinutes: run("budgetMinutes", "--budget-minutes <m>", "stop once the run took M minutes"),
  search: run("search", "--search <policy>", "tree search instead of one pass: greedy (AIDE's draft/debug/improve), instructed (the planner's instructions as drafts and improvements), mcts (UCT)"),
  steps: run("steps", "--steps <n>", "search steps: each one coding call chain + one sandbox attempt (default 20)"),
  drafts: run("drafts", "--drafts <n>", "search: initial drafts before debugging and improving (default 5)"),
  debugProbability: run("debugProbability", "--debug-probability <p>", "search: chance a step debugs a failed leaf (default 0.5)"),
  unitTests: run("unitTests", "--unit-tests", "after the final script, the tester writes pytest tests for it and they run in the sandbox (unit-tests/ in the record)"),
  unitTestTimeout: run("unitTestTimeout", "--unit-test-timeout <s>", "time limit of the unit tests' run, in seconds (default 120)"),
  maxDebugDepth: run("maxDebugDepth", "--max-debug-depth <n>", "search: longest chain of consecutive debug steps (default 3)"),
  sandboxProfile: run(
    "sandboxProfile",
    "--sandbox-profile <name>",
    "sandbox image: default (scikit-learn level) or deep (adds PyTorch, torchvision, timm, transformers, catboost, scikit-image, OpenCV, nltk; CUDA wheels and the GPUs on an NVIDIA host; build it with 'sandbox build --offline --profile deep')",
  ),
} as const;
export type RunFlagKey = keyof typeof RUN_FLAGS;

/** Sand-Bob's spelling of chains × iterations (`ask`): the same run options under the names of issue 23. */
export const SAMPLE_FLAGS = {
  parallel: { flag: "--parallel <n>", help: "independent samples of the analysis (Sand-Bob's n_parallel; run --chains)", schema: runField("chains") },
  iterative: { flag: "--iterative <m>", help: "runs per sample, one after another (Sand-Bob's n_iterative; run --iterations)", schema: runField("iterations") },
} as const satisfies Record<string, FlagDef>;

/** `--prices <file>`: a JSON price table, read and checked when the flags are read. */
export const PRICES_FLAG: FlagDef<z.ZodString> = {
  flag: "--prices <file>",
  help: 'JSON price table: {"<model spec>": {"input": <USD per 1M tokens>, "output": <USD per 1M tokens>}} (cost per role/stage in run.json)',
  schema: now(z.string().min(1)),
};

/** `--sandbox <kind>`: where generated scripts run. */
export const SANDBOX_FLAG: FlagDef<z.ZodDefault<z.ZodEnum<{ docker: "docker"; local: "local" }>>> = {
  flag: "--sandbox <kind>",
  help: "docker, or local (NO isolation: runs generated code on this host)",
  schema: async () => z.enum((await execution()).SANDBOX_KINDS).default("docker"),
};

/** `--sandbox-profile <name>` where it sets no run option (`sandbox run`, `sandbox build --profile`): the run option's choices, `default` when not given. */
export const SANDBOX_PROFILE_FLAG: FlagDef<z.ZodDefault<z.ZodEnum<{ default: "default"; deep: "deep" }>>> = {
  ...RUN_FLAGS.sandboxProfile.def,
  schema: async () => (await runField("sandboxProfile")()).unwrap().default("default"),
};

/** Adds the flags of these run options (in this order), with a command's own help where its meaning differs. */
export function addRunFlags(command: Command, keys: readonly RunFlagKey[], help: Partial<Record<RunFlagKey, string>> = {}): Command {
  for (const key of keys) addFlag(command, RUN_FLAGS[key].def, help[key]);
  return command;
}

/** The price table of `--prices <file>`, or undefined when not given. */
export async function readPricesFlag(values: object): Promise<PriceTable | undefined> {
  const file = await readFlag(values, PRICES_FLAG);
  if (file === undefined) return undefined;
  try {
    return (await execution()).readPriceTable(file);
  } catch (error) {
    throw new UserFacingError(`--prices: ${(error as Error).message}`);
  }
}

/**
 * The run options these flags set, typed (the schema parses them, with its defaults, once: in runTask or the
 * bench's cells); options between fields (a USD budget needs prices) checked here in flag names.
 */
export async function readRunFlags(values: object, keys: readonly RunFlagKey[]): Promise<RunOptionsInput> {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const value = await readFlag(values, RUN_FLAGS[key].def as FlagDef);
    if (value !== undefined) out[key] = value;
  }
  const prices = await readPricesFlag(values);
  if (prices) out.prices = prices;
  await checkNeeds(out);
  return out as RunOptionsInput;
}

/** The options' cross-field rule (execution/options.ts), worded with the flags that set the fields. */
export async function checkNeeds(options: Partial<Record<string, unknown>>): Promise<void> {
  const flagOf = (key: string) => (key === "prices" ? PRICES_FLAG.flag : key in RUN_FLAGS ? flagName(RUN_FLAGS[key as RunFlagKey].def) : key);
  const problem = (await execution()).unmetOptionNeed(options, flagOf);
  if (problem) throw new UserFacingError(problem);
}

type SlurmFields = (typeof import("../benchmarks/index.js").SlurmResourcesSchema)["shape"];
const slurmField =
  <K extends keyof SlurmFields>(key: K) =>
  async (): Promise<SlurmFields[K]> =>
    (await import("../benchmarks/index.js")).SlurmResourcesSchema.shape[key];

/** A bench's own flags (the matrix's repeats and seeds, concurrency, executor), typed by the bench's schemas. */
export const BENCH_FLAGS = {
  repeats: { flag: "--repeats <n>", help: "repeats per cell, with seeds seed, seed+1, …", schema: now(wholeNumber(1).default(1)) },
  seed: { flag: "--seed <s>", help: "seed of the first repeat", schema: async () => (await runField("seed")()).unwrap().default(1) },
  parallel: { flag: "--parallel <p>", help: "runs at once", schema: benchField("parallel") },
  sandboxes: { flag: "--sandboxes <n>", help: "sandbox executions at once (default: --parallel)", schema: benchField("sandboxes") },
  apiConcurrency: { flag: "--api-concurrency <n>", help: "concurrent calls per API model (GGUF models are always serialised)", schema: benchField("apiConcurrency") },
  executor: {
    flag: "--executor <name>",
    help: "where cells run: local (this machine, --parallel at once) or slurm (one sbatch job array, one task per cell)",
    schema: benchField("executor"),
  },
  slurmCpus: { flag: "--slurm-cpus <n>", help: "CPUs per cell (default 1)", schema: slurmField("cpus") },
  slurmGpus: { flag: "--slurm-gpus <n>", help: "GPUs per cell (a GPU partition, for local GGUF or vLLM)", schema: slurmField("gpus") },
  slurmMaxRunning: { flag: "--slurm-max-running <n>", help: "at most this many cells at once (the array's % throttle)", schema: slurmField("maxRunning") },
} as const satisfies Record<string, FlagDef>;
