// The execute operator: ONE attempt — the state's script is syntax-checked, run in the sandbox and its submission
// graded — recorded as exec/<n>/ when it ends. A script with no code to run is a failed attempt ("no-code"), not the
// end. Also what the fixer reads about a failed attempt (describeFailure) and the attempts a record already holds.
import { existsSync, readFileSync } from "node:fs";
import { VALIDATION_SCORE_MARKER, checkSyntax, hasCode, noCodeReasons } from "../../codegen/index.js";
import { type GradeResult, type JsonValue, RESULT_MARKER, SUBMISSION_FILE, gradeAnalysisResult, parseResultLine } from "../../datasets/index.js";
import type { SandboxRunResult } from "../../sandbox/index.js";
import {
  ATTEMPT_FILES,
  type AttemptOutcome,
  type AttemptResult,
  type Figures,
  PIPELINE_ERROR_CLASSES,
  type RunRecordWriter,
  attemptName,
  readAttempts,
} from "../record/index.js";
import { copyFigures } from "../figures.js";
import type { AttemptOutput, SolutionState, StageContext } from "../state.js";

const TAIL_CHARS = 2000;

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
  /** A pipeline error class the outcome alone does not give (an analysis without a RESULT line, …). */
  errorClass?: string;
  message?: string;
  tracebackTail?: string;
  line?: number;
  grade?: GradeResult;
  submissionPath?: string;
  /** An analysis's result (its RESULT line's JSON value). */
  analysisResult?: JsonValue;
}

/** An analysis's verdict from what its script printed: the RESULT line's value, graded by the expected result if any. */
function analysisVerdict(ctx: StageContext, stdout: string): Verdict {
  const line = parseResultLine(stdout);
  if (line.kind === "none") {
    return {
      outcome: "invalid-submission",
      errorClass: PIPELINE_ERROR_CLASSES.noResult,
      message: `the script printed no ${RESULT_MARKER}<json> line; print the result once, at the end: print("${RESULT_MARKER}" + json.dumps(result))`,
    };
  }
  if (line.kind === "not-json") {
    return {
      outcome: "invalid-submission",
      errorClass: PIPELINE_ERROR_CLASSES.resultNotJson,
      message: `the ${RESULT_MARKER} line is not JSON (${line.message}): ${line.line}; print it with json.dumps, e.g. print("${RESULT_MARKER}" + json.dumps(result))`,
    };
  }
  return { outcome: "ok", grade: gradeAnalysisResult(ctx.task.analysis!, line.value), analysisResult: line.value };
}

