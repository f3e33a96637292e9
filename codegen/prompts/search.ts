// Prompt templates of tree search's code-writing steps (AIDE's draft and improve, read from its paper and
// aide/agent.py, written for this project's sandbox contract): a short plan in prose, then one code block.
// Every step's prompt starts with the same system text, task context and sandbox rules, so a server's prefix cache
// (or a local model's evaluated prompt) serves the whole search; what differs comes after.
import { taskWords, type ChatTurn } from "../../agents/index.js";
import { codePrompt, type CodePromptBase } from "./rules.js";

export interface SearchPromptInput extends CodePromptBase {
  /** Earlier working solutions of the tree: plan and validation score (empty for the first draft). */
  memory: string;
}

const PLAN_THEN_CODE =
  "Answer with a short plan in plain prose (3-5 sentences), then the whole script in one ```python code block. Nothing after the code block.";

/** Who the search's coder is, by the task's kind. */
const searcher = (input: CodePromptBase) => `You are ${taskWords(input.analysis).searcher}.`;

function memorySection(memory: string): string {
  return memory.trim() ? `\n\n## Solutions tried so far (plan → validation score)\n${memory}` : "";
}

/** A new, simple solution that differs from what the tree already holds. */
export function draftPrompt(input: SearchPromptInput): ChatTurn[] {
  return codePrompt(
    searcher(input),
    input,
    `${memorySection(input.memory)}

## Your job
Propose a simple first solution (no ensembling, no hyperparameter search) that differs from the solutions tried so far, and implement it.
${PLAN_THEN_CODE}`,
  );
}

export interface ImprovePromptInput extends SearchPromptInput {
  script: string;
  outputTail: string;
  validationScore: number | null;
}

/** One atomic improvement of a working solution, so its effect can be measured. */
export function improvePrompt(input: ImprovePromptInput): ChatTurn[] {
  return codePrompt(
    searcher(input),
    input,
    `${memorySection(input.memory)}

## Solution to improve (validation score ${input.validationScore ?? "not printed"})
\`\`\`python
${input.script}
\`\`\`

## Its output (tail)
\`\`\`text
${input.outputTail}
\`\`\`

## Your job
Propose one specific, atomic improvement of this solution (so its effect can be measured) and implement it in the whole script.
${PLAN_THEN_CODE}`,
  );
}

export interface DebugPromptInput extends SearchPromptInput {
  script: string;
  error: string;
  outputTail: string;
}

/** A fix of a failed node: its code, its error and what it printed. */
export function debugPrompt(input: DebugPromptInput): ChatTurn[] {
  return codePrompt(
    searcher(input),
    input,
    `${memorySection(input.memory)}

## Solution that failed
\`\`\`python
${input.script}
\`\`\`

## What went wrong
${input.error}

## Its output (tail)
\`\`\`text
${input.outputTail}
\`\`\`

## Your job
Find the cause and fix it, changing only what the fix needs.
${PLAN_THEN_CODE}`,
  );
}
