// The Linguacodus paper's planner format (Fig. 5/6): one prompt per rank — "the {first|second|third} place
// instruction" for a task given its description, data type and metric — answered in free text with the four
// sections. The fine-tuning pairs (finetune/) are built with exactly this prompt and completion layout, and
// `--planner-prompt paper` asks a (fine-tuned) planner with it, so training and inference see the same text.
import type { ChatTurn } from "../../agents/index.js";
import { INSTRUCTION_SECTIONS, type Instruction } from "../schema.js";

const PLACES = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"] as const;

/** "first" for 1 … "tenth" for 10; "11th", "21st", "22nd" … beyond. */
export function placeWord(rank: number): string {
  const word = PLACES[rank - 1];
  if (word) return word;
  const teen = rank % 100 >= 11 && rank % 100 <= 13;
  const suffix = teen ? "th" : ({ 1: "st", 2: "nd", 3: "rd" } as Record<number, string>)[rank % 10] ?? "th";
  return `${rank}${suffix}`;
}

const ORDINALS = [
  ...PLACES,
  "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth", "eighteenth", "nineteenth", "twentieth",
] as const;

/**
 * The rank a place word names: "first" … "twentieth", or a number with an ordinal suffix ("21st", and "21.0st" as
 * the paper's released corpus writes places past 20). Undefined for anything else.
 */
export function placeRank(word: string): number | undefined {
  const w = word.trim().toLowerCase();
  const index = (ORDINALS as readonly string[]).indexOf(w);
  if (index >= 0) return index + 1;
  const numeric = /^(\d+)(?:\.0+)?(?:st|nd|rd|th)$/.exec(w);
  const n = numeric ? Number(numeric[1]) : NaN;
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/** Characters of the task description the prompt keeps (a small model's window; training truncates the same way). */
export const PAPER_DESCRIPTION_CHARS = 1500;

export interface PaperPromptInput {
  description: string;
  dataType: string;
  metricName: string;
  /** Unknown for a corpus metric with no known direction: the prompt then says nothing about it. */
  lowerIsBetter?: boolean;
  /** 1 = the first place instruction. */
  rank: number;
}

function trimDescription(text: string): string {
  const clean = text.replace(/\r/g, "").replace(/\n{3,}/g, "\n\n").trim();
  return clean.length <= PAPER_DESCRIPTION_CHARS ? clean : `${clean.slice(0, PAPER_DESCRIPTION_CHARS).trimEnd()} …`;
}

/** The prompt text (the user turn; chat templates or Llama 2's [INST] … [/INST] wrap it). */
export function paperPrompt(input: PaperPromptInput): string {
  return [
    `Generate the ${placeWord(input.rank)} place instruction for the machine learning task below.`,
    `Task description: ${trimDescription(input.description)}`,
    `Data type: ${input.dataType}`,
    `Metric: ${input.metricName}${input.lowerIsBetter === undefined ? "" : ` (${input.lowerIsBetter ? "lower" : "higher"} is better)`}`,
    "Answer with the sections Data Preprocessing, Model Architecture, Model Training and Submission.",
  ].join("\n");
}

export function paperPlannerMessages(input: PaperPromptInput): ChatTurn[] {
  return [{ role: "user", content: paperPrompt(input) }];
}

export interface PaperSections {
  dataPreprocessing: readonly string[];
  modelArchitecture: readonly string[];
  modelTraining: readonly string[];
  submission: readonly string[];
}

/** The completion layout: one heading per section, a bullet per step. */
export function renderPaperCompletion(sections: PaperSections): string {
  return INSTRUCTION_SECTIONS.map((s) => `${s.title}:\n${sections[s.key].map((b) => `- ${b}`).join("\n")}`).join("\n\n");
}
