// Imports an OpenML task as a task folder: the task's dataset (parquet where offered, else ARFF), its first fold (repeat 0, fold 0: the
// holdout split of a holdout task) as public train / test and hidden answers, the metric from the task's
// evaluation measure, licence and citation from the dataset's record. The folder is written by the built-in
// suite's writer (staged beside it, checked, renamed into place), so it is laid out and validated the same way.
import { join, resolve } from "node:path";
import { exists, loadTask, TaskFormatError, type TaskSpec } from "../task.js";
import { taskIdOf } from "../mlebench/index.js";
import { assembleFiles, column, drop, majorityOf, mapColumn, meanSample, prepareBuiltinTask, select, shuffledIndices, take, withColumn, type BuiltinTaskDefinition, type Frame } from "../suite/index.js";
import { parseArff, type Arff, type ArffAttribute } from "./arff.js";
import { OpenMLError, type OpenMLSource } from "./client.js";
import { readParquetData } from "./parquet.js";
import { metricForMeasure, OPENML_TASK_KINDS, type MetricChoice, type OpenMLTaskKind } from "./measures.js";
import type { OpenMLDataset, OpenMLTask } from "./records.js";

export interface OpenMLImportOptions {
  source: OpenMLSource;
  /** Folder to create the task folder in. */
  outDir: string;
  /** Replace an existing task folder of the same id. */
  force?: boolean;
  /** A metric name to grade with instead of the task's evaluation measure. */
  metric?: string;
  log?: (line: string) => void;
}

export interface OpenMLImportResult {
  openmlTaskId: number;
  dir: string;
  spec: TaskSpec;
  notes: string[];
}

/** The task folder name of an OpenML task. */
export const openmlTaskFolderId = (taskId: number): string => taskIdOf(`openml-${taskId}`);

/** Task ids as the CLI takes them: positive whole numbers, anything else refused by name. */
export function parseOpenMLId(text: string, what = "task"): number {
  if (!/^[1-9][0-9]{0,9}$/.test(text.trim())) throw new OpenMLError(`'${text.slice(0, 40)}' is not an OpenML ${what} id; give its number (e.g. 31 for https://www.openml.org/t/31)`);
  return Number(text.trim());
}

function kindOf(task: OpenMLTask): OpenMLTaskKind {
  const kind = OPENML_TASK_KINDS[task.type];
  if (!kind) throw new OpenMLError(`OpenML task ${task.id} is a '${task.type}' task; only ${Object.keys(OPENML_TASK_KINDS).join(" and ")} tasks are imported`);
  return kind;
}

/**
 * The dataset's rows: its parquet copy where the record offers one and the source reads it (a binary file, far
 * smaller and quicker to read than ARFF text, what openml-python itself downloads), else its ARFF file.
 */
async function readData(source: OpenMLSource, dataset: OpenMLDataset): Promise<{ data: Arff; format: "parquet" | "ARFF" }> {
  const what = `the data of OpenML dataset ${dataset.id}`;
  if (dataset.parquetUrl && source.parquet) {
    const [bytes, features] = await Promise.all([source.parquet.bytes(dataset.parquetUrl, what), source.parquet.features(dataset.id)]);
    return { data: await readParquetData({ bytes, features, relation: dataset.name, what: `${what} (${dataset.parquetUrl})` }), format: "parquet" };
  }
  if (!dataset.url) throw new OpenMLError(`OpenML dataset ${dataset.id} names no data file (fields 'url' and 'parquet_url'); import another task`);
  return { data: parseArff(await source.text(dataset.url, what), `${what} (${dataset.url})`), format: "ARFF" };
}

/** Row numbers of the first fold's train and test sets (repeat 0, fold 0, sample 0 where the file has samples). */
async function firstFold(source: OpenMLSource, task: OpenMLTask, rows: number): Promise<{ train: number[]; test: number[] }> {
  if (!task.procedure.splitsUrl) throw new OpenMLError(`OpenML task ${task.id} has no data splits file (estimation_procedure.data_splits_url); only tasks with an estimation procedure are imported`);
  const what = `the data splits of OpenML task ${task.id}`;
  const splits = parseArff(await source.text(task.procedure.splitsUrl, what), `${what} (${task.procedure.splitsUrl})`);
  const col = (name: string, required: boolean) => {
    const i = splits.frame.header.findIndex((h) => h.toLowerCase() === name);
    if (i < 0 && required) throw new OpenMLError(`${what} lack the '${name}' attribute (expected type, rowid, repeat, fold)`);
    return i < 0 ? null : splits.frame.columns[i]!;
  };
  const [type, rowid, repeat, fold, sample] = [col("type", true)!, col("rowid", true)!, col("repeat", true)!, col("fold", true)!, col("sample", false)];
  const train: number[] = [];
  const test: number[] = [];
  for (let r = 0; r < type.length; r++) {
    if (Number(repeat[r]) !== 0 || Number(fold[r]) !== 0 || (sample && Number(sample[r]) !== 0)) continue;
    const row = Number(rowid[r]);
    if (!Number.isInteger(row) || row < 0 || row >= rows) throw new OpenMLError(`${what}: rowid ${rowid[r]} is outside the dataset's ${rows} rows; the splits do not belong to this dataset`);
    if (type[r] === "TRAIN") train.push(row);
    else if (type[r] === "TEST") test.push(row);
  }
  if (train.length === 0 || test.length === 0) throw new OpenMLError(`${what} have no TRAIN and TEST rows for repeat 0, fold 0`);
  return { train, test };
}

