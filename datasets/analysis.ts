// The analysis task kind (issue 23): a free-form request over a read-only data folder, no hidden answers. The
// script states its result on one line `RESULT=<json>`; the result is checked against an expected one when the
// task gives it (exact, a number within a tolerance, or a set), else only recorded. An analysis loads into the
// same `Task` a competition does — its spec derived here, its data folder as the public folder, `analysis` set —
// so the run pipeline, records, chains, viewer and benches take it as they are.
import { constants, readFileSync } from "node:fs";
import { access, readFile, readdir, stat } from "node:fs/promises";
import { isAbsolute, join, resolve } from "node:path";
import { z } from "zod";
import type { GradeResult } from "./grade.js";
import { TASK_FILES, TaskFormatError, describeSpecIssues, exists, type Task, type TaskSpec } from "./task.js";

/** The marker of the line a script states its result on (the prompt asks for it; the execute step reads it). */
export const RESULT_MARKER = "RESULT=";

/** A JSON value (what a RESULT line holds). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
const JsonValueSchema: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(JsonValueSchema), z.record(z.string(), JsonValueSchema)]),
);

/** The expected result of an analysis: the exact JSON value, a number within a tolerance, or a set (order ignored). */
export const ExpectedResultSchema = z.union([
  z.object({ exact: JsonValueSchema }).strict(),
  z.object({ number: z.number(), tolerance: z.number().nonnegative().default(0) }).strict(),
  z.object({ set: z.array(JsonValueSchema) }).strict(),
]);
export type ExpectedResult = z.infer<typeof ExpectedResultSchema>;

/** task.json of an analysis task folder. The request is `request` here or the file request.md beside it. */
export const AnalysisSpecSchema = z
  .object({
    kind: z.literal("analysis"),
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, "use lower-case letters, digits, '.', '_' or '-' (it names folders)"),
    title: z.string().min(1).optional(),
    request: z.string().optional(),
    /** The data folder (mounted read-only at /data): relative to the task folder, or absolute. */
    data: z.string().min(1, "name the data folder (relative to the task folder, or absolute)"),
    /** What the result is, in words ("the number of blobs"): said in the prompt. */
    result: z.string().min(1).optional(),
    expected: ExpectedResultSchema.optional(),
  })
  .strict();
export type AnalysisSpec = z.infer<typeof AnalysisSpecSchema>;

/** What a run reads about an analysis beyond the spec every task has. */
export interface AnalysisInfo {
  request: string;
  /** What the result is, in words. */
  result?: string;
  expected?: ExpectedResult;
}

/** The file an analysis folder may keep its request in. */
export const REQUEST_FILE = "request.md";

/** The spec every task has, for an analysis: scored by accuracy of its one result (1 it matches, 0 not). */
function analysisTaskSpec(spec: AnalysisSpec): TaskSpec {
  return {
    id: spec.id,
    title: spec.title ?? spec.id,
    data_type: "tabular",
    metric: { name: "accuracy", params: {} },
    lower_is_better: false,
    id_column: "result",
    target_columns: ["result"],
    source: { package: "analysis", version: "1", dataset: spec.data, license: "as the data folder's" },
    license: "as the data folder's",
  };
}

/** The spec every task has, from task.json text of either kind (an analysis's derived; its request and data unchecked). */
export function taskSpecOfText(text: string, file: string, parseCompetition: (text: string, file: string) => TaskSpec): TaskSpec {
  return isAnalysisSpecText(text) ? analysisTaskSpec(parseAnalysisSpec(text, file)) : parseCompetition(text, file);
}

/** A task folder's analysis spec, or undefined when it is a competition. */
export function readAnalysisSpec(dir: string): AnalysisSpec | undefined {
  const file = join(dir, TASK_FILES.spec);
  const text = readFileSync(file, "utf8");
  return isAnalysisSpecText(text) ? parseAnalysisSpec(text, file) : undefined;
}

/** True when task.json text declares an analysis (kind "analysis"). */
export function isAnalysisSpecText(text: string): boolean {
  try {
    const raw = JSON.parse(text) as unknown;
    return typeof raw === "object" && raw !== null && (raw as Record<string, unknown>).kind === "analysis";
  } catch {
    return false;
  }
}

/** The data folder must be a readable folder: each way it is not is named with the fix. */
export async function checkDataFolder(dir: string, named = "data folder"): Promise<void> {
  if (!(await exists(dir))) throw new TaskFormatError(`${named} ${dir} does not exist: give the folder that holds the analysis's files`);
  if (!(await stat(dir)).isDirectory()) throw new TaskFormatError(`${named} ${dir} is a file, not a folder: give the folder that holds it`);
  try {
    await access(dir, constants.R_OK | constants.X_OK);
    await readdir(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
    throw new TaskFormatError(`${named} ${dir} cannot be read (${code}): make it readable, e.g. chmod -R a+rX ${dir}`);
  }
  const hidden = await firstPrivateEntry(dir);
  if (hidden) {
    throw new TaskFormatError(
      `${named} ${dir}: ${hidden.path} is not readable by all (mode ${hidden.mode}); the sandbox runs scripts as a user of its own: make it readable, e.g. chmod -R a+rX ${dir}`,
    );
  }
}

/** Entries looked at for others' read permission (a large image folder is not walked whole). */
const PERMISSION_WALK_LIMIT = 2000;

/** The first folder or file (the folder itself first) that others may not read, breadth first, within the walk limit. */
async function firstPrivateEntry(root: string): Promise<{ path: string; mode: string } | undefined> {
  const queue = [root];
  let seen = 0;
  while (queue.length > 0 && seen < PERMISSION_WALK_LIMIT) {
    const dir = queue.shift()!;
    const mode = (await stat(dir)).mode & 0o777;
    if ((mode & 0o005) !== 0o005) return { path: dir, mode: mode.toString(8).padStart(4, "0") };
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (++seen > PERMISSION_WALK_LIMIT) break;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) queue.push(path);
      else if (entry.isFile()) {
        const fileMode = (await stat(path)).mode & 0o777;
        if ((fileMode & 0o004) === 0) return { path, mode: fileMode.toString(8).padStart(4, "0") };
      }
    }
  }
  return undefined;
}

