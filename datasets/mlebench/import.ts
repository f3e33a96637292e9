// Imports a competition prepared by MLE-bench as a task folder. Two layouts are read:
//   - MLE-bench's data directory, <data>/<competition-id>/prepared/{public,private}, with the competition's
//     config.yaml, description.md and leaderboard.csv taken from an MLE-bench checkout
//     (mlebench/competitions/<id>/, given by --mlebench or MLEBENCH_DIR);
//   - a self-contained folder with config.yaml, description.md and leaderboard.csv beside prepared/.
// The competition's public files are copied as they are; the id and target columns come from its sample
// submission and answers (reported as guesses, with the flags that override them).
import { cp, mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, extname, join, resolve } from "node:path";
import { checkTaskFolder, sha256File, type TaskProblem } from "../check.js";
import { formatCsv, readCsv, readCsvHeader, type CsvTable } from "../csv.js";
import { readLeaderboardScores } from "../leaderboard.js";
import { METRICS, METRIC_NAMES, metricForAlias } from "../metric-registry.js";
import { DATA_TYPES, exists, TASK_FILES, TaskFormatError, type TaskSpec } from "../task.js";
import { readCompetitionConfig, type CompetitionConfig } from "./config.js";
import { assertCompetitionId, confinedDescription, confinedPath, taskIdOf } from "./confine.js";
import { graderMapping, type BuiltinEquivalent } from "./graders.js";

export interface ImportOptions {
  /** Folder to create the task folder in. */
  outDir: string;
  id?: string;
  /** Grader or metric name; default: config.yaml's grader.name. */
  grader?: string;
  dataType?: (typeof DATA_TYPES)[number];
  /** Overwrite an existing task folder of the same id. */
  force?: boolean;
  /** An MLE-bench checkout: config.yaml, description.md, leaderboard.csv and the competition's grade.py. */
  checkout?: string;
  /** Override the id column read off the sample submission. */
  idColumn?: string;
  /** Override the target columns read off the sample submission. */
  targetColumns?: string[];
}

export interface ImportResult {
  dir: string;
  spec: TaskSpec;
  problems: TaskProblem[];
  /** Guessed columns (with the flag that overrides each), missing leaderboards, approximations. */
  notes: string[];
}

/** Where the answers of an imported competition live in MLE-bench's own form (for its grade.py). */
export const MLEBENCH_PRIVATE_DIR = join("private", "mlebench");

/** A Git LFS pointer file instead of the real leaderboard (MLE-bench's checkout stores leaderboards in LFS). */
async function isLfsPointer(path: string): Promise<boolean> {
  const head = (await readFile(path, "utf8")).slice(0, 100);
  return head.startsWith("version https://git-lfs.github.com/spec/");
}

async function firstExisting(paths: readonly (string | null | undefined)[]): Promise<string | null> {
  for (const p of paths) if (p && (await exists(p))) return p;
  return null;
}

/** The first candidate file that exists, checked against its folder by `confine` (which throws when it leaves it). */
async function firstInside(candidates: [string | null, string | null][], confine: (path: string, folder: string) => Promise<string>): Promise<string | null> {
  for (const [path, folder] of candidates) if (path && folder && (await exists(path))) return confine(path, folder);
  return null;
}

/** Our metric for an MLE-bench grader name ("auc-roc", "map@5", …) or one of ours (the registry's aliases). */
export function metricForGrader(name: string): BuiltinEquivalent | null {
  const mapping = graderMapping(name);
  if (mapping) return mapping.equivalent;
  return metricForAlias(name);
}

interface CompetitionFiles {
  id: string;
  root: string;
  publicDir: string;
  privateDir: string;
  config: CompetitionConfig | null;
  configPath: string | null;
  descriptionPath: string;
  leaderboardPath: string | null;
}

