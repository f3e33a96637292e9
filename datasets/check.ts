// Validates a whole task folder and reports every problem at once, each naming the file and the fix.
import { createHash } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { readCsv, type CsvTable } from "./csv.js";
import { gradeTables } from "./grade.js";
import { readLeaderboardScores } from "./leaderboard.js";
import { findAnswerLeaks } from "./preflight.js";
import { parseDecimal } from "./fast-csv.js";
import { checkMetricParams, METRICS } from "./metric-registry.js";
import { describeSpecIssues, exists, loadTask, TASK_FILES, TaskFormatError, TaskSpecSchema, type TaskSpec } from "./task.js";
import { isAnalysisSpecText } from "./analysis.js";

export interface TaskProblem {
  /** File or folder (relative to the task folder) the problem is in. */
  file: string;
  message: string;
}

export interface TaskCheckReport {
  dir: string;
  ok: boolean;
  problems: TaskProblem[];
  /** Facts worth knowing that are not problems (an MLE-bench sample whose built-in score is undefined). */
  notes: string[];
}

export async function sha256File(path: string): Promise<string> {
  return createHash("sha256").update(await readFile(path)).digest("hex");
}

/** Checks a task folder; never throws for a bad folder, it lists the problems instead. */
export async function checkTaskFolder(dir: string): Promise<TaskCheckReport> {
  const root = resolve(dir);
  const problems: TaskProblem[] = [];
  const notes: string[] = [];
  const add = (file: string, message: string) => problems.push({ file, message });
  if (!(await isDir(root))) {
    add(".", `task folder ${root} does not exist or is not a folder`);
    return { dir: root, ok: false, problems, notes };
  }

  // task.json
  let spec: TaskSpec | null = null;
  const specPath = join(root, TASK_FILES.spec);
  // An analysis folder (kind "analysis") is checked as it loads: its spec, request and data folder.
  if ((await exists(specPath)) && isAnalysisSpecText(await readFile(specPath, "utf8"))) {
    try {
      await loadTask(root);
    } catch (error) {
      for (const line of error instanceof TaskFormatError ? error.problems : [(error as Error).message]) add(TASK_FILES.spec, line);
    }
    return { dir: root, ok: problems.length === 0, problems, notes };
  }
  if (!(await exists(specPath))) add(TASK_FILES.spec, "missing; write task.json (id, title, data_type, metric, lower_is_better, id_column, target_columns, source, license)");
  else {
    let raw: unknown = undefined;
    try {
      raw = JSON.parse(await readFile(specPath, "utf8"));
    } catch (error) {
      add(TASK_FILES.spec, `not valid JSON (${(error as Error).message}); fix the syntax`);
    }
    if (raw !== undefined) {
      const parsed = TaskSpecSchema.safeParse(raw);
      if (!parsed.success) for (const line of describeSpecIssues(TASK_FILES.spec, parsed.error)) add(TASK_FILES.spec, line.slice(TASK_FILES.spec.length + 2));
      else spec = parsed.data;
    }
  }
  if (spec) {
    const metric = METRICS[spec.metric.name];
    // An MLE-bench competition's direction is its leaderboard's (as MLE-bench's Grader.is_lower_better reads it).
    if (!spec.mlebench && spec.lower_is_better !== metric.lowerIsBetter) {
      add(TASK_FILES.spec, `field 'lower_is_better' is ${spec.lower_is_better} but ${metric.name} is ${metric.lowerIsBetter ? "lower" : "higher"}-is-better; set it to ${metric.lowerIsBetter}`);
    }
    for (const m of checkMetricParams(spec.metric.name, spec.metric.params)) add(TASK_FILES.spec, `field '${m.split(":")[0]}':${m.split(":").slice(1).join(":")}`);
    if (metric.columns === "one" && spec.target_columns.length !== 1) {
      add(TASK_FILES.spec, `field 'target_columns' lists ${spec.target_columns.length} columns but ${metric.name} scores exactly one; list one column`);
    }
    if (metric.columns === "many" && spec.target_columns.length < 2) {
      add(TASK_FILES.spec, `field 'target_columns' lists one column but ${metric.name} averages over several; list every target column`);
    }
    if (spec.target_columns.includes(spec.id_column)) add(TASK_FILES.spec, `field 'target_columns' contains the id column '${spec.id_column}'; remove it`);
  }

  // description.md
  const descriptionPath = join(root, TASK_FILES.description);
  if (!(await exists(descriptionPath))) add(TASK_FILES.description, "missing; write the competition overview, data, evaluation and submission format");
  else if ((await readFile(descriptionPath, "utf8")).trim().length === 0) add(TASK_FILES.description, "empty; write the competition overview, data, evaluation and submission format");

  // public/
  const publicDir = join(root, TASK_FILES.public);
  const publicFiles = (await isDir(publicDir)) ? await listFiles(publicDir) : null;
  if (publicFiles === null) add(TASK_FILES.public, "missing; the files agents may read (train.csv, test.csv, sample_submission.csv) go in public/");

  // private/answers.csv
  const answersPath = join(root, TASK_FILES.answers);
  const answersExist = await exists(answersPath);
  if (!answersExist) add(TASK_FILES.answers, "missing; the hidden answers (id column + target columns) go in private/answers.csv");

  // answers must never be visible to agents
  if (publicFiles) problems.push(...(await findAnswerLeaks(root)));

  const readTable = async (relPath: string, required: boolean): Promise<CsvTable | null> => {
    const path = join(root, relPath);
    if (!(await exists(path))) {
      if (required) add(relPath, "missing");
      return null;
    }
    try {
      return await readCsv(path);
    } catch (error) {
      add(relPath, `not a valid CSV: ${(error as Error).message.replace(path, "").trim()}`);
      return null;
    }
  };
  const answers = answersExist ? await readTable(TASK_FILES.answers, false) : null;
  const sample = publicFiles ? await readTable(TASK_FILES.sampleSubmission, true) : null;
  // MLE-bench competitions ship their data under their own names (train.json, labels.csv, train/ …).
  const ownLayout = spec?.data_type === "image" || spec?.mlebench !== undefined;
  const test = publicFiles ? await readTable(TASK_FILES.test, !ownLayout) : null;
  const train = publicFiles && !ownLayout ? await exists(join(root, TASK_FILES.train)) : true;
  if (!train) add(TASK_FILES.train, "missing; put the training data (with targets) in public/train.csv");
  if (spec?.mlebench && !(await exists(join(root, spec.mlebench.answers)))) add(spec.mlebench.answers, "missing; import the competition again (its grade.py reads this file)");

  if (spec) {
    const idc = spec.id_column;
    const answerIds = answers ? columnOf(answers, idc) : null;
    if (answers) {
      if (!answerIds) add(TASK_FILES.answers, `has no id column '${idc}' (task.json id_column); columns are: ${answers.header.join(", ")}`);
      for (const t of spec.target_columns) if (!answers.header.includes(t)) add(TASK_FILES.answers, `has no target column '${t}' (task.json target_columns)`);
      if (answers.rowCount === 0) add(TASK_FILES.answers, "has no rows");
      if (answerIds) {
        const dup = firstDuplicate(answerIds);
        if (dup !== null) add(TASK_FILES.answers, `id '${dup}' appears more than once; ids must be unique`);
      }
      checkAnswerValues(spec, answers, add);
    }
    if (sample) {
      const expected = [idc, ...spec.target_columns];
      const missing = expected.filter((c) => !sample.header.includes(c));
      if (missing.length > 0) add(TASK_FILES.sampleSubmission, `lacks column(s) ${missing.join(", ")}; its header must be ${expected.join(",")}`);
      // MLE-bench samples may carry context columns (a date, the text being classified) besides id and targets.
      const extra = spec.mlebench ? [] : sample.header.filter((c) => !expected.includes(c));
      if (extra.length > 0) add(TASK_FILES.sampleSubmission, `has column(s) ${extra.join(", ")} that are not id/target columns; its header must be ${expected.join(",")}`);
      const sampleIds = columnOf(sample, idc);
      // A competition graded only by its own grade.py decides which ids it needs (H&M's sample lists every
      // customer, its answers only those who bought): a mismatch is a note there.
      const ownGrader = spec.mlebench?.builtin === "none";
      const addOrNote = ownGrader ? (file: string, message: string) => notes.push(`${file} ${message} (the competition's own grader decides)`) : add;
      if (sampleIds && answerIds) compareIds(TASK_FILES.sampleSubmission, sampleIds, answerIds, addOrNote);
    }
    if (test) {
      const testIds = columnOf(test, idc);
      if (!testIds) add(TASK_FILES.test, `has no id column '${idc}' (task.json id_column); add it so submissions can name rows`);
      const leaked = spec.target_columns.filter((t) => test.header.includes(t));
      if (leaked.length > 0) add(TASK_FILES.test, `contains target column(s) ${leaked.join(", ")}; drop them (they are the answers)`);
      if (testIds && answerIds) compareIds(TASK_FILES.test, testIds, answerIds, add);
    }
    // The sample submission must itself be a gradeable submission.
    const sampleColumnsOk = sample && [idc, ...spec.target_columns].every((c) => sample.header.includes(c));
    const builtinMetric = spec.metric.name !== "external";
    if (builtinMetric && sample && answers && answerIds && sampleColumnsOk && spec.target_columns.every((t) => answers.header.includes(t))) {
      try {
        const r = gradeTables(spec, answers, sample);
        // MLE-bench counts a submission scored NaN as valid (us-patent's constant sample under Pearson).
        if (spec.mlebench && r.undefinedReason !== undefined && r.errors.length === 1) notes.push(`${TASK_FILES.sampleSubmission} scores no number: ${r.undefinedReason}; MLE-bench counts such a submission valid`);
        else for (const e of r.errors) add(TASK_FILES.sampleSubmission, `is not a valid submission: ${e}`);
      } catch (error) {
        add(TASK_FILES.answers, (error as Error).message);
      }
    }
    if (spec.checksums) {
      for (const [rel, expectedHash] of Object.entries(spec.checksums)) {
        const path = join(root, rel);
        if (!(await exists(path))) add(rel, "listed in task.json checksums but missing; prepare the task again");
        else if ((await sha256File(path)) !== expectedHash) add(rel, "does not match its sha256 in task.json checksums; the file changed since preparation — prepare the task again");
      }
    }
  }

  const leaderboardPath = join(root, TASK_FILES.leaderboard);
  if (await exists(leaderboardPath)) {
    try {
      const scores = await readLeaderboardScores(leaderboardPath);
      if (scores.length === 0) add(TASK_FILES.leaderboard, "has no finite scores in its 'score' column");
    } catch (error) {
      add(TASK_FILES.leaderboard, (error as Error).message.replace(leaderboardPath, "").trim());
    }
  }
  return { dir: root, ok: problems.length === 0, problems, notes };
}

