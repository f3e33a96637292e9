// Grading an imported MLE-bench competition as MLE-bench does. With a checkout, the competition's own grade
// function runs in the sandbox image (no network, read-only inputs) through grade_driver.py; without one, the
// built-in metric stands in and the result says it is an approximation. Either way the score is rounded as
// MLE-bench rounds it before it is placed on the leaderboard.
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { z } from "zod";
import { projectFile } from "../../core/index.js";
import type { ScriptSandbox } from "../baselines.js";
import { grade as gradeBuiltin, undefinedScoreNote, type GradeResult } from "../grade.js";
import { leaderboardFields } from "../leaderboard.js";
import { exists, SUBMISSION_FILE, TaskFormatError, type Task } from "../task.js";
import { graderMapping } from "./graders.js";
import { roundLikePython } from "./round.js";

/** The sandbox a competition's grade function runs in (the baselines' narrow view of one). */
export type GraderSandbox = ScriptSandbox;

export interface MleBenchGraderOptions {
  /** An MLE-bench checkout; default: the task's own (recorded at import). */
  checkout?: string;
  /** Where the competition's grade function runs; without one the built-in metric approximates it. */
  sandbox?: GraderSandbox;
  timeoutSeconds?: number;
}

/**
 * The libraries MLE-bench's graders run with (its pyproject asks for pandas ≥ 2.2, scikit-learn ≥ 1.5,
 * levenshtein ≥ 0.25.1; the sandbox's own image has older ones), pinned: the grading image adds them.
 */
export const MLEBENCH_GRADER_REQUIREMENTS = [
  "pandas==2.2.3",
  "numpy==1.26.4",
  "scipy==1.13.1",
  "scikit-learn==1.5.2",
  "levenshtein==0.25.1",
  "pyyaml==6.0.2",
  "tqdm==4.66.5",
] as const;

/** A grade function for any task: MLE-bench tasks as MLE-bench grades them, the others by the built-in grader. */
export type TaskGrader = (task: Task, submissionPath: string) => Promise<GradeResult>;

/** The files grade_driver.py reads and writes in its sandbox (its own names, not a run record's). */
const GRADE_DRIVER_FILES = { job: "job.json", result: "result.json" } as const;

const DriverResultSchema = z.discriminatedUnion("status", [
  z.object({ status: z.literal("graded"), score: z.number(), raw_score: z.number() }),
  z.object({ status: z.literal("undefined"), raw_score: z.string() }),
  z.object({ status: z.literal("invalid"), error: z.string() }),
  z.object({ status: z.literal("grader-error"), error: z.string(), traceback: z.string().optional() }),
]);

/** The checkout grading uses: the option, then MLEBENCH_DIR, then the one recorded in task.json. */
export function mlebenchCheckout(task: Task, options: MleBenchGraderOptions = {}, env: NodeJS.ProcessEnv = process.env): string | null {
  return options.checkout ?? env.MLEBENCH_DIR ?? task.spec.mlebench?.checkout ?? null;
}

/** A {@link TaskGrader} that grades MLE-bench tasks by their own grader where it can. */
export function createTaskGrader(options: MleBenchGraderOptions = {}): TaskGrader {
  return (task, submissionPath) => gradeTask(task, submissionPath, options);
}

export async function gradeTask(task: Task, submissionPath: string, options: MleBenchGraderOptions = {}): Promise<GradeResult> {
  const mle = task.spec.mlebench;
  if (!mle) return gradeBuiltin(task, submissionPath);
  const checkout = mlebenchCheckout(task, options);
  if (checkout && options.sandbox) return gradeWithCompetitionGrader(task, submissionPath, checkout, options.sandbox, options.timeoutSeconds ?? 600);
  if (mle.builtin === "none") {
    throw new TaskFormatError(`${task.spec.id} is scored only by its competition's grade.py (grader '${mle.grader}'): set MLEBENCH_DIR or pass --mlebench <checkout>`);
  }
  const builtin = await gradeBuiltin(task, submissionPath, { undefinedScoreIsValid: true });
  const caveat = graderMapping(mle.grader);
  const notes = [
    `graded by the built-in ${task.spec.metric.name} as an approximation of MLE-bench's '${mle.grader}' grader (no MLE-bench checkout: set MLEBENCH_DIR or pass --mlebench for the exact grade)`,
    ...(caveat && "caveat" in caveat && caveat.caveat ? [caveat.caveat] : []),
  ];
  if (!builtin.valid) return { ...builtin, grader: "builtin-approximation", grader_notes: notes };
  if (builtin.score === null) {
    // Undefined (NaN): valid, and placed as MLE-bench places NaN — below every threshold.
    const placed = await leaderboardFields(task.leaderboardPath, Number.NaN, task.spec.lower_is_better);
    return { ...builtin, ...placed, grader: "builtin-approximation", grader_notes: [...notes, ...(builtin.grader_notes ?? [])] };
  }
  const score = roundLikePython(builtin.score);
  const { percentile: _p, medal: _m, above_median: _a, thresholds: _t, ...rest } = builtin;
  return { ...rest, score, ...(await leaderboardFields(task.leaderboardPath, score, task.spec.lower_is_better)), grader: "builtin-approximation", grader_notes: notes };
}

