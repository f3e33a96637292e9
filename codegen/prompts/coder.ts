// Prompt template of the staged coder role: one block per stage, following the instruction
// (Linguacodus, "ML Code by Instruction Generation": preprocessing → model → training → submission).
import type { ChatTurn } from "../../agents/index.js";
import { ANSWER_FORMAT, VALIDATION_SCORE_MARKER, codePrompt, type CodePromptBase } from "./rules.js";

export const CODE_STAGES = ["preprocessing", "model", "training", "submission"] as const;
export type CodeStage = (typeof CODE_STAGES)[number];

const STAGE_JOB: Record<CodeStage, string> = {
  preprocessing:
    "the DATA PREPROCESSING block: load the files from /data, clean and encode the features as the instruction says, " +
      "and build the feature matrices for training and test plus a validation split.",
  model: "the MODEL ARCHITECTURE block: define the model (or pipeline) the instruction describes. Do not fit it yet.",
  training:
    "the MODEL TRAINING block: fit the model, evaluate it on the validation split with the task's metric, " +
    `print ${VALIDATION_SCORE_MARKER}<number>, then refit on all training data if the instruction says so.`,
  submission:
    "the SUBMISSION block: predict on the test set and write submission.csv in the current working directory " +
      "with the id column and target column(s) the task requires.",
};

export interface CoderPromptInput extends CodePromptBase {
  stage: CodeStage;
  instruction: string;
  /** Blocks already written, in order. */
  previous: ReadonlyArray<{ stage: CodeStage; code: string }>;
}

export function coderPrompt(input: CoderPromptInput): ChatTurn[] {
  const previous =
    input.previous.length === 0
      ? "(none yet: this is the first block)"
      : input.previous.map((b) => `# --- ${b.stage} block ---\n${b.code}`).join("\n\n");
  return codePrompt(
    "You are a senior Python machine learning engineer. You turn one section of a solution instruction into a code block " +
      "that continues the blocks already written: it reuses their variables and imports what it needs, and does not repeat them.",
    input,
    `

## Instruction to follow
${input.instruction}

## Blocks written so far
\`\`\`python
${previous}
\`\`\`

## Your job
Write ${STAGE_JOB[input.stage]}
${ANSWER_FORMAT}`,
  );
}
