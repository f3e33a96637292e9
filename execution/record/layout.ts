// The layout of a run folder, defined once: the writer, the reader, the execute-and-fix loop and the viewer all
// name files through these constants (DESIGN.md "Run record").
//
//   runs/<run-id>/
//     run.json            RunJson (config as run, versions, fingerprint, models, seeds, status, timings, usage)
//     events.jsonl        RunEvent per line, appended as things happen
//     transcripts.jsonl   written by the agents layer (one LLM call per line)
//     instructions.json   InstructionsRecord (candidates, critic findings, choice, refined instruction)
//     context.md          the rendered task context every prompt starts from
//     code/blocks/<stage>.py, code/merged.py, code/merge-fallback.txt, code/attempt-<n>.py, code/feedback-<r>.py,
//       code/final.py, code/solution.ipynb
//     exec/<n>/           result.json (AttemptResult), stdout.txt, stderr.txt, workspace/ (the script's output files),
//                         figures/ (the PNG/SVG files it saved, capped: execution/figures.ts),
//                         review-figures/ (those a reviewer was sent, downscaled: execution/review-figures.ts)
//     submission.csv, score.json
//     chains/<chain-id>/  one full run record per chain when --chains/--iterations ask for several
//     branches/<k>/       one full run record per candidate instruction under --select validation
//     sanity/             --sanity permuted-labels: the final script's rerun on permuted training targets
//     search/nodes.jsonl  --search: one SearchNode per line, appended as each step ends
//     search/journal.json the finished tree in AIDE's journal shape
//     unit-tests/         --unit-tests: result.json (UnitTestsRecord), test_solution.py (the tests run),
//                         test_solution.unparsed.py (the tester's first file when it did not parse), stdout/stderr,
//                         workspace/ (the module and tests as the sandbox held them)
//
// No other module spells one of these names: tests/pipeline/layout.test.ts scans the library for them.
import { join } from "node:path";
import { TRANSCRIPT_FILE } from "../../agents/index.js";
import { SUBMISSION_FILE } from "../../datasets/index.js";

export const RUN_RECORD_SCHEMA_VERSION = 1;

/** Names of the files under code/ (for RunRecordWriter.writeCodeFile); the numbered ones are built by CODE_FILE. */
export const CODE_FILES = {
  /** The merger's script before its first run (resume reads it instead of asking the merger again). */
  merged: "merged.py",
  /** Why the merger's answer was not used and the mechanical join of the blocks was. */
  mergeFallback: "merge-fallback.txt",
  final: "final.py",
  notebook: "solution.ipynb",
} as const;

/** The numbered and named files under code/: what each holds is said where they are written. */
export const CODE_FILE = {
  /** code/blocks/<name>.py: a staged coder's block, or the direct coder's whole script ("script"). */
  block: (name: string) => `${name}.py`,
  /** code/attempt-<n>.py: the script an attempt ran. */
  attempt: (attempt: string) => `attempt-${attempt}.py`,
  /** code/feedback-<r>.py: the reviewer's script of feedback round r. */
  feedback: (round: number) => `feedback-${round}.py`,
};

/** The block name of a file under code/blocks/ (undefined when it is not a block). */
export function blockNameOf(file: string): string | undefined {
  return file.endsWith(".py") ? file.slice(0, -".py".length) : undefined;
}

/** True for an attempt's script under code/ (attempt-<n>.py, see CODE_FILE.attempt). */
export function isAttemptScript(file: string): boolean {
  return /^attempt-.+\.py$/.test(file);
}

export const RUN_FILES = {
  run: "run.json",
  events: "events.jsonl",
  transcripts: TRANSCRIPT_FILE,
  instructions: "instructions.json",
  context: "context.md",
  code: "code",
  blocks: join("code", "blocks"),
  exec: "exec",
  submission: SUBMISSION_FILE,
  score: "score.json",
  notebook: join("code", CODE_FILES.notebook),
  merged: join("code", CODE_FILES.merged),
  finalScript: join("code", CODE_FILES.final),
  chains: "chains",
  branches: "branches",
  /** --sanity permuted-labels: the rerun's workspace, stdout.txt and stderr.txt. */
  sanity: "sanity",
  /** --search: the tree's nodes, one per line, appended as each step ends. */
  searchNodes: join("search", "nodes.jsonl"),
  /** --search: the finished tree in AIDE's journal.json shape (aide/utils/serialize.py reads it). */
  searchJournal: join("search", "journal.json"),
  /** --unit-tests: the tester's tests for the final script and their run (UNIT_TEST_FILES). */
  unitTests: "unit-tests",
  /** Held while a process writes the record (record/lock.ts). */
  lock: "run.lock",
} as const;

/** Files inside exec/<attempt>/. */
export const ATTEMPT_FILES = {
  result: "result.json",
  stdout: "stdout.txt",
  stderr: "stderr.txt",
  /** The folder the script wrote into (submission.csv and whatever else it left). */
  workspace: "workspace",
  /** The PNG and SVG files the script saved, copied out of the workspace (capped; AttemptResult.figures lists them). */
  figures: "figures",
  /** The figures as a feedback round's reviewer was sent them (downscaled PNGs, named by their order). */
  reviewFigures: "review-figures",
  /** The submission inside the workspace. */
  submission: join("workspace", SUBMISSION_FILE),
} as const;

/** Files inside unit-tests/. */
export const UNIT_TEST_FILES = {
  result: "result.json",
  /** The test file that ran (the fixed one after a fix). */
  tests: "test_solution.py",
  /** The tester's first file, kept when it did not parse and was sent back for its one fix. */
  unparsed: "test_solution.unparsed.py",
  stdout: "stdout.txt",
  stderr: "stderr.txt",
  workspace: "workspace",
} as const;

/** Relative path of a file of one attempt: exec/<attempt>/<file>. */
export function attemptPath(attempt: string, file: (typeof ATTEMPT_FILES)[keyof typeof ATTEMPT_FILES]): string {
  return join(RUN_FILES.exec, attempt, file);
}

export function attemptName(index: number): string {
  return String(index + 1).padStart(3, "0");
}

/** A new run id: sortable by time, readable, unique enough for one machine. */
export function newRunId(taskId: string, mode: string, now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  const random = Math.random().toString(36).slice(2, 6);
  const safeTask = taskId.replace(/[^A-Za-z0-9_.-]+/g, "-");
  return `${stamp}-${safeTask}-${mode}-${random}`;
}
