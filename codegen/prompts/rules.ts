// The sandbox rules every code-writing prompt states (one place, so the coder, merger, direct coder and
// reviewer ask for the same contract the execution loop checks).
import { rolePrompt, type ChatTurn } from "../../agents/index.js";
import { RESULT_MARKER, SUBMISSION_FILE } from "../../datasets/index.js";

export const VALIDATION_SCORE_MARKER = "VALIDATION_SCORE=";

/** What an analysis script delivers instead of a submission (issue 23): its result, on one line, as JSON. */
export const ANALYSIS_RESULT_RULES = `- There is no submission file: print the result of the analysis on one line, as JSON, e.g. print("${RESULT_MARKER}" + json.dumps(result)) — one line ${RESULT_MARKER}<json>, printed once, at the end.
- Figures (PNG or SVG) may be saved in the current working directory; they are kept with the run.`;

export function sandboxRules(libraries: readonly string[], cores?: number, analysis = false): string {
  const output = analysis
    ? ANALYSIS_RESULT_RULES
    : `- Write the final predictions to "${SUBMISSION_FILE}" in the current working directory, with exactly the columns and ids of /data/sample_submission.csv when it exists.
- Hold out a validation split, compute the task's metric on it and print one line: ${VALIDATION_SCORE_MARKER}<number>`;
  return `## Rules of the sandbox the script runs in
- Python 3, offline (no network, no downloads, no pip install). Only these libraries are installed: ${libraries.join(", ") || "(standard library only)"}.
- Input files are under /data (read-only). Read them with absolute paths, e.g. ${analysis ? 'open("/data/<file>")' : 'pd.read_csv("/data/train.csv")'}.
${output}
- Keep it CPU-friendly: modest model sizes, no GPU, finish within a few minutes.${cores ? `\n- The script gets ${cores} CPU core${cores === 1 ? "" : "s"}: set n_jobs=${cores} (not -1) where a library takes it.` : ""}`;
}

/** How every code-writing prompt asks for its answer. */
export const ANSWER_FORMAT = "Answer with one ```python code block and nothing else.";

/** What every code-writing prompt is given: the task context, the sandbox's libraries and its CPU cores. */
export interface CodePromptBase {
  context: string;
  libraries: readonly string[];
  /** CPU cores the script gets in the sandbox (for n_jobs), when known. */
  cores?: number;
  /** The task is an analysis: the script prints RESULT=<json> instead of writing a submission. */
  analysis?: boolean;
}

/** A code-writing prompt: the task context and the sandbox rules (shared by every role), then the `role` text, then `rest`. */
export function codePrompt(role: string, input: CodePromptBase, rest: string): ChatTurn[] {
  return rolePrompt({ context: input.context, environment: sandboxRules(input.libraries, input.cores, input.analysis), role, rest, analysis: input.analysis });
}
