// Prompt template of the planner's improve step in instruction-guided search: given the best solution so far (its
// instruction, code and validation score) and the tree's history, write the next instruction to try. The prefix up
// to the history is the per-rank planner's, so a local model reuses its evaluated prompt across steps.
import type { ChatTurn } from "../../agents/index.js";
import { rankPlannerTurns } from "./planner-rank.js";

export interface NextInstructionPromptInput {
  context: string;
  libraries: readonly string[];
  /** The best node's instruction (rendered) or plan. */
  bestPlan: string;
  bestCode: string;
  bestValidationScore: number | null;
  /** Earlier solutions: plan → validation score, one line each. */
  history: string;
  answerFormat: string;
}

export function nextInstructionPrompt(input: NextInstructionPromptInput): ChatTurn[] {
  return rankPlannerTurns(
    input,
    `## Solutions tried so far (instruction → validation score)
${input.history.trim() || "(none yet)"}

## Best solution so far (validation score ${input.bestValidationScore ?? "not printed"})
${input.bestPlan}

\`\`\`python
${input.bestCode}
\`\`\`

## Your job
Write the next instruction to try: the best solution changed in one specific way you expect to raise its score (a feature, a model, a hyperparameter, the validation), keeping what works.`,
  );
}
