// Execute → diagnose → fix: one version of the script runs in the sandbox (after a syntax check); on failure the
// merger gets the error (exception, traceback tail, stderr tail, or the grader's reason) and the script, and the
// fixed script runs — up to `fixAttempts` times. Every attempt is recorded as it ends.
import { existsSync, readFileSync } from "node:fs";
import type { AgentModel, CallOptions } from "../agents/types.js";
import { NoCodeError, checkSyntax, fixScript, hasCode, noCodeReasons } from "../codegen/index.js";
import { VALIDATION_SCORE_MARKER } from "../codegen/index.js";
import { SUBMISSION_FILE, type GradeResult, type Task } from "../datasets/index.js";
import type { Sandbox, SandboxRunResult } from "../sandbox/types.js";
import {
  ATTEMPT_FILES,
  type AttemptOutcome,
  type AttemptResult,
  PIPELINE_ERROR_CLASSES,
  type RunRecordWriter,
  attemptName,
  readAttempts,
} from "./record/index.js";

const TAIL_CHARS = 2000;

export interface LoopEnvironment {
  writer: RunRecordWriter;
  task: Task;
  sandbox: Sandbox;
  grade: (task: Task, submissionPath: string) => Promise<GradeResult>;
  fixer: AgentModel;
  context: string;
  libraries: readonly string[];
  fixAttempts: number;
  timeoutSeconds: number;
  callOptions: CallOptions;
  /** Stops the loop before its next fix or attempt. */
  signal?: AbortSignal;
}

export interface AttemptOutput {
  result: AttemptResult;
  script: string;
  stdout: string;
  submissionPath?: string;
  grade?: GradeResult;
}

export interface LoopResult {
  success: boolean;
  attempts: AttemptOutput[];
  /** The successful attempt, when there is one. */
  final?: AttemptOutput;
  /** What the last failure was, for the run's failure message. */
  lastError?: string;
}

const tail = (text: string, chars = TAIL_CHARS) => (text.length > chars ? `…${text.slice(-chars)}` : text);

/** The last validation score the script printed, if any. */
export function parseValidationScore(stdout: string): number | null {
  const re = new RegExp(`${VALIDATION_SCORE_MARKER}\\s*([-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?)`, "g");
  let value: number | null = null;
  for (const match of stdout.matchAll(re)) value = Number(match[1]);
  return value !== null && Number.isFinite(value) ? value : null;
}

function errorClassOf(outcome: AttemptOutcome, sandboxResult?: SandboxRunResult): string | undefined {
  switch (outcome) {
    case "ok":
      return undefined;
    case "error":
      return sandboxResult?.error?.type ?? PIPELINE_ERROR_CLASSES.unknown;
    case "timeout":
      return PIPELINE_ERROR_CLASSES.timeout;
    case "oom":
      return PIPELINE_ERROR_CLASSES.oom;
    case "killed":
      return PIPELINE_ERROR_CLASSES.killed;
    case "syntax-error":
      return "SyntaxError";
    case "no-code":
      return PIPELINE_ERROR_CLASSES.noCode;
    case "invalid-submission":
      return PIPELINE_ERROR_CLASSES.invalidSubmission;
  }
}

/**
 * Temporary folders differ on every run; in the text a model reads they would make equal runs send different
 * prompts (and break `replay:`), so a script under a temp folder is named by its file name only.
 */
export function normalizeTempPaths(text: string): string {
  return text.replace(/(["'\s])(?:\/tmp|\/var\/folders|\/private\/var)\/[^"'\s]*\/([^"'\s/]+\.py)/g, "$1$2");
}

/** The error text the fixer reads for a failed attempt. */
export function describeFailure(result: AttemptResult, stderr: string): string {
  return normalizeTempPaths(describeFailureRaw(result, stderr));
}

function describeFailureRaw(result: AttemptResult, stderr: string): string {
  const parts: string[] = [];
  switch (result.outcome) {
    case "syntax-error":
      parts.push(`The script does not parse (checked before running):\n${result.tracebackTail ?? result.errorMessage ?? ""}`);
      break;
    case "timeout":
      parts.push("The script ran out of time and was stopped. Make it faster (smaller model, fewer estimators/epochs, subsample for tuning).");
      break;
    case "oom":
      parts.push("The script ran out of memory and was killed. Use less memory (smaller dtypes, fewer features, smaller model).");
      break;
    case "invalid-submission":
      parts.push(`The script finished, but its submission is not valid: ${result.errorMessage ?? ""}`);
      break;
    case "no-code":
      // The reason (which model, which step) goes first: it is also the run's failure message when fixes run out.
      parts.push(`The previous answer held no Python code (${result.errorMessage ?? "no statement to run"}). Return the whole script in one \`\`\`python block.`);
      break;
    default:
      parts.push(`The script failed with ${result.errorClass ?? "an error"}: ${result.errorMessage ?? ""}`);
      if (result.tracebackTail) parts.push(`Traceback (tail):\n${result.tracebackTail}`);
  }
  const stderrTail = tail(stderr.trim(), 1500);
  if (stderrTail && result.outcome !== "syntax-error" && !(result.tracebackTail && stderrTail.includes(result.tracebackTail.trim()))) {
    parts.push(`stderr (tail):\n${stderrTail}`);
  }
  return parts.join("\n\n");
}

