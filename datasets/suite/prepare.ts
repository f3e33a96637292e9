// Prepares built-in tasks into task folders. Idempotent: a folder whose files match the checksums in its
// task.json is left alone. A new folder is written beside the old one and renamed into place, so a crash
// never leaves a half-written task behind.
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { checkTaskFolder, sha256File } from "../check.js";
import { METRICS } from "../metric-registry.js";
import { exists, parseTaskSpec, TASK_FILES, TaskFormatError, type TaskSpec } from "../task.js";
import type { BuiltinTaskDefinition } from "./definition.js";
import { BUILTIN_TASKS, findBuiltinTask } from "./registry.js";
import { describeTask } from "./describe.js";
import { writeFrame } from "./frame.js";

/** Files whose sha256 is recorded in task.json (paths relative to the task folder). */
export const CHECKSUMMED_FILES = [
  TASK_FILES.train,
  TASK_FILES.test,
  TASK_FILES.sampleSubmission,
  TASK_FILES.answers,
  TASK_FILES.description,
] as const;

export type PrepareStatus = "prepared" | "up-to-date" | "rebuilt";

export interface PrepareResult {
  id: string;
  dir: string;
  status: PrepareStatus;
  /** Why a folder was rebuilt. */
  note?: string;
  seconds: number;
}

export interface PrepareOptions {
  /** Rebuild even when the folder is up to date. */
  force?: boolean;
  log?: (line: string) => void;
}

/** Files that differ from the checksums in task.json (empty when all match). */
export async function checksumMismatches(dir: string, spec: TaskSpec): Promise<string[]> {
  if (!spec.checksums || Object.keys(spec.checksums).length === 0) return ["task.json has no checksums"];
  const bad: string[] = [];
  for (const [rel, hash] of Object.entries(spec.checksums)) {
    const path = join(dir, rel);
    if (!(await exists(path)) || (await sha256File(path)) !== hash) bad.push(rel);
  }
  return bad;
}

async function readExistingSpec(dir: string): Promise<TaskSpec | null> {
  const path = join(dir, TASK_FILES.spec);
  if (!(await exists(path))) return null;
  try {
    return parseTaskSpec(await readFile(path, "utf8"), path);
  } catch {
    return null;
  }
}

export async function prepareBuiltinTask(def: BuiltinTaskDefinition, tasksDir: string, options: PrepareOptions = {}): Promise<PrepareResult> {
  const started = Date.now();
  const dir = join(tasksDir, def.id);
  const seconds = () => (Date.now() - started) / 1000;
  const existing = await readExistingSpec(dir);
  let note: string | undefined;
  if (existing && !options.force) {
    const bad = await checksumMismatches(dir, existing);
    if (bad.length === 0) return { id: def.id, dir, status: "up-to-date", seconds: seconds() };
    note = `checksum mismatch in ${bad.join(", ")}`;
    options.log?.(`${def.id}: ${note}; rebuilding`);
  } else if (await exists(dir)) {
    note = options.force ? "forced" : "task.json missing or invalid";
  }

  options.log?.(`${def.id}: reading ${def.title} source data`);
  const built = await def.build();
  const staging = join(tasksDir, `.${def.id}.partial-${process.pid}`);
  await rm(staging, { recursive: true, force: true });
  await mkdir(join(staging, "public"), { recursive: true });
  await mkdir(join(staging, "private"), { recursive: true });
  const { train, test, answers, sample } = built.files;
  await writeFrame(join(staging, TASK_FILES.train), train);
  await writeFrame(join(staging, TASK_FILES.test), test);
  await writeFrame(join(staging, TASK_FILES.sampleSubmission), sample);
  await writeFrame(join(staging, TASK_FILES.answers), answers);
  await writeFile(join(staging, TASK_FILES.description), describeTask({ def, train, test, sample, source: built.source, splitNote: built.splitNote }));

  const checksums: Record<string, string> = {};
  for (const rel of CHECKSUMMED_FILES) checksums[rel] = await sha256File(join(staging, rel));
  const sameData = existing?.checksums !== undefined && CHECKSUMMED_FILES.every((rel) => existing.checksums?.[rel] === checksums[rel]);
  if (existing && existing.checksums && !sameData && note === undefined) note = "source data changed";
  const metric = METRICS[def.metric.name];
  const spec: TaskSpec = {
    id: def.id,
    title: def.title,
    data_type: def.data_type,
    metric: { name: def.metric.name, params: def.metric.params ?? {} },
    lower_is_better: metric.lowerIsBetter,
    id_column: def.id_column,
    target_columns: def.target_columns,
    source: { ...built.source },
    license: built.source.license,
    // Reference scores stay valid only for identical data.
    ...(sameData && existing?.reference_scores ? { reference_scores: existing.reference_scores } : {}),
    checksums,
  };
  await writeFile(join(staging, TASK_FILES.spec), JSON.stringify(spec, null, 2) + "\n");

  const report = await checkTaskFolder(staging);
  if (!report.ok) {
    await rm(staging, { recursive: true, force: true });
    const problems = report.problems.map((p) => `${p.file}: ${p.message}`);
    throw new TaskFormatError(`built-in task ${def.id} failed its own check: ${problems.join("; ")}`, problems);
  }
  const old = join(tasksDir, `.${def.id}.old-${process.pid}`);
  if (await exists(dir)) await rename(dir, old);
  await rename(staging, dir);
  await rm(old, { recursive: true, force: true });
  return { id: def.id, dir, status: existing || note ? "rebuilt" : "prepared", ...(note ? { note } : {}), seconds: seconds() };
}

/** Prepares the named built-in tasks (all when `ids` is empty). Unknown ids are an error listing the known ones. */
export async function prepareBuiltinTasks(ids: readonly string[], tasksDir: string, options: PrepareOptions = {}): Promise<PrepareResult[]> {
  const defs = ids.length === 0 ? [...BUILTIN_TASKS] : ids.map((id) => {
    const def = findBuiltinTask(id);
    if (!def) throw new TaskFormatError(`unknown built-in task '${id}'; known tasks: ${BUILTIN_TASKS.map((t) => t.id).join(", ")}`);
    return def;
  });
  await mkdir(tasksDir, { recursive: true });
  const results: PrepareResult[] = [];
  for (const def of defs) results.push(await prepareBuiltinTask(def, tasksDir, options));
  return results;
}

/** Writes reference scores into a prepared task's task.json (keeps everything else). */
export async function writeReferenceScores(dir: string, scores: NonNullable<TaskSpec["reference_scores"]>): Promise<void> {
  const path = join(dir, TASK_FILES.spec);
  const spec = parseTaskSpec(await readFile(path, "utf8"), path);
  const next: TaskSpec = { ...spec, reference_scores: scores };
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, JSON.stringify(next, null, 2) + "\n");
  await rename(tmp, path);
}
