// --unit-tests: after the final script, the tester writes a pytest file for it; a file that does not parse goes back
// to the tester once; the tests run in the sandbox against the script's definitions (codegen/unit-tests.ts says how
// a script that works on import is imported) with their own timeout. Everything lands in unit-tests/ of the record,
// the tester's calls in transcripts.jsonl like every call; a resumed run reads result.json back.
import { join } from "node:path";
import { RUN_STAGE } from "../agents/index.js";
import { NoCodeError, checkSyntax, countTestFunctions, fixUnitTests, readUnitTestReport, unitTestDriver, writeUnitTests } from "../codegen/index.js";
import { RUN_FILES, UNIT_TEST_FILES, type UnitTestsRecord, readUnitTests } from "./record/index.js";
import { type SolutionState, type StageContext, codegenInput, runStage } from "./state.js";

/** The tests' wall-clock limit when --unit-test-timeout is not given. */
export const UNIT_TEST_TIMEOUT_SECONDS = 120;

type UnitTestsContext = Pick<StageContext, "writer" | "task" | "options" | "team" | "sandbox" | "callOptions" | "signal" | "done">;

const unitTestsPath = (file: (typeof UNIT_TEST_FILES)[keyof typeof UNIT_TEST_FILES]) => join(RUN_FILES.unitTests, file);

/** The tester's file for `script`, with its one fix when it does not parse: the tests to run, or why there are none. */
async function testFile(ctx: UnitTestsContext, state: SolutionState, script: string) {
  const tester = ctx.team.model("tester");
  const input = { ...codegenInput(state), script };
  let tests: string;
  try {
    tests = (await writeUnitTests(tester, input, ctx.callOptions)).code;
  } catch (error) {
    if (error instanceof NoCodeError) return { tests: "", syntaxErrors: 0, noTests: error.message };
    throw error;
  }
  const first = await checkSyntax(ctx.sandbox, tests, 60, UNIT_TEST_FILES.tests);
  if (first.ok) return { tests, syntaxErrors: 0 };
  ctx.writer.writeTopFile(unitTestsPath(UNIT_TEST_FILES.unparsed), tests);
  ctx.signal?.throwIfAborted();
  let fixed: string;
  try {
    fixed = (await fixUnitTests(tester, { ...input, tests, error: first.text }, ctx.callOptions)).code;
  } catch (error) {
    if (!(error instanceof NoCodeError)) throw error;
    return { tests, syntaxErrors: 1, fix: { attempted: true as const, fixed: false, error: first.text }, unparsed: error.message };
  }
  const second = await checkSyntax(ctx.sandbox, fixed, 60, UNIT_TEST_FILES.tests);
  const fix = { attempted: true as const, fixed: second.ok, error: first.text };
  return second.ok ? { tests: fixed, syntaxErrors: 1, fix } : { tests: fixed, syntaxErrors: 2, fix, unparsed: second.text };
}

async function unitTests(ctx: UnitTestsContext, state: SolutionState, script: string): Promise<UnitTestsRecord> {
  const started = performance.now();
  const timeoutSeconds = ctx.options.unitTestTimeout ?? UNIT_TEST_TIMEOUT_SECONDS;
  const file = await testFile(ctx, state, script);
  const zero = { collected: 0, passed: 0, failed: 0, skipped: 0, errors: 0 };
  const base = {
    tester: ctx.team.model("tester").spec,
    written: countTestFunctions(file.tests),
    syntaxErrors: file.syntaxErrors,
    ...(file.fix ? { fix: file.fix } : {}),
    timeoutSeconds,
  };
  if (file.tests) ctx.writer.writeTopFile(unitTestsPath(UNIT_TEST_FILES.tests), file.tests);
  const ended = (rest: Omit<UnitTestsRecord, keyof typeof base | "durationMs">): UnitTestsRecord => ({ ...base, ...rest, durationMs: performance.now() - started });
  if (file.noTests !== undefined) return ended({ outcome: "no-tests", ...zero, timeout: false, detail: file.noTests });
  if (file.unparsed !== undefined) return ended({ outcome: "syntax-error", ...zero, timeout: false, detail: file.unparsed });
  ctx.signal?.throwIfAborted();
  const result = await ctx.sandbox.run({
    script: unitTestDriver({ script, tests: file.tests, testFile: UNIT_TEST_FILES.tests }),
    publicDir: ctx.task.publicDir,
    timeoutSeconds,
    outputDir: ctx.writer.path(RUN_FILES.unitTests, UNIT_TEST_FILES.workspace),
  });
  ctx.writer.writeTopFile(unitTestsPath(UNIT_TEST_FILES.stdout), result.stdout);
  ctx.writer.writeTopFile(unitTestsPath(UNIT_TEST_FILES.stderr), result.stderr);
  const report = readUnitTestReport(result.stdout);
  const counts = report ? { collected: report.collected, passed: report.passed, failed: report.failed, skipped: report.skipped, errors: report.errors } : zero;
  const module = report?.module ? { module: report.module } : {};
  const timeout = result.outcome === "timeout";
  if (timeout) return ended({ outcome: "timeout", ...counts, ...module, timeout, detail: `pytest did not finish within ${timeoutSeconds} s` });
  if (report?.exit === undefined) {
    const why = result.error ? `${result.error.type}: ${result.error.message}` : `${result.outcome}, exit ${result.exitCode}`;
    return ended({ outcome: "error", ...counts, ...module, timeout, detail: `the test run ended without pytest's report (${why})` });
  }
  return ended({ outcome: "ran", ...counts, ...module, timeout });
}

/**
 * Writes and runs the unit tests of the final script when the run asks for them (once: resume reads unit-tests/
 * back). A failing or unparsable test file is a finding, not a failed run; a model or sandbox error is the run's.
 */
export async function unitTestStage(ctx: UnitTestsContext, state: SolutionState, script: string): Promise<UnitTestsRecord | undefined> {
  if (!ctx.options.unitTests) return undefined;
  return runStage(ctx, {
    name: RUN_STAGE.unitTests,
    load: () => readUnitTests(ctx.writer.dir),
    work: async () => {
      const record = await unitTests(ctx, state, script);
      ctx.writer.writeTopFile(unitTestsPath(UNIT_TEST_FILES.result), `${JSON.stringify(record, null, 2)}\n`);
      return record;
    },
    softFailure: (record) => (record.outcome === "ran" ? undefined : `${record.outcome}${record.detail ? `: ${record.detail}` : ""}`),
  });
}
