// `linguacodus batch <folder of .md prompts>`: every prompt becomes an analysis task folder under <out>/prompts/
// (task.json of kind "analysis" + request.md, the data folder named, not copied), and the bench runs those folders
// × models × repeats — its lock, resume, progress and report serve batches unchanged. Written again on every
// start, so a resumed batch finds its tasks; a prompt changed since then is refused (its runs would mix two texts).
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { REQUEST_FILE, TASK_FILES } from "../datasets/index.js";
import { BENCH_FILES } from "./layout.js";
import { BenchInputError } from "./matrix.js";
import { collectRuns } from "./collect.js";
import { mdTable } from "./render.js";
import { batchTables } from "./report-unit-tests.js";

/** The data folder of a batch given no --data: an empty folder, so every prompt's run sees /data. */
const NO_DATA = "no-data";

export interface BatchPrompt {
  /** Task id: the file's name in lower case, other characters as '-'. */
  id: string;
  /** The Markdown file. */
  file: string;
  /** The analysis task folder made for it. */
  taskDir: string;
}

/** The `.md` files of a prompt folder, sorted; every way the folder is not usable is named with the fix. */
export function batchPromptFiles(folder: string): string[] {
  const dir = resolve(folder);
  if (!existsSync(dir)) throw new BenchInputError(`prompt folder ${dir} does not exist: give the folder that holds the .md prompts`);
  if (!statSync(dir).isDirectory()) throw new BenchInputError(`${dir} is a file, not a folder: give the folder of .md prompts (one prompt per file)`);
  const files = readdirSync(dir)
    .filter((name) => name.toLowerCase().endsWith(".md") && statSync(join(dir, name)).isFile())
    .sort();
  if (!files.length) throw new BenchInputError(`prompt folder ${dir} holds no .md file: put one prompt per Markdown file there (e.g. count-blobs.md)`);
  return files.map((name) => join(dir, name));
}

function taskIdOf(file: string): string {
  const id = basename(file).replace(/\.md$/i, "").toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^[^a-z0-9]+/, "");
  return id || "prompt";
}

/** Writes (or finds unchanged) the task folder of every prompt under <out>/prompts/; returns them in file order. */
export function writeBatchTasks(input: { promptsDir: string; dataDir?: string; out: string }): BatchPrompt[] {
  const root = join(resolve(input.out), BENCH_FILES.prompts);
  const data = input.dataDir ? resolve(input.dataDir) : join(root, NO_DATA);
  mkdirSync(data, { recursive: true });
  const seen = new Map<string, string>();
  return batchPromptFiles(input.promptsDir).map((file) => {
    const request = readFileSync(file, "utf8");
    if (request.trim() === "") throw new BenchInputError(`prompt ${file} is empty: say what to analyse and what the result is, or remove the file`);
    const id = taskIdOf(file);
    if (seen.has(id)) throw new BenchInputError(`prompts ${seen.get(id)} and ${file} both make task id '${id}': rename one of them`);
    seen.set(id, file);
    const taskDir = join(root, id);
    const requestPath = join(taskDir, REQUEST_FILE);
    if (existsSync(requestPath) && readFileSync(requestPath, "utf8") !== request) {
      throw new BenchInputError(`prompt ${file} changed since this batch started (${requestPath}): give the batch a new --out, or put the old text back`);
    }
    mkdirSync(taskDir, { recursive: true });
    writeFileSync(requestPath, request);
    const title = request.trim().split("\n")[0]!.replace(/^#+\s*/, "").slice(0, 80);
    writeFileSync(join(taskDir, TASK_FILES.spec), `${JSON.stringify({ kind: "analysis", id, title, data }, null, 2)}\n`);
    return { id, file, taskDir };
  });
}

/** The batch's tables (per model with the batch's total, per prompt × model) as Markdown, from its finished runs. */
export function batchSummaryMarkdown(out: string): string {
  const runs = collectRuns(resolve(out)).runs.filter((r) => r.state !== "running" && r.state !== "missing");
  return batchTables({ runs, link: () => undefined }).map(mdTable).join("\n");
}