/** Parses an analysis task.json; throws TaskFormatError naming every bad field. */
export function parseAnalysisSpec(text: string, file: string): AnalysisSpec {
  const parsed = AnalysisSpecSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    const problems = describeSpecIssues(file, parsed.error);
    throw new TaskFormatError(`${file} is invalid: ${problems.join("; ")}`, problems);
  }
  return parsed.data;
}

/** Loads an analysis task folder (task.json with kind "analysis"); `root` is absolute. */
export async function loadAnalysisTask(root: string, specText: string): Promise<Task> {
  const specPath = join(root, TASK_FILES.spec);
  const spec = parseAnalysisSpec(specText, specPath);
  const requestPath = join(root, REQUEST_FILE);
  const request = spec.request ?? ((await exists(requestPath)) ? await readFile(requestPath, "utf8") : undefined);
  if (request === undefined) throw new TaskFormatError(`${specPath}: field 'request' is missing: write the request there or in ${requestPath}`);
  if (request.trim() === "") throw new TaskFormatError(`${spec.request !== undefined ? `${specPath}: field 'request'` : requestPath} is empty: say what to analyse and what the result is`);
  const dataDir = isAbsolute(spec.data) ? spec.data : resolve(root, spec.data);
  await checkDataFolder(dataDir, `${specPath}: field 'data': the data folder`);
  const analysis: AnalysisInfo = { request, ...(spec.result ? { result: spec.result } : {}), ...(spec.expected ? { expected: spec.expected } : {}) };
  return { dir: root, spec: analysisTaskSpec(spec), description: request, publicDir: dataDir, answersPath: "", analysis };
}

/** What a script's output says about its result: none, a RESULT line that is not JSON, or the value. */
export type ResultLine = { kind: "none" } | { kind: "not-json"; line: string; message: string } | { kind: "ok"; value: JsonValue };

/** The last `RESULT=` line of a script's output, parsed. */
export function parseResultLine(stdout: string): ResultLine {
  const lines = stdout.split(/\r?\n/).filter((l) => l.trimStart().startsWith(RESULT_MARKER));
  const last = lines.at(-1);
  if (last === undefined) return { kind: "none" };
  const text = last.trimStart().slice(RESULT_MARKER.length).trim();
  try {
    return { kind: "ok", value: JSON.parse(text) as JsonValue };
  } catch (error) {
    return { kind: "not-json", line: last.length > 200 ? `${last.slice(0, 200)}…` : last, message: (error as Error).message };
  }
}

/** A canonical text of a JSON value (object keys sorted): equal values, equal texts. */
export function canonicalJson(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k]!)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** Does a result match the expected one? A number given as a one-element list or as text counts as the number. */
export function matchesExpected(expected: ExpectedResult, value: JsonValue): boolean {
  if ("exact" in expected) return canonicalJson(expected.exact) === canonicalJson(value);
  if ("number" in expected) {
    const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : Number.NaN;
    return Number.isFinite(n) && Math.abs(n - expected.number) <= expected.tolerance;
  }
  if (!Array.isArray(value)) return false;
  const want = new Set(expected.set.map(canonicalJson));
  const got = new Set(value.map(canonicalJson));
  return want.size === got.size && [...want].every((v) => got.has(v));
}

/** The grade of an analysis's result: valid; scored 1/0 against the expected result, or null without one. */
export function gradeAnalysisResult(analysis: AnalysisInfo, value: JsonValue): GradeResult {
  const score = analysis.expected ? (matchesExpected(analysis.expected, value) ? 1 : 0) : null;
  return { valid: true, score, metric: "accuracy", lower_is_better: false, errors: [] };
}

/** The agreement rule: a result agrees when more than half of all samples (with or without a result) gave it. */
export const holdsMajority = (count: number, samples: number): boolean => count * 2 > samples;

/** Samples whose results are equal (as canonical JSON), largest group first (ties: the group seen first). */
export interface ResultGroup<T extends { result?: JsonValue | undefined }> {
  key: string;
  result: JsonValue;
  members: T[];
}

/** Groups samples by their result (samples without one are left out), largest group first. */
export function groupResults<T extends { result?: JsonValue | undefined }>(samples: readonly T[]): Array<ResultGroup<T>> {
  const groups = new Map<string, ResultGroup<T>>();
  for (const sample of samples) {
    if (sample.result === undefined) continue;
    const key = canonicalJson(sample.result);
    const group = groups.get(key) ?? { key, result: sample.result, members: [] };
    group.members.push(sample);
    groups.set(key, group);
  }
  // A stable sort keeps the first-seen group first among equals.
  return [...groups.values()].sort((a, b) => b.members.length - a.members.length);
}
