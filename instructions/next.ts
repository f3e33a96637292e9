// The planner's improve step of instruction-guided search: one new instruction from the best node so far and the
// tree's history, answered in the per-rank JSON format (a grammar on local models; the schema retry on others).
import { type AgentModel, type CallOptions, callStep } from "../agents/index.js";
import { jsonRankFormat } from "./planner.js";
import { type NextInstructionPromptInput, nextInstructionPrompt } from "./prompts/next.js";
import type { Instruction } from "./schema.js";

export type NextInstructionInput = Omit<NextInstructionPromptInput, "answerFormat">;

export async function nextInstruction(planner: AgentModel, input: NextInstructionInput, options: CallOptions = {}): Promise<Instruction> {
  const prompt = nextInstructionPrompt({ ...input, answerFormat: jsonRankFormat.instructions });
  const answer = await jsonRankFormat.answer(planner, prompt, { ...options, step: callStep.nextInstruction().step });
  return { ...answer, rank: 1 };
}
