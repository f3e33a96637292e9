// Reading a run folder back: each file validated by its schema, chains and branches read recursively.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { RunRecordError, readJsonFile, readJsonLines } from "./files.js";
import { ATTEMPT_FILES, RUN_FILES, UNIT_TEST_FILES } from "./layout.js";
import {
  type AttemptResult,
  AttemptResultSchema,
  type RunEvent,
  RunEventSchema,
  type RunJson,
  RunJsonSchema,
  type ScoreJson,
  ScoreJsonSchema,
} from "./schemas.js";
import { type SearchNode, SearchNodeSchema } from "./search-schemas.js";
import { type UnitTestsRecord, UnitTestsRecordSchema } from "./unit-tests-schemas.js";

export function readRunJson(dir: string): RunJson {
  const path = join(dir, RUN_FILES.run);
  if (!existsSync(path)) throw new RunRecordError(`${dir} is not a run folder (no ${RUN_FILES.run})`);
  return readJsonFile(path, RunJsonSchema);
}

export function readEvents(dir: string): RunEvent[] {
  return readJsonLines(join(dir, RUN_FILES.events), RunEventSchema).items;
}

export function readAttempts(dir: string): AttemptResult[] {
  const execDir = join(dir, RUN_FILES.exec);
  if (!existsSync(execDir)) return [];
  return readdirSync(execDir)
    .filter((name) => existsSync(join(execDir, name, ATTEMPT_FILES.result)))
    .map((name) => readJsonFile(join(execDir, name, ATTEMPT_FILES.result), AttemptResultSchema))
    .sort((a, b) => a.index - b.index);
}

/**
 * A search's nodes so far, in step order (resume continues after the last; the viewer draws them while the search
 * runs): a last line cut short by a crash or caught mid-append is left out.
 */
export function readSearchNodes(dir: string): SearchNode[] {
  return readJsonLines(join(dir, RUN_FILES.searchNodes), SearchNodeSchema).items;
}

export function readScore(dir: string): ScoreJson | undefined {
  const path = join(dir, RUN_FILES.score);
  return existsSync(path) ? readJsonFile(path, ScoreJsonSchema) : undefined;
}

/** --unit-tests: unit-tests/result.json, or undefined when the run wrote none (no --unit-tests, or not that far). */
export function readUnitTests(dir: string): UnitTestsRecord | undefined {
  const path = join(dir, RUN_FILES.unitTests, UNIT_TEST_FILES.result);
  return existsSync(path) ? readJsonFile(path, UnitTestsRecordSchema) : undefined;
}

export interface RunRecord {
  dir: string;
  run: RunJson;
  events: RunEvent[];
  attempts: AttemptResult[];
  score?: ScoreJson;
  instructions?: unknown;
  chains: RunRecord[];
}

export function readRunRecord(dir: string): RunRecord {
  const run = readRunJson(dir);
  const instructionsPath = join(dir, RUN_FILES.instructions);
  return {
    dir,
    run,
    events: readEvents(dir),
    attempts: readAttempts(dir),
    score: readScore(dir),
    instructions: existsSync(instructionsPath) ? (JSON.parse(readFileSync(instructionsPath, "utf8")) as unknown) : undefined,
    chains: (run.chains ?? []).map((chain) => readRunRecord(join(dir, chain.dir))),
  };
}
