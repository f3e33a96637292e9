// The planner's prompt modes. `json` asks for all N ranked instructions in one JSON answer (general chat models);
// `json-per-rank` makes one call per place, each answering one short instruction — what a small model can follow,
// with the prompt prefix shared across the calls and the schema retry (the team's structured retry is the "asked
// once more" of per-rank.ts, whose free-text `paper` mode has its own parser and retry).
import { StructuredOutputError } from "../agents/index.js";
import { callStep } from "../agents/index.js";
import type { AgentModel, CallOptions } from "../agents/index.js";
import { plannerPrompt } from "./prompts/planner.js";
import { plannerRankPrompt } from "./prompts/planner-rank.js";
import { collectRanks, type PerRankPlan, type RankOutcome, type RankParseFailure } from "./per-rank.js";
import { type Instruction, PlannerOutputSchema, type PlannerPromptMode, RankAnswerSchema } from "./schema.js";

export interface InstructionInput {
  /** The rendered task context. */
  context: string;
  libraries: readonly string[];
  /** The task is an analysis (a RESULT line, no submission): said in the environment section. */
  analysis?: boolean;
}

export interface PlannerInput extends InstructionInput {
  count: number;
  /** Default "json". "paper" needs the task's description and metric: planInstructionsPaper (per-rank.ts). */
  promptMode?: Exclude<PlannerPromptMode, "paper">;
}

/** One rank's answer: how it is asked for, and how the model's answer becomes an instruction. */
export interface RankAnswerFormat {
  /** Said in the prompt before the rank line (part of the prefix shared by all ranks). */
  instructions: string;
  /** One call for one rank (validation, retries and their recording are the format's). */
  answer(planner: AgentModel, prompt: Parameters<AgentModel["generate"]>[0], options: CallOptions): Promise<Omit<Instruction, "rank">>;
}

/** The per-rank JSON answer: one short instruction, constrained by the schema (a grammar on local models). */
export const jsonRankFormat: RankAnswerFormat = {
  instructions:
    "## Answer format\n" +
    'Answer with JSON only: an object with "title" (a short name of the approach) and the arrays "dataPreprocessing", ' +
    '"modelArchitecture", "modelTraining", "submission" — each holding one to three short, concrete steps.',
  answer: (planner, prompt, options) => planner.generateStructured(prompt, RankAnswerSchema, options),
};

/** Instructions for places 1..count, one call each; a place whose answer fails (twice) is left out, with the reason. */
export function planJsonPerRank(
  planner: AgentModel,
  input: InstructionInput & { count: number },
  format: RankAnswerFormat = jsonRankFormat,
  options: CallOptions = {},
): Promise<PerRankPlan> {
  const askRank = async (rank: number): Promise<RankOutcome> => {
    const prompt = plannerRankPrompt({ ...input, rank, answerFormat: format.instructions });
    try {
      return { instruction: await format.answer(planner, prompt, { ...options, step: callStep.instruction(rank).step }), failures: [] };
    } catch (error) {
      // Only a bad answer is skipped; a provider failure (unreachable, overflow, abort) ends the stage.
      if (!(error instanceof StructuredOutputError)) throw error;
      // The team asked twice (its schema retry); the message holds both errors and the last answer.
      return { failures: [{ rank, attempt: 2, error: error.message, response: "" }] };
    }
  };
  return collectRanks(
    input.count,
    askRank,
    (failures) => new Error(`the planner gave no valid instruction for any of ${input.count} place(s): ${failures.map((f) => `#${f.rank}: ${f.error}`).join(" | ")}`),
  );
}

/**
 * Asks the planner for `count` ranked instructions. Ranks are normalized to 1..n in the planner's order of rank
 * (models repeat or skip ranks); extra instructions beyond `count` are dropped.
 */
export async function planInstructions(planner: AgentModel, input: PlannerInput, options: CallOptions = {}): Promise<Instruction[]> {
  return (await planInstructionsReport(planner, input, options)).instructions;
}

/** planInstructions, with the places left out (per-rank modes) and why. */
export async function planInstructionsReport(
  planner: AgentModel,
  input: PlannerInput,
  options: CallOptions = {},
): Promise<{ instructions: Instruction[]; failures: RankParseFailure[] }> {
  if ((input.promptMode ?? "json") === "json-per-rank") return planJsonPerRank(planner, input, jsonRankFormat, options);
  return { instructions: await planAllAtOnce(planner, input, options), failures: [] };
}

async function planAllAtOnce(planner: AgentModel, input: PlannerInput, options: CallOptions): Promise<Instruction[]> {
  const output = await planner.generateStructured(
    plannerPrompt({ context: input.context, count: input.count, libraries: input.libraries, analysis: input.analysis === true }),
    // Lenient on count (max 10): a model that writes more than asked still gives usable candidates, sliced below.
    PlannerOutputSchema,
    { ...options, step: callStep.instructions().step },
  );
  return output.instructions
    .map((instruction, order) => ({ instruction, order }))
    .sort((a, b) => a.instruction.rank - b.instruction.rank || a.order - b.order)
    .slice(0, input.count)
    .map(({ instruction }, i) => ({ ...instruction, rank: i + 1 }));
}
