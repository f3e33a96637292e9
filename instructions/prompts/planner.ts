// Prompt template of the planner role: N ranked high-level instructions (Linguacodus, "Instruction Creation").
import { rolePrompt, taskWords, type ChatTurn } from "../../agents/index.js";
import { RESULT_MARKER } from "../../datasets/index.js";

export interface PlannerPromptInput {
  context: string;
  count: number;
  libraries: readonly string[];
  /** The task is an analysis (a RESULT line, no submission). */
  analysis?: boolean;
}

/** What every planner prompt says of the sandbox the solution will run in (the per-rank prompt too). */
export function environmentSection(libraries: readonly string[], analysis = false): string {
  const output = analysis ? `the script prints its result as one line ${RESULT_MARKER}<json> (there is no submission file)` : "the script must write submission.csv in its working directory";
  return `## Environment
The solution runs offline in a Python sandbox with only these libraries: ${libraries.join(", ") || "(standard library only)"}.
Input files are under /data (read-only); ${output}.`;
}

export function plannerPrompt(input: PlannerPromptInput): ChatTurn[] {
  return planningPrompt(
    `You are ${taskWords(input.analysis).planner}. ` +
      "You write high-level solution instructions, not code: each instruction says what to do in four sections — " +
      "Data Preprocessing, Model Architecture, Model Training, Submission — as short, concrete bullet points " +
      "(which columns, which encoding, which model and library, which validation scheme and metric, how the submission file is written).",
    input,
    `

## Your job
Write ${input.count} different solution instruction${input.count === 1 ? "" : "s"} for this task, ranked by how well you expect each to score on the metric (rank 1 = best).
Each instruction has: rank, a short title, and the bullet lists dataPreprocessing, modelArchitecture, modelTraining, submission.
Hold out a validation split (or use cross-validation) and compute the task's metric on it.
Answer with JSON only: an object whose "instructions" array holds one object per instruction, with the fields rank (1 = best), title (a short name of the approach), and dataPreprocessing, modelArchitecture, modelTraining, submission (each an array of concrete steps written out in full sentences about this task's columns, model and metric).`,
  );
}

/** A planner prompt: the task context and the environment (shared by every role), then the `role` text, then `rest`. */
export function planningPrompt(role: string, input: { context: string; libraries: readonly string[]; analysis?: boolean | undefined }, rest: string): ChatTurn[] {
  return rolePrompt({ context: input.context, environment: environmentSection(input.libraries, input.analysis), role, rest, analysis: input.analysis });
}
