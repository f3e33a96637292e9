// `linguacodus run <task>`: a thin layer over execution/runTask — flags → RunOptions, real models and sandbox,
// progress per stage on stderr, a short summary (or the run summary as JSON) at the end.
import { Option, type Command } from "commander";
import { UserFacingError } from "../failure.js";
import { RUN_FLAGS, SANDBOX_FLAG, PRICES_FLAG, addFlag, addRunFlags, flagValue, readFlag, readRunFlags, type RunFlagKey } from "../flags.js";
import { fmtMs } from "../progress.js";
import { type ModelFlags, addModelFlags, checkResumable, readModelSpecs, runSession } from "../run-session.js";

/** The `run` command's own flags as commander gives them; the run options' flags are read through cli/flags.ts. */
interface RunCommandFlags extends ModelFlags {
  out: string;
  chains?: string;
  /** Deprecated alias of --chains (bench's --parallel means runs at once). */
  parallel?: string;
  resume?: string;
  json?: boolean;
}

/** The run options `run` sets from flags, in the order of its help (`--chains` is read with its deprecated alias). */
const RUN_OPTION_FLAGS = [
  "mode",
  "fixAttempts",
  "instructions",
  "plannerPrompt",
  "temperature",
  "seed",
  "maxTokens",
  "noSchema",
  "unstaged",
  "contextTokens",
  "feedbackIterations",
  "iterations",
  "notebook",
  "timeoutSeconds",
  "select",
  "criticStyle",
  "sanity",
  "budgetTokens",
  "budgetUsd",
  "budgetMinutes",
  "search",
  "steps",
  "drafts",
  "debugProbability",
  "maxDebugDepth",
  "unitTests",
  "unitTestTimeout",
] as const satisfies readonly RunFlagKey[];

/** `--chains`, or the deprecated `--parallel` with a warning; both given must agree. */
async function chainsFlag(flags: RunCommandFlags): Promise<number | undefined> {
  if (flags.parallel === undefined) return readFlag(flags, RUN_FLAGS.chains.def);
  process.stderr.write("linguacodus: warning: run --parallel is deprecated, use --chains (bench --parallel means runs at once)\n");
  if (flags.chains !== undefined && flags.chains !== flags.parallel)
    throw new UserFacingError(`--chains ${flags.chains} and the deprecated --parallel ${flags.parallel} disagree: give --chains only`);
  return flagValue("--parallel", flags.parallel, await RUN_FLAGS.chains.def.schema());
}

async function runAction(taskArg: string | undefined, flags: RunCommandFlags): Promise<void> {
  if (!taskArg && !flags.resume) throw new UserFacingError("name a task (a built-in id or a task folder), or continue a run with --resume <run-dir>");
  // Flags → typed options (each checked against its schema field); runTask parses them once, with the defaults.
  const flagOptions = await readRunFlags(flags, [...RUN_OPTION_FLAGS, "noCritic", "sandboxProfile"]);
  const chains = await chainsFlag(flags);
  const { defaultPaths } = await import("../paths.js");
  const paths = defaultPaths();
  const [{ evaluatedPromptShare }, datasets] = await Promise.all([import("../../agents/index.js"), import("../../datasets/index.js")]);
  const options = { ...flagOptions, models: await readModelSpecs(flags), ...(chains === undefined ? {} : { chains }) };

  // The task (or the run to resume) first: a typo should not wait for Docker.
  let task;
  if (flags.resume) {
    await checkResumable(flags.resume, flagOptions.sandboxProfile);
  } else {
    try {
      task = await datasets.resolveTask(taskArg!, paths.tasks);
    } catch (error) {
      throw new UserFacingError((error as Error).message);
    }
    // A built-in task prepared here gets its reference scores as 'tasks prepare' gives them.
    const { referencesForBuiltins } = await import("./references.js");
    await referencesForBuiltins([task], paths.tasks, (l) => process.stderr.write(`${l}\n`));
    task = await datasets.loadTask(task.dir);
  }

  const result = await runSession(flags.resume ? { resume: flags.resume } : { task: task!, options, outDir: flags.out }, flags);

  const s = result.summary;
  // When the providers reported their prompt caches (gguf's KV reuse, a server's cached_tokens): how much they served.
  const evaluated = evaluatedPromptShare(s.usage?.total.tokens);
  const cacheNote = evaluated === undefined ? "" : `, ${Math.round(100 * (1 - evaluated))}% of ${s.usage?.total.tokens.input} prompt tokens from the prompt cache`;
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
        `time      ${fmtMs(s.wallMs)} (models ${fmtMs(s.modelMs)}, sandbox ${fmtMs(s.sandboxMs)})  tokens ${s.totalTokens}${cacheNote}`,
        `run       ${result.dir}`,
        "",
      ].join("\n"),
    );
  }
  if (!s.valid) process.exitCode = 1;
}

export function registerRun(program: Command): void {
  const command = program
    .command("run")
    .description("Generate a solution for a task with LLM agents, run and fix it in the sandbox, grade it, and record everything")
    .argument("[task]", "a built-in task id or a task folder (omit with --resume)");
  addModelFlags(command).option("--out <dir>", "folder that receives the run folder", "runs");
  addRunFlags(command, ["noCritic", ...RUN_OPTION_FLAGS.slice(0, 7), "chains", ...RUN_OPTION_FLAGS.slice(7)]);
  command
    .addOption(new Option("--parallel <p>", "deprecated: use --chains").hideHelp())
    .option("--resume <run-dir>", "continue an interrupted run without repeating finished stages")
    .option("--json", "print the run summary as JSON on stdout");
  addFlag(command, SANDBOX_FLAG);
  addRunFlags(command, ["sandboxProfile"]);
  addFlag(command, PRICES_FLAG);
  command.action(runAction);
}
