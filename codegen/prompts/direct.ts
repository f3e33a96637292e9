// Prompt template of the direct coder role: the whole script straight from the task context (the paper's
// baseline). With an instruction it is the "unstaged" ablation: one coder, instruction given, no stages.
import { taskWords, type ChatTurn } from "../../agents/index.js";
import { ANSWER_FORMAT, codePrompt, type CodePromptBase } from "./rules.js";

export interface DirectPromptInput extends CodePromptBase {
  /** Present in the unstaged ablation only. */
  instruction?: string;
}

export function directPrompt(input: DirectPromptInput): ChatTurn[] {
  const instruction = input.instruction ? `\n\n## Instruction to follow\n${input.instruction}` : "";
  return codePrompt(
    `You are ${taskWords(input.analysis).coder}.`,
    input,
    `${instruction}

## Your job
${input.analysis ? "Write the complete Python script that does this analysis: load the data, compute what the request asks, and print the result line." : "Write the complete Python script that solves this task: load the data, preprocess, train a model, validate it, and write submission.csv."}
${ANSWER_FORMAT}`,
  );
}
