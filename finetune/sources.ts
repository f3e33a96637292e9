// Where scored solutions come from: a Code4ML folder (the paper's corpus), this project's run and bench folders,
// a plain folder of competitions, or the built-in tasks' reference scripts. Each reader returns solutions plus
// the items it had to drop (with the reason); a missing file or column is an error naming it and the fix.
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { parse } from "csv-parse/sync";
import {
  BUILTIN_TASKS,
  METRICS,
  METRIC_NAMES,
  type MetricName,
  baselineScripts,
  loadTask,
} from "../datasets/index.js";
import { RUN_FILES, RunJsonSchema, ScoreJsonSchema } from "../execution/index.js";
import { type Dropped, type Solution, type SourceKind } from "./schema.js";

export class CorpusSourceError extends Error {
  override name = "CorpusSourceError";
}

export interface SourceRead {
  kind: SourceKind;
  path: string;
  solutions: Solution[];
  dropped: Dropped[];
}

const LOWER_IS_BETTER_WORDS = /(rmse|mse|mae|rmsle|mape|smape|log.?loss|logloss|error|loss|deviance|wrmsse|distance|mcrmse)/i;

/** Direction of a metric named in free text: the registry's when it is one of ours, else a word list. */
export function metricDirection(metric: string): boolean | undefined {
  const key = metric.trim().toLowerCase().replace(/[\s-]+/g, "_");
  if ((METRIC_NAMES as readonly string[]).includes(key)) return METRICS[key as MetricName].lowerIsBetter;
  if (LOWER_IS_BETTER_WORDS.test(metric)) return true;
  if (/(auc|accuracy|f1|r2|kappa|qwk|precision|recall|map|ndcg|correlation|pearson|spearman|cosine|iou|dice)/i.test(metric)) return false;
  return undefined;
}

// ---------------------------------------------------------------- Code4ML

type Row = Record<string, string>;

function readCsvRows(path: string): Row[] {
  try {
    return parse(readFileSync(path, "utf8"), { columns: true, skip_empty_lines: true, relax_column_count: true, bom: true }) as Row[];
  } catch (error) {
    throw new CorpusSourceError(`${path}: not a readable CSV (${(error as Error).message}).`);
  }
}

/** The first header among `aliases` (Code4ML's real names first), or an error naming the file and the choices. */
function column(path: string, rows: Row[], field: string, aliases: readonly string[], required = true): string | undefined {
  const header = rows[0] ? Object.keys(rows[0]) : [];
  const lower = new Map(header.map((h) => [h.trim().toLowerCase(), h]));
  for (const alias of aliases) {
    const hit = lower.get(alias);
    if (hit !== undefined) return hit;
  }
  if (!required) return undefined;
  throw new CorpusSourceError(
    `${path}: no ${field} column (looked for ${aliases.join(", ")}; found ${header.join(", ") || "no header"}). ` +
      "Rename the column, or export the table from Code4ML with its original header.",
  );
}

const CODE4ML_FILES = { competitions: "competitions_meta.csv", kernels: ["kernels_meta.csv", "kernels_meta2.csv"], blocks: "code_blocks.csv" };

export function isCode4mlFolder(dir: string): boolean {
  return existsSync(join(dir, CODE4ML_FILES.competitions));
}