interface Verdict {
  outcome: AttemptOutcome;
  message?: string;
  tracebackTail?: string;
  line?: number;
  grade?: GradeResult;
  submissionPath?: string;
}

/** Runs one version: syntax check, sandbox run, submission check by the grader. */
async function runOnce(env: LoopEnvironment, attempt: string, script: string): Promise<{ verdict: Verdict; sandbox?: SandboxRunResult; durationMs: number }> {
  const started = performance.now();
  const syntax = await checkSyntax(env.sandbox, script);
  if (!syntax.ok) {
    return {
      verdict: { outcome: "syntax-error", message: `${syntax.errorType}: ${syntax.message}`, tracebackTail: syntax.text, line: syntax.line },
      durationMs: performance.now() - started,
    };
  }
  const outputDir = env.writer.workspaceDir(attempt);
  const result = await env.sandbox.run({ script, publicDir: env.task.publicDir, timeoutSeconds: env.timeoutSeconds, outputDir });
  const durationMs = performance.now() - started;
  if (result.outcome !== "ok") {
    const message =
      result.error ? `${result.error.type}: ${result.error.message}` : result.outcome === "error" ? `exit code ${result.exitCode}` : result.outcome;
    return {
      verdict: { outcome: result.outcome, message, tracebackTail: result.error?.tracebackTail, line: result.error?.line },
      sandbox: result,
      durationMs,
    };
  }
  const submissionPath = result.files[SUBMISSION_FILE] ?? env.writer.attemptFile(attempt, ATTEMPT_FILES.submission);
  if (!existsSync(submissionPath)) {
    return {
      verdict: { outcome: "invalid-submission", message: missingSubmissionMessage(result) },
      sandbox: result,
      durationMs,
    };
  }
  const grade = await env.grade(env.task, submissionPath);
  if (!grade.valid) {
    return { verdict: { outcome: "invalid-submission", message: grade.errors.join("; "), grade, submissionPath }, sandbox: result, durationMs };
  }
  return { verdict: { outcome: "ok", grade, submissionPath }, sandbox: result, durationMs };
}

/** Why there is no submission to grade: not written, or written but not collected (a symlink, too large, …). */
export function missingSubmissionMessage(result: Pick<SandboxRunResult, "skippedFiles">): string {
  const skipped = result.skippedFiles?.find((f) => f.name === SUBMISSION_FILE);
  if (skipped) return `submission.csv was written but not collected from the sandbox: it is ${skipped.reason}; write a regular file of a sensible size`;
  return "no submission.csv was written in the working directory";
}

function readText(path: string): string {
  return existsSync(path) ? readFileSync(path, "utf8") : "";
}

/** Rebuilds an attempt's output from the record (for --resume). */
function loadAttempt(writer: RunRecordWriter, result: AttemptResult): AttemptOutput {
  const submissionPath = writer.attemptFile(result.attempt, ATTEMPT_FILES.submission);
  return {
    result,
    script: readText(writer.path(result.script)),
    stdout: readText(writer.attemptFile(result.attempt, ATTEMPT_FILES.stdout)),
    submissionPath: result.outcome === "ok" && existsSync(submissionPath) ? submissionPath : undefined,
  };
}

/**
 * Runs `script` and fixes it until it yields a valid submission or the fixes run out. With `resume`, attempts of
 * this round already in the record are reused and the loop continues after the last one.
 */
