import type { Command } from "commander";
import { defaultPaths } from "../paths.js";
import { UserFacingError } from "../failure.js";

/** Exit code of `grade` when the submission is invalid (the result is still printed). */
export const INVALID_SUBMISSION_EXIT_CODE = 1;

export function registerGrade(program: Command): void {
  program
    .command("grade")
    .description("Grade a submission CSV against a task's hidden answers (exit 0 valid, 1 invalid submission, 2 bad task or arguments)")
    .argument("<task>", "task folder, or the id of a built-in task (prepared on demand)")
    .argument("<submission>", "submission CSV")
    .option("--json", "print the result as JSON")
    .option("--dir <dir>", "folder of prepared built-in tasks", defaultPaths().tasks)
    .option("--mlebench <checkout>", "MLE-bench checkout whose grade.py scores an imported competition (default: $MLEBENCH_DIR, then the one given at import)")
    .action(async (taskArg: string, submission: string, options: { json?: boolean; dir: string; mlebench?: string }) => {
      const { resolveTask, gradeTask, mlebenchCheckout, TaskFormatError } = await import("../../datasets/index.js");
      let result;
      try {
        const task = await resolveTask(taskArg, options.dir, { log: (line) => process.stderr.write(`${line}\n`) });
        const checkout = task.spec.mlebench ? mlebenchCheckout(task, options.mlebench ? { checkout: options.mlebench } : {}) : null;
        if (checkout) {
          // The competition's own grade.py runs in the sandbox image.
          const { dockerClient } = await import("../../sandbox/index.js");
          const { openMleBenchGradingSandbox } = await import("../../execution/wiring.js");
          const sandbox = await openMleBenchGradingSandbox(dockerClient(), (line) => process.stderr.write(`${line}\n`));
          try {
            result = await gradeTask(task, submission, { checkout, sandbox });
          } finally {
            await sandbox.close();
          }
        } else result = await gradeTask(task, submission);
      } catch (error) {
        if (error instanceof TaskFormatError) throw new UserFacingError(error.message);
        throw error;
      }
      if (options.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else if (result.valid) {
        const lines = [`${result.metric} = ${result.score} (${result.lower_is_better ? "lower" : "higher"} is better)`];
        if (result.medal !== undefined) {
          lines.push(`leaderboard: beats ${result.percentile?.toFixed(1)}% of teams, medal: ${result.medal}, above median: ${result.above_median}`);
        }
        for (const note of result.grader_notes ?? []) lines.push(`note: ${note}`);
        process.stdout.write(`${lines.join("\n")}\n`);
      } else {
        process.stdout.write(`invalid submission:\n${result.errors.map((e) => `  - ${e}`).join("\n")}\n`);
      }
      if (!result.valid) process.exitCode = INVALID_SUBMISSION_EXIT_CODE;
    });
}
