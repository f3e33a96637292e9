// Prompt template of the reviewer role: Reflexion-style feedback on a working solution (Sand-Bob's feedback
// iterations): read code, output and validation score, return an improved script or say nothing should change.
import type { ChatTurn } from "../../agents/index.js";
import { codePrompt, type CodePromptBase } from "./rules.js";

export const NO_CHANGES = "NO CHANGES";

export interface ReviewerPromptInput extends CodePromptBase {
  script: string;
  stdoutTail: string;
  validationScore: number | null;
  round: number;
}

export function reviewerPrompt(input: ReviewerPromptInput): ChatTurn[] {
  return codePrompt(
    "You review a working machine learning solution and improve its score on the task's metric: better features, " +
      "better model or hyperparameters, a sounder validation. You keep it runnable in the sandbox and keep its output format.",
    input,
    `

## Current script (feedback round ${input.round})
\`\`\`python
${input.script}
\`\`\`

## Its output (tail)
\`\`\`text
${input.stdoutTail}
\`\`\`

Validation score it printed: ${input.validationScore ?? "(none printed)"}

## Your job
First reflect in a few sentences on what limits the score. Then return the whole improved script in one \`\`\`python code block.
If you see nothing worth changing, answer exactly ${NO_CHANGES} instead of code.`,
  );
}
