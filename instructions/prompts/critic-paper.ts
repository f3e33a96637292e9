// Prompt templates of the paper's two-agent critic (Linguacodus, "Iterative enhancing LLM responses through
// multi-agent LLM", Fig. 7–8, after the researcher/resolver pattern of DERA and SmartGPT): a researcher lists the
// flaws and faulty logic of every option step by step; a resolver finds the option the researcher thought best,
// improves it, and prints it in full. The figures' exact wording is not in the paper's extracted text: this follows
// the researcher/resolver pattern the paper names.
import type { ChatTurn } from "../../agents/index.js";

export interface PaperCriticInput {
  context: string;
  candidates: string;
  count: number;
  libraries: readonly string[];
}

const libraryLine = (libraries: readonly string[]) => libraries.join(", ") || "(standard library only)";

export function researcherPrompt(input: PaperCriticInput): ChatTurn[] {
  return [
    {
      role: "user",
      content: `${input.context}

## Sandbox libraries (nothing else is installed; no network)
${libraryLine(input.libraries)}

## Candidate instructions
${input.candidates}

You are a researcher tasked with investigating the ${input.count} instruction options provided. List the flaws and faulty logic of each option. Let's work this out in a step by step way to be sure we have all the errors. End by saying which option you think is best.`,
    },
  ];
}

export function resolverPrompt(input: PaperCriticInput & { research: string }): ChatTurn[] {
  return [
    ...researcherPrompt(input),
    { role: "assistant", content: input.research },
    {
      role: "user",
      content: `You are a resolver tasked with 1) finding which of the ${input.count} instruction options the researcher thought was best, 2) improving that option, and 3) printing the improved option in full. Let's work this out in a step by step way to be sure we have the right answer.
Answer with JSON only: an object with "chosenRank" (the rank of the option the researcher thought best), "rationale" (why, in one or two sentences) and "refined" (the improved instruction in full: rank, title, dataPreprocessing, modelArchitecture, modelTraining, submission — each section an array of concrete steps).`,
    },
  ];
}