function describeColumns(attributes: readonly ArffAttribute[], target: string, metric: MetricChoice, classColumns: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, cls] of Object.entries(classColumns)) out[name] = `the probability that \`${target}\` is '${cls}' (target)`;
  for (const a of attributes) {
    if (a.name === target && metric.positive) out[a.name] = `1 if the class is '${metric.positive}', 0 otherwise (target)`;
    else if (a.type === "nominal") out[a.name] = `${a.name === target ? "target; " : ""}one of ${a.values!.slice(0, 12).join(", ")}${a.values!.length > 12 ? ", …" : ""}`;
    else if (a.name === target) out[a.name] = `${a.type} (target)`;
  }
  return out;
}

function predictText(kind: OpenMLTaskKind, target: string, metric: MetricChoice, classes: readonly string[]): string {
  if (metric.positive) return `the probability that \`${target}\` is '${metric.positive}'`;
  if (metric.perClass) return `the probability of each class of \`${target}\`, one column per class (${classes.slice(0, 12).join(", ")}${classes.length > 12 ? ", …" : ""})`;
  if (kind === "regression") return `the value of \`${target}\``;
  return `the class \`${target}\` (one of ${classes.slice(0, 12).join(", ")}${classes.length > 12 ? ", …" : ""})`;
}

/** Answer column name → class: the class names, each prefixed with the target where one would clash with a column. */
function perClassColumns(classes: readonly string[], taken: readonly string[], target: string): Record<string, string> {
  const clash = classes.some((c) => taken.includes(c) || c.trim() === "") || new Set(classes).size !== classes.length;
  return Object.fromEntries(classes.map((c) => [clash ? `${target}_${c}` : c, c]));
}

/** Free text of OpenML's description, cut to a length the task text can carry. */
const overviewOf = (dataset: OpenMLDataset, task: OpenMLTask, kind: OpenMLTaskKind, target: string) =>
  `OpenML task ${task.id} (${task.type}) on dataset ${dataset.name} (OpenML dataset ${dataset.id}, version ${dataset.version}): predict \`${target}\`${kind === "classification" ? "" : " (a number)"}.\n\n${dataset.description.trim().slice(0, 4000)}${dataset.description.length > 4000 ? " …" : ""}`;

