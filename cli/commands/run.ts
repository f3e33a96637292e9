// `linguacodus run <task>`: a thin layer over execution/runTask — flags → RunOptions, real models and sandbox,
// progress per stage on stderr, a short summary (or the run summary as JSON) at the end.
import { Option, type Command } from "commander";
import { describeZodIssue } from "../../core/index.js";
import { UserFacingError } from "../failure.js";
import { ProgressLine, fmtMs } from "../progress.js";
import { openWiring, sandboxKind } from "../wiring.js";

/** The `run` command's flags as commander gives them (strings until parsed into RunOptions). */
interface RunCommandFlags {
  mode: string;
  model?: string;
  planner?: string;
  critic: boolean | string;
  coder?: string;
  merger?: string;
  reviewer?: string;
  fixAttempts: string;
  instructions: string;
  plannerPrompt: string;
  temperature?: string;
  seed?: string;
  out: string;
  schema: boolean;
  unstaged?: boolean;
  feedbackIterations: string;
  chains?: string;
  /** Deprecated alias of --chains (bench's --parallel means runs at once). */
  parallel?: string;
  iterations: string;
  resume?: string;
  notebook?: boolean;
  sandbox: string;
  timeout: string;
  maxTokens?: string;
  contextTokens: string;
  json?: boolean;
  select?: string;
  criticStyle?: string;
  sanity?: string;
  budgetTokens?: string;
  budgetUsd?: string;
  budgetMinutes?: string;
  prices?: string;
}

function integer(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UserFacingError(`${flag} must be an integer ≥ ${min} (got '${value}')`);
  return n;
}

function number(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n)) throw new UserFacingError(`${flag} must be a number (got '${value}')`);
  return n;
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  const found = allowed.find((a) => a === value);
  if (!found) throw new UserFacingError(`${flag} must be one of ${allowed.join(", ")} (got '${value}')`);
  return found;
}

function positive(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UserFacingError(`${flag} must be a number > 0 (got '${value}')`);
  return n;
}

async function pricesFrom(file: string) {
  const { readPriceTable } = await import("../../execution/index.js");
  try {
    return readPriceTable(file);
  } catch (error) {
    throw new UserFacingError(`--prices: ${(error as Error).message}`);
  }
}

/** `--chains`, or the deprecated `--parallel` with a warning; both given must agree. */
function chainsFlag(flags: RunCommandFlags): number {
  if (flags.parallel === undefined) return integer("--chains", flags.chains ?? "1", 1);
  process.stderr.write("linguacodus: warning: run --parallel is deprecated, use --chains (bench --parallel means runs at once)\n");
  if (flags.chains !== undefined && flags.chains !== flags.parallel)
    throw new UserFacingError(`--chains ${flags.chains} and the deprecated --parallel ${flags.parallel} disagree: give --chains only`);
  return integer("--parallel", flags.parallel, 1);
}

const PLANNER_PROMPTS = ["json", "json-per-rank", "paper"] as const;
function plannerPromptMode(value: string): (typeof PLANNER_PROMPTS)[number] {
  const mode = PLANNER_PROMPTS.find((m) => m === value);
  if (!mode) throw new UserFacingError(`--planner-prompt must be one of ${PLANNER_PROMPTS.map((m) => `'${m}'`).join(", ")} (got '${value}')`);
  return mode;
}

/** Commander gives `--critic <spec>` and `--no-critic` one key: a string is a spec, false means skip. */
function criticSpec(flags: RunCommandFlags): string | undefined {
  return typeof flags.critic === "string" ? flags.critic : undefined;
}

