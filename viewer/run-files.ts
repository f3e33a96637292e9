// What the run page shows of one run folder's files: each attempt with its script and output, the staged coders'
// blocks in pipeline order, the other files under code/, the head of the submission. Read through execution/'s
// confined readers and named through its path table.
import { existsSync } from "node:fs";
import { join, sep } from "node:path";
import { TASK_FILES, readAnalysisSpec } from "../datasets/index.js";
import { parse as parseCsv } from "csv-parse/sync";
import { CODE_STAGES } from "../codegen/index.js";
import {
  ATTEMPT_FILES,
  CODE_FILES,
  RUN_FILES,
  attemptPath,
  blockNameOf,
  consistencyLines,
  isAttemptScript,
  readAnalysisOutcome,
  listRunFolder,
  readRunText,
  type AttemptResult,
  type ReviewFigures,
  type RunEvent,
} from "../execution/index.js";
import type { AttemptView, RunPayload, SubmissionView, TextView } from "./api.js";
import { attemptParents } from "./derive.js";

const OUTPUT_LIMIT = 256 * 1024;
const SUBMISSION_ROWS = 20;

export const posix = (path: string) => path.split(sep).join("/");

function textView(dir: string, rel: string, limit = OUTPUT_LIMIT): TextView | null {
  const read = readRunText(dir, rel, limit);
  return read ? { text: read.text, bytes: read.bytes, truncated: read.truncated } : null;
}

/** What each feedback round's reviewer saw of the figures, by round (the review.finished events). */
function reviewsByRound(events: readonly RunEvent[]): Map<number, ReviewFigures> {
  const reviews = new Map<number, ReviewFigures>();
  for (const e of events) if (e.type === "review.finished" && e.figures) reviews.set(e.round, e.figures);
  return reviews;
}

export function attemptViews(dir: string, attempts: readonly AttemptResult[], events: readonly RunEvent[] = []): AttemptView[] {
  const parents = attemptParents(attempts);
  const reviews = reviewsByRound(events);
  return attempts.map((a) => ({
    attempt: a.attempt,
    index: a.index,
    kind: a.kind,
    fixIndex: a.fixIndex,
    feedbackRound: a.feedbackRound,
    outcome: a.outcome,
    errorClass: a.errorClass ?? null,
    errorMessage: a.errorMessage ?? null,
    tracebackTail: a.tracebackTail ?? null,
    errorLine: a.errorLine ?? null,
    durationMs: a.durationMs,
    valid: a.outcome === "ok" && a.submission.valid,
    score: a.submission.score ?? null,
    submissionErrors: a.submission.errors,
    parent: parents.get(a.attempt) ?? null,
    scriptPath: posix(a.script),
    script: readRunText(dir, a.script)?.text ?? null,
    stdout: textView(dir, attemptPath(a.attempt, ATTEMPT_FILES.stdout)),
    stderr: textView(dir, attemptPath(a.attempt, ATTEMPT_FILES.stderr)),
    stdoutTruncated: a.stdoutTruncated,
    stderrTruncated: a.stderrTruncated,
    figures: (a.figures?.files ?? []).map((f) => ({ name: f.name, format: f.format, bytes: f.bytes, width: f.width ?? null, height: f.height ?? null, path: posix(f.path) })),
    figuresSkipped: a.figures?.skipped ?? [],
    review: a.kind === "feedback" ? (reviews.get(a.feedbackRound) ?? null) : null,
  }));
}

/** The blocks under code/blocks/, in the pipeline's stage order (others after, by name); `skipped` hears of an entry that cannot be followed. */
export function blockViews(dir: string, skipped?: (reason: string) => void): { name: string; code: string }[] {
  const order = (name: string) => {
    const i = (CODE_STAGES as readonly string[]).indexOf(name);
    return i === -1 ? CODE_STAGES.length : i;
  };
  return listRunFolder(dir, RUN_FILES.blocks, skipped)
    .flatMap((file) => {
      const name = blockNameOf(file);
      return name === undefined ? [] : [{ name, code: readRunText(dir, join(RUN_FILES.blocks, file))?.text ?? "" }];
    })
    .sort((a, b) => order(a.name) - order(b.name) || a.name.localeCompare(b.name));
}

/** The files under code/ that the page does not show elsewhere (merge-fallback.txt, feedback-<r>.py, …). */
export function otherCodeFiles(dir: string, skipped?: (reason: string) => void): { name: string; text: string }[] {
  const known = new Set<string>([CODE_FILES.merged, CODE_FILES.final, CODE_FILES.notebook]);
  return listRunFolder(dir, RUN_FILES.code, skipped)
    .filter((name) => !known.has(name) && !isAttemptScript(name) && !name.endsWith(".tmp"))
    .map((name) => ({ name, text: readRunText(dir, join(RUN_FILES.code, name))?.text ?? "" }));
}

/** The submission's header and first rows (a cut last line dropped). */
export function submissionHead(dir: string): SubmissionView | null {
  const read = readRunText(dir, RUN_FILES.submission, 64 * 1024);
  if (!read) return null;
  const lines = read.text.split("\n");
  // A cut file ends in a partial line: drop it rather than show half a row.
  if (read.truncated || !read.text.endsWith("\n")) lines.pop();
  const head = lines.filter((l) => l.trim() !== "").slice(0, SUBMISSION_ROWS + 1);
  let rows: string[][];
  try {
    rows = parseCsv(head.join("\n"), { relax_column_count: true }) as string[][];
  } catch {
    rows = head.map((l) => [l]);
  }
  const [header = [], ...body] = rows;
  return { header, rows: body, bytes: read.bytes, more: lines.filter((l) => l.trim() !== "").length > SUBMISSION_ROWS + 1 || read.truncated };
}

/** An analysis run's outcome and consistency lines (issue 23); null for a competition, or while the record cannot be read whole. */
export function analysisView(taskDir: string | undefined, dir: string, skipped: (reason: string) => void): RunPayload["analysis"] {
  if (!taskDir || !existsSync(join(taskDir, TASK_FILES.spec))) return null;
  try {
    if (!readAnalysisSpec(taskDir)) return null;
    const outcome = readAnalysisOutcome(dir);
    return { outcome, lines: consistencyLines(outcome) };
  } catch (error) {
    skipped(`the analysis's outcome could not be read yet: ${(error as Error).message}`);
    return null;
  }
}