export async function importOpenMLTask(taskId: number, options: OpenMLImportOptions): Promise<OpenMLImportResult> {
  const notes: string[] = [];
  const id = openmlTaskFolderId(taskId);
  const outDir = resolve(options.outDir);
  const dir = join(outDir, id);
  if ((await exists(dir)) && !options.force) throw new TaskFormatError(`${dir} already exists; pass --force to replace it`);

  const task = await options.source.task(taskId);
  const kind = kindOf(task);
  const dataset = await options.source.dataset(task.datasetId);
  const target = task.target || dataset.defaultTarget || "";
  if (!target) throw new OpenMLError(`OpenML task ${taskId} names no target feature and dataset ${dataset.id} no default_target_attribute; import a task that names its target`);
  options.log?.(`openml task ${taskId}: dataset ${dataset.id} (${dataset.name}), target ${target}`);
  const { data, format } = await readData(options.source, dataset);
  const targetAttr = data.attributes.find((a) => a.name === target);
  if (!targetAttr) throw new OpenMLError(`OpenML task ${taskId}'s target '${target}' is not a column of dataset ${dataset.id} (columns: ${data.frame.header.slice(0, 12).join(", ")}${data.frame.header.length > 12 ? ", …" : ""})`);
  if (kind === "regression" && targetAttr.type !== "numeric") throw new OpenMLError(`OpenML task ${taskId} is a regression task but its target '${target}' is ${targetAttr.type}, not numeric`);
  const classes = kind === "classification" ? (targetAttr.values ?? [...new Set(column(data.frame, target))].filter((v) => v !== "").sort()) : [];
  const metric = metricForMeasure({ taskId, kind, measure: task.measure, classes, ...(options.metric ? { override: options.metric } : {}) });
  if (metric.note) notes.push(metric.note);

  const fold = await firstFold(options.source, task, data.frame.header.length ? data.frame.columns[0]!.length : 0);
  const features = data.frame.header.filter((h) => h === target || !dataset.ignore.includes(h));
  const ignored = data.frame.header.filter((h) => !features.includes(h));
  if (ignored.length > 0) notes.push(`left out ${ignored.join(", ")}: OpenML marks them as not features (ignore / row id attributes)`);
  let frame: Frame = select(data.frame, features);
  if (metric.positive) frame = mapColumn(frame, target, (v) => (v === "" ? "" : v === metric.positive ? "1" : "0"));

  // Rows without a target can be neither learned from nor graded.
  const targets = column(frame, target);
  const keep = (rows: number[]) => rows.filter((r) => targets[r] !== "");
  const train = keep(fold.train);
  const test = keep(fold.test);
  const dropped = fold.train.length + fold.test.length - train.length - test.length;
  if (dropped > 0) notes.push(`${dropped} row(s) of the fold have no '${target}' and were left out`);

  // Ids are numbered in a seeded random order, so neither an id nor the row order tells the source order
  // (OpenML's files are often sorted by class).
  let idColumn = "id";
  while (features.includes(idColumn)) idColumn = `_${idColumn}`;
  const all = [...train, ...test];
  const order = shuffledIndices(all.length, taskId);
  const ids = new Array<string>(all.length);
  all.forEach((_, i) => (ids[i] = String(order[i]! + 1)));
  const byId = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i).sort((a, b) => order[a]! - order[b]!);
  // A per-class AUC task answers one 0/1 column per class (named by the class), hidden from train and test alike.
  const classColumns = metric.perClass ? perClassColumns(classes, [...features, idColumn], target) : {};
  const answerColumns = metric.perClass ? Object.keys(classColumns) : [target];
  for (const [name, cls] of Object.entries(classColumns)) frame = withColumn(frame, name, targets.map((v) => (v === cls ? "1" : "0")));
  const numbered = withColumn(take(frame, all), idColumn, ids, 0);
  const split = { train: take(numbered, byId(0, train.length)), test: take(numbered, byId(train.length, all.length)) };
  const sampleValue = kind === "regression" || metric.positive || metric.perClass ? meanSample(split.train, answerColumns) : { [target]: majorityOf(column(split.train, target)) };
  const files = assembleFiles({ ...split, train: drop(split.train, Object.keys(classColumns)) }, idColumn, answerColumns, sampleValue, [target, ...Object.keys(classColumns)]);

  const licence = dataset.licence ?? "unknown (see the dataset's OpenML page)";
  if (!dataset.licence) notes.push(`OpenML dataset ${dataset.id} states no licence: check https://www.openml.org/d/${dataset.id} before sharing the data`);
  const def: BuiltinTaskDefinition = {
    id,
    title: `${dataset.name} (OpenML task ${taskId})`,
    data_type: data.attributes.some((a) => a.type === "string" && a.name !== target) ? "text" : "tabular",
    metric: { name: metric.metric, params: metric.params },
    id_column: idColumn,
    target_columns: answerColumns,
    size: all.length > 100_000 ? "large" : all.length > 10_000 ? "medium" : "small",
    overview: overviewOf(dataset, task, kind, target),
    predict: predictText(kind, target, metric, classes),
    columns: describeColumns(data.attributes, target, metric, classColumns),
    build: async () => ({
      files,
      source: {
        kind: "openml",
        package: "openml",
        version: `version ${dataset.version}`,
        license: licence,
        dataset: dataset.name,
        url: `https://www.openml.org/t/${taskId}`,
        notes: [`OpenML task ${taskId}, dataset ${dataset.id} (${format} data); evaluation measure: ${task.measure ?? "none"}`, ...notes].join("; "),
        ...(dataset.citation ? { citation: dataset.citation } : {}),
      },
      splitNote: `The rows are OpenML task ${taskId}'s first fold (${task.procedure.type}, repeat 0, fold 0): ${train.length} train and ${test.length} test rows, numbered in a shuffled order.`,
    }),
  };
  const result = await prepareBuiltinTask(def, outDir, { force: true, ...(options.log ? { log: options.log } : {}) });
  return { openmlTaskId: taskId, dir: result.dir, spec: (await loadTask(result.dir)).spec, notes };
}