async function runAction(taskArg: string | undefined, flags: RunCommandFlags): Promise<void> {
  if (!taskArg && !flags.resume) throw new UserFacingError("name a task (a built-in id or a task folder), or continue a run with --resume <run-dir>");
  if (flags.mode !== "linguacodus" && flags.mode !== "direct") throw new UserFacingError(`--mode must be 'linguacodus' or 'direct' (got '${flags.mode}')`);
  const sandbox = sandboxKind(flags.sandbox);

  const { defaultPaths } = await import("../paths.js");
  const paths = defaultPaths();
  const [{ parseModelSpec, defaultModelSpec }, execution, datasets] = await Promise.all([
    import("../../agents/index.js"),
    import("../../execution/index.js"),
    import("../../datasets/index.js"),
  ]);

  const models = {
    default: flags.model ?? defaultModelSpec(paths.models),
    planner: flags.planner,
    critic: criticSpec(flags),
    coder: flags.coder,
    merger: flags.merger,
    reviewer: flags.reviewer,
  };
  for (const [role, spec] of Object.entries(models)) {
    if (spec === undefined) continue;
    try {
      parseModelSpec(spec);
    } catch (error) {
      throw new UserFacingError(`bad model spec for ${role === "default" ? "--model" : `--${role}`}: ${(error as Error).message}`);
    }
  }

  const options = {
    mode: flags.mode as "linguacodus" | "direct",
    models: Object.fromEntries(Object.entries(models).filter(([, v]) => v !== undefined)),
    instructions: integer("--instructions", flags.instructions, 1),
    plannerPrompt: plannerPromptMode(flags.plannerPrompt),
    noCritic: flags.critic === false,
    unstaged: flags.unstaged ?? false,
    fixAttempts: integer("--fix-attempts", flags.fixAttempts, 0),
    noSchema: flags.schema === false,
    contextTokens: integer("--context-tokens", flags.contextTokens, 200),
    feedbackIterations: integer("--feedback-iterations", flags.feedbackIterations, 0),
    chains: chainsFlag(flags),
    iterations: integer("--iterations", flags.iterations, 1),
    temperature: flags.temperature === undefined ? undefined : number("--temperature", flags.temperature),
    seed: flags.seed === undefined ? undefined : integer("--seed", flags.seed, 0),
    maxTokens: flags.maxTokens === undefined ? undefined : integer("--max-tokens", flags.maxTokens, 1),
    timeoutSeconds: integer("--timeout", flags.timeout, 1),
    notebook: flags.notebook ?? false,
    ...(flags.select === undefined ? {} : { select: oneOf("--select", flags.select, ["critic", "first", "validation"] as const) }),
    ...(flags.criticStyle === undefined ? {} : { criticStyle: oneOf("--critic-style", flags.criticStyle, ["structured", "paper"] as const) }),
    ...(flags.sanity === undefined ? {} : { sanity: oneOf("--sanity", flags.sanity, ["permuted-labels"] as const) }),
    ...(flags.budgetTokens === undefined ? {} : { budgetTokens: integer("--budget-tokens", flags.budgetTokens, 1) }),
    ...(flags.budgetUsd === undefined ? {} : { budgetUsd: positive("--budget-usd", flags.budgetUsd) }),
    ...(flags.budgetMinutes === undefined ? {} : { budgetMinutes: positive("--budget-minutes", flags.budgetMinutes) }),
    ...(flags.prices === undefined ? {} : { prices: await pricesFrom(flags.prices) }),
  };
  if (options.budgetUsd !== undefined && options.prices === undefined) throw new UserFacingError("--budget-usd needs --prices <file> to turn tokens into USD");
  const parsedOptions = execution.RunOptionsSchema.safeParse(options);
  if (!parsedOptions.success) throw new UserFacingError(`run options: ${describeZodIssue(parsedOptions.error)}`);

  // The task (or the run to resume) first: a typo should not wait for Docker.
  let task;
  if (flags.resume) {
    try {
      const previous = execution.readRunJson(flags.resume);
      if (previous.status === "succeeded") throw new UserFacingError(`${flags.resume} already finished (succeeded); nothing to resume`);
    } catch (error) {
      if (error instanceof UserFacingError) throw error;
      throw new UserFacingError(`${(error as Error).message}; --resume takes the folder of an interrupted run (it holds run.json)`);
    }
  } else {
    try {
      task = await datasets.resolveTask(taskArg!, paths.tasks);
    } catch (error) {
      throw new UserFacingError((error as Error).message);
    }
  }

  const wiring = await openWiring({ sandbox, modelsDir: paths.models });

  const progress = new ProgressLine(flags.json === true);
  const onProgress = (event: import("../../execution/index.js").RunProgress) => {
    switch (event.type) {
      case "stage.started":
        progress.stage(event.stage);
        break;
      case "stage.finished":
        progress.log(`${event.ok ? "✓" : "✗"} ${event.stage} ${fmtMs(event.durationMs)}${event.detail && !event.ok ? ` — ${event.detail.split("\n")[0]}` : ""}`);
        break;
      case "attempt.finished":
        progress.log(`  attempt ${event.attempt} (${event.kind}): ${event.outcome}${event.errorClass ? ` ${event.errorClass}` : ""}${event.valid ? ` score ${event.score}` : ""}`);
        break;
      case "model.call":
        progress.addTokens(event.tokens);
        break;
      case "model.tokens":
        progress.callProgress(event);
        break;
      case "run.started":
        progress.log(`run ${event.resumed ? "resumed" : "started"}: ${event.taskId} (${event.mode})`);
        break;
      default:
        break;
    }
  };

  let result;
  try {
    result = flags.resume
      ? await execution.resumeRun(flags.resume, { ...wiring, onProgress })
      : await execution.runTask(task!, parsedOptions.data, { ...wiring, outDir: flags.out, onProgress });
  } catch (error) {
    progress.stop();
    const where =
      error instanceof execution.RunFailedError ? ` (run folder ${error.runDir} keeps what was done; continue it with --resume ${error.runDir})` : "";
    throw new UserFacingError(`${(error as Error).message}${where}`, 1);
  } finally {
    progress.stop();
    await wiring.close();
  }

  const s = result.summary;
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
  } else {
    const score = s.valid ? `${s.score} (${s.metric}, ${s.lowerIsBetter ? "lower" : "higher"} is better)` : "—";
    const placement = s.percentile != null ? `  percentile ${s.percentile.toFixed(1)}${s.medal && s.medal !== "none" ? `  medal ${s.medal}` : ""}` : "";
    process.stdout.write(
      [
        `mode      ${s.mode}`,
        `attempts  ${s.attemptsUsed} (fixes ${s.fixesUsed}${s.errorClasses.length ? `; errors ${s.errorClasses.join(", ")}` : ""})`,
        `valid     ${s.valid ? "yes" : "no"}${s.failure ? ` — ${s.failure}` : ""}`,
        `score     ${score}${placement}`,
        ...(s.agreement ? [`chains    ${s.agreement.valid}/${s.agreement.chains} valid, ${s.agreement.largestAgreeingGroup} agree`] : []),
        `time      ${fmtMs(s.wallMs)} (models ${fmtMs(s.modelMs)}, sandbox ${fmtMs(s.sandboxMs)})  tokens ${s.totalTokens}`,
        `run       ${result.dir}`,
        "",
      ].join("\n"),
    );
  }
  if (!s.valid) process.exitCode = 1;
}

