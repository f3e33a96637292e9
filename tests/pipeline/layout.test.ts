// The run and bench folders' file names are spelled in one table each (execution/record/layout.ts,
// benchmarks/layout.ts, and the two names their layers below own: TRANSCRIPT_FILE, SUBMISSION_FILE). This scans
// the library for a string literal spelling one of them anywhere else, so a reader or writer that names a file
// by hand fails here instead of drifting from the table.
import { readdirSync, readFileSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { BENCH_FILES, REPORT_FILES } from "../../benchmarks/index.js";
import { ATTEMPT_FILES, CODE_FILE, CODE_FILES, RUN_FILES } from "../../execution/index.js";

const ROOT = join(import.meta.dirname, "..", "..");
const LIBRARY = ["agents", "benchmarks", "cli", "codegen", "core", "datasets", "execution", "finetune", "instructions", "sandbox", "viewer"];

/** Where the names are defined. */
const TABLES = new Set(["execution/record/layout.ts", "benchmarks/layout.ts", "agents/transcript.ts", "datasets/task.ts"]);
/** The same name with another meaning: the file, the name, and why it is not a run file. */
const OTHER_MEANING: ReadonlyArray<{ file: string; name: string; why: string }> = [
  { file: "datasets/mlebench/grade.ts", name: "result.json", why: "grade_driver.py's own output in its sandbox" },
];

/** File names (with an extension) of every table. */
function tableNames(): string[] {
  const values = [RUN_FILES, ATTEMPT_FILES, CODE_FILES, BENCH_FILES, REPORT_FILES].flatMap((table) => Object.values(table) as string[]);
  return [...new Set(values.map((v) => basename(v)).filter((name) => name.includes(".")))];
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const QUOTE = "[\"'`]";
// An optional path before the name inside the same literal ("code/merged.py", `exec/${a}/result.json`).
const PATH = "(?:[\\w.${}/-]*/)?";

/** One pattern per name; the numbered code files (attempt-<n>.py) from their builders, any text for the number. */
function patterns(): { name: string; re: RegExp }[] {
  const fixed = tableNames().map((name) => ({ name, re: new RegExp(`${QUOTE}${PATH}${escape(name)}${QUOTE}`) }));
  const numbered = [CODE_FILE.attempt("\0"), CODE_FILE.feedback(0).replace("0", "\0")].map((example) => {
    const [prefix = "", suffix = ""] = example.split("\0");
    return { name: `${prefix}<n>${suffix}`, re: new RegExp(`${QUOTE}${PATH}${escape(prefix)}[^"'\`\\s]*${escape(suffix)}${QUOTE}`) };
  });
  return [...fixed, ...numbered];
}

function libraryFiles(): string[] {
  return LIBRARY.flatMap((folder) =>
    (readdirSync(join(ROOT, folder), { recursive: true }) as string[]).filter((f) => f.endsWith(".ts")).map((f) => relative(ROOT, join(ROOT, folder, f))),
  );
}

/** Every `file:line: name` where a literal spells a table's name outside the tables. */
export function literalRunFileNames(read: (file: string) => string = (file) => readFileSync(join(ROOT, file), "utf8")): string[] {
  const found: string[] = [];
  const all = patterns();
  for (const file of libraryFiles()) {
    if (TABLES.has(file)) continue;
    read(file)
      .split("\n")
      .forEach((line, i) => {
        // Comments may name files (`submission.csv` in a doc comment is prose, not a path).
        if (/^\s*(\/\/|\/?\*)/.test(line)) return;
        for (const { name, re } of all) {
          if (!re.test(line)) continue;
          if (OTHER_MEANING.some((o) => o.file === file && o.name === name)) continue;
          found.push(`${file}:${i + 1}: ${name}`);
        }
      });
  }
  return found;
}

describe("one path table for run and bench files", () => {
  it("knows the names it guards", () => {
    const names = patterns().map((p) => p.name);
    for (const name of ["run.json", "transcripts.jsonl", "context.md", "merged.py", "final.py", "result.json", "stdout.txt", "bench.json", "bench-events.jsonl", "merge-fallback.txt", "attempt-<n>.py", "feedback-<n>.py"])
      expect(names).toContain(name);
    expect(libraryFiles().length).toBeGreaterThan(150);
  });

  it("finds a literal run-file name outside the tables", () => {
    const planted = (file: string) => (file === "viewer/source.ts" ? 'const x = join(dir, "merged.py");\nconst y = `attempt-${n}.py`;\n' : "");
    expect(literalRunFileNames(planted)).toEqual(["viewer/source.ts:1: merged.py", "viewer/source.ts:2: attempt-<n>.py"]);
  });

  it("no library file spells a run or bench file name outside the tables", () => {
    expect(literalRunFileNames()).toEqual([]);
  });
});