export function readCode4ml(dir: string): SourceRead {
  const need = (name: string) => {
    const path = join(dir, name);
    if (!existsSync(path)) throw new CorpusSourceError(`${path} is missing: a Code4ML folder needs ${name} (download it with the Code4ML dataset).`);
    return path;
  };
  const compPath = need(CODE4ML_FILES.competitions);
  const kernelFile = CODE4ML_FILES.kernels.find((k) => existsSync(join(dir, k)));
  if (!kernelFile) {
    throw new CorpusSourceError(`${join(dir, "kernels_meta.csv")} is missing: a Code4ML folder needs kernels_meta.csv (or Code4ML 2.0's kernels_meta2.csv).`);
  }
  const kernelPath = join(dir, kernelFile);
  const blockPath = need(CODE4ML_FILES.blocks);

  const comps = readCsvRows(compPath);
  const cName = column(compPath, comps, "competition name", ["comp_name", "competition", "slug"])!;
  const cDesc = column(compPath, comps, "description", ["description", "comp_description", "overview", "summary"])!;
  const cTitle = column(compPath, comps, "title", ["title", "comp_title"], false);
  const cMetric = column(compPath, comps, "metric", ["metric", "evaluation_metric", "metric_type", "eval_metric"])!;
  const cType = column(compPath, comps, "data type", ["data_type", "datatype", "data type", "type"])!;
  const cLicense = column(compPath, comps, "license", ["license", "licence"], false);

  const kernels = readCsvRows(kernelPath);
  const kId = column(kernelPath, kernels, "kernel id", ["kernel_id", "id", "kernel"])!;
  const kComp = column(kernelPath, kernels, "competition name", ["comp_name", "competition", "slug"])!;
  const kScore = column(kernelPath, kernels, "score", ["kaggle_score", "score", "public_score", "private_score"], false);
  const kRank = column(kernelPath, kernels, "rank", ["rank", "place", "leaderboard_rank"], false);
  if (!kScore && !kRank) {
    throw new CorpusSourceError(`${kernelPath}: no score or rank column (looked for kaggle_score, score, rank); each kernel needs one to be ranked.`);
  }

  const blocks = readCsvRows(blockPath);
  const bKernel = column(blockPath, blocks, "kernel id", ["kernel_id", "kernel"])!;
  const bOrder = column(blockPath, blocks, "block order", ["code_block_id", "block_id", "order", "cell_index", "code_blocks_index"])!;
  const bCode = column(blockPath, blocks, "code", ["code_block", "code", "source"])!;

  const codeByKernel = new Map<string, Array<{ order: number; code: string }>>();
  for (const row of blocks) {
    const id = row[bKernel]!;
    const list = codeByKernel.get(id) ?? [];
    list.push({ order: Number(row[bOrder]), code: row[bCode] ?? "" });
    codeByKernel.set(id, list);
  }
  const compByName = new Map(comps.map((row) => [row[cName]!, row]));
  const solutions: Solution[] = [];
  const dropped: Dropped[] = [];
  for (const row of kernels) {
    const id = row[kId]!;
    const competition = row[kComp]!;
    const origin = `${kernelFile}:${id}`;
    const comp = compByName.get(competition);
    if (!comp) {
      dropped.push({ origin, competition, reason: `competition ${competition} not in ${CODE4ML_FILES.competitions}` });
      continue;
    }
    const parts = codeByKernel.get(id);
    if (!parts || parts.every((p) => !p.code.trim())) {
      dropped.push({ origin, competition, reason: `no code blocks in ${CODE4ML_FILES.blocks}` });
      continue;
    }
    const score = kScore && row[kScore]?.trim() ? Number(row[kScore]) : undefined;
    const rank = kRank && row[kRank]?.trim() ? Number(row[kRank]) : undefined;
    const hasScore = score !== undefined && Number.isFinite(score);
    const hasRank = rank !== undefined && Number.isInteger(rank) && rank > 0;
    if (!hasScore && !hasRank) {
      dropped.push({ origin, competition, reason: "no score and no leaderboard rank" });
      continue;
    }
    const metric = comp[cMetric]?.trim() || "unknown";
    const description = comp[cDesc]?.trim();
    if (!description) {
      dropped.push({ origin, competition, reason: "competition has no description" });
      continue;
    }
    const lowerIsBetter = metricDirection(metric);
    solutions.push({
      source: "code4ml",
      competition,
      title: (cTitle && comp[cTitle]) || competition,
      description,
      metric,
      dataType: comp[cType]?.trim() || "unknown",
      ...(lowerIsBetter !== undefined ? { lowerIsBetter } : {}),
      ...(hasScore ? { score } : {}),
      ...(hasRank ? { leaderboardRank: rank } : {}),
      code: parts.sort((a, b) => a.order - b.order).map((p) => p.code).join("\n\n"),
      origin,
      license: (cLicense && comp[cLicense]) || "Code4ML (see its dataset card)",
    });
  }
  return { kind: "code4ml", path: dir, solutions, dropped };
}

// ---------------------------------------------------------------- run and bench folders

/** Folders holding run.json under `dir` (itself included), not descending into a run's own chains/. */
export function findRunDirs(dir: string, depth = 6): string[] {
  if (existsSync(join(dir, RUN_FILES.run))) return [dir];
  if (depth === 0) return [];
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries
    .filter((name) => !name.startsWith(".") && name !== "node_modules")
    .map((name) => join(dir, name))
    .filter((path) => statSync(path, { throwIfNoEntry: false })?.isDirectory())
    .flatMap((path) => findRunDirs(path, depth - 1))
    .sort();
}

export function isRunsFolder(dir: string): boolean {
  return findRunDirs(dir, 3).length > 0;
}