function checkAnswerValues(spec: TaskSpec, answers: CsvTable, add: (file: string, message: string) => void): void {
  const metric = METRICS[spec.metric.name];
  if (metric.cell === "label" || metric.cell === "ranking") return;
  for (const t of spec.target_columns) {
    const col = columnOf(answers, t);
    if (!col) continue;
    const bad = col.findIndex((c) => !Number.isFinite(parseDecimal(c)));
    if (bad >= 0) {
      add(TASK_FILES.answers, `column '${t}' has a missing or non-numeric value '${col[bad]}' on line ${bad + 2}; ${metric.name} needs numbers`);
      continue;
    }
    if (metric.cell === "score" || metric.cell === "probability") {
      const notBinary = col.findIndex((c) => Number(c) !== 0 && Number(c) !== 1);
      if (notBinary >= 0) add(TASK_FILES.answers, `column '${t}' has '${col[notBinary]}' on line ${notBinary + 2}; ${metric.name} answers are 0/1 (one column per class for several classes)`);
    }
  }
  if ((metric.name === "log_loss" || metric.name === "roc_auc") && spec.target_columns.length > 1) {
    const cols = spec.target_columns.map((t) => columnOf(answers, t));
    if (cols.every((c) => c !== null)) {
      for (let i = 0; i < answers.rowCount; i++) {
        let ones = 0;
        for (const c of cols) if (Number(c![i]) === 1) ones++;
        if (ones !== 1) {
          add(TASK_FILES.answers, `row on line ${i + 2} is not one-hot (${ones} ones); multi-class answers need exactly one 1 per row`);
          break;
        }
      }
    }
  }
}

function columnOf(table: CsvTable, name: string): string[] | null {
  const i = table.header.indexOf(name);
  return i < 0 ? null : table.columns[i]!;
}

function firstDuplicate(ids: string[]): string | null {
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) return id;
    seen.add(id);
  }
  return null;
}

function compareIds(file: string, ids: string[], answerIds: string[], add: (file: string, message: string) => void): void {
  if (ids.length !== answerIds.length) add(file, `has ${ids.length} rows but private/answers.csv has ${answerIds.length}; they must list the same ids`);
  const answerSet = new Set(answerIds);
  const own = new Set(ids);
  const unknown = ids.filter((id) => !answerSet.has(id));
  const missing = answerIds.filter((id) => !own.has(id));
  if (unknown.length > 0 || missing.length > 0) {
    add(file, `ids don't match private/answers.csv: ${missing.length} missing (e.g. ${missing.slice(0, 3).join(", ") || "-"}), ${unknown.length} unknown (e.g. ${unknown.slice(0, 3).join(", ") || "-"})`);
  }
  const dup = firstDuplicate(ids);
  if (dup !== null) add(file, `id '${dup}' appears more than once; ids must be unique`);
}

async function isDir(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(full)));
    else out.push(full);
  }
  return out;
}
