// `finetune eval --instructions`: instruction quality of the base and the fine-tuned planner on the held-out
// competitions of a corpus, per place asked — parse rate, section completeness, ROUGE-L and library/technique
// overlap against that competition's reference instructions, length — and whether the places' answers differ
// (distinct-instruction rate). Each competition is asked with the corpus's own prompt for that place (a reference
// pair's prompt, its place word changed when no reference has that place). The same prompts for the paper's
// evaluation tasks (sample_inputs.csv) have no references: parse rate, completeness and length only.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse } from "csv-parse/sync";
import { callStep } from "../agents/index.js";
import type { AgentTeam, ChatTurn } from "../agents/index.js";
import { type PaperPromptTemplate, paperMainSectionsPresent, paperRankMessages, parsePaperInstruction, placeWord } from "../instructions/index.js";
import { adapterSpec } from "./adapter.js";
import { metricDirection } from "./sources.js";
import type { CorpusCard, Pair } from "./schema.js";
import { bestRougeL, bestTermOverlap, distinctRate, rougeL, termsOf, words } from "./text-metrics.js";

export type PlannerName = "base" | "adapter";

/** One prompt of the eval: a held-out competition (with references) or a sample input (without) at one place. */
export interface EvalPrompt {
  set: "held-out" | "sample-inputs";
  item: string;
  place: number;
  messages: ChatTurn[];
  references: string[];
  /** The reference written for this very place, when the corpus has one. */
  samePlace?: string;
}

export interface InstructionAnswer {
  planner: PlannerName;
  set: EvalPrompt["set"];
  item: string;
  place: number;
  parsed: boolean;
  /** Main sections present and non-empty, over 3. */
  completeness: number;
  words: number;
  /** Best ROUGE-L F1 over the item's references; null without references. */
  rougeL: number | null;
  /** ROUGE-L against the reference of the same place (null when there is none). */
  rougeLSamePlace: number | null;
  /** Best Jaccard overlap of the libraries/techniques named, over the references; null without references. */
  termOverlap: number | null;
  terms: string[];
  text: string;
}

export interface InstructionSummary {
  planner: PlannerName;
  set: EvalPrompt["set"];
  /** "all", or the place. */
  place: string;
  answers: number;
  parseRate: number;
  completeness: number;
  rougeL: number | null;
  termOverlap: number | null;
  meanWords: number;
}

export interface InstructionEvalReport {
  base: string;
  adapter: string;
  corpus: string;
  competitions: string[];
  places: number[];
  summaries: InstructionSummary[];
  /** Per planner and set: mean over items of the share of places whose answers differ (ROUGE-L < 0.9). */
  distinct: Array<{ planner: PlannerName; set: EvalPrompt["set"]; rate: number }>;
  answers: InstructionAnswer[];
}

const PLACE_PHRASE = /\b(\S+) place instruction\b/;

/** The pair's own turns with its place word replaced by the corpus's word for `place`. */
function promptForPlace(pair: Pair, place: number, template: PaperPromptTemplate | undefined): ChatTurn[] {
  const word = template?.places[place - 1] ?? placeWord(place);
  const user = pair.rank === place ? pair.prompt : pair.prompt.replace(PLACE_PHRASE, `${word} place instruction`);
  return [...(pair.system ? [{ role: "system" as const, content: pair.system }] : []), { role: "user" as const, content: user }];
}

/** Prompts for the held-out competitions of a corpus (at most `limit` competitions), at each place. */
export function heldOutPrompts(input: { card: CorpusCard; pairs: readonly Pair[]; places: readonly number[]; limit?: number }): EvalPrompt[] {
  const competitions = input.card.competitions.validation.slice(0, input.limit ?? Infinity);
  return competitions.flatMap((competition) => {
    const refs = input.pairs.filter((p) => p.competition === competition).sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity));
    if (refs.length === 0) return [];
    return input.places.map((place) => {
      const same = refs.find((p) => p.rank === place);
      return {
        set: "held-out" as const,
        item: competition,
        place,
        messages: promptForPlace(same ?? refs[0]!, place, input.card.plannerPrompt),
        references: refs.map((p) => p.completion),
        ...(same ? { samePlace: same.completion } : {}),
      };
    });
  });
}

/** Prompts for the paper's evaluation tasks (sample_inputs.csv: title, task, data_type, metrics, …). */
export function sampleInputPrompts(input: { csv: string; places: readonly number[]; template?: PaperPromptTemplate }): EvalPrompt[] {
  const rows = parse(readFileSync(input.csv, "utf8"), { columns: true, skip_empty_lines: true, relax_column_count: true, bom: true }) as Array<Record<string, string>>;
  const need = ["title", "task", "data_type", "metrics"];
  const missing = need.filter((c) => rows[0] && !(c in rows[0]));
  if (missing.length) throw new Error(`${input.csv}: no ${missing.join(", ")} column (the paper's sample_inputs.csv has title, task, data_type, metrics).`);
  return rows.flatMap((row) => {
    const title = row.title!.replace(/\s+/g, " ").trim();
    const metricName = row.metrics?.trim() || "unknown";
    const lowerIsBetter = metricDirection(metricName);
    const task = {
      title,
      description: row.task ?? "",
      dataType: row.data_type?.trim() || "unknown",
      metricName,
      ...(lowerIsBetter !== undefined ? { lowerIsBetter } : {}),
      ...(input.template ? { template: input.template } : {}),
    };
    return input.places.map((place) => ({ set: "sample-inputs" as const, item: title, place, messages: paperRankMessages(task, place), references: [] }));
  });
}

