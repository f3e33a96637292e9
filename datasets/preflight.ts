// Checks a loaded task before anything is spent on it (model calls, sandbox runs): the folder the agents see
// exists and does not hold the answers, and the answers can grade a submission. `run`, `bench` and
// `sandbox run` call assertTaskRunnable first; `tasks check` reports the same answer leaks.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readdir, realpath, stat } from "node:fs/promises";
import { basename, join, relative, sep } from "node:path";
import { CsvFormatError, readCsv } from "./csv.js";
import { parseDecimal } from "./fast-csv.js";
import { checkMetricParams, METRICS } from "./metric-registry.js";
import { TASK_FILES, TaskFormatError, type Task } from "./task.js";
import type { TaskProblem } from "./check.js";

/** File names that say "these are the answers" (answers.csv, answers_v2.csv, answer.parquet, …) wherever they sit under public/. */
const ANSWER_LIKE_NAME = /^answers?/i;

async function sha256Stream(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** Every file under `dir`, following symbolic links (each real folder once, so a link loop ends). */
async function filesUnder(dir: string, seen = new Set<string>()): Promise<string[]> {
  const real = await realpath(dir);
  if (seen.has(real)) return [];
  seen.add(real);
  const out: string[] = [];
  for (const entry of await readdir(dir)) {
    const full = join(dir, entry);
    let s;
    try {
      s = await stat(full);
    } catch {
      continue; // a dangling link shows nothing
    }
    if (s.isDirectory()) out.push(...(await filesUnder(full, seen)));
    else out.push(full);
  }
  return out;
}

/**
 * Files under the task's public/ folder that expose the hidden answers: the answers file itself (a hard or
 * symbolic link: same device and inode), a copy (same size and sha256), a file named like the answers
 * (`answers*.csv` and the like) or anything inside a `private` folder. Paths in the problems are relative
 * to the task folder.
 */
export async function findAnswerLeaks(
  taskDir: string,
  publicDir = join(taskDir, TASK_FILES.public),
  answersPaths: readonly string[] = [join(taskDir, TASK_FILES.answers)],
): Promise<TaskProblem[]> {
  let files: string[];
  try {
    files = await filesUnder(publicDir);
  } catch {
    return [];
  }
  const answers: { path: string; dev: number; ino: number; size: number; hash?: string }[] = [];
  for (const path of answersPaths) {
    try {
      const s = await stat(path);
      answers.push({ path, dev: s.dev, ino: s.ino, size: s.size });
    } catch {
      // no answers file: only names can give the answers away
    }
  }
  const problems: TaskProblem[] = [];
  for (const f of files) {
    const rel = relative(taskDir, f);
    const inPublic = relative(publicDir, f);
    if (ANSWER_LIKE_NAME.test(basename(f)) || inPublic.split(sep).slice(0, -1).some((d) => d.toLowerCase() === "private")) {
      problems.push({ file: rel, message: "answers are inside public/; move them to private/answers.csv (public/ is shown to agents)" });
      continue;
    }
    const s = await stat(f);
    for (const a of answers) {
      const name = relative(taskDir, a.path);
      if (s.dev === a.dev && s.ino === a.ino) {
        problems.push({ file: rel, message: `is a link to ${name} (the same file); remove it from public/ (public/ is shown to agents)` });
        break;
      }
      if (s.size === a.size) {
        a.hash ??= await sha256Stream(a.path);
        if ((await sha256Stream(f)) === a.hash) {
          problems.push({ file: rel, message: `is a copy of ${name}; remove it from public/ (public/ is shown to agents)` });
          break;
        }
      }
    }
  }
  return problems;
}

/**
 * Everything a run needs from the task, checked up front: public/ is a folder without the answers, the
 * answers file has rows, the id column (with unique ids) and every target column, numbers where the metric
 * needs numbers, and valid metric params. Returns the problems (empty when the task can run).
 */
export async function checkTaskRunnable(task: Task): Promise<TaskProblem[]> {
  // An analysis has no answers to leak or grade; its data folder was checked when it loaded.
  if (task.analysis) return [];
  const problems: TaskProblem[] = [];
  const add = (file: string, message: string) => problems.push({ file, message });
  const spec = task.spec;
  try {
    if (!(await stat(task.publicDir)).isDirectory()) add(TASK_FILES.public, "is not a folder; the files agents may read (train.csv, test.csv, sample_submission.csv) go in public/");
  } catch {
    add(TASK_FILES.public, "missing; the files agents may read (train.csv, test.csv, sample_submission.csv) go in public/");
  }
  for (const m of checkMetricParams(spec.metric.name, spec.metric.params)) add(TASK_FILES.spec, m);

  // An MLE-bench competition keeps its own answers file for its own grade.py (private/answers.csv was checked
  // at import against the sample submission): that file must exist.
  const competitionAnswers = spec.mlebench ? join(task.dir, spec.mlebench.answers) : null;
  if (competitionAnswers) {
    try {
      if ((await stat(competitionAnswers)).size === 0) add(spec.mlebench!.answers, "is empty; import the competition again");
    } catch {
      add(spec.mlebench!.answers, "missing; import the competition again (its grader reads the answers there)");
    }
  }
  let answersOk = competitionAnswers === null;
  try {
    const s = await stat(task.answersPath);
    if (answersOk && s.size === 0) {
      add(TASK_FILES.answers, "is empty; the hidden answers (id column + target columns, one row per test id) go there");
      answersOk = false;
    }
  } catch {
    if (answersOk) add(TASK_FILES.answers, "missing; the hidden answers (id column + target columns) go in private/answers.csv");
    answersOk = false;
  }
  if (answersOk) {
    try {
      const answers = await readCsv(task.answersPath);
      const idCol = answers.header.indexOf(spec.id_column);
      if (idCol < 0) add(TASK_FILES.answers, `has no id column '${spec.id_column}' (task.json id_column); its columns are: ${answers.header.join(", ")}`);
      const missing = spec.target_columns.filter((t) => !answers.header.includes(t));
      for (const t of missing) add(TASK_FILES.answers, `has no target column '${t}' (task.json target_columns)`);
      if (answers.rowCount === 0) add(TASK_FILES.answers, "has no rows; it needs one row per test id");
      if (idCol >= 0) {
        const seen = new Set<string>();
        for (const id of answers.columns[idCol]!) {
          if (seen.has(id)) {
            add(TASK_FILES.answers, `id '${id}' appears more than once; ids must be unique`);
            break;
          }
          seen.add(id);
        }
      }
      const cell = METRICS[spec.metric.name].cell;
      if (cell !== "label" && cell !== "ranking") {
        for (const t of spec.target_columns.filter((c) => !missing.includes(c))) {
          const cells = answers.columns[answers.header.indexOf(t)]!;
          const bad = cells.findIndex((c) => !Number.isFinite(parseDecimal(c)));
          if (bad >= 0) add(TASK_FILES.answers, `column '${t}' has a missing or non-numeric value '${cells[bad]}' on line ${bad + 2}; ${spec.metric.name} needs numbers`);
        }
      }
    } catch (error) {
      if (!(error instanceof CsvFormatError)) throw error;
      add(TASK_FILES.answers, `not a valid CSV: ${error.message.replace(task.answersPath, "").trim()}`);
    }
  }
  problems.push(...(await findAnswerLeaks(task.dir, task.publicDir, [task.answersPath, ...(competitionAnswers ? [competitionAnswers] : [])])));
  return problems;
}

/** Throws a TaskFormatError listing every problem of {@link checkTaskRunnable}; call it before spending anything. */
export async function assertTaskRunnable(task: Task): Promise<void> {
  const problems = await checkTaskRunnable(task);
  if (problems.length === 0) return;
  const lines = problems.map((p) => `${p.file}: ${p.message}`);
  throw new TaskFormatError(`task ${task.dir} cannot be run: ${lines.join("; ")} (run 'linguacodus tasks check ${task.dir}')`, lines);
}