export async function executeAndFix(
  env: LoopEnvironment,
  script: string,
  round: { feedbackRound: number; kind: "initial" | "feedback" },
): Promise<LoopResult> {
  const previous = readAttempts(env.writer.dir);
  const outputs = previous.filter((a) => a.feedbackRound === round.feedbackRound).map((a) => loadAttempt(env.writer, a));
  let nextIndex = previous.length === 0 ? 0 : Math.max(...previous.map((a) => a.index)) + 1;
  let current = script;
  let lastError: string | undefined;

  const last = outputs[outputs.length - 1];
  if (last) {
    if (last.result.outcome === "ok") return { success: true, attempts: outputs, final: last };
    lastError = describeFailure(last.result, readText(env.writer.attemptFile(last.result.attempt, ATTEMPT_FILES.stderr)));
    current = last.script;
  }

  /** Records an attempt that had no code to run (a model answered without any): a failed attempt, not the end. */
  const recordNoCode = (kind: AttemptResult["kind"], reason: string): AttemptResult => {
    const attempt = attemptName(nextIndex);
    const result: AttemptResult = {
      attempt,
      index: nextIndex++,
      kind,
      fixIndex,
      feedbackRound: round.feedbackRound,
      script: env.writer.writeAttemptScript(attempt, current),
      outcome: "no-code",
      exitCode: null,
      durationMs: 0,
      errorClass: PIPELINE_ERROR_CLASSES.noCode,
      errorMessage: reason,
      stdoutTruncated: false,
      stderrTruncated: false,
      submission: { present: false, valid: false, errors: [] },
      validationScore: null,
    };
    env.writer.writeAttemptResult(result, "", "");
    env.writer.event({ type: "attempt.finished", attempt, kind: result.kind, outcome: "no-code", errorClass: result.errorClass, durationMs: 0, valid: false, validationScore: null });
    outputs.push({ result, script: current, stdout: "" });
    return result;
  };

  let fixIndex = outputs.length;
  while (fixIndex <= env.fixAttempts) {
    env.signal?.throwIfAborted();
    if (lastError !== undefined) {
      // A failure before this attempt: the merger fixes the script it produced.
      try {
        const fixed = await fixScript(
          env.fixer,
          { context: env.context, libraries: env.libraries, cores: env.sandbox.cores, script: current, error: lastError, attempt: fixIndex },
          env.callOptions,
        );
        current = fixed.code;
      } catch (error) {
        if (!(error instanceof NoCodeError)) throw error;
        const result = recordNoCode(round.kind === "initial" ? "fix" : "feedback", error.message);
        lastError = `${describeFailure(result, "")}\n\nThe error to fix is still:\n${lastError}`;
        fixIndex++;
        continue;
      }
    }

    env.signal?.throwIfAborted();
    const kind = round.kind === "feedback" && fixIndex === 0 ? "feedback" : fixIndex === 0 ? "initial" : "fix";
    if (!hasCode(current)) {
      // Nothing to run (the coders wrote no code): the reasons they left go to the fixer as this attempt's error.
      const reasons = [...new Set(noCodeReasons(current))];
      const result = recordNoCode(kind, reasons.length ? reasons.join("; ") : "the script holds no Python statement");
      lastError = describeFailure(result, "");
      fixIndex++;
      continue;
    }
    const attempt = attemptName(nextIndex);
    const scriptPath = env.writer.writeAttemptScript(attempt, current);
    const { verdict, sandbox, durationMs } = await runOnce(env, attempt, current);
    const stdout = sandbox?.stdout ?? "";
    const stderr = sandbox?.stderr ?? "";
    const result: AttemptResult = {
      attempt,
      index: nextIndex++,
      kind,
      fixIndex,
      feedbackRound: round.feedbackRound,
      script: scriptPath,
      outcome: verdict.outcome,
      exitCode: sandbox?.exitCode ?? null,
      durationMs,
      errorClass: verdict.outcome === "invalid-submission" && !verdict.grade ? PIPELINE_ERROR_CLASSES.noSubmission : errorClassOf(verdict.outcome, sandbox),
      errorMessage: verdict.message,
      tracebackTail: verdict.tracebackTail,
      errorLine: verdict.line,
      stdoutTruncated: sandbox?.stdoutTruncated ?? false,
      stderrTruncated: sandbox?.stderrTruncated ?? false,
      ...(sandbox?.skippedFiles?.length ? { skippedFiles: sandbox.skippedFiles.slice(0, 50) } : {}),
      submission: {
        present: verdict.submissionPath !== undefined,
        valid: verdict.grade?.valid ?? false,
        errors: verdict.grade?.errors ?? (verdict.outcome === "invalid-submission" && verdict.message ? [verdict.message] : []),
        score: verdict.grade?.score ?? null,
      },
      // What the script claims, next to what the grader measured (missing stays null, never 0).
      validationScore: parseValidationScore(stdout),
    };
    env.writer.writeAttemptResult(result, stdout, stderr);
    env.writer.event({
      type: "attempt.finished",
      attempt,
      kind,
      outcome: result.outcome,
      errorClass: result.errorClass,
      durationMs,
      valid: result.submission.valid,
      score: result.submission.score ?? null,
      validationScore: result.validationScore ?? null,
    });
    const output: AttemptOutput = { result, script: current, stdout, submissionPath: verdict.submissionPath, grade: verdict.grade };
    outputs.push(output);
    if (result.outcome === "ok") return { success: true, attempts: outputs, final: output };
    lastError = describeFailure(result, stderr);
    fixIndex++;
  }
  return { success: false, attempts: outputs, lastError };
}
