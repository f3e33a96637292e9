// Turns the task part of a bench command (suite names, built-in ids, task folders) into checked task folders.
// Every folder is validated before the bench starts; built-in tasks are prepared from installed packages
// when their folder is missing (no download).
import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { BUILTIN_TASKS, IMPORTED_SUITES_DIR, LITE_TASK_IDS, TASK_FILES, checkTaskFolder, findBuiltinTask, prepareBuiltinTasks, readAnalysisSpec, readImportedSuite, readMleBenchSplit, readTaskSpec } from "../datasets/index.js";
import type { ImportedSuite } from "../datasets/index.js";
import { BenchInputError, type TaskRef } from "./matrix.js";

export const SUITES: Record<string, () => readonly string[]> = {
  all: () => BUILTIN_TASKS.map((t) => t.id),
  lite: () => LITE_TASK_IDS,
};

export interface ResolveOptions {
  /** Folder of prepared built-in tasks (`$LINGUACODUS_HOME/tasks`). */
  tasksDir: string;
  /** Prepare missing built-in tasks (default true). */
  prepare?: boolean;
  log?: (line: string) => void;
  /**
   * Records the reference scores of the given built-in task folders (the CLI runs the baselines in the sandbox,
   * as `tasks prepare` does); without it, or when it cannot, the bench says up front which tasks lack them.
   */
  references?: (taskDirs: string[]) => Promise<void>;
  /** MLE-bench checkout whose experiments/splits/ define `mlebench`, `mlebench-lite`, `mlebench-<split>` (default: $MLEBENCH_DIR). */
  mlebenchCheckout?: string;
}

/** `mlebench` → "all", `mlebench-lite` → "lite", `mlebench-<name>` → "<name>"; null for other selectors. */
export function mlebenchSplitOf(selector: string): string | null {
  if (selector === "mlebench") return "all";
  return selector.startsWith("mlebench-") ? selector.slice("mlebench-".length) : null;
}

/**
 * The task folders of an MLE-bench split: each competition imported under `tasksDir` by
 * `linguacodus tasks import-mlebench` (the ids of the split file are the folder names).
 */
async function mlebenchSplitDirs(split: string, options: ResolveOptions, problems: string[]): Promise<string[]> {
  const checkout = options.mlebenchCheckout ?? process.env.MLEBENCH_DIR;
  if (!checkout) {
    problems.push(`the MLE-bench split '${split}' is defined by an MLE-bench checkout: set MLEBENCH_DIR (or pass --mlebench <checkout>)`);
    return [];
  }
  const ids = await readMleBenchSplit(checkout, split);
  const missing = ids.filter((id) => !existsSync(join(options.tasksDir, id, TASK_FILES.spec)));
  if (missing.length > 0) {
    problems.push(
      `${missing.length} of the ${ids.length} competitions of MLE-bench's '${split}' split are not imported into ${options.tasksDir} (${missing.slice(0, 5).join(", ")}${missing.length > 5 ? ", …" : ""}): run 'linguacodus tasks import-mlebench --all <MLE-bench data dir> --mlebench ${checkout}'`,
    );
  }
  return ids.map((id) => join(options.tasksDir, id));
}

/** The folders of a suite an import wrote under `tasksDir`; those missing are a problem naming how to import them. */
function importedSuiteDirs(suite: ImportedSuite, tasksDir: string, problems: string[]): string[] {
  // A line that is not one folder name (an edited file: '../x', '/etc') names nothing outside tasksDir.
  const bad = suite.taskIds.filter((id) => !/^[a-z0-9][a-z0-9._-]*$/.test(id));
  if (bad.length > 0) {
    problems.push(`suite '${suite.name}' (${join(tasksDir, IMPORTED_SUITES_DIR, `${suite.name}.txt`)}) has line(s) that are not task ids: ${bad.slice(0, 3).join(", ")}; fix or re-import the suite`);
    return [];
  }
  const missing = suite.taskIds.filter((id) => !existsSync(join(tasksDir, id, TASK_FILES.spec)));
  if (missing.length > 0) {
    const how = suite.about.find((l) => l.startsWith("imported by: "))?.slice("imported by: ".length);
    problems.push(`suite '${suite.name}' names task(s) not in ${tasksDir} (${missing.slice(0, 5).join(", ")}${missing.length > 5 ? ", …" : ""})${how ? `: run '${how}' again` : ""}`);
  }
  return suite.taskIds.map((id) => join(tasksDir, id));
}