/** Finds the competition's files in either layout; throws naming what is missing and how to get it. */
async function locateCompetition(srcDir: string, checkout: string | undefined, notes: string[]): Promise<CompetitionFiles> {
  const root = resolve(srcDir);
  const publicDir = join(root, "prepared", "public");
  const privateDir = join(root, "prepared", "private");
  const missing: string[] = [];
  if (!(await exists(publicDir))) missing.push(`${publicDir} (the files agents see)`);
  if (!(await exists(privateDir))) missing.push(`${privateDir} (the hidden answers)`);
  if (missing.length > 0) throw new TaskFormatError(`not an MLE-bench prepared competition: missing ${missing.join(" and ")}; run 'mlebench prepare -c <id>' first`);

  const competitionDir = (id: string) => (checkout ? join(resolve(checkout), "mlebench", "competitions", id) : null);
  const localConfig = join(root, "config.yaml");
  const configPath = await firstExisting([localConfig, competitionDir(basename(root)) && join(competitionDir(basename(root))!, "config.yaml")]);
  if (checkout && !(await exists(join(resolve(checkout), "mlebench", "competitions")))) {
    throw new TaskFormatError(`${resolve(checkout)} is not an MLE-bench checkout (no mlebench/competitions/); pass the folder you cloned MLE-bench into`);
  }
  if (configPath) await confinedPath(configPath, configPath === localConfig ? root : competitionDir(basename(root))!, "config.yaml");
  const config = configPath ? await readCompetitionConfig(configPath) : null;
  const id = config?.id ?? basename(root);
  if (config) assertCompetitionId(config.id, configPath!);
  const inCheckout = competitionDir(id);
  // Each candidate is read only from inside its own folder: the competition folder given, or the
  // competition's folder in the checkout (config.yaml's description path is joined to the checkout).
  const descriptionPath = await firstInside(
    [
      [join(root, "description.md"), root],
      [join(publicDir, "description.md"), root],
      [checkout && config?.description ? join(resolve(checkout), config.description) : null, inCheckout],
      [inCheckout && join(inCheckout, "description.md"), inCheckout],
    ],
    confinedDescription,
  );
  if (!descriptionPath) {
    throw new TaskFormatError(`no description.md for ${id} in ${root} or ${publicDir}${checkout ? ` or ${inCheckout}` : ""}; pass --mlebench <checkout> (MLE-bench keeps it in mlebench/competitions/${id}/)`);
  }

  let leaderboardPath = await firstInside(
    [
      [join(root, "leaderboard.csv"), root],
      [inCheckout && join(inCheckout, "leaderboard.csv"), inCheckout],
    ],
    (path, folder) => confinedPath(path, folder, "leaderboard.csv"),
  );
  if (leaderboardPath && (await isLfsPointer(leaderboardPath))) {
    notes.push(`${leaderboardPath} is a Git LFS pointer, not the leaderboard: run 'git lfs pull' in the checkout; imported without medals and percentiles`);
    leaderboardPath = null;
  } else if (!leaderboardPath) {
    notes.push(
      `no leaderboard.csv for ${id}${checkout ? ` (looked in ${root} and ${inCheckout})` : ` beside ${join(root, "prepared")}`}: grades will have no medals or percentiles; ${checkout ? "fetch it with 'git lfs pull' in the checkout" : "pass --mlebench <checkout>"}`,
    );
  }
  return { id, root, publicDir, privateDir, config, configPath, descriptionPath, leaderboardPath };
}

/** Finds a file by config.yaml's name first, then by a pattern, in each folder in turn. */
async function findFile(dirs: readonly string[], preferredName: string | null, pattern: RegExp): Promise<string | null> {
  for (const dir of dirs) {
    const files = await readdir(dir);
    if (preferredName && files.includes(preferredName)) return join(dir, preferredName);
  }
  for (const dir of dirs) {
    const found = (await readdir(dir)).sort().find((f) => pattern.test(f));
    if (found) return join(dir, found);
  }
  return null;
}

function column(table: CsvTable, name: string): string[] | null {
  const i = table.header.indexOf(name);
  return i < 0 ? null : table.columns[i]!;
}

const ID_LIKE = /^(id|.*[_ ]id|.*Id|.*ID)$/;

/**
 * The id column: a sample-submission column whose values are unique and are the answers' values of the same
 * column (names that look like ids first). Detecting-insults' sample starts with its target, for example.
 * `exact: false` when the answers hold only some of the sample's ids (H&M's sample lists every customer).
 */
function guessIdColumn(sample: CsvTable, answers: CsvTable | null): { name: string; exact: boolean } | null {
  const candidates = [...sample.header].sort((a, b) => Number(ID_LIKE.test(b)) - Number(ID_LIKE.test(a)));
  const unique = candidates.filter((name) => {
    const values = column(sample, name)!;
    return new Set(values).size === values.length && (!answers || column(answers, name) !== null);
  });
  if (!answers) return unique.length > 0 ? { name: unique[0]!, exact: true } : null;
  for (const exact of [true, false]) {
    for (const name of unique) {
      const own = new Set(column(sample, name)!);
      const answerValues = column(answers, name)!;
      if (exact && answerValues.length !== own.size) continue;
      if (answerValues.every((v) => own.has(v))) return { name, exact };
    }
  }
  return null;
}

