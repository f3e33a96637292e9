// One planner call per rank: for small or fine-tuned planners that write one instruction per answer (the paper's
// Fig. 6 asks for "the first/second/third place instruction" separately). Each answer is parsed; a parse failure
// is recorded and that rank is asked once more; a rank that fails twice is dropped, and the stage fails only when
// no rank gave an instruction.
import type { AgentModel, CallOptions, ChatTurn } from "../agents/index.js";
import { callStep } from "../agents/index.js";
import { StructuredOutputError } from "../agents/index.js";
import type { Instruction } from "./schema.js";
import { paperPlannerMessages } from "./prompts/paper.js";
import { type PaperPromptTemplate, templateMessages } from "./prompts/paper-template.js";
import { parsePaperInstruction, type PaperParse } from "./prompts/paper-parse.js";

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

/** What asking for one place gave: its instruction (absent: every attempt failed) and the failed attempts. */
export interface RankOutcome {
  instruction?: Omit<Instruction, "rank">;
  failures: RankParseFailure[];
}

/**
 * The loop every per-rank mode shares: places 1..count asked in order, the places that gave an instruction
 * renumbered 1..n, the failures kept; `noInstruction` is the error when no place gave one.
 */
export async function collectRanks(
  count: number,
  askRank: (rank: number) => Promise<RankOutcome>,
  noInstruction: (failures: RankParseFailure[]) => Error,
): Promise<PerRankPlan> {
  const instructions: Instruction[] = [];
  const failures: RankParseFailure[] = [];
  for (let rank = 1; rank <= count; rank++) {
    const outcome = await askRank(rank);
    failures.push(...outcome.failures);
    if (outcome.instruction) instructions.push({ ...outcome.instruction, rank: instructions.length + 1 });
  }
  if (instructions.length === 0) throw noInstruction(failures);
  return { instructions, failures };
}

/** Free-text answers parsed by `request.parse`; a rank whose answer does not parse is asked once more. */
export function planPerRank(planner: AgentModel, request: PerRankRequest, options: CallOptions = {}): Promise<PerRankPlan> {
  const askRank = async (rank: number): Promise<RankOutcome> => {
    const failures: RankParseFailure[] = [];
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
        step: callStep.instruction(rank, retry).step,
      });
      const parsed = request.parse(text, rank);
      if (parsed.ok) return { instruction: parsed.instruction, failures };
      failures.push({ rank, attempt, error: parsed.error, response: text.length > 2000 ? `${text.slice(0, 2000)}…` : text });
    }
    return { failures };
  };
  return collectRanks(
    request.count,
    askRank,
    (failures) =>
      new StructuredOutputError(
        `The planner (${planner.spec}) gave no parsable instruction for any of ${request.count} rank(s), each asked twice: ` +
          `${failures.at(-1)?.error ?? "no answer"}. Check that the model was fine-tuned on this prompt format, or use --planner-prompt json.`,
      ),
  );
}

export interface PaperPlanInput {
  title?: string;
  description: string;
  dataType: string;
  metricName: string;
  /** Unknown for a free-text metric: the paraphrase then says nothing about the direction. */
  lowerIsBetter?: boolean;
  count: number;
  /** The prompt the adapter was trained with (its sidecar's); absent: this project's paraphrase (paperPrompt). */
  template?: PaperPromptTemplate;
}

/** The messages for one place: the adapter's own template when it has one, else the paraphrase. */
export function paperRankMessages(input: Omit<PaperPlanInput, "count">, rank: number): ChatTurn[] {
  return input.template
    ? templateMessages(input.template, { rank, description: input.description, dataType: input.dataType, metricName: input.metricName, ...(input.title ? { title: input.title } : {}) })
    : paperPlannerMessages({ ...input, rank });
}

/** `--planner-prompt paper`: the prompt the fine-tuning pairs were built with, one call per rank. */
export function planInstructionsPaper(planner: AgentModel, input: PaperPlanInput, options: CallOptions = {}): Promise<PerRankPlan> {
  return planPerRank(
    planner,
    {
      count: input.count,
      prompt: (rank) => paperRankMessages(input, rank),
      parse: parsePaperInstruction,
    },
    options,
  );
}
