// `linguacodus ask "<request>" --data <folder>`: a free-form analysis (issue 23). The request and data folder become
// an analysis task folder inside the run folder (task/, so --resume, the viewer and replay read it like any task),
// then the run is `run`'s: the same options, models, sandbox and record. Prints the consistency view (results per
// sample × iteration, the majority and its share, or "no agreement"), or with --json the AskOutput object
// (execution/analysis.ts; docs/DESIGN.md "Analyses").
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { UserFacingError } from "../failure.js";
import { PRICES_FLAG, SAMPLE_FLAGS, SANDBOX_FLAG, addFlag, addRunFlags, readFlag, readRunFlags, type RunFlagKey } from "../flags.js";
import { type ModelFlags, addModelFlags, checkResumable, readModelSpecs, runSession } from "../run-session.js";

interface AskFlags extends ModelFlags {
  data?: string;
  promptFile?: string;
  result?: string;
  out: string;
  resume?: string;
  json?: boolean;
}

/** The run options `ask` sets from flags (`--parallel`/`--iterative` are chains/iterations under Sand-Bob's names). */
const ASK_OPTION_FLAGS = [
  "mode",
  "fixAttempts",
  "feedbackIterations",
  "instructions",
  "plannerPrompt",
  "criticStyle",
  "unstaged",
  "temperature",
  "seed",
  "maxTokens",
  "contextTokens",
  "timeoutSeconds",
  "notebook",
  "budgetTokens",
  "budgetUsd",
  "budgetMinutes",
  "unitTests",
  "unitTestTimeout",
] as const satisfies readonly RunFlagKey[];

/** The request: the argument or the --prompt-file's text (not both), never empty. */
function readRequest(arg: string | undefined, flags: AskFlags): string {
  if (arg !== undefined && flags.promptFile !== undefined) throw new UserFacingError("give the request as text or with --prompt-file, not both");
  let request = arg;
  if (flags.promptFile !== undefined) {
    try {
      request = readFileSync(flags.promptFile, "utf8");
    } catch (error) {
      throw new UserFacingError(`--prompt-file ${flags.promptFile} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): give a readable Markdown or text file`);
    }
  }
  if (request === undefined) throw new UserFacingError('say what to analyse: linguacodus ask "<request>" --data <folder> (or --prompt-file request.md), or continue a run with --resume <run-dir>');
  if (request.trim() === "") {
    throw new UserFacingError(`the request is empty${flags.promptFile !== undefined ? ` (${flags.promptFile})` : ""}: say what to analyse and what the result is, e.g. "count the bright blobs in /data/blobs.png; the result is the count"`);
  }
  return request;
}

/** A short title from the request's first line. */
function titleOf(request: string): string {
  const first = request.trim().split("\n")[0]!.replace(/^#+\s*/, "");
  return first.length > 80 ? `${first.slice(0, 79)}…` : first;
}

async function askAction(requestArg: string | undefined, flags: AskFlags): Promise<void> {
  const flagOptions = await readRunFlags(flags, ASK_OPTION_FLAGS);
  const chains = await readFlag(flags, SAMPLE_FLAGS.parallel);
  const iterations = await readFlag(flags, SAMPLE_FLAGS.iterative);
  const execution = await import("../../execution/index.js");
  const datasets = await import("../../datasets/index.js");
  let runDir: string;
  if (flags.resume) {
    if (requestArg !== undefined || flags.data !== undefined) throw new UserFacingError("--resume continues a run with its own request and data: leave out the request and --data");
    await checkResumable(flags.resume, flagOptions.sandboxProfile);
    runDir = resolve(flags.resume);
    await runSession({ resume: runDir }, flags);
  } else {
    const request = readRequest(requestArg, flags);
    if (flags.data === undefined) throw new UserFacingError("--data <folder> is missing: name the folder of files the analysis reads (mounted read-only at /data)");
    const dataDir = resolve(flags.data);
    try {
      await datasets.checkDataFolder(dataDir, "--data: the data folder");
    } catch (error) {
      throw new UserFacingError((error as Error).message);
    }
    const options = {
      ...flagOptions,
      models: await readModelSpecs(flags),
      ...(chains === undefined ? {} : { chains }),
      ...(iterations === undefined ? {} : { iterations }),
    };
    try {
      execution.parseRunOptions(options);
    } catch (error) {
      throw new UserFacingError((error as Error).message);
    }
    // The task folder lives in the run folder: resume, replay and the viewer find it where run.json says.
    const runId = execution.newRunId("ask", options.mode ?? "linguacodus");
    runDir = join(resolve(flags.out), runId);
    const taskDir = join(runDir, "task");
    mkdirSync(taskDir, { recursive: true });
    writeFileSync(join(taskDir, datasets.REQUEST_FILE), request.endsWith("\n") ? request : `${request}\n`);
    const spec = { kind: "analysis", id: "ask", title: titleOf(request), data: dataDir, ...(flags.result ? { result: flags.result } : {}) };
    writeFileSync(join(taskDir, "task.json"), `${JSON.stringify(spec, null, 2)}\n`);
    const task = await datasets.loadTask(taskDir);
    await runSession({ task, options, outDir: flags.out, runDir }, flags);
  }

  const outcome = execution.readAnalysisOutcome(runDir);
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(outcome, null, 2)}\n`);
  } else {
    const scored = outcome.score === null ? "" : `  (expected result: ${outcome.score === 1 ? "matches" : "does not match"})`;
    process.stdout.write(
      [
        ...execution.consistencyLines(outcome),
        `result    ${outcome.hasResult ? execution.resultText(outcome.result as import("../../datasets/index.js").JsonValue, 200) : `none${outcome.failure ? ` — ${outcome.failure}` : ""}`}${scored}`,
        ...(outcome.chosen ? [`code      ${outcome.chosen.code} (sample ${outcome.chosen.sample})`] : []),
        `run       ${outcome.runDir}`,
        "",
      ].join("\n"),
    );
  }
  if (!outcome.hasResult) process.exitCode = 1;
}

export function registerAsk(program: Command): void {
  const command = program
    .command("ask")
    .description("Answer a free-form analysis request over a data folder: generate the script, run and fix it in the sandbox, record its RESULT line")
    .argument("[request]", "what to analyse and what the result is (or --prompt-file)")
    .option("--data <folder>", "folder of files the analysis reads (mounted read-only at /data)")
    .option("--prompt-file <file>", "read the request from a Markdown or text file")
    .option("--result <text>", 'what the result is, in words (e.g. "the number of blobs")');
  addModelFlags(command).option("--out <dir>", "folder that receives the run folder", "runs");
  addRunFlags(command, ["noCritic", ...ASK_OPTION_FLAGS]);
  addFlag(command, SAMPLE_FLAGS.parallel);
  addFlag(command, SAMPLE_FLAGS.iterative);
  command
    .option("--resume <run-dir>", "continue an interrupted analysis without repeating finished stages")
    .option("--json", "print the outcome as JSON on stdout (result, chosen code, run folder, per-sample results, consistency)");
  addFlag(command, SANDBOX_FLAG);
  addFlag(command, PRICES_FLAG);
  command.action(askAction);
}