/** With a checkout an import needs no id guess: the first column both files have stands in, and says so. */
function fallbackIdColumn(sample: CsvTable, answers: CsvTable | null): string | null {
  const shared = sample.header.filter((c) => !answers || answers.header.includes(c));
  return shared.find((c) => ID_LIKE.test(c)) ?? shared[0] ?? null;
}

/**
 * Target columns: the sample's other columns that the answers hold, less those the sample already fills with
 * the answers' own values (context columns such as a date or the text being classified).
 */
function guessTargetColumns(sample: CsvTable, answers: CsvTable | null, idColumn: string): string[] {
  const others = sample.header.filter((c) => c !== idColumn && (!answers || answers.header.includes(c)));
  if (!answers) return others;
  const sampleIds = column(sample, idColumn)!;
  const answerRow = new Map(column(answers, idColumn)!.map((id, i) => [id, i]));
  const varying = others.filter((c) => {
    const s = column(sample, c)!;
    const a = column(answers, c)!;
    return sampleIds.some((id, i) => a[answerRow.get(id) ?? -1] !== s[i]);
  });
  return varying.length > 0 ? varying : others;
}

/** Direction as MLE-bench's Grader.is_lower_better reads it: the leaderboard's first score below its last. */
async function leaderboardLowerIsBetter(path: string): Promise<boolean | null> {
  const table = await readCsv(path);
  const scores = (column(table, "score") ?? []).map(Number).filter(Number.isFinite);
  if (scores.length < 2 || scores[0] === scores[scores.length - 1]) return null;
  return scores[0]! < scores[scores.length - 1]!;
}

