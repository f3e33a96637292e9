// The Linguacodus paper's planner format (Fig. 5/6): one prompt per rank — "the {first|second|third} place
// instruction" for a task given its description, data type and metric — answered in free text with the four
// sections. The fine-tuning pairs (finetune/) are built with exactly this prompt and completion layout, and
// `--planner-prompt paper` asks a (fine-tuned) planner with it, so training and inference see the same text.
import type { ChatTurn } from "../../agents/types.js";
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

export type PaperParse = { ok: true; instruction: Instruction } | { ok: false; error: string };

const HEADING = new RegExp(
  String.raw`^[\s#>*_-]*(?:\d+[.)]\s*)?\**\s*(data\s+preprocessing|model\s+architecture|model\s+training|submission)\s*\**\s*:?\s*\**\s*(.*)$`,
  "i",
);
const KEY_OF: Record<string, keyof PaperSections> = {
  "data preprocessing": "dataPreprocessing",
  "model architecture": "modelArchitecture",
  "model training": "modelTraining",
  submission: "submission",
};
const MAX_BULLETS = 8;
const MAX_BULLET_CHARS = 400;

function bulletsOf(lines: readonly string[]): string[] {
  return lines
    .map((line) => line.replace(/^\s*(?:[-*•·]|\d+[.)])\s*/, "").trim())
    .filter((line) => line.length > 0)
    .slice(0, MAX_BULLETS)
    .map((line) => (line.length > MAX_BULLET_CHARS ? `${line.slice(0, MAX_BULLET_CHARS - 1)}…` : line));
}

/**
 * Parses a free-text answer into the four sections. Headings may be markdown (##, **…**), numbered, with or
 * without a colon, and text may follow the heading on its line. Every section must be present and non-empty;
 * the error names the ones missing. Text before the first heading becomes the title.
 */
export function parsePaperInstruction(text: string, rank: number): PaperParse {
  const sections: Partial<Record<keyof PaperSections, string[]>> = {};
  const preamble: string[] = [];
  let current: keyof PaperSections | undefined;
  for (const line of text.replace(/\r/g, "").split("\n")) {
    const heading = HEADING.exec(line);
    if (heading && heading[1]) {
      const key = KEY_OF[heading[1].toLowerCase().replace(/\s+/g, " ")];
      if (key) {
        current = key;
        sections[key] ??= [];
        if (heading[2]?.trim()) sections[key]!.push(heading[2]);
        continue;
      }
    }
    if (current) sections[current]!.push(line);
    else preamble.push(line);
  }
  const parsed = Object.fromEntries(
    INSTRUCTION_SECTIONS.map((s) => [s.key, bulletsOf(sections[s.key] ?? [])]),
  ) as Record<keyof PaperSections, string[]>;
  const missing = INSTRUCTION_SECTIONS.filter((s) => parsed[s.key].length === 0).map((s) => s.title);
  if (missing.length > 0) {
    return { ok: false, error: `missing or empty section${missing.length === 1 ? "" : "s"}: ${missing.join(", ")}` };
  }
  const titleLine = bulletsOf(preamble)[0]?.replace(/^#+\s*/, "");
  const title = (titleLine && titleLine.length <= 160 ? titleLine : `${placeWord(rank)} place instruction`).slice(0, 160);
  return { ok: true, instruction: { rank, title, ...parsed } };
}

/** Sections present and non-empty in a free-text answer, 0–4 (for section completeness in `finetune eval`). */
export function paperSectionsPresent(text: string): number {
  const found = new Set<string>();
  let current: string | undefined;
  const filled = new Set<string>();
  for (const line of text.replace(/\r/g, "").split("\n")) {
    const heading = HEADING.exec(line);
    if (heading && heading[1]) {
      current = heading[1].toLowerCase().replace(/\s+/g, " ");
      found.add(current);
      if (heading[2]?.trim()) filled.add(current);
      continue;
    }
    if (current && line.trim()) filled.add(current);
  }
  return [...found].filter((k) => filled.has(k)).length;
}
