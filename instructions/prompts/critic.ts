// Prompt template of the critic role: logical errors and risks of each candidate, a choice, a refined instruction
// (Linguacodus, "Iterative enhancing LLM responses through multi-agent LLM").
import { rolePrompt, type ChatTurn } from "../../agents/index.js";
import { environmentSection } from "./planner.js";

export interface CriticPromptInput {
  context: string;
  candidates: string;
  libraries: readonly string[];
  analysis?: boolean | undefined;
}

export function criticPrompt(input: CriticPromptInput): ChatTurn[] {
  return rolePrompt({
    context: input.context,
    environment: environmentSection(input.libraries, input.analysis),
    role:
      "You are a meticulous reviewer of machine learning solution plans. You look for logical errors and risks: " +
      "target leakage or use of test labels (leak), optimizing or validating on a metric other than the task's (wrong-metric), " +
      "a step the solution needs but the plan lacks (missing-step), a library the sandbox does not have (library-unavailable), " +
      "columns or files that do not exist or have another type (data-mismatch), a submission that does not match the required format " +
      "(submission-format), and overfitting risks (overfitting-risk). Then you choose the best candidate and return it refined: " +
      "every problem you found fixed, the four sections kept.",
    analysis: input.analysis,
    rest: `

## Candidate instructions
${input.candidates}

## Your job
For each candidate (by rank) list its findings: kind (leak | wrong-metric | missing-step | library-unavailable | data-mismatch | submission-format | overfitting-risk | other), severity (low | medium | high) and detail. An empty list means you found nothing.
Choose the best candidate (chosenRank), say why (rationale), and return the refined instruction (refined: rank 1, title, dataPreprocessing, modelArchitecture, modelTraining, submission).
Answer with JSON only: an object with "candidates" (one entry per candidate: its rank and its findings, each finding with kind, severity and detail), "chosenRank", "rationale" and "refined" (the refined instruction with rank, title, dataPreprocessing, modelArchitecture, modelTraining, submission — each section an array of concrete steps written out in full).`,
  });
}
