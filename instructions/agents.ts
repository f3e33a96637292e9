// The critic: reviews the planner's ranked instructions (planner.ts), picks one and refines it.
import type { AgentModel, CallOptions } from "../agents/index.js";
import { callStep } from "../agents/index.js";
import { z } from "zod";
import { criticPrompt } from "./prompts/critic.js";
import { researcherPrompt, resolverPrompt } from "./prompts/critic-paper.js";
import type { InstructionInput } from "./planner.js";
import { CompactCriticVerdictSchema, type CriticVerdict, CriticVerdictSchema, type Instruction, RankAnswerSchema, renderInstruction } from "./schema.js";

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
    criticPrompt({ context: input.context, candidates: renderCandidates(input.candidates), libraries: input.libraries, analysis: input.analysis }),
    input.compact ? CompactCriticVerdictSchema : CriticVerdictSchema,
    { ...options, step: callStep.critique().step },
  );
  const ranks = new Set(input.candidates.map((c) => c.rank));
  const chosenRank = ranks.has(verdict.chosenRank) ? verdict.chosenRank : 1;
  const rationale =
    chosenRank === verdict.chosenRank ? verdict.rationale : `${verdict.rationale} [chosen rank ${verdict.chosenRank} does not exist; rank 1 used]`;
  return { ...verdict, chosenRank, rationale, refined: { ...verdict.refined, rank: 1 } };
}

/** The resolver's answer: the option the researcher favoured, why, and that option improved, in full. */
export const PaperResolverSchema = z.object({
  chosenRank: z.number().int().min(1).max(10),
  rationale: z.string().min(1).max(1200),
  refined: RankAnswerSchema.extend({ rank: z.number().int().min(1).max(10) }),
});

/**
 * The paper's two-agent critic (--critic-style paper): the researcher's free-text review (role critic, step
 * "research"), then the resolver's structured pick-and-improve (role critic, step "resolve"). The verdict has no
 * per-candidate findings (the researcher's text holds them, returned as `research`).
 */
export async function critiqueInstructionsPaper(
  critic: AgentModel,
  input: InstructionInput & { candidates: readonly Instruction[] },
  options: CallOptions = {},
): Promise<{ verdict: CriticVerdict; research: string }> {
  const prompt = { context: input.context, candidates: renderCandidates(input.candidates), count: input.candidates.length, libraries: input.libraries };
  const research = await critic.generate(researcherPrompt(prompt), { ...options, step: callStep.research().step });
  const resolved = await critic.generateStructured(resolverPrompt({ ...prompt, research }), PaperResolverSchema, { ...options, step: callStep.resolve().step });
  const ranks = new Set(input.candidates.map((c) => c.rank));
  const chosenRank = ranks.has(resolved.chosenRank) ? resolved.chosenRank : 1;
  const rationale =
    chosenRank === resolved.chosenRank ? resolved.rationale : `${resolved.rationale} [chosen rank ${resolved.chosenRank} does not exist; rank 1 used]`;
  return {
    verdict: { candidates: input.candidates.map((c) => ({ rank: c.rank, findings: [] })), chosenRank, rationale: rationale.slice(0, 1200), refined: { ...resolved.refined, rank: 1 } },
    research,
  };
}