/** Builds a task folder from an MLE-bench competition; returns the folder, its check problems and notes. */
export async function importMleBench(srcDir: string, options: ImportOptions): Promise<ImportResult> {
  const notes: string[] = [];
  const files = await locateCompetition(srcDir, options.checkout, notes);
  const { config } = files;
  const graderName = options.grader ?? config?.grader.name;
  if (!graderName) {
    throw new TaskFormatError(
      `no grader name for ${files.id}: ${files.configPath ?? join(files.root, "config.yaml")} is missing or has no grader.name; pass --mlebench <checkout> or --grader <name> (one of ${METRIC_NAMES.filter((n) => n !== "external").join(", ")})`,
    );
  }
  const mapping = graderMapping(graderName);
  const equivalent = mapping ? mapping.equivalent : metricForAlias(graderName);
  if (!equivalent) {
    const reason = mapping && mapping.equivalent === null ? ` (${mapping.reason})` : "";
    if (!options.checkout) {
      throw new TaskFormatError(`grader '${graderName}' has no built-in equivalent${reason}; pass --mlebench <checkout> so the competition's own grade.py scores it, or --grader with one of ${METRIC_NAMES.filter((n) => n !== "external").join(", ")}`);
    }
    notes.push(`grader '${graderName}' has no built-in equivalent${reason}: only the competition's grade.py (from ${resolve(options.checkout)}) can score this task`);
  } else if (!mapping) {
    notes.push(`'${graderName}' is not a grader name of MLE-bench's registry; it was read as the built-in metric ${equivalent.metric}`);
  } else if (mapping.equivalent && mapping.caveat) {
    notes.push(`without an MLE-bench checkout the built-in ${mapping.equivalent.metric} approximates '${graderName}': ${mapping.caveat}`);
  }

  // Sample submission: public first, then private (statoil keeps it there), by config.yaml's name or pattern.
  const sampleName = config?.dataset.sample_submission ? basename(config.dataset.sample_submission) : null;
  const samplePath = await findFile([files.publicDir, files.privateDir], sampleName, /^sample_?submission.*\.csv$/i);
  if (!samplePath) throw new TaskFormatError(`no sample submission in ${files.publicDir} or ${files.privateDir}; expected sample_submission.csv (or the file named in config.yaml dataset.sample_submission)`);
  const answersName = config?.dataset.answers ? basename(config.dataset.answers) : null;
  const answersPath = await findFile([files.privateDir], answersName, /^(answers|test|solution).*\.(csv|jsonl)$/i);
  if (!answersPath) throw new TaskFormatError(`no answers in ${files.privateDir}; expected the file named in config.yaml dataset.answers (e.g. test.csv)`);

  const sample = await readCsv(samplePath);
  if (sample.header.length < 2) throw new TaskFormatError(`${samplePath} needs an id column and at least one target column`);
  const answers = extname(answersPath).toLowerCase() === ".csv" ? await readCsv(answersPath) : null;
  if (!answers && equivalent) throw new TaskFormatError(`${answersPath} is not a CSV, so the built-in metric cannot read it; pass --mlebench <checkout> to grade with the competition's grade.py`);

  // With a checkout the competition's own grader decides, so a guess that fails is a note and the task is
  // graded by grade.py only (the built-in metric would need the sample's ids to be the answers' ids).
  let ownGraderOnly = false;
  let idColumn = options.idColumn ?? null;
  if (!idColumn) {
    const guess = guessIdColumn(sample, answers);
    const fallback = !guess && options.checkout ? fallbackIdColumn(sample, answers) : null;
    if (!guess && !fallback) {
      throw new TaskFormatError(`no column of ${samplePath} has unique values matching ${answersPath}; pass --id-column <name> (columns: ${sample.header.join(", ")}) or --mlebench <checkout> so the competition's grader decides`);
    }
    idColumn = guess?.name ?? fallback!;
    if (guess?.exact) notes.push(`id column '${idColumn}' guessed from ${basename(samplePath)}; override with --id-column <name>`);
    else if (guess) notes.push(`id column '${idColumn}' guessed from ${basename(samplePath)}, whose ids include more than the answers'; override with --id-column <name>`);
    else notes.push(`no column of ${basename(samplePath)} has unique values matching the answers' ('${idColumn}' stands in); override with --id-column <name>`);
    if (!guess?.exact && options.checkout) {
      ownGraderOnly = true;
      notes.push(`the sample submission's ids are not the answers' ids, so only the competition's grade.py (from ${resolve(options.checkout)}) scores this task`);
    } else if (guess && !guess.exact) {
      throw new TaskFormatError(`the ids of ${samplePath} are not those of ${answersPath} (the answers hold only some of them), so the built-in metric cannot grade this task; pass --mlebench <checkout> so the competition's grade.py does`);
    }
  }
  if (!sample.header.includes(idColumn)) throw new TaskFormatError(`--id-column '${idColumn}' is not a column of ${samplePath} (${sample.header.join(", ")})`);
  const targets = options.targetColumns ?? guessTargetColumns(sample, answers, idColumn);
  if (!options.targetColumns) notes.push(`target column(s) ${targets.join(", ")} guessed from ${basename(samplePath)}; override with --target-columns <a,b,…>`);
  const absent = answers ? [idColumn, ...targets].filter((c) => !answers.header.includes(c)) : [];
  if (absent.length > 0) throw new TaskFormatError(`${answersPath} lacks column(s) ${absent.join(", ")} of the sample submission; pass --id-column / --target-columns naming columns both files have`);
  if (targets.length === 0) throw new TaskFormatError(`${samplePath} has no target column besides '${idColumn}'; pass --target-columns`);

  const rawId = options.id ?? files.id;
  const id = taskIdOf(rawId);
  const dir = join(resolve(options.outDir), id);
  if ((await exists(dir)) && !options.force) throw new TaskFormatError(`${dir} already exists; pass --force to replace it`);

  const metricName = !ownGraderOnly && equivalent ? equivalent.metric : "external";
  let lowerIsBetter = files.leaderboardPath ? await leaderboardLowerIsBetter(files.leaderboardPath) : null;
  if (lowerIsBetter === null) {
    if (equivalent) lowerIsBetter = METRICS[equivalent.metric].lowerIsBetter;
    else {
      lowerIsBetter = false;
      notes.push(`no leaderboard tells the direction of '${graderName}': assumed higher is better; set lower_is_better in task.json if not`);
    }
  }

  const staging = join(resolve(options.outDir), `.${id}.import-${process.pid}`);
  await rm(staging, { recursive: true, force: true });
  await mkdir(join(staging, MLEBENCH_PRIVATE_DIR), { recursive: true });
  await cp(files.publicDir, join(staging, "public"), { recursive: true });
  await rm(join(staging, "public", "description.md"), { force: true });
  // The public files stay as MLE-bench prepared them (their names are in the description); the sample is
  // also offered under the task format's name.
  if (!(await exists(join(staging, TASK_FILES.sampleSubmission)))) await cp(samplePath, join(staging, TASK_FILES.sampleSubmission));
  const competitionAnswers = join(MLEBENCH_PRIVATE_DIR, basename(answersPath));
  await cp(answersPath, join(staging, competitionAnswers));
  if (answers) {
    const cols = [idColumn, ...targets];
    const idx = cols.map((c) => answers.header.indexOf(c));
    const rows = Array.from({ length: answers.rowCount }, (_, r) => idx.map((i) => answers.columns[i]![r]!));
    await writeFile(join(staging, TASK_FILES.answers), formatCsv(cols, rows));
  } else {
    await writeFile(join(staging, TASK_FILES.answers), formatCsv([idColumn, ...targets], []));
  }
  await cp(files.descriptionPath, join(staging, TASK_FILES.description));
  if (files.leaderboardPath) await cp(files.leaderboardPath, join(staging, TASK_FILES.leaderboard));

  const checksums: Record<string, string> = {};
  for (const rel of [TASK_FILES.sampleSubmission, TASK_FILES.answers, TASK_FILES.description, competitionAnswers]) checksums[rel] = await sha256File(join(staging, rel));
  const spec: TaskSpec = {
    id,
    title: config?.name ?? id,
    data_type: options.dataType ?? (await guessDataType(files.publicDir)),
    metric: { name: metricName, params: metricName === "external" ? {} : (equivalent?.params ?? {}) },
    lower_is_better: lowerIsBetter,
    id_column: idColumn,
    target_columns: targets,
    source: { package: "mle-bench", kind: "mle-bench", version: "prepared", dataset: files.id, license: "Kaggle competition rules", notes: `grader: ${graderName}` },
    license: "Kaggle competition rules (see the competition's page)",
    checksums,
    mlebench: {
      competition_id: files.id,
      grader: graderName,
      grade_fn: config?.grader.grade_fn ?? `mlebench.competitions.${files.id}.grade:grade`,
      answers: competitionAnswers,
      builtin: metricName === "external" ? "none" : "approximation",
      ...(options.checkout ? { checkout: resolve(options.checkout) } : {}),
    },
  };
  await writeFile(join(staging, TASK_FILES.spec), JSON.stringify(spec, null, 2) + "\n");
  await rm(dir, { recursive: true, force: true });
  await rename(staging, dir);
  const report = await checkTaskFolder(dir);
  notes.push(...report.notes);
  if (files.leaderboardPath && (await readLeaderboardScores(join(dir, TASK_FILES.leaderboard))).length === 0) notes.push(`${files.leaderboardPath} has no scores`);
  return { dir, spec, problems: report.problems, notes };
}

