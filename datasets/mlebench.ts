// Imports a competition prepared by MLE-bench (prepared/public, prepared/private, description.md,
// leaderboard.csv, config.yaml with the grader name) as a task folder.
import { cp, mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { checkTaskFolder, sha256File, type TaskProblem } from "./check.js";
import { formatCsv, readCsv, readCsvHeader } from "./csv.js";
import { metricForAlias, METRICS, METRIC_NAMES, type MetricName } from "./metric-registry.js";
import { DATA_TYPES, exists, TASK_FILES, TaskFormatError, type TaskSpec } from "./task.js";

/** Our metric for an MLE-bench grader name ("auc-roc", "map@5", "quadratic-weighted-kappa", …) or one of ours (the registry's aliases). */
export function metricForGrader(name: string): { metric: MetricName; params: Record<string, string | number> } | null {
  return metricForAlias(name);
}

/** The few fields of MLE-bench's config.yaml we need, read line by line (flat keys, no YAML library). */
export function readMleBenchConfig(text: string): { id?: string; name?: string; grader?: string; answers?: string; sampleSubmission?: string } {
  const out: { id?: string; name?: string; grader?: string; answers?: string; sampleSubmission?: string } = {};
  let section = "";
  for (const raw of text.split(/\r?\n/)) {
    if (raw.trim().startsWith("#") || raw.trim() === "") continue;
    const indent = raw.length - raw.trimStart().length;
    const m = /^\s*([A-Za-z_]+):\s*(.*?)\s*$/.exec(raw);
    if (!m) continue;
    const key = m[1]!;
    const value = m[2]!.replace(/^["']|["']$/g, "");
    if (indent === 0) {
      section = key;
      if (key === "id" && value) out.id = value;
      if (key === "name" && value) out.name = value;
      continue;
    }
    if (section === "grader" && key === "name") out.grader = value;
    if (section === "dataset" && key === "answers") out.answers = value;
    if (section === "dataset" && key === "sample_submission") out.sampleSubmission = value;
  }
  return out;
}

export interface ImportOptions {
  /** Folder to create the task folder in. */
  outDir: string;
  id?: string;
  /** Grader or metric name; default: config.yaml's grader.name. */
  grader?: string;
  dataType?: (typeof DATA_TYPES)[number];
  /** Overwrite an existing task folder of the same id. */
  force?: boolean;
}

export interface ImportResult {
  dir: string;
  spec: TaskSpec;
  problems: TaskProblem[];
}

async function firstExisting(paths: string[]): Promise<string | null> {
  for (const p of paths) if (await exists(p)) return p;
  return null;
}

/** Builds a task folder from an MLE-bench competition folder; returns the folder and its check problems. */
export async function importMleBench(srcDir: string, options: ImportOptions): Promise<ImportResult> {
  const src = resolve(srcDir);
  const prepared = join(src, "prepared");
  const publicSrc = join(prepared, "public");
  const privateSrc = join(prepared, "private");
  const missing: string[] = [];
  if (!(await exists(publicSrc))) missing.push(`${publicSrc} (the files agents see)`);
  if (!(await exists(privateSrc))) missing.push(`${privateSrc} (the hidden answers)`);
  if (missing.length > 0) throw new TaskFormatError(`not an MLE-bench prepared competition: missing ${missing.join(" and ")}; run 'mlebench prepare' first`);

  const configPath = join(src, "config.yaml");
  const config = (await exists(configPath)) ? readMleBenchConfig(await readFile(configPath, "utf8")) : {};
  const graderName = options.grader ?? config.grader;
  if (!graderName) throw new TaskFormatError(`no grader name: ${configPath} is missing or has no grader.name; pass --grader <name> (one of ${METRIC_NAMES.join(", ")})`);
  const metric = metricForGrader(graderName);
  if (!metric) throw new TaskFormatError(`grader '${graderName}' has no built-in equivalent; pass --grader with one of ${METRIC_NAMES.join(", ")}`);

  const descriptionPath = await firstExisting([join(src, "description.md"), join(publicSrc, "description.md")]);
  if (!descriptionPath) throw new TaskFormatError(`no description.md in ${src} or ${publicSrc}; MLE-bench keeps it beside config.yaml`);

  const sampleName = config.sampleSubmission ? basename(config.sampleSubmission) : null;
  const publicFiles = await readdir(publicSrc);
  const sampleFile = sampleName && publicFiles.includes(sampleName) ? sampleName : publicFiles.find((f) => /^sample_?submission.*\.csv$/i.test(f));
  if (!sampleFile) throw new TaskFormatError(`no sample submission in ${publicSrc}; expected sample_submission.csv (or the file named in config.yaml)`);
  const sampleHeader = await readCsvHeader(join(publicSrc, sampleFile));
  if (sampleHeader.length < 2) throw new TaskFormatError(`${join(publicSrc, sampleFile)} needs an id column and at least one target column`);
  const [idColumn, ...targets] = sampleHeader as [string, ...string[]];

  const privateFiles = await readdir(privateSrc);
  const answersName = config.answers ? basename(config.answers) : null;
  const answersFile =
    answersName && privateFiles.includes(answersName)
      ? answersName
      : (privateFiles.find((f) => f === "answers.csv") ?? privateFiles.find((f) => f === "test.csv") ?? privateFiles.find((f) => f.endsWith(".csv")));
  if (!answersFile) throw new TaskFormatError(`no answers CSV in ${privateSrc}`);
  const answers = await readCsv(join(privateSrc, answersFile));
  const absent = [idColumn, ...targets].filter((c) => !answers.header.includes(c));
  if (absent.length > 0) {
    throw new TaskFormatError(`${join(privateSrc, answersFile)} lacks column(s) ${absent.join(", ")} of the sample submission; answers must have the submission's columns`);
  }

  const rawId = options.id ?? config.id ?? basename(src);
  const id = rawId.toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^[^a-z0-9]+/, "");
  const dir = join(resolve(options.outDir), id);
  if ((await exists(dir)) && !options.force) throw new TaskFormatError(`${dir} already exists; pass --force to replace it`);
  const staging = join(resolve(options.outDir), `.${id}.import-${process.pid}`);
  await rm(staging, { recursive: true, force: true });
  await mkdir(join(staging, "private"), { recursive: true });
  await cp(publicSrc, join(staging, "public"), { recursive: true });
  if (sampleFile !== "sample_submission.csv") await rename(join(staging, "public", sampleFile), join(staging, TASK_FILES.sampleSubmission));
  await rm(join(staging, "public", "description.md"), { force: true });
  const cols = [idColumn, ...targets];
  const idx = cols.map((c) => answers.header.indexOf(c));
  const rows = Array.from({ length: answers.rowCount }, (_, r) => idx.map((i) => answers.columns[i]![r]!));
  await writeFile(join(staging, TASK_FILES.answers), formatCsv(cols, rows));
  await cp(descriptionPath, join(staging, TASK_FILES.description));
  const leaderboard = join(src, "leaderboard.csv");
  if (await exists(leaderboard)) await cp(leaderboard, join(staging, TASK_FILES.leaderboard));

  const checksums: Record<string, string> = {};
  for (const rel of [TASK_FILES.sampleSubmission, TASK_FILES.answers, TASK_FILES.description]) checksums[rel] = await sha256File(join(staging, rel));
  const spec: TaskSpec = {
    id,
    title: config.name ?? id,
    data_type: options.dataType ?? "tabular",
    metric: { name: metric.metric, params: metric.params },
    lower_is_better: METRICS[metric.metric].lowerIsBetter,
    id_column: idColumn,
    target_columns: targets,
    source: { package: "mle-bench", kind: "mle-bench", version: "prepared", dataset: config.id ?? basename(src), license: "Kaggle competition rules", notes: `grader: ${graderName}` },
    license: "Kaggle competition rules (see the competition's page)",
    checksums,
  };
  await writeFile(join(staging, TASK_FILES.spec), JSON.stringify(spec, null, 2) + "\n");
  await rm(dir, { recursive: true, force: true });
  await rename(staging, dir);
  const report = await checkTaskFolder(dir);
  return { dir, spec, problems: report.problems };
}
