// Prompt template of the per-rank planner: one call per place ("the first place instruction", as the Linguacodus
// paper's inference prompt asks, Fig. 6). Every rank's prompt is the same up to its last line, so a local model
// evaluates the shared prefix (system text, task context, environment) once and reuses it for the other ranks.
import { taskWords, type ChatTurn } from "../../agents/index.js";
import { placeWord } from "./paper.js";
import { planningPrompt } from "./planner.js";

export interface PlannerRankPromptInput {
  context: string;
  libraries: readonly string[];
  analysis?: boolean | undefined;
  /** 1-based place of the instruction to write. */
  rank: number;
  /** How many places are asked for in all (so the model knows rank 3 of 3 is the last). */
  count: number;
  /** How the answer is written; the shared prefix ends before it. */
  answerFormat: string;
}

export function plannerRankPrompt(input: PlannerRankPromptInput): ChatTurn[] {
  return rankPlannerTurns(input, `## Your job
Of the ${input.count} best solutions to this task, write the ${placeWord(input.rank)} place instruction.`);
}

/**
 * The per-rank planner's turns: its system text and user turn up to the answer format (the prefix a local model
 * evaluates once), then `rest`. The search's next-instruction step asks through the same prefix.
 */
export function rankPlannerTurns(input: { context: string; libraries: readonly string[]; analysis?: boolean | undefined; answerFormat: string }, rest: string): ChatTurn[] {
  return planningPrompt(
    `You are ${taskWords(input.analysis).planner}. ` +
      "You write a high-level solution instruction, not code, in four sections: Data Preprocessing, Model Architecture, " +
      "Model Training, Submission — short, concrete steps about this task's columns, model, validation and metric.",
    input,
    `
Hold out a validation split (or use cross-validation) and compute the task's metric on it.

${input.answerFormat}

${rest}`,
  );
}
