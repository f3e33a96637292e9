// One planner call per rank: for small or fine-tuned planners that write one instruction per answer (the paper's
// Fig. 6 asks for "the first/second/third place instruction" separately). Each answer is parsed; a parse failure
// is recorded and that rank is asked once more; a rank that fails twice is dropped, and the stage fails only when
// no rank gave an instruction.
import type { AgentModel, CallOptions, ChatTurn } from "../agents/types.js";
import { StructuredOutputError } from "../agents/errors.js";
import type { Instruction } from "./schema.js";
import { paperPlannerMessages, parsePaperInstruction, type PaperParse } from "./prompts/paper.js";

export interface RankParseFailure {
  rank: number;
  /** 1 = the first call for this rank, 2 = its retry. */
  attempt: number;
  error: string;
  /** The answer that did not parse (capped). */
  response: string;
}

export interface PerRankPlan {
  instructions: Instruction[];
  failures: RankParseFailure[];
}

export interface PerRankRequest {
  count: number;
  prompt(rank: number): ChatTurn[];
  parse(text: string, rank: number): PaperParse;
}

/** A retry at temperature 0 would repeat the same answer: it samples a little instead. */
const RETRY_TEMPERATURE = 0.7;

export async function planPerRank(planner: AgentModel, request: PerRankRequest, options: CallOptions = {}): Promise<PerRankPlan> {
  const instructions: Instruction[] = [];
  const failures: RankParseFailure[] = [];
  for (let rank = 1; rank <= request.count; rank++) {
    for (let attempt = 1; attempt <= 2; attempt++) {
      const retry = attempt > 1;
      const text = await planner.generate(request.prompt(rank), {
        ...options,
        ...(retry
          ? {
              temperature: Math.max(options.temperature ?? 0, RETRY_TEMPERATURE),
              seed: (options.seed ?? 0) + 1000 + rank,
            }
          : {}),
        step: `instructions:rank-${rank}${retry ? ":retry" : ""}`,
      });
      const parsed = request.parse(text, rank);
      if (parsed.ok) {
        instructions.push({ ...parsed.instruction, rank: instructions.length + 1 });
        break;
      }
      failures.push({ rank, attempt, error: parsed.error, response: text.length > 2000 ? `${text.slice(0, 2000)}…` : text });
    }
  }
  if (instructions.length === 0) {
    const last = failures.at(-1);
    throw new StructuredOutputError(
      `The planner (${planner.spec}) gave no parsable instruction for any of ${request.count} rank(s), each asked twice: ` +
        `${last?.error ?? "no answer"}. Check that the model was fine-tuned on this prompt format, or use --planner-prompt json.`,
    );
  }
  return { instructions, failures };
}

export interface PaperPlanInput {
  description: string;
  dataType: string;
  metricName: string;
  lowerIsBetter: boolean;
  count: number;
}

/** `--planner-prompt paper`: the prompt the fine-tuning pairs were built with, one call per rank. */
export function planInstructionsPaper(planner: AgentModel, input: PaperPlanInput, options: CallOptions = {}): Promise<PerRankPlan> {
  return planPerRank(
    planner,
    {
      count: input.count,
      prompt: (rank) => paperPlannerMessages({ ...input, rank }),
      parse: parsePaperInstruction,
    },
    options,
  );
}
