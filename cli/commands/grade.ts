import type { Command, CommanderError } from "commander";
import { defaultPaths } from "../paths.js";

/**
 * Exit codes of `grade` (README): a script can tell an invalid submission (a result, printed) from a task or
 * argument it must fix and from a crash of the grader itself.
 */
export const GRADE_EXIT_CODES = { valid: 0, invalid: 1, badInput: 2, crash: 3 } as const;
/** Exit code of `grade` when the submission is invalid (the result is still printed). */
export const INVALID_SUBMISSION_EXIT_CODE = GRADE_EXIT_CODES.invalid;

type Failure = { kind: "task" | "arguments" | "crash"; message: string };

/** With --json every outcome is one JSON document on stdout; otherwise failures are one line on stderr. */
function reportGradeFailure(failure: Failure, json: boolean): void {
  if (json) process.stdout.write(`${JSON.stringify({ valid: null, score: null, error: failure }, null, 2)}\n`);
  else process.stderr.write(`linguacodus: ${failure.message}\n`);
  process.exitCode = failure.kind === "crash" ? GRADE_EXIT_CODES.crash : GRADE_EXIT_CODES.badInput;
}

export function registerGrade(program: Command): void {
  const wantsJson = () => process.argv.includes("--json");
  program
    .command("grade")
    .description("Grade a submission CSV against a task's hidden answers (exit 0 valid, 1 invalid submission, 2 bad task or arguments, 3 grader crash)")
    .argument("<task>", "task folder, or the id of a built-in task (prepared on demand)")
    .argument("<submission>", "submission CSV")
    .option("--json", "print the result as JSON (errors too)")
    .option("--dir <dir>", "folder of prepared built-in tasks", defaultPaths().tasks)
    .option("--mlebench <checkout>", "MLE-bench checkout whose grade.py scores an imported competition (default: $MLEBENCH_DIR, then the one given at import)")
    // Argument mistakes follow the same contract: exit 2, and JSON when asked for.
    .configureOutput({ outputError: (text, write) => (wantsJson() ? undefined : write(text)) })
    .exitOverride((error: CommanderError) => {
      if (error.exitCode === 0) process.exit(0);
      reportGradeFailure({ kind: "arguments", message: error.message.replace(/^error: /, "") }, wantsJson());
      process.exit(GRADE_EXIT_CODES.badInput);
    })
    .action(async (taskArg: string, submission: string, options: { json?: boolean; dir: string; mlebench?: string }) => {
      const json = options.json === true;
      const { resolveTask, gradeTask, mlebenchCheckout, TaskFormatError } = await import("../../datasets/index.js");
      let result;
      try {
        const task = await resolveTask(taskArg, options.dir, { log: (line) => process.stderr.write(`${line}\n`) });
        const checkout = task.spec.mlebench ? mlebenchCheckout(task, options.mlebench ? { checkout: options.mlebench } : {}) : null;
        if (checkout) {
          // The competition's own grade.py runs in the sandbox image.
          const { dockerClient } = await import("../../sandbox/index.js");
          const { openMleBenchGradingSandbox } = await import("../../execution/index.js");
          const sandbox = await openMleBenchGradingSandbox(dockerClient(), (line) => process.stderr.write(`${line}\n`));
          try {
            result = await gradeTask(task, submission, { checkout, sandbox });
          } finally {
            await sandbox.close();
          }
        } else result = await gradeTask(task, submission);
      } catch (error) {
        const message = error instanceof Error ? error.message.split("\n")[0]! : String(error);
        if (process.env.LINGUACODUS_DEBUG && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
        reportGradeFailure({ kind: error instanceof TaskFormatError ? "task" : "crash", message }, json);
        return;
      }
      if (json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else if (result.valid) {
        const lines = [result.score === null ? `${result.metric}: valid, no score (see the note)` : `${result.metric} = ${result.score} (${result.lower_is_better ? "lower" : "higher"} is better)`];
        if (result.medal !== undefined) {
          lines.push(`leaderboard: beats ${result.percentile?.toFixed(1)}% of teams, medal: ${result.medal}, above median: ${result.above_median}`);
        }
        for (const note of result.grader_notes ?? []) lines.push(`note: ${note}`);
        process.stdout.write(`${lines.join("\n")}\n`);
      } else {
        process.stdout.write(`invalid submission:\n${result.errors.map((e) => `  - ${e}`).join("\n")}\n`);
      }
      process.exitCode = result.valid ? GRADE_EXIT_CODES.valid : GRADE_EXIT_CODES.invalid;
    });
}
