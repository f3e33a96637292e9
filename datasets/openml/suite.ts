// Imports an OpenML suite (a study of tasks, e.g. OpenML-CC18): each task as a task folder, then a bench suite
// `openml-suite-<id>` naming those that imported. A task that fails is listed with its reason; the others go on.
import { join, resolve } from "node:path";
import { checkTaskFolder } from "../check.js";
import { writeImportedSuite } from "../imported-suites.js";
import { exists } from "../task.js";
import { importOpenMLTask, openmlTaskFolderId, type OpenMLImportOptions, type OpenMLImportResult } from "./import.js";
import { OpenMLError } from "./client.js";

export interface OpenMLSuiteResult {
  suite: string;
  /** The suite file bench reads. */
  path: string;
  imported: OpenMLImportResult[];
  /** Task folders already there (valid ones are kept without --force, and stay in the suite). */
  kept: string[];
  failed: { openmlTaskId: number; error: string }[];
}

export const openmlSuiteName = (studyId: number): string => `openml-suite-${studyId}`;

export async function importOpenMLSuite(studyId: number, options: OpenMLImportOptions): Promise<OpenMLSuiteResult> {
  const study = await options.source.study(studyId);
  if (study.taskIds.length === 0) throw new OpenMLError(`OpenML suite ${studyId} (${study.name}) lists no tasks; is it a run study? Give a task suite id`);
  const result: Omit<OpenMLSuiteResult, "path"> = { suite: openmlSuiteName(studyId), imported: [], kept: [], failed: [] };
  for (const taskId of study.taskIds) {
    // Importing a suite again goes on where it stopped: a valid folder stays unless --force replaces it.
    const dir = join(resolve(options.outDir), openmlTaskFolderId(taskId));
    if (!options.force && (await exists(dir))) {
      const report = await checkTaskFolder(dir);
      if (report.ok) {
        result.kept.push(openmlTaskFolderId(taskId));
        options.log?.(`kept OpenML task ${taskId}: ${dir} is already there (--force imports it again)`);
        continue;
      }
    }
    try {
      result.imported.push(await importOpenMLTask(taskId, options));
      options.log?.(`imported OpenML task ${taskId}`);
    } catch (error) {
      result.failed.push({ openmlTaskId: taskId, error: (error as Error).message });
      options.log?.(`failed OpenML task ${taskId}: ${(error as Error).message}`);
    }
  }
  const path = await writeImportedSuite(resolve(options.outDir), {
    name: result.suite,
    about: [
      `OpenML suite ${studyId}${study.alias ? ` (${study.alias})` : ""}: ${study.name}; ${result.imported.length + result.kept.length} of ${study.taskIds.length} tasks imported from ${options.source.where}`,
      ...result.failed.map((f) => `not imported: OpenML task ${f.openmlTaskId}: ${f.error}`),
      `imported by: linguacodus tasks import-openml --suite ${studyId}`,
    ],
    taskIds: study.taskIds.map(openmlTaskFolderId).filter((id) => result.kept.includes(id) || result.imported.some((r) => r.spec.id === id)),
  });
  return { ...result, path };
}
