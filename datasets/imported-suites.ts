// Suites an import writes beside its task folders (<tasks dir>/suites/<name>.txt: a comment header, then one
// task folder name a line, MLE-bench's split format), so `bench <name>` can name them like the built-in ones.
import { mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { exists, TaskFormatError } from "./task.js";

export const IMPORTED_SUITES_DIR = "suites";
const SUITE_NAME = /^[a-z0-9][a-z0-9._-]*$/;

const suitePath = (tasksDir: string, name: string) => join(tasksDir, IMPORTED_SUITES_DIR, `${name}.txt`);

export interface ImportedSuite {
  name: string;
  /** The comment lines: where the suite came from and how to import it again. */
  about: string[];
  taskIds: string[];
}

/** Writes a suite file (replacing one of the same name); `about` lines become its comment header. */
export async function writeImportedSuite(tasksDir: string, suite: ImportedSuite): Promise<string> {
  if (!SUITE_NAME.test(suite.name)) throw new TaskFormatError(`suite name '${suite.name.slice(0, 60)}' must be lower-case letters, digits, '.', '_' or '-'`);
  const path = suitePath(tasksDir, suite.name);
  await mkdir(join(tasksDir, IMPORTED_SUITES_DIR), { recursive: true });
  const text = [...suite.about.map((l) => `# ${l.replace(/\s+/g, " ")}`), ...suite.taskIds, ""].join("\n");
  await writeFile(`${path}.tmp-${process.pid}`, text);
  await rename(`${path}.tmp-${process.pid}`, path);
  return path;
}

/** The suite of that name under `tasksDir`, or null when there is none (or the name cannot be one). */
export async function readImportedSuite(tasksDir: string, name: string): Promise<ImportedSuite | null> {
  if (!SUITE_NAME.test(name)) return null;
  const path = suitePath(tasksDir, name);
  if (!(await exists(path))) return null;
  const lines = (await readFile(path, "utf8")).split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  return {
    name,
    about: lines.filter((l) => l.startsWith("#")).map((l) => l.replace(/^#\s?/, "")),
    taskIds: lines.filter((l) => !l.startsWith("#")),
  };
}

export async function listImportedSuites(tasksDir: string): Promise<ImportedSuite[]> {
  const dir = join(tasksDir, IMPORTED_SUITES_DIR);
  if (!(await exists(dir))) return [];
  const names = (await readdir(dir)).filter((f) => f.endsWith(".txt")).map((f) => f.slice(0, -4)).sort();
  const suites = await Promise.all(names.map((n) => readImportedSuite(tasksDir, n)));
  return suites.filter((s): s is ImportedSuite => s !== null);
}