export async function readRuns(dir: string): Promise<SourceRead> {
  const runDirs = findRunDirs(dir);
  if (runDirs.length === 0) throw new CorpusSourceError(`${dir}: no run folder (run.json) inside; give a runs/ or bench folder.`);
  const solutions: Solution[] = [];
  const dropped: Dropped[] = [];
  for (const runDir of runDirs) {
    const origin = runDir;
    let run;
    try {
      run = RunJsonSchema.parse(JSON.parse(readFileSync(join(runDir, RUN_FILES.run), "utf8")));
    } catch (error) {
      dropped.push({ origin, reason: `run.json unreadable: ${(error as Error).message.split("\n")[0]}` });
      continue;
    }
    const scorePath = join(runDir, RUN_FILES.score);
    const scriptPath = join(runDir, RUN_FILES.finalScript);
    const score = existsSync(scorePath) ? ScoreJsonSchema.safeParse(JSON.parse(readFileSync(scorePath, "utf8"))) : undefined;
    if (!score?.success || !score.data.valid || score.data.score === null) {
      dropped.push({ origin, competition: run.taskId, reason: "no valid score (the run's submission did not grade)" });
      continue;
    }
    if (!existsSync(scriptPath)) {
      dropped.push({ origin, competition: run.taskId, reason: `no ${RUN_FILES.finalScript}` });
      continue;
    }
    let task;
    try {
      task = await loadTask(run.taskDir);
    } catch (error) {
      dropped.push({ origin, competition: run.taskId, reason: `its task folder is unreadable: ${(error as Error).message}` });
      continue;
    }
    solutions.push({
      source: "runs",
      competition: task.spec.id,
      title: task.spec.title,
      description: task.description,
      metric: task.spec.metric.name,
      dataType: task.spec.data_type,
      lowerIsBetter: task.spec.lower_is_better,
      score: score.data.score,
      code: readFileSync(scriptPath, "utf8"),
      origin,
      license: task.spec.license,
    });
  }
  return { kind: "runs", path: dir, solutions, dropped };
}

// ---------------------------------------------------------------- plain folder

/** `<competition>/{description.md, solutions/*.py|*.ipynb, scores.csv}`; scores.csv: file,score (or rank). */
export function isPlainFolder(dir: string): boolean {
  return readdirSync(dir).some((name) => existsSync(join(dir, name, "description.md")) && existsSync(join(dir, name, "solutions")));
}

function notebookCode(path: string): string {
  const parsed = JSON.parse(readFileSync(path, "utf8")) as { cells?: Array<{ cell_type?: string; source?: string | string[] }> };
  return (parsed.cells ?? [])
    .filter((c) => c.cell_type === "code")
    .map((c) => (Array.isArray(c.source) ? c.source.join("") : (c.source ?? "")))
    .join("\n\n");
}

export function readPlainFolder(dir: string): SourceRead {
  const solutions: Solution[] = [];
  const dropped: Dropped[] = [];
  for (const competition of readdirSync(dir).sort()) {
    const compDir = join(dir, competition);
    if (!statSync(compDir).isDirectory() || !existsSync(join(compDir, "solutions"))) continue;
    const descPath = join(compDir, "description.md");
    const scoresPath = join(compDir, "scores.csv");
    if (!existsSync(descPath)) throw new CorpusSourceError(`${descPath} is missing: each competition folder needs the competition text.`);
    if (!existsSync(scoresPath)) throw new CorpusSourceError(`${scoresPath} is missing: list each solution file with its score (columns file,score or file,rank).`);
    const meta = existsSync(join(compDir, "task.json")) ? (JSON.parse(readFileSync(join(compDir, "task.json"), "utf8")) as Record<string, unknown>) : {};
    const rows = readCsvRows(scoresPath);
    const fFile = column(scoresPath, rows, "file", ["file", "solution", "filename"])!;
    const fScore = column(scoresPath, rows, "score", ["score"], false);
    const fRank = column(scoresPath, rows, "rank", ["rank", "place"], false);
    const fMetric = column(scoresPath, rows, "metric", ["metric"], false);
    const fType = column(scoresPath, rows, "data type", ["data_type"], false);
    if (!fScore && !fRank) throw new CorpusSourceError(`${scoresPath}: needs a score or a rank column.`);
    const metricOf = (row: Row) =>
      (fMetric && row[fMetric]) || (typeof meta.metric === "object" && meta.metric ? String((meta.metric as { name?: string }).name) : String(meta.metric ?? "unknown"));
    const listed = new Set<string>();
    for (const row of rows) {
      const file = row[fFile]!;
      listed.add(file);
      const path = join(compDir, "solutions", file);
      const origin = path;
      if (!existsSync(path)) {
        dropped.push({ origin, competition, reason: `${file} listed in scores.csv but not in solutions/` });
        continue;
      }
      const score = fScore && row[fScore]?.trim() ? Number(row[fScore]) : undefined;
      const rank = fRank && row[fRank]?.trim() ? Number(row[fRank]) : undefined;
      if (!(score !== undefined && Number.isFinite(score)) && !(rank !== undefined && rank > 0)) {
        dropped.push({ origin, competition, reason: "no score and no rank in scores.csv" });
        continue;
      }
      const code = file.endsWith(".ipynb") ? notebookCode(path) : readFileSync(path, "utf8");
      const metric = metricOf(row);
      const lower = typeof meta.lower_is_better === "boolean" ? meta.lower_is_better : metricDirection(metric);
      solutions.push({
        source: "folder",
        competition,
        title: typeof meta.title === "string" ? meta.title : competition,
        description: readFileSync(descPath, "utf8"),
        metric,
        dataType: (fType && row[fType]) || (typeof meta.data_type === "string" ? meta.data_type : "unknown"),
        ...(lower !== undefined ? { lowerIsBetter: lower } : {}),
        ...(score !== undefined && Number.isFinite(score) ? { score } : {}),
        ...(rank !== undefined && Number.isInteger(rank) && rank > 0 ? { leaderboardRank: rank } : {}),
        code,
        origin,
        ...(typeof meta.license === "string" ? { license: meta.license } : {}),
      });
    }
    for (const file of readdirSync(join(compDir, "solutions"))) {
      if (!listed.has(file)) dropped.push({ origin: join(compDir, "solutions", file), competition, reason: "not listed in scores.csv (no score)" });
    }
  }
  return { kind: "folder", path: dir, solutions, dropped };
}