/** Resolves selectors to task folders, checking each one; throws BenchInputError listing every problem. */
export async function resolveTasks(selectors: readonly string[], options: ResolveOptions): Promise<TaskRef[]> {
  if (selectors.length === 0) throw new BenchInputError("no tasks: give a suite (all, lite), built-in task ids or task folders");
  const dirs: string[] = [];
  const builtinDirs = new Set<string>();
  const toPrepare: string[] = [];
  const problems: string[] = [];
  for (const selector of selectors) {
    const split = mlebenchSplitOf(selector);
    if (split) {
      dirs.push(...(await mlebenchSplitDirs(split, options, problems)));
      continue;
    }
    const imported = SUITES[selector] ? null : await readImportedSuite(options.tasksDir, selector);
    if (imported) {
      dirs.push(...importedSuiteDirs(imported, options.tasksDir, problems));
      continue;
    }
    const builtin = SUITES[selector]?.() ?? (findBuiltinTask(selector) ? [selector] : undefined);
    if (builtin) {
      for (const id of builtin) {
        const dir = join(options.tasksDir, id);
        if (!existsSync(join(dir, TASK_FILES.spec))) toPrepare.push(id);
        dirs.push(dir);
        builtinDirs.add(dir);
      }
      continue;
    }
    const path = resolve(selector);
    if (existsSync(path) && statSync(path).isDirectory()) dirs.push(path);
    else
      problems.push(
        `unknown suite or task '${selector}': give ${Object.keys(SUITES).join(", ")}, mlebench or mlebench-lite (imported MLE-bench splits), an imported suite (see 'linguacodus tasks list'), a built-in task id (see 'linguacodus tasks list') or a task folder`,
      );
  }
  if (problems.length) throw new BenchInputError(problems.join("; "));
  if (toPrepare.length) {
    if (options.prepare === false)
      throw new BenchInputError(`built-in task(s) ${toPrepare.join(", ")} are not prepared: run 'linguacodus tasks prepare ${toPrepare.join(" ")}'`);
    options.log?.(`preparing built-in task(s): ${toPrepare.join(", ")}`);
    await prepareBuiltinTasks(toPrepare, options.tasksDir, { log: options.log });
  }
  const refs: TaskRef[] = [];
  for (const dir of [...new Set(dirs)]) {
    // Either kind is checked the one way (an analysis as it loads: spec, request, data folder).
    const report = await checkTaskFolder(dir);
    if (!report.ok) {
      problems.push(`task folder ${dir} fails validation: ${report.problems.map((p) => `${p.file}: ${p.message}`).join("; ")}`);
      continue;
    }
    // The folder's task.json id names the task (checked above; an analysis's read from its own form).
    refs.push({ id: readTaskSpec(dir).id, dir });
  }
  if (problems.length) throw new BenchInputError(problems.join("; "));
  // Analyses are scored by their expected result, never normalised: no reference scores to announce.
  await announceReferences(refs.filter((r) => readAnalysisSpec(r.dir) === undefined), builtinDirs, options);
  return refs;
}

/**
 * Built-in tasks get their reference scores (through `options.references`); whatever still lacks them is said
 * up front, with what the report will and will not show.
 */
async function announceReferences(refs: readonly TaskRef[], builtinDirs: ReadonlySet<string>, options: ResolveOptions): Promise<void> {
  const lacking = (list: readonly TaskRef[]) => list.filter((r) => !readTaskSpec(r.dir).reference_scores);
  const builtins = lacking(refs.filter((r) => builtinDirs.has(r.dir)));
  if (builtins.length > 0 && options.references) await options.references(builtins.map((r) => r.dir));
  const still = lacking(refs);
  if (still.length === 0) return;
  const byLeaderboard = still.filter((r) => readTaskSpec(r.dir).mlebench && existsSync(join(r.dir, TASK_FILES.leaderboard)));
  const none = still.filter((r) => !byLeaderboard.includes(r));
  if (byLeaderboard.length > 0) {
    options.log?.(`no reference scores for ${byLeaderboard.map((r) => r.id).join(", ")}: their scores are normalised by the competition's leaderboard instead (median = 0, gold = 1)`);
  }
  const failed = none.filter((r) => options.references && builtinDirs.has(r.dir));
  for (const group of [failed, none.filter((r) => !failed.includes(r))].filter((g) => g.length > 0)) {
    options.log?.(
      `no reference scores for ${group.map((r) => r.id).join(", ")}${group === failed ? " (the baselines could not record them, see above)" : ""}: the report shows win/tie/loss within each task in its metric's direction, but no normalised scores or sign/Wilcoxon tests for them; record them with 'linguacodus tasks references ${group.map((r) => (builtinDirs.has(r.dir) ? r.id : r.dir)).join(" ")}'`,
    );
  }
}
