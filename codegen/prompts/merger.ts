// Prompt templates of the merger role: it integrates the blocks into one script and, given an error, fixes it
// (the paper's merger fixes errors "without any additional specifications"; we pass the traceback and stderr tail).
import type { ChatTurn } from "../../agents/index.js";
import { ANSWER_FORMAT, codePrompt, type CodePromptBase } from "./rules.js";

export interface MergePromptInput extends CodePromptBase {
  /** The blocks joined mechanically (imports hoisted and de-duplicated), stage markers kept. */
  draft: string;
}

export function mergePrompt(input: MergePromptInput): ChatTurn[] {
  return codePrompt(
    "You integrate code blocks written by several engineers into one clean, runnable Python script. " +
      "You keep their logic, resolve inconsistent variable names between blocks, remove duplicated work, and keep the " +
    "'# === stage: … ===' marker comments in place.",
    input,
    `

## Draft to integrate
\`\`\`python
${input.draft}
\`\`\`

## Your job
Return the complete script: all imports once at the top, one entry point (a main() function called under if __name__ == "__main__":), and it must write submission.csv in the current working directory.
${ANSWER_FORMAT}`,
  );
}

export interface FixPromptInput extends CodePromptBase {
  script: string;
  /** What went wrong: exception and traceback tail, stderr tail, or the grader's reason. */
  error: string;
  attempt: number;
}

export function fixPrompt(input: FixPromptInput): ChatTurn[] {
  return codePrompt(
    "You fix Python machine learning scripts. You read the error, find its cause in the script, and return the whole " +
      "corrected script (not a diff), changing only what the fix needs.",
    input,
    `

## Script
\`\`\`python
${input.script}
\`\`\`

## What went wrong when it ran
${input.error}

## Your job
Return the whole corrected script.
${ANSWER_FORMAT}`,
  );
}
