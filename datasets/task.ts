// The task folder format (task.json, description.md, public/, private/answers.csv, leaderboard.csv).
import { access, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { z } from "zod";
import { METRIC_NAMES } from "./metric-registry.js";
import { readFileSync } from "node:fs";
import { type AnalysisInfo, isAnalysisSpecText, loadAnalysisTask, taskSpecOfText } from "./analysis.js";

export const DATA_TYPES = ["tabular", "text", "time-series", "image"] as const;

export const TaskSourceSchema = z
  .object({
    /** Where the data comes from: an R package, an npm package, "mle-bench", … */
    package: z.string().min(1),
    version: z.string().min(1),
    dataset: z.string().min(1),
    license: z.string().min(1),
    /** Package ecosystem: "cran" | "npm" | "mle-bench" | … */
    kind: z.string().optional(),
    url: z.string().optional(),
    notes: z.string().optional(),
  })
  .loose();

export const ReferenceScoresSchema = z.object({
  /** Score of the constant / majority-class baseline graded by the grader. */
  constant: z.number(),
  /** Score of the standard model baseline graded by the grader. */
  model: z.number(),
  model_name: z.string().min(1),
});

/**
 * What an imported MLE-bench competition keeps so that its own grader can score it exactly: the grade function
 * in an MLE-bench checkout and the competition's answers file as MLE-bench prepared it.
 */
export const MleBenchGradingSchema = z.object({
  competition_id: z.string().min(1),
  /** config.yaml grader.name, e.g. "auc-roc". */
  grader: z.string().min(1),
  /** config.yaml grader.grade_fn, e.g. "mlebench.competitions.<id>.grade:grade". */
  grade_fn: z.string().min(1),
  /** The competition's own answers file, relative to the task folder (under private/). */
  answers: z.string().min(1),
  /** How the built-in metric stands in without a checkout: an approximation, or not at all. */
  builtin: z.enum(["approximation", "none"]),
  /** The checkout given at import; MLEBENCH_DIR or --mlebench win over it. */
  checkout: z.string().optional(),
});
export type MleBenchGrading = z.infer<typeof MleBenchGradingSchema>;

export const TaskSpecSchema = z.object({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]*$/, "use lower-case letters, digits, '.', '_' or '-' (it names folders)"),
  title: z.string().min(1),
  data_type: z.enum(DATA_TYPES),
  metric: z.object({
    name: z.enum(METRIC_NAMES),
    params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  }),
  lower_is_better: z.boolean(),
  id_column: z.string().min(1),
  target_columns: z.array(z.string().min(1)).min(1),
  source: TaskSourceSchema,
  license: z.string().min(1),
  reference_scores: ReferenceScoresSchema.optional(),
  /** sha256 of each prepared file, keyed by path relative to the task folder. */
  checksums: z.record(z.string(), z.string().regex(/^[0-9a-f]{64}$/)).optional(),
  /** Present on competitions imported from MLE-bench. */
  mlebench: MleBenchGradingSchema.optional(),
});
export type TaskSpec = z.infer<typeof TaskSpecSchema>;
export type TaskSpecInput = z.input<typeof TaskSpecSchema>;
export type ReferenceScores = z.infer<typeof ReferenceScoresSchema>;

/** A loaded task folder. */
export interface Task {
  dir: string;
  spec: TaskSpec;
  /** Text of description.md. */
  description: string;
  /** Folder with the files an agent may read. */
  publicDir: string;
  /** Hidden answers; never shown to an agent or mounted into the sandbox. */
  answersPath: string;
  leaderboardPath?: string;
  /** Present on an analysis (task.json kind "analysis"): no answers, a request, the result's check. */
  analysis?: AnalysisInfo;
}

export class TaskFormatError extends Error {
  constructor(
    message: string,
    readonly problems: string[] = [message],
  ) {
    super(message);
    this.name = "TaskFormatError";
  }
}

/** The file a solution writes in its working directory, graded against the answers (the run record keeps it too). */
export const SUBMISSION_FILE = "submission.csv";

export const TASK_FILES = {
  spec: "task.json",
  description: "description.md",
  public: "public",
  answers: join("private", "answers.csv"),
  leaderboard: "leaderboard.csv",
  sampleSubmission: join("public", "sample_submission.csv"),
  train: join("public", "train.csv"),
  test: join("public", "test.csv"),
} as const;

export async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** Turns zod issues on task.json into one line each, naming the field. */
export function describeSpecIssues(file: string, error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const field = issue.path.length > 0 ? issue.path.join(".") : "(top level)";
    return `${file}: field '${field}': ${issue.message}`;
  });
}

/** Parses task.json text; throws TaskFormatError naming every bad field. */
export function parseTaskSpec(text: string, file = "task.json"): TaskSpec {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new TaskFormatError(`${file} is not valid JSON (${(error as Error).message}); fix the syntax`);
  }
  // jitless: zod would otherwise compile a parser for the schema on first use (~8 ms, more than one task.json
  // parse takes without it; a process parses a few)
  const parsed = TaskSpecSchema.safeParse(raw, { jitless: true });
  if (!parsed.success) {
    const problems = describeSpecIssues(file, parsed.error);
    throw new TaskFormatError(`${file} is invalid: ${problems.join("; ")}`, problems);
  }
  return parsed.data;
}

/** The spec of a task folder's task.json, either kind (an analysis's derived from its own form). */
export function readTaskSpec(dir: string): TaskSpec {
  const file = join(dir, TASK_FILES.spec);
  return taskSpecOfText(readFileSync(file, "utf8"), file, parseTaskSpec);
}

/** Loads a task folder. Throws TaskFormatError when task.json, description.md or the answers are missing or bad. */
export async function loadTask(dir: string): Promise<Task> {
  const root = resolve(dir);
  const specPath = join(root, TASK_FILES.spec);
  if (!(await exists(root))) throw new TaskFormatError(`task folder ${root} does not exist`);
  if (!(await exists(specPath))) {
    throw new TaskFormatError(`${specPath} is missing; a task folder needs task.json (run 'linguacodus tasks check ${root}')`);
  }
  const specText = await readFile(specPath, "utf8");
  // An analysis (issue 23) has its own task.json form; it loads into the same Task.
  if (isAnalysisSpecText(specText)) return loadAnalysisTask(root, specText);
  const spec = parseTaskSpec(specText, specPath);
  const descriptionPath = join(root, TASK_FILES.description);
  if (!(await exists(descriptionPath))) {
    throw new TaskFormatError(`${descriptionPath} is missing; write the competition text the agents read there`);
  }
  const description = await readFile(descriptionPath, "utf8");
  const leaderboardPath = join(root, TASK_FILES.leaderboard);
  const task: Task = {
    dir: root,
    spec,
    description,
    publicDir: join(root, TASK_FILES.public),
    answersPath: join(root, TASK_FILES.answers),
  };
  if (await exists(leaderboardPath)) task.leaderboardPath = leaderboardPath;
  return task;
}
