// What `run` and `ask` share around one run: the model flags per role, the progress lines on stderr, and the run
// itself (fresh or resumed) over the real wiring, a failure turned into one line naming the run folder to resume.
import type { Command } from "commander";
import type { RunOptionsInput, RunProgress, RunResult } from "../execution/index.js";
import type { Task } from "../datasets/index.js";
import { UserFacingError } from "./failure.js";
import { SANDBOX_FLAG, readFlagOrDefault } from "./flags.js";
import { ProgressLine, fmtMs } from "./progress.js";
import { openWiring } from "./wiring.js";

/** The model flags as commander gives them (`--critic <spec>` and `--no-critic` share a key: false means skip). */
export interface ModelFlags {
  model?: string;
  planner?: string;
  critic?: boolean | string;
  coder?: string;
  merger?: string;
  fixer?: string;
  reviewer?: string;
  tester?: string;
}

/** Adds --model and the per-role model flags. */
export function addModelFlags(command: Command): Command {
  return command
    .option("--model <spec>", "model for every role (gguf:…, openai:…, gemini:…, replay:…); default: the bundled GGUF model")
    .option("--planner <spec>", "model of the planner")
    .option("--critic <spec>", "model of the critic")
    .option("--coder <spec>", "model of the coders (staged and direct) and, unless --merger, the merger and the fixer")
    .option("--merger <spec>", "model of the merger and, unless --fixer, the fixer")
    .option("--fixer <spec>", "model of the fixer (rewrites a script that failed)")
    .option("--reviewer <spec>", "model of the reviewer (feedback iterations)")
    .option("--tester <spec>", "model of the tester (--unit-tests; default: the coder's)");
}

/** The model spec per role the flags give (each checked), with the bundled model as the default. */
export async function readModelSpecs(flags: ModelFlags): Promise<Record<string, string>> {
  const { defaultPaths } = await import("./paths.js");
  const { parseModelSpec, defaultModelSpec } = await import("../agents/index.js");
  const models = {
    default: flags.model ?? defaultModelSpec(defaultPaths().models),
    planner: flags.planner,
    critic: typeof flags.critic === "string" ? flags.critic : undefined,
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
  return Object.fromEntries(Object.entries(models).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** The run folder of --resume must be an interrupted run, going on in the image it started in (`--sandbox-profile` may only repeat it). */
export async function checkResumable(runDir: string, sandboxProfile?: string): Promise<void> {
  const { readRunJson } = await import("../execution/index.js");
  try {
    const previous = readRunJson(runDir);
    if (previous.status === "succeeded") throw new UserFacingError(`${runDir} already finished (succeeded); nothing to resume`);
    const recorded = previous.config.sandboxProfile;
    if (sandboxProfile !== undefined && sandboxProfile !== (recorded ?? "default"))
      throw new UserFacingError(`--sandbox-profile ${sandboxProfile} differs from the run's ${recorded ?? "default"} (run.json config): --resume goes on in the same image; drop the flag`);
  } catch (error) {
    if (error instanceof UserFacingError) throw error;
    throw new UserFacingError(`${(error as Error).message}; --resume takes the folder of an interrupted run (it holds run.json)`);
  }
}

/** Progress lines on stderr for a run's events (quiet under --json but for the failure line). */
function progressHandler(progress: ProgressLine) {
  return (event: RunProgress) => {
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
}

/** What a run from the command line needs: a task and options (fresh), or the folder to continue (resume). */
export type SessionRun = { resume: string } | { task: Task; options: RunOptionsInput; outDir: string; runDir?: string };

/** Runs (or resumes) over the real wiring with progress on stderr; a failed run names its folder and --resume. */
export async function runSession(run: SessionRun, flags: { json?: boolean | undefined } & object): Promise<RunResult> {
  const sandbox = await readFlagOrDefault(flags, SANDBOX_FLAG);
  const execution = await import("../execution/index.js");
  // The image: the options' profile, or on resume the one the run started in (run.json's config).
  const sandboxProfile = "resume" in run ? execution.readRunJson(run.resume).config.sandboxProfile : run.options.sandboxProfile;
  const { defaultPaths } = await import("./paths.js");
  const wiring = await openWiring({ sandbox, ...(sandboxProfile ? { sandboxProfile } : {}), modelsDir: defaultPaths().models });
  const progress = new ProgressLine(flags.json === true);
  const onProgress = progressHandler(progress);
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
  try {
    return "resume" in run
      ? await execution.resumeRun(run.resume, { ...wiring, onProgress, signal: stop.signal })
      : await execution.runTask(run.task, run.options, { ...wiring, outDir: run.outDir, ...(run.runDir ? { runDir: run.runDir } : {}), onProgress, signal: stop.signal });
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
}