// ---------------------------------------------------------------- built-in tasks' reference scripts

/** The constant and scikit-learn reference scripts of prepared built-in tasks, scored by their reference_scores. */
export async function readBuiltin(tasksDir: string, ids?: readonly string[]): Promise<SourceRead> {
  const wanted = ids && ids.length > 0 ? ids : BUILTIN_TASKS.map((t) => t.id);
  const unknown = wanted.filter((id) => !BUILTIN_TASKS.some((t) => t.id === id));
  if (unknown.length) throw new CorpusSourceError(`builtin:${unknown.join(",")}: not built-in tasks (see 'linguacodus tasks list').`);
  const solutions: Solution[] = [];
  const dropped: Dropped[] = [];
  for (const id of wanted) {
    const dir = join(tasksDir, id);
    if (!existsSync(join(dir, "task.json"))) {
      dropped.push({ origin: dir, competition: id, reason: "not prepared (run 'linguacodus tasks prepare')" });
      continue;
    }
    const task = await loadTask(dir);
    const ref = task.spec.reference_scores;
    if (!ref) {
      dropped.push({ origin: dir, competition: id, reason: "no reference scores (run 'linguacodus tasks prepare' with the sandbox)" });
      continue;
    }
    const scripts = baselineScripts(task);
    for (const kind of ["model", "constant"] as const) {
      solutions.push({
        source: "builtin",
        competition: id,
        title: task.spec.title,
        description: task.description,
        metric: task.spec.metric.name,
        dataType: task.spec.data_type,
        lowerIsBetter: task.spec.lower_is_better,
        score: ref[kind],
        code: scripts[kind].script,
        origin: `${id}:${kind}-baseline`,
        license: task.spec.license,
      });
    }
  }
  return { kind: "builtin", path: tasksDir, solutions, dropped };
}

/** `--from` values: `builtin[:id,id…]`, or a folder whose kind is detected (Code4ML, runs/bench, plain). */
export async function readSource(from: string, tasksDir: string): Promise<SourceRead> {
  if (from === "builtin" || from.startsWith("builtin:")) {
    const ids = from.includes(":") ? from.slice("builtin:".length).split(",").filter(Boolean) : undefined;
    return readBuiltin(tasksDir, ids);
  }
  const dir = resolve(from);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new CorpusSourceError(`--from ${from}: no such folder (give a Code4ML folder, a runs/bench folder, a plain competitions folder, or builtin).`);
  }
  if (isCode4mlFolder(dir)) return readCode4ml(dir);
  if (isRunsFolder(dir)) return readRuns(dir);
  if (isPlainFolder(dir)) return readPlainFolder(dir);
  if (existsSync(join(dir, "kernels_meta.csv")) || existsSync(join(dir, "code_blocks.csv"))) return readCode4ml(dir);
  throw new CorpusSourceError(
    `--from ${from} (${basename(dir)}): not a Code4ML folder (competitions_meta.csv), a runs/bench folder (run.json inside), ` +
      "or a plain folder (<competition>/description.md, solutions/, scores.csv).",
  );
}