/** Runs one version: syntax check, sandbox run, submission check by the grader. */
async function runOnce(ctx: StageContext, attempt: string, script: string): Promise<{ verdict: Verdict; sandbox?: SandboxRunResult; figures?: Figures; durationMs: number }> {
  const started = performance.now();
  const syntax = await checkSyntax(ctx.sandbox, script);
  if (!syntax.ok) {
    return {
      verdict: { outcome: "syntax-error", message: `${syntax.errorType}: ${syntax.message}`, tracebackTail: syntax.text, line: syntax.line },
      durationMs: performance.now() - started,
    };
  }
  const outputDir = ctx.writer.workspaceDir(attempt);
  const result = await ctx.sandbox.run({ script, publicDir: ctx.task.publicDir, timeoutSeconds: ctx.options.timeoutSeconds, outputDir });
  const durationMs = performance.now() - started;
  // A failed script's figures are kept too: the viewer shows how far it got.
  const figures = copyFigures({
    files: result.files,
    skippedFiles: result.skippedFiles,
    workspaceDir: outputDir,
    figuresDir: ctx.writer.attemptFile(attempt, ATTEMPT_FILES.figures),
    relativeTo: ctx.writer.dir,
  });
  const ran = { sandbox: result, durationMs, ...(figures ? { figures } : {}) };
  if (result.outcome !== "ok") {
    const message =
      result.error ? `${result.error.type}: ${result.error.message}` : result.outcome === "error" ? `exit code ${result.exitCode}` : result.outcome;
    return {
      verdict: { outcome: result.outcome, message, tracebackTail: result.error?.tracebackTail, line: result.error?.line },
      ...ran,
    };
  }
  if (ctx.task.analysis) return { verdict: analysisVerdict(ctx, result.stdout), ...ran };
  const submissionPath = result.files[SUBMISSION_FILE] ?? ctx.writer.attemptFile(attempt, ATTEMPT_FILES.submission);
  if (!existsSync(submissionPath)) {
    return { verdict: { outcome: "invalid-submission", message: missingSubmissionMessage(result) }, ...ran };
  }
  const grade = await ctx.grade(ctx.task, submissionPath);
  if (!grade.valid) {
    return { verdict: { outcome: "invalid-submission", message: grade.errors.join("; "), grade, submissionPath }, ...ran };
  }
  return { verdict: { outcome: "ok", grade, submissionPath }, ...ran };
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

/** An analysis attempt's grade, rebuilt from its recorded result (nothing to grade otherwise). */
export function recordedAnalysisGrade(task: StageContext["task"], result: AttemptResult): GradeResult | undefined {
  return task.analysis && result.outcome === "ok" && result.analysisResult !== undefined ? gradeAnalysisResult(task.analysis, result.analysisResult) : undefined;
}

/** Rebuilds an attempt's output from the record (for --resume). */
function loadAttempt(ctx: Pick<StageContext, "writer" | "task">, result: AttemptResult): AttemptOutput {
  const { writer } = ctx;
  const submissionPath = writer.attemptFile(result.attempt, ATTEMPT_FILES.submission);
  const grade = recordedAnalysisGrade(ctx.task, result);
  return {
    result,
    ...(grade ? { grade } : {}),
    script: readText(writer.path(result.script)),
    stdout: readText(writer.attemptFile(result.attempt, ATTEMPT_FILES.stdout)),
    submissionPath: result.outcome === "ok" && existsSync(submissionPath) ? submissionPath : undefined,
    ...(result.outcome === "ok" ? {} : { failure: describeFailure(result, readText(writer.attemptFile(result.attempt, ATTEMPT_FILES.stderr))) }),
  };
}


/** Attempts of the state's current round (0: the first execute-and-fix; n: feedback round n). */
export function roundAttempts(state: SolutionState): AttemptOutput[] {
  return state.attempts.filter((a) => a.result.feedbackRound === state.round);
}

/** The state's last attempt, if any. */
export function lastAttempt(state: SolutionState): AttemptOutput | undefined {
  return state.attempts[state.attempts.length - 1];
}

/** The state with every attempt its record holds that it does not (resume: attempts are not run twice). */
export function withRecordedAttempts(state: SolutionState, ctx: Pick<StageContext, "writer" | "task">): SolutionState {
  const known = new Set(state.attempts.map((a) => a.result.attempt));
  const recorded = readAttempts(ctx.writer.dir).filter((a) => !known.has(a.attempt));
  if (recorded.length === 0) return state;
  return { ...state, attempts: [...state.attempts, ...recorded.map((a) => loadAttempt(ctx, a))] };
}

/** The next attempt's index: past the state's attempts and past every attempt its record holds. */
function nextIndex(state: SolutionState, ctx: Pick<StageContext, "writer">): number {
  return Math.max(ctx.writer.nextAttemptIndex(), ...state.attempts.map((a) => a.result.index + 1));
}

/** An attempt's kind: the round's first attempt is "initial" (round 0) or "feedback"; later ones are fixes. */
function kindOf(state: SolutionState): AttemptResult["kind"] {
  const fixIndex = roundAttempts(state).length;
  return state.round > 0 && fixIndex === 0 ? "feedback" : fixIndex === 0 ? "initial" : "fix";
}

/**
 * Records an attempt that had no code to run (a model answered without any): a failed attempt, not the end.
 * `failure` is what the fixer reads next (default: this attempt's description).
 */
export function recordNoCode(state: SolutionState, ctx: StageContext, input: { kind: AttemptResult["kind"]; reason: string; failure?: (own: string) => string }): SolutionState {
  const index = nextIndex(state, ctx);
  const attempt = attemptName(index);
  const script = state.script ?? "";
  const result: AttemptResult = {
    attempt,
    index,
    kind: input.kind,
    fixIndex: roundAttempts(state).length,
    feedbackRound: state.round,
    script: ctx.writer.writeAttemptScript(attempt, script),
    outcome: "no-code",
    exitCode: null,
    durationMs: 0,
    errorClass: PIPELINE_ERROR_CLASSES.noCode,
    errorMessage: input.reason,
    stdoutTruncated: false,
    stderrTruncated: false,
    submission: { present: false, valid: false, errors: [] },
    validationScore: null,
  };
  ctx.writer.writeAttemptResult(result, "", "");
  ctx.writer.event({ type: "attempt.finished", attempt, kind: result.kind, outcome: "no-code", errorClass: result.errorClass, durationMs: 0, valid: false, validationScore: null });
  const own = describeFailure(result, "");
  return { ...state, attempts: [...state.attempts, { result, script, stdout: "", failure: input.failure ? input.failure(own) : own }] };
}

/**
 * ONE attempt of the state's script as the record's next attempt (exec/<n>/): syntax check, sandbox run, the
 * submission graded. The attempt is appended to the state (`lastAttempt`); `best` is the composition's choice.
 */
export async function execute(state: SolutionState, ctx: StageContext): Promise<SolutionState> {
  ctx.signal?.throwIfAborted();
  const kind = state.attemptKind ?? kindOf(state);
  const current = state.script ?? "";
  if (!hasCode(current)) {
    // Nothing to run (the coders wrote no code): the reasons they left go to the fixer as this attempt's error.
    const reasons = [...new Set(noCodeReasons(current))];
    return recordNoCode(state, ctx, { kind, reason: reasons.length ? reasons.join("; ") : "the script holds no Python statement" });
  }
  const index = nextIndex(state, ctx);
  const attempt = attemptName(index);
  const scriptPath = ctx.writer.writeAttemptScript(attempt, current);
  const { verdict, sandbox, figures, durationMs } = await runOnce(ctx, attempt, current);
  const stdout = sandbox?.stdout ?? "";
  const stderr = sandbox?.stderr ?? "";
  const result: AttemptResult = {
    attempt,
    index,
    kind,
    fixIndex: roundAttempts(state).length,
    feedbackRound: state.round,
    script: scriptPath,
    outcome: verdict.outcome,
    exitCode: sandbox?.exitCode ?? null,
    durationMs,
    errorClass: verdict.errorClass ?? (verdict.outcome === "invalid-submission" && !verdict.grade ? PIPELINE_ERROR_CLASSES.noSubmission : errorClassOf(verdict.outcome, sandbox)),
    errorMessage: verdict.message,
    tracebackTail: verdict.tracebackTail,
    errorLine: verdict.line,
    stdoutTruncated: sandbox?.stdoutTruncated ?? false,
    stderrTruncated: sandbox?.stderrTruncated ?? false,
    ...(sandbox?.skippedFiles?.length ? { skippedFiles: sandbox.skippedFiles.slice(0, 50) } : {}),
    ...(figures ? { figures } : {}),
    submission: {
      present: verdict.submissionPath !== undefined || verdict.analysisResult !== undefined,
      valid: verdict.grade?.valid ?? false,
      errors: verdict.grade?.errors ?? (verdict.outcome === "invalid-submission" && verdict.message ? [verdict.message] : []),
      score: verdict.grade?.score ?? null,
    },
    // What the script claims, next to what the grader measured (missing stays null, never 0).
    validationScore: parseValidationScore(stdout),
    ...(verdict.analysisResult !== undefined ? { analysisResult: verdict.analysisResult } : {}),
  };
  ctx.writer.writeAttemptResult(result, stdout, stderr);
  ctx.writer.event({
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
  const output: AttemptOutput = {
    result,
    script: current,
    stdout,
    submissionPath: verdict.submissionPath,
    grade: verdict.grade,
    ...(result.outcome === "ok" ? {} : { failure: describeFailure(result, stderr) }),
  };
  return { ...state, attempts: [...state.attempts, output] };
}
