// `linguacodus run <task>`: a thin layer over execution/runTask — flags → RunOptions, real models and sandbox,
// progress per stage on stderr, a short summary (or the run summary as JSON) at the end.
import { Option, type Command } from "commander";
import { UserFacingError } from "../failure.js";
import { RUN_FLAGS, SANDBOX_FLAG, PRICES_FLAG, addFlag, addRunFlags, flagValue, readFlag, readFlagOrDefault, readRunFlags, type RunFlagKey } from "../flags.js";
import { ProgressLine, fmtMs } from "../progress.js";
import { openWiring } from "../wiring.js";

/** The `run` command's own flags as commander gives them; the run options' flags are read through cli/flags.ts. */
interface RunCommandFlags {
  model?: string;
  planner?: string;
  critic?: boolean | string;
  coder?: string;
  merger?: string;
  fixer?: string;
  reviewer?: string;
  tester?: string;
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

/** Commander gives `--critic <spec>` and `--no-critic` one key: a string is a spec, false means skip. */
function criticSpec(flags: RunCommandFlags): string | undefined {
  return typeof flags.critic === "string" ? flags.critic : undefined;
}

async function runAction(taskArg: string | undefined, flags: RunCommandFlags): Promise<void> {
  if (!taskArg && !flags.resume) throw new UserFacingError("name a task (a built-in id or a task folder), or continue a run with --resume <run-dir>");
  const sandbox = await readFlagOrDefault(flags, SANDBOX_FLAG);
  // Flags → typed options (each checked against its schema field); runTask parses them once, with the defaults.
  const flagOptions = await readRunFlags(flags, [...RUN_OPTION_FLAGS, "noCritic", "sandboxProfile"]);
  let sandboxProfile = flagOptions.sandboxProfile;
  const chains = await chainsFlag(flags);

  const { defaultPaths } = await import("../paths.js");
  const paths = defaultPaths();
  const [{ parseModelSpec, defaultModelSpec, evaluatedPromptShare }, execution, datasets] = await Promise.all([
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
    fixer: flags.fixer,
    reviewer: flags.reviewer,
    tester: flags.tester,
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
    ...flagOptions,
    models: Object.fromEntries(Object.entries(models).filter(([, v]) => v !== undefined)),
    ...(chains === undefined ? {} : { chains }),
  };

  // The task (or the run to resume) first: a typo should not wait for Docker.
  let task;
  if (flags.resume) {
    try {
      const previous = execution.readRunJson(flags.resume);
      if (previous.status === "succeeded") throw new UserFacingError(`${flags.resume} already finished (succeeded); nothing to resume`);
      // The rest of the run goes on in the image its first part ran in (run.json's config).
      const recorded = previous.config.sandboxProfile;
      if (sandboxProfile !== undefined && sandboxProfile !== (recorded ?? "default"))
        throw new UserFacingError(`--sandbox-profile ${sandboxProfile} differs from the run's ${recorded ?? "default"} (run.json config): --resume goes on in the same image; drop the flag`);
      sandboxProfile = recorded;
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
    // A built-in task prepared here gets its reference scores as 'tasks prepare' gives them.
    const { referencesForBuiltins } = await import("./references.js");
    await referencesForBuiltins([task], paths.tasks, (l) => process.stderr.write(`${l}\n`));
    task = await datasets.loadTask(task.dir);
  }

  const wiring = await openWiring({ sandbox, ...(sandboxProfile ? { sandboxProfile } : {}), modelsDir: paths.models });

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

  // Ctrl-C (or SIGTERM: a notebook's interrupt, a scheduler): the run stops at its next stage or attempt and is
  // recorded as failed with the reason, its folder kept for --resume; a second signal leaves at once, the record as it stands.
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted) {
      progress.stop();
      process.stderr.write("linguacodus: stopped; the run folder keeps what was done (--resume continues it)\n");
      process.exit(130);
    }
    progress.log(`stopping at the next stage or attempt (${signal} again to leave now)`);
    stop.abort(new Error(`interrupted (${signal})`));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  let result;
  try {
    result = flags.resume
      ? await execution.resumeRun(flags.resume, { ...wiring, onProgress, signal: stop.signal })
      : await execution.runTask(task!, options, { ...wiring, outDir: flags.out, onProgress, signal: stop.signal });
  } catch (error) {
    progress.stop();
    const where =
      error instanceof execution.RunFailedError ? ` (run folder ${error.runDir} keeps what was done; continue it with --resume ${error.runDir})` : "";
    throw new UserFacingError(`${(error as Error).message}${where}`, 1);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    progress.stop();
    await wiring.close();
  }

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
    .argument("[task]", "a built-in task id or a task folder (omit with --resume)")
    .option("--model <spec>", "model for every role (gguf:…, openai:…, gemini:…, replay:…); default: the bundled GGUF model")
    .option("--planner <spec>", "model of the planner")
    .option("--critic <spec>", "model of the critic")
    .option("--coder <spec>", "model of the coders (staged and direct) and, unless --merger, the merger and the fixer")
    .option("--merger <spec>", "model of the merger and, unless --fixer, the fixer")
    .option("--fixer <spec>", "model of the fixer (rewrites a script that failed)")
    .option("--reviewer <spec>", "model of the reviewer (feedback iterations)")
    .option("--tester <spec>", "model of the tester (--unit-tests; default: the coder's)")
    .option("--out <dir>", "folder that receives the run folder", "runs");
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
