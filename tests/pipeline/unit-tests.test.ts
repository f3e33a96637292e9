// --unit-tests on a run: the direct coder's script (which calls main() at top level, unguarded) and a tester that
// writes pytest tests for it; the tests run in the real Docker sandbox against the script's definitions. Counted:
// passing and failing tests, a test file that does not parse and its one fix, a run cut by its timeout; the report
// gives the per-model counters. Scripted models (the real agent team), real sandbox, real grader.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseCallStep } from "../../agents/index.js";
import { buildReport, collectRuns } from "../../benchmarks/index.js";
import type { Task } from "../../datasets/index.js";
import { RUN_FILES, UNIT_TEST_FILES, readEvents, readUnitTests, runTask } from "../../execution/index.js";
import type { Sandbox } from "../../sandbox/types.js";
import { fence } from "../support/fence.js";
import type { ScriptedCall } from "../support/scripted-model.js";
import { scriptedDeps, tempDir, useTaskAndSandbox } from "./support.js";

let task: Task;
let sandbox: Sandbox;
useTaskAndSandbox((fixture) => ({ task, sandbox } = fixture));

/** A solution with functions to test; its top-level main() call would write submission.csv on import. */
export const SCRIPT = `import pandas as pd

TARGET = "compressive_strength"


def features_of(frame):
    return [c for c in frame.columns if c not in ("id", TARGET)]


def median_by_age(train):
    return train.groupby("age")[TARGET].median().to_dict()


def predict(table, fallback, ages):
    return [table.get(a, fallback) for a in ages]


def main():
    train = pd.read_csv("/data/train.csv")
    test = pd.read_csv("/data/test.csv")
    table = median_by_age(train)
    fallback = float(train[TARGET].median())
    print("VALIDATION_SCORE=10.0")
    pd.DataFrame({"id": test["id"], TARGET: predict(table, fallback, test["age"])}).to_csv("submission.csv", index=False)


print("working at import")
main()
`;

/** Three tests that pass (one proves importing ran nothing) and one whose expectation is wrong. */
export const TESTS = `import os
import pandas as pd
from solution import features_of, median_by_age, predict


def test_features_leave_out_id_and_target():
    frame = pd.DataFrame({"id": [1], "age": [3], "cement": [1.0], "compressive_strength": [2.0]})
    assert features_of(frame) == ["age", "cement"]


def test_median_by_age():
    train = pd.DataFrame({"age": [1, 1, 7], "compressive_strength": [1.0, 3.0, 5.0]})
    assert median_by_age(train) == {1: 2.0, 7: 5.0}


def test_importing_ran_nothing():
    assert not os.path.exists("submission.csv")


def test_predict_wrong_expectation():
    assert predict({1: 2.0}, 9.0, [1, 5]) == [2.0, 2.0]
`;

const UNPARSABLE = "from solution import predict\n\ndef test_predict(:\n    assert predict({}, 1.0, [3]) == [1.0]\n";
const FIXED = "from solution import predict\n\ndef test_predict():\n    assert predict({}, 1.0, [3]) == [1.0]\n\ndef test_predict_table():\n    assert predict({3: 2.0}, 1.0, [3]) == [2.0]\n";
const SLOW = "import time\n\ndef test_quick():\n    assert True\n\ndef test_slow():\n    time.sleep(60)\n";

function answers(tests: { first: string; fix?: string }) {
  return (call: ScriptedCall): string => {
    const step = parseCallStep(call);
    if (step?.kind === "direct-script") return fence(SCRIPT);
    if (step?.kind === "unit-tests") return `Here are the tests:\n\n${fence(tests.first)}`;
    if (step?.kind === "unit-tests-fix" && tests.fix) return fence(tests.fix);
    throw new Error(`unscripted call ${call.role} ${call.step}`);
  };
}

async function runWithTests(tests: { first: string; fix?: string }, extra: { unitTestTimeout?: number } = {}) {
  const deps = scriptedDeps(sandbox, answers(tests));
  const out = tempDir("lc-unit-tests-");
  const result = await runTask(
    task,
    { mode: "direct", fixAttempts: 0, unitTests: true, ...extra, models: { default: "openai:scripted", tester: "openai:scripted-tester" } },
    { ...deps, outDir: out },
  );
  return { ...result, out, calls: deps.model.calls };
}

