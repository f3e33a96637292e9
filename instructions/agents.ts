// The instruction stage: the planner writes N ranked instructions, the critic reviews them, picks one and refines it.
import type { AgentModel, CallOptions } from "../agents/types.js";
import { criticPrompt } from "./prompts/critic.js";
import { plannerPrompt } from "./prompts/planner.js";
import {
  type CriticVerdict,
  CriticVerdictSchema,
  type Instruction,
  PlannerOutputSchema,
  renderInstruction,
} from "./schema.js";

export interface InstructionInput {
  /** The rendered task context. */
  context: string;
  libraries: readonly string[];
}

/**
 * Asks the planner for `count` ranked instructions. Ranks are normalized to 1..n in the planner's order of rank
 * (models repeat or skip ranks); extra instructions beyond `count` are dropped.
 */
export async function planInstructions(
  planner: AgentModel,
  input: InstructionInput & { count: number },
  options: CallOptions = {},
): Promise<Instruction[]> {
  const output = await planner.generateStructured(
    plannerPrompt({ context: input.context, count: input.count, libraries: input.libraries }),
    // Lenient on count (max 10): a model that writes more than asked still gives usable candidates, sliced below.
    PlannerOutputSchema,
    { ...options, step: "instructions" },
  );
  return output.instructions
    .map((instruction, order) => ({ instruction, order }))
    .sort((a, b) => a.instruction.rank - b.instruction.rank || a.order - b.order)
    .slice(0, input.count)
    .map(({ instruction }, i) => ({ ...instruction, rank: i + 1 }));
}

export function renderCandidates(candidates: readonly Instruction[]): string {
  return candidates.map((c) => `## Candidate rank ${c.rank}\n${renderInstruction(c)}`).join("\n\n");
}

/**
 * The critic's verdict. A chosen rank outside the candidates is corrected to rank 1 (and said so in the
 * rationale) rather than failing the run: the refined instruction is what matters downstream.
 */
export async function critiqueInstructions(
  critic: AgentModel,
  input: InstructionInput & { candidates: readonly Instruction[] },
  options: CallOptions = {},
): Promise<CriticVerdict> {
  const verdict = await critic.generateStructured(
    criticPrompt({ context: input.context, candidates: renderCandidates(input.candidates), libraries: input.libraries }),
    CriticVerdictSchema,
    { ...options, step: "critique" },
  );
  const ranks = new Set(input.candidates.map((c) => c.rank));
  const chosenRank = ranks.has(verdict.chosenRank) ? verdict.chosenRank : 1;
  const rationale =
    chosenRank === verdict.chosenRank ? verdict.rationale : `${verdict.rationale} [chosen rank ${verdict.chosenRank} does not exist; rank 1 used]`;
  return { ...verdict, chosenRank, rationale, refined: { ...verdict.refined, rank: 1 } };
}