/** Copies the *.py files of a checkout's mlebench/ package (the grading code, without data or LFS files). */
async function copyCheckoutPython(checkout: string, into: string): Promise<void> {
  const source = join(resolve(checkout), "mlebench");
  if (!(await exists(join(source, "grade_helpers.py")))) {
    throw new TaskFormatError(`${resolve(checkout)} is not an MLE-bench checkout (no mlebench/grade_helpers.py); pass the folder you cloned MLE-bench into`);
  }
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.name.endsWith(".py")) {
        const target = join(into, "mlebench", relative(source, path));
        await mkdir(dirname(target), { recursive: true });
        await cp(path, target);
      }
    }
  };
  await walk(source);
}

async function gradeWithCompetitionGrader(task: Task, submissionPath: string, checkout: string, sandbox: GraderSandbox, timeoutSeconds: number): Promise<GradeResult> {
  const mle = task.spec.mlebench!;
  const base = { metric: task.spec.metric.name, lower_is_better: task.spec.lower_is_better, grader: "mlebench" as const };
  const invalid = (error: string): GradeResult => ({ ...base, valid: false, score: null, errors: [error] });
  // As mlebench.grade.grade_csv: a submission must be an existing .csv file.
  const isFile = await stat(submissionPath).then((s) => s.isFile(), () => false);
  if (!isFile || !submissionPath.toLowerCase().endsWith(".csv")) return invalid(`no submission: ${submissionPath} is not an existing .csv file`);

  const work = await mkdtemp(join(tmpdir(), `lc-mlebench-grade-${task.spec.id}-`));
  try {
    const inputs = join(work, "inputs");
    await mkdir(inputs, { recursive: true });
    await copyCheckoutPython(checkout, join(inputs, "checkout"));
    const answersName = `answers-${mle.answers.split("/").pop()}`;
    await cp(join(task.dir, mle.answers), join(inputs, answersName));
    await cp(submissionPath, join(inputs, SUBMISSION_FILE));
    await writeFile(join(inputs, GRADE_DRIVER_FILES.job), JSON.stringify({ grade_fn: mle.grade_fn, submission: SUBMISSION_FILE, answers: answersName }));
    const output = join(work, "output");
    await mkdir(output, { recursive: true });
    const run = await sandbox.run({ script: await readFile(projectFile("datasets/mlebench/grade_driver.py"), "utf8"), publicDir: inputs, outputDir: output, timeoutSeconds });
    const resultPath = run.files[GRADE_DRIVER_FILES.result];
    if (!resultPath) {
      const why = run.error ? `${run.error.type}: ${run.error.message}` : run.stderr.trim().split("\n").slice(-3).join(" ");
      throw new Error(`the MLE-bench grader of ${task.spec.id} did not finish (${run.outcome}${why ? `: ${why}` : ""})`);
    }
    const result = DriverResultSchema.parse(JSON.parse(await readFile(resultPath, "utf8")));
    if (result.status === "grader-error") {
      throw new TaskFormatError(`the grade function ${mle.grade_fn} of ${resolve(checkout)} cannot run in the sandbox image: ${result.error}`);
    }
    if (result.status === "invalid") return invalid(result.error);
    if (result.status === "undefined") {
      const placed = await leaderboardFields(task.leaderboardPath, Number.NaN, task.spec.lower_is_better);
      const reason = `the competition's grader returned ${result.raw_score}`;
      return { ...base, valid: true, score: null, errors: [], ...placed, grader_notes: [undefinedScoreNote(reason)] };
    }
    return { ...base, valid: true, score: result.score, errors: [], ...(await leaderboardFields(task.leaderboardPath, result.score, task.spec.lower_is_better)) };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