describe("--unit-tests on a run", () => {
  it("counts passing and failing tests against the script's definitions (its top-level work not run)", { timeout: 300_000 }, async () => {
    const { dir, run, out } = await runWithTests({ first: TESTS });
    expect(run.status).toBe("succeeded");
    const record = readUnitTests(dir)!;
    expect(record).toMatchObject({ outcome: "ran", tester: "openai:scripted-tester", written: 4, collected: 4, passed: 3, failed: 1, errors: 0, syntaxErrors: 0, timeout: false });
    expect(record.fix).toBeUndefined();
    // The print and the main() call are the dropped statements; the constant, imports and functions kept.
    expect(record.module).toEqual({ keptStatements: 6, droppedStatements: 2 });
    expect(readFileSync(join(dir, RUN_FILES.unitTests, UNIT_TEST_FILES.tests), "utf8").trim()).toBe(TESTS.trim());
    expect(readFileSync(join(dir, RUN_FILES.unitTests, UNIT_TEST_FILES.stdout), "utf8")).toMatch(/1 failed, 3 passed/);
    // The tester's call is in the transcript like every call, under its own role and model.
    const lines = readFileSync(join(dir, RUN_FILES.transcripts), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { role: string; step: string; model: string });
    expect(lines.filter((l) => l.role === "tester").map((l) => [l.step, l.model])).toEqual([["unit-tests", "openai:scripted-tester"]]);
    expect(readEvents(dir).some((e) => e.type === "stage.finished" && e.stage === "unit-tests" && e.ok)).toBe(true);

    // The report: per model, the share of scripts with a passing test, the pass rate and the counters.
    const report = buildReport(collectRuns(out), { linkOf: (runDir) => runDir });
    const table = report.tables.find((t) => t.id === "unit-tests")!;
    expect(table.columns).toEqual(expect.arrayContaining(["Scripts tested", "With ≥1 passing test", "Pass rate", "Written", "Collected", "Passed", "Failed", "Errors", "Syntax errors", "Timeouts"]));
    const row = Object.fromEntries(table.columns.map((c, i) => [c, table.rows[0]![i]!.text]));
    expect(row).toMatchObject({ "Scripts tested": "1", "With ≥1 passing test": "1 (100%)", "Pass rate": "75%", Passed: "3", Failed: "1", "Syntax errors": "0", Timeouts: "0" });
  });

  it("sends a test file that does not parse back to the tester once, and records the fix", { timeout: 300_000 }, async () => {
    const { dir, calls } = await runWithTests({ first: UNPARSABLE, fix: FIXED });
    const record = readUnitTests(dir)!;
    expect(record).toMatchObject({ outcome: "ran", written: 2, collected: 2, passed: 2, failed: 0, syntaxErrors: 1, fix: { attempted: true, fixed: true } });
    expect(record.fix!.error).toMatch(/line 3/);
    expect(readFileSync(join(dir, RUN_FILES.unitTests, UNIT_TEST_FILES.unparsed), "utf8").trim()).toBe(UNPARSABLE.trim());
    expect(calls.map((c) => parseCallStep(c)?.kind).filter((k) => k?.startsWith("unit-tests"))).toEqual(["unit-tests", "unit-tests-fix"]);
  });

  it("records a file still unparsable after its fix as a syntax error (nothing run)", { timeout: 300_000 }, async () => {
    const { dir, run } = await runWithTests({ first: UNPARSABLE, fix: UNPARSABLE });
    expect(run.status).toBe("succeeded");
    const record = readUnitTests(dir)!;
    expect(record).toMatchObject({ outcome: "syntax-error", written: 1, collected: 0, passed: 0, syntaxErrors: 2, fix: { attempted: true, fixed: false } });
    expect(existsSync(join(dir, RUN_FILES.unitTests, UNIT_TEST_FILES.stdout))).toBe(false);
  });

  it("stops tests at their timeout and keeps the counts reached", { timeout: 300_000 }, async () => {
    const { dir } = await runWithTests({ first: SLOW }, { unitTestTimeout: 8 });
    const record = readUnitTests(dir)!;
    expect(record).toMatchObject({ outcome: "timeout", timeout: true, timeoutSeconds: 8, collected: 2, passed: 1 });
  });
});
