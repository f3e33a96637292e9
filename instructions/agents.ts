// The critic: reviews the planner's ranked instructions (planner.ts), picks one and refines it.
import type { AgentModel, CallOptions } from "../agents/types.js";
import { criticPrompt } from "./prompts/critic.js";
import type { InstructionInput } from "./planner.js";
import { CompactCriticVerdictSchema, type CriticVerdict, CriticVerdictSchema, type Instruction, renderInstruction } from "./schema.js";

export function renderCandidates(candidates: readonly Instruction[]): string {
  return candidates.map((c) => `## Candidate rank ${c.rank}\n${renderInstruction(c)}`).join("\n\n");
}

/**
 * The critic's verdict (`compact`: short answers, CompactCriticVerdictSchema). A chosen rank outside the candidates is corrected to rank 1 (and said so in the
 * rationale) rather than failing the run: the refined instruction is what matters downstream.
 */
export async function critiqueInstructions(
  critic: AgentModel,
  input: InstructionInput & { candidates: readonly Instruction[]; compact?: boolean },
  options: CallOptions = {},
): Promise<CriticVerdict> {
  const verdict: CriticVerdict = await critic.generateStructured(
    criticPrompt({ context: input.context, candidates: renderCandidates(input.candidates), libraries: input.libraries }),
    input.compact ? CompactCriticVerdictSchema : CriticVerdictSchema,
    { ...options, step: "critique" },
  );
  const ranks = new Set(input.candidates.map((c) => c.rank));
  const chosenRank = ranks.has(verdict.chosenRank) ? verdict.chosenRank : 1;
  const rationale =
    chosenRank === verdict.chosenRank ? verdict.rationale : `${verdict.rationale} [chosen rank ${verdict.chosenRank} does not exist; rank 1 used]`;
  return { ...verdict, chosenRank, rationale, refined: { ...verdict.refined, rank: 1 } };
}
