// The layout of a run folder, defined once: the writer, the reader, the execute-and-fix loop and the viewer all
// name files through these constants (DESIGN.md "Run record").
//
//   runs/<run-id>/
//     run.json            RunJson (config as run, versions, fingerprint, models, seeds, status, timings, usage)
//     events.jsonl        RunEvent per line, appended as things happen
//     transcripts.jsonl   written by the agents layer (one LLM call per line)
//     instructions.json   InstructionsRecord (candidates, critic findings, choice, refined instruction)
//     code/blocks/<stage>.py, code/attempt-<n>.py, code/final.py, code/solution.ipynb
//     exec/<n>/           result.json (AttemptResult), stdout.txt, stderr.txt, workspace/ (the script's output files)
//     submission.csv, score.json
//     chains/<chain-id>/  one full run record per chain when --chains/--iterations ask for several
//     branches/<k>/       one full run record per candidate instruction under --select validation
//     sanity/             --sanity permuted-labels: the final script's rerun on permuted training targets
import { join } from "node:path";

export const RUN_RECORD_SCHEMA_VERSION = 1;

export const RUN_FILES = {
  run: "run.json",
  events: "events.jsonl",
  transcripts: "transcripts.jsonl",
  instructions: "instructions.json",
  context: "context.md",
  code: "code",
  blocks: join("code", "blocks"),
  exec: "exec",
  submission: "submission.csv",
  score: "score.json",
  notebook: join("code", "solution.ipynb"),
  finalScript: join("code", "final.py"),
  chains: "chains",
  branches: "branches",
  /** --sanity permuted-labels: the rerun's workspace, stdout.txt and stderr.txt. */
  sanity: "sanity",
} as const;

/** Files inside exec/<attempt>/. */
export const ATTEMPT_FILES = {
  result: "result.json",
  stdout: "stdout.txt",
  stderr: "stderr.txt",
  /** The folder the script wrote into (submission.csv and whatever else it left). */
  workspace: "workspace",
  /** The submission inside the workspace. */
  submission: join("workspace", "submission.csv"),
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