export function registerRun(program: Command): void {
  program
    .command("run")
    .description("Generate a solution for a task with LLM agents, run and fix it in the sandbox, grade it, and record everything")
    .argument("[task]", "a built-in task id or a task folder (omit with --resume)")
    .option("--mode <mode>", "linguacodus (instructions, then staged code) or direct (one coder)", "linguacodus")
    .option("--model <spec>", "model for every role (gguf:…, openai:…, gemini:…, replay:…); default: the bundled GGUF model")
    .option("--planner <spec>", "model of the planner")
    .option("--critic <spec>", "model of the critic")
    .option("--no-critic", "skip the critic: use the top-ranked instruction")
    .option("--coder <spec>", "model of the coders (staged and direct) and, unless --merger, the merger/fixer")
    .option("--merger <spec>", "model of the merger/fixer")
    .option("--reviewer <spec>", "model of the reviewer (feedback iterations)")
    .option("--fix-attempts <n>", "fixes after a failed execution", "3")
    .option("--instructions <n>", "ranked instructions the planner writes", "3")
    .option("--planner-prompt <mode>", "json (N ranked instructions as one JSON answer), json-per-rank (one short JSON answer per place: small models) or paper (the fine-tuning prompt, one free-text call per rank)", "json")
    .option("--temperature <t>", "sampling temperature of every model call")
    .option("--seed <s>", "seed of every model call")
    .option("--max-tokens <n>", "cap on the tokens of every model answer (keeps a small local model from rambling)")
    .option("--out <dir>", "folder that receives the run folder", "runs")
    .option("--no-schema", "leave the schema summary and data sample out of the task context")
    .option("--unstaged", "one coder writes the whole script from the instruction (ablation)")
    .option("--context-tokens <n>", "token budget of the task context", "3000")
    .option("--feedback-iterations <k>", "reviewer reflection rounds after a successful run", "0")
    .option("--chains <c>", "independent chains (default 1)")
    .addOption(new Option("--parallel <p>", "deprecated: use --chains").hideHelp())
    .option("--iterations <i>", "runs per chain", "1")
    .option("--resume <run-dir>", "continue an interrupted run without repeating finished stages")
    .option("--notebook", "also write code/solution.ipynb")
    .option("--sandbox <kind>", "docker, or local (NO isolation: runs generated code on this host)", "docker")
    .option("--timeout <s>", "time limit of one script execution, in seconds", "900")
    .option("--json", "print the run summary as JSON on stdout")
    .option("--select <how>", "critic (default: the critic chooses), first (rank 1 as is), validation (every candidate coded and run as branches/<k>/, best printed validation score kept)")
    .option("--critic-style <style>", "structured (one call, default) or paper (the paper's researcher + resolver)")
    .option("--sanity <check>", "permuted-labels: rerun the final script on permuted training targets and flag a score that does not come from the labels")
    .option("--budget-tokens <n>", "stop at the next model call or attempt once the run's calls used N tokens (status budget)")
    .option("--budget-usd <x>", "stop once the run's calls cost X USD (needs --prices)")
    .option("--budget-minutes <m>", "stop once the run took M minutes")
    .option("--prices <file>", 'JSON price table: {"<model spec>": {"input": <USD per 1M tokens>, "output": <USD per 1M tokens>}} (cost per role/stage in run.json)')
    .action(runAction);
}
