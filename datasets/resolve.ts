// Turns a task argument (a built-in id or a folder path) into a loaded task, preparing built-ins on demand.
import { join, resolve } from "node:path";
import { exists, loadTask, TASK_FILES, TaskFormatError, type Task } from "./task.js";
import { BUILTIN_TASKS, findBuiltinTask } from "./suite/registry.js";
import { prepareBuiltinTask, type PrepareOptions } from "./suite/prepare.js";

/**
 * `arg` is a folder holding task.json, or the id of a built-in task (prepared into `tasksDir` when it is
 * missing or stale). A folder wins over an id of the same name.
 */
export async function resolveTask(arg: string, tasksDir: string, options: PrepareOptions = {}): Promise<Task> {
  const asPath = resolve(arg);
  if (await exists(join(asPath, TASK_FILES.spec))) return loadTask(asPath);
  const def = findBuiltinTask(arg);
  if (def) {
    await prepareBuiltinTask(def, tasksDir, options);
    return loadTask(join(tasksDir, def.id));
  }
  if (await exists(asPath)) throw new TaskFormatError(`${asPath} is not a task folder (no task.json); run 'linguacodus tasks check ${asPath}'`);
  throw new TaskFormatError(`'${arg}' is neither a task folder nor a built-in task; built-in tasks: ${BUILTIN_TASKS.map((t) => t.id).join(", ")}`);
}