/** "image" when the public files are mostly pictures (or archives/folders of them), else "tabular". */
async function guessDataType(publicDir: string): Promise<(typeof DATA_TYPES)[number]> {
  let images = 0;
  let others = 0;
  const walk = async (dir: string, depth: number): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (images + others > 2000) return;
      if (entry.isDirectory()) {
        if (depth < 2) await walk(join(dir, entry.name), depth + 1);
      } else if (/\.(jpe?g|png|tiff?|bmp|dcm)$/i.test(entry.name)) images++;
      else others++;
    }
  };
  await walk(publicDir, 0);
  return images > others ? "image" : "tabular";
}

export interface ImportAllResult {
  imported: ImportResult[];
  failed: { competition: string; error: string }[];
}

/**
 * Imports every prepared competition of an MLE-bench data directory (<data>/<id>/prepared/…); one that fails
 * is listed with its reason and the others go on.
 */
export async function importAllMleBench(dataDir: string, options: Omit<ImportOptions, "id" | "idColumn" | "targetColumns">, log?: (line: string) => void): Promise<ImportAllResult> {
  const root = resolve(dataDir);
  if (!(await exists(root)) || !(await stat(root)).isDirectory()) throw new TaskFormatError(`${root} is not a folder; pass MLE-bench's data directory (the one holding <competition-id>/prepared/)`);
  const competitions = [];
  for (const entry of (await readdir(root, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.isDirectory() && (await exists(join(root, entry.name, "prepared", "public")))) competitions.push(entry.name);
  }
  if (competitions.length === 0) throw new TaskFormatError(`no prepared competition in ${root}: expected <competition-id>/prepared/public/ folders (run 'mlebench prepare --all' first)`);
  const result: ImportAllResult = { imported: [], failed: [] };
  for (const name of competitions) {
    try {
      const imported = await importMleBench(join(root, name), options);
      result.imported.push(imported);
      log?.(`imported ${imported.spec.id}${imported.problems.length ? ` (${imported.problems.length} problem(s))` : ""}`);
    } catch (error) {
      result.failed.push({ competition: name, error: (error as Error).message });
      log?.(`failed ${name}: ${(error as Error).message}`);
    }
  }
  return result;
}
