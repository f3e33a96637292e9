// unit-tests/result.json of a run (--unit-tests): the tester's pytest file for the final script and its counts.
import { z } from "zod";

/**
 * unit-tests/result.json (--unit-tests): the tester's pytest file for the final script and its run in the sandbox,
 * with the counters of the code+test pipeline (seed 003). The counts are pytest's: a test function is "written",
 * "collected" when pytest found it, and then passed, failed or an error (setup/teardown or collection).
 */
export const UnitTestsRecordSchema = z.object({
  /** The tester's model spec. */
  tester: z.string(),
  /** What happened: ran (pytest ran the file), no-tests (no code in the answer), syntax-error (not parseable after
   * the fix), timeout (pytest did not finish in time), error (the run ended without pytest's report). */
  outcome: z.enum(["ran", "no-tests", "syntax-error", "timeout", "error"]),
  /** `def test_…` functions in the final test file. */
  written: z.number().int().nonnegative(),
  collected: z.number().int().nonnegative(),
  passed: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  skipped: z.number().int().nonnegative(),
  /** Collection errors (the file or the module failed to import) and setup/teardown errors. */
  errors: z.number().int().nonnegative(),
  /** Test files that did not parse (the first answer, and the fix's when it did not parse either): 0, 1 or 2. */
  syntaxErrors: z.number().int().min(0).max(2),
  /** The first file did not parse and was sent back once; fixed: the fix parsed. */
  fix: z.object({ attempted: z.literal(true), fixed: z.boolean(), error: z.string() }).optional(),
  timeout: z.boolean(),
  timeoutSeconds: z.number().int().positive(),
  /** How the script became the importable module `solution`: top-level statements left out (its work). */
  module: z.object({ keptStatements: z.number().int().nonnegative(), droppedStatements: z.number().int().nonnegative() }).optional(),
  durationMs: z.number().nonnegative(),
  detail: z.string().optional(),
});
export type UnitTestsRecord = z.infer<typeof UnitTestsRecordSchema>;
