// The analysis task kind (issue 23): task folders (zod-validated, errors naming file, field and fix), RESULT lines,
// expected results (exact, tolerance, set) and the consistency of samples (majority and share, or no agreement).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadTask, matchesExpected, parseResultLine, TaskFormatError } from "../../datasets/index.js";
import { analysisConsistency, type AnalysisSample } from "../../execution/index.js";
import { tempDir } from "../pipeline/support.js";

function analysisFolder(spec: Record<string, unknown>, files: Record<string, string> = {}): string {
  const dir = tempDir("lc-analysis-task-");
  mkdirSync(join(dir, "data"), { mode: 0o755 });
  writeFileSync(join(dir, "data", "x.csv"), "a\n1\n", { mode: 0o644 });
  writeFileSync(join(dir, "task.json"), JSON.stringify(spec));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe("analysis task folders", () => {
  it("loads: the request from request.md, the data folder as the public folder, no answers", async () => {
    const dir = analysisFolder({ kind: "analysis", id: "count", data: "data", result: "the count", expected: { number: 3, tolerance: 0.5 } }, { "request.md": "Count the rows.\n" });
    const task = await loadTask(dir);
    expect(task.publicDir).toBe(join(dir, "data"));
    expect(task.analysis).toEqual({ request: "Count the rows.\n", result: "the count", expected: { number: 3, tolerance: 0.5 } });
    expect(task.spec).toMatchObject({ id: "count", title: "count", metric: { name: "accuracy" }, lower_is_better: false });
  });

  const bad: Array<[string, Record<string, unknown>, Record<string, string>, RegExp]> = [
    ["no request", { kind: "analysis", id: "a", data: "data" }, {}, /task\.json: field 'request' is missing: write the request there or in .*request\.md/],
    ["an empty request", { kind: "analysis", id: "a", data: "data", request: " \n" }, {}, /task\.json: field 'request' is empty: say what to analyse/],
    ["a missing data folder", { kind: "analysis", id: "a", data: "nope", request: "r" }, {}, /field 'data': the data folder .*nope does not exist/],
    ["a bad expected result", { kind: "analysis", id: "a", data: "data", request: "r", expected: { number: "3" } }, {}, /task\.json: field 'expected'/],
    ["an unknown field", { kind: "analysis", id: "a", data: "data", request: "r", answer: 3 }, {}, /task\.json: field '\(top level\)': Unrecognized key: "answer"/],
    ["a bad id", { kind: "analysis", id: "A B", data: "data", request: "r" }, {}, /task\.json: field 'id': use lower-case letters/],
  ];
  for (const [name, spec, files, message] of bad) {
    it(`${name} → TaskFormatError naming the file and field`, async () => {
      const error = await loadTask(analysisFolder(spec, files)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TaskFormatError);
      expect((error as Error).message).toMatch(message);
    });
  }
});

describe("RESULT lines and expected results", () => {
  it("reads the last RESULT line as JSON; none, or not JSON, is said", () => {
    expect(parseResultLine("x\nRESULT=1\nRESULT={\"n\": [1, 2]}\n")).toEqual({ kind: "ok", value: { n: [1, 2] } });
    expect(parseResultLine("no result here\n")).toEqual({ kind: "none" });
    expect(parseResultLine("RESULT=four")).toMatchObject({ kind: "not-json", line: "RESULT=four" });
    expect(parseResultLine("  RESULT=null")).toEqual({ kind: "ok", value: null });
  });

  it("exact (key order ignored), number within tolerance, set (order ignored)", () => {
    expect(matchesExpected({ exact: { a: 1, b: [2] } }, { b: [2], a: 1 })).toBe(true);
    expect(matchesExpected({ exact: [1, 2] }, [2, 1])).toBe(false);
    expect(matchesExpected({ number: 3, tolerance: 0.5 }, 3.4)).toBe(true);
    expect(matchesExpected({ number: 3, tolerance: 0.5 }, 3.6)).toBe(false);
    expect(matchesExpected({ number: 3, tolerance: 0 }, "3")).toBe(true);
    expect(matchesExpected({ set: ["a", "b"] }, ["b", "a"])).toBe(true);
    expect(matchesExpected({ set: ["a", "b"] }, ["a"])).toBe(false);
  });
});

describe("consistency of samples", () => {
  const sample = (id: string, result?: number): AnalysisSample => ({
    id,
    sample: 0,
    iteration: 0,
    runDir: id,
    status: "succeeded",
    hasResult: result !== undefined,
    ...(result !== undefined ? { result } : { error: "NoResult: …" }),
    attempts: 1,
  });

  it("a majority holds more than half of all samples", () => {
    const c = analysisConsistency([sample("a", 4), sample("b", 4), sample("c", 5)]);
    expect(c).toMatchObject({ samples: 3, withResult: 3, majority: 4, majorityCount: 2, agreement: true });
    expect(c.share).toBeCloseTo(2 / 3);
    expect(c.groups).toEqual([
      { result: 4, count: 2, samples: ["a", "b"] },
      { result: 5, count: 1, samples: ["c"] },
    ]);
  });

  it("half is no agreement; samples without a result count against it", () => {
    expect(analysisConsistency([sample("a", 4), sample("b", 4), sample("c", 5), sample("d")])).toMatchObject({ majority: 4, share: 0.5, agreement: false });
    expect(analysisConsistency([sample("a"), sample("b")])).toMatchObject({ withResult: 0, majorityCount: 0, agreement: false });
  });
});
