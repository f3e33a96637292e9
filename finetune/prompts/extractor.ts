// The one prompt template of the extractor (the paper's "High-Level Solution Representation", Fig. 5): a model
// reads a scored solution and writes its high-level instruction in the four sections. Its answer is structured
// (a JSON grammar on GGUF models, structured output on APIs) so that even a small extractor yields the sections.
import { z } from "zod";
import type { ChatTurn } from "../../agents/index.js";

/** Characters of solution code the extractor reads (long notebooks are cut; the cut is said in the prompt). */
export const EXTRACTOR_CODE_CHARS = 6000;
const EXTRACTOR_DESCRIPTION_CHARS = 1200;

const Steps = z.array(z.string().min(1).max(300)).min(1).max(6);
export const ExtractedInstructionSchema = z.object({
  dataPreprocessing: Steps,
  modelArchitecture: Steps,
  modelTraining: Steps,
  submission: Steps,
});
export type ExtractedInstruction = z.infer<typeof ExtractedInstructionSchema>;

export interface ExtractorPromptInput {
  description: string;
  metric: string;
  dataType: string;
  code: string;
}

const cut = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max)}\n… [cut: ${text.length - max} more characters]`);

export function extractorPrompt(input: ExtractorPromptInput): ChatTurn[] {
  return [
    {
      role: "system",
      content:
        "You read machine learning competition solutions and summarise what they do as a high-level instruction " +
        "that another engineer could follow without seeing the code.",
    },
    {
      role: "user",
      content: `## Task
${cut(input.description.trim(), EXTRACTOR_DESCRIPTION_CHARS)}

Data type: ${input.dataType}
Metric: ${input.metric}

## Solution code
\`\`\`python
${cut(input.code.trim(), EXTRACTOR_CODE_CHARS)}
\`\`\`

## Your job
Extract the critical information of this solution: how it preprocesses the data, which model architecture it uses,
how it trains and validates the model, and how it writes the submission. Write each as short, concrete steps in full
sentences (column handling, encodings, model and library, hyper-parameters that matter, validation scheme).
Answer with JSON only: an object with the arrays dataPreprocessing, modelArchitecture, modelTraining, submission.`,
    },
  ];
}

/** Identifies the template in corpus.json, so a corpus says which prompt built it. */
export const EXTRACTOR_TEMPLATE_VERSION = "extractor-v1";