/** The measures of one answer. */
export function scoreAnswer(planner: PlannerName, prompt: EvalPrompt, text: string): InstructionAnswer {
  const hasRefs = prompt.references.length > 0;
  return {
    planner,
    set: prompt.set,
    item: prompt.item,
    place: prompt.place,
    parsed: parsePaperInstruction(text, prompt.place).ok,
    completeness: paperMainSectionsPresent(text) / 3,
    words: words(text).length,
    rougeL: hasRefs ? bestRougeL(text, prompt.references) : null,
    rougeLSamePlace: prompt.samePlace !== undefined ? rougeL(text, prompt.samePlace) : null,
    termOverlap: hasRefs ? bestTermOverlap(text, prompt.references) : null,
    terms: termsOf(text),
    text,
  };
}

const mean = (xs: readonly number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
const meanOrNull = (xs: ReadonlyArray<number | null>) => {
  const present = xs.filter((x): x is number => x !== null);
  return present.length ? mean(present) : null;
};

/** Per planner × set, over all places and per place; and the distinct rate over each item's places. */
export function summarize(answers: readonly InstructionAnswer[]): Pick<InstructionEvalReport, "summaries" | "distinct"> {
  const summaries: InstructionSummary[] = [];
  const distinct: InstructionEvalReport["distinct"] = [];
  const keys = [...new Set(answers.map((a) => `${a.planner}\0${a.set}`))];
  for (const key of keys) {
    const [planner, set] = key.split("\0") as [PlannerName, EvalPrompt["set"]];
    const mine = answers.filter((a) => a.planner === planner && a.set === set);
    const places = [...new Set(mine.map((a) => a.place))].sort((a, b) => a - b);
    for (const place of ["all", ...places.map(String)]) {
      const group = place === "all" ? mine : mine.filter((a) => String(a.place) === place);
      summaries.push({
        planner,
        set,
        place,
        answers: group.length,
        parseRate: mean(group.map((a) => (a.parsed ? 1 : 0))),
        completeness: mean(group.map((a) => a.completeness)),
        rougeL: meanOrNull(group.map((a) => a.rougeL)),
        termOverlap: meanOrNull(group.map((a) => a.termOverlap)),
        meanWords: mean(group.map((a) => a.words)),
      });
    }
    const items = [...new Set(mine.map((a) => a.item))];
    distinct.push({ planner, set, rate: mean(items.map((item) => distinctRate(mine.filter((a) => a.item === item).map((a) => a.text)))) });
  }
  return { summaries, distinct };
}

export interface InstructionEvalOptions {
  base: string;
  adapterGguf: string;
  corpusDir: string;
  card: CorpusCard;
  pairs: readonly Pair[];
  places?: readonly number[];
  /** At most this many held-out competitions. */
  competitions?: number;
  /** sample_inputs.csv of the paper (asked with the same prompt shape; no references). */
  sampleInputs?: string;
  maxTokens?: number;
  seed?: number;
  createTeam(spec: string): AgentTeam | Promise<AgentTeam>;
  onAnswer?: (answer: InstructionAnswer) => void;
}

export async function evaluateInstructions(options: InstructionEvalOptions): Promise<InstructionEvalReport> {
  const places = options.places ?? [1, 2, 3];
  const prompts = [
    ...heldOutPrompts({ card: options.card, pairs: options.pairs, places, ...(options.competitions ? { limit: options.competitions } : {}) }),
    ...(options.sampleInputs
      ? sampleInputPrompts({ csv: options.sampleInputs, places, ...(options.card.plannerPrompt ? { template: options.card.plannerPrompt } : {}) })
      : []),
  ];
  if (prompts.length === 0) throw new Error(`${options.corpusDir} has no held-out competition (validation split) and no --sample-inputs was given: nothing to evaluate.`);
  const specs: Record<PlannerName, string> = { base: `gguf:${resolve(options.base)}`, adapter: adapterSpec(options.base, options.adapterGguf) };
  const answers: InstructionAnswer[] = [];
  for (const planner of ["base", "adapter"] as const) {
    const team = await options.createTeam(specs[planner]);
    try {
      for (const prompt of prompts) {
        const text = await team.model("planner").generate(prompt.messages, {
          temperature: 0,
          seed: options.seed ?? 0,
          step: callStep.instruction(prompt.place).step,
          ...(options.maxTokens ? { maxTokens: options.maxTokens } : {}),
        });
        const answer = scoreAnswer(planner, prompt, text);
        answers.push(answer);
        options.onAnswer?.(answer);
      }
    } finally {
      await team.close();
    }
  }
  return {
    base: specs.base,
    adapter: specs.adapter,
    corpus: resolve(options.corpusDir),
    competitions: [...new Set(prompts.filter((p) => p.set === "held-out").map((p) => p.item))],
    places: [...places],
    ...summarize(answers),
    answers,
  };
}

/** The terminal table: one line per planner × set × place. */
export function instructionTable(report: Pick<InstructionEvalReport, "summaries" | "distinct">): string {
  const pct = (x: number) => `${(x * 100).toFixed(0)}%`.padStart(5);
  const num = (x: number | null) => (x === null ? "    –" : x.toFixed(3));
  const lines = ["planner  set            place  answers  parsed  complete  ROUGE-L  terms  words"];
  for (const s of report.summaries) {
    lines.push(
      `${s.planner.padEnd(8)} ${s.set.padEnd(14)} ${s.place.padStart(5)}  ${String(s.answers).padStart(7)}  ${pct(s.parseRate)}  ${pct(s.completeness).padStart(8)}  ` +
        `${num(s.rougeL).padStart(7)}  ${num(s.termOverlap).padStart(5)}  ${Math.round(s.meanWords).toString().padStart(5)}`,
    );
  }
  for (const d of report.distinct) lines.push(`distinct instructions across places — ${d.planner} on ${d.set}: ${pct(d.rate).trim()}`);
  return lines.join("\n");
}
