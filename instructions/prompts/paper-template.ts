// A planner prompt read from a corpus (not typed in code): the system prompt and the user-prompt wording with
// slots for the place, the task, the data type and the metric. A corpus of pre-extracted pairs (the paper's
// released CSV) carries one in its card; the adapter trained on it carries it in its sidecar (<adapter.gguf>.json),
// and `--planner-prompt paper` asks that adapter with it — the shape it was trained on.
import { existsSync, readFileSync } from "node:fs";
import { z } from "zod";
import type { ChatTurn } from "../../agents/index.js";
import { PAPER_DESCRIPTION_CHARS, placeWord } from "./paper.js";

export const TEMPLATE_SLOTS = ["place", "task", "dataType", "metric"] as const;
export type TemplateSlot = (typeof TEMPLATE_SLOTS)[number];

export const PaperPromptTemplateSchema = z.object({
  /** The system turn, verbatim (absent: the pairs had none). */
  system: z.string().nullable(),
  /** The user turn with {place}, {task}, {dataType} and {metric} where the corpus had its values. */
  user: z.string().min(1),
  /** Place words as the corpus writes them, by rank (index 0 = rank 1). */
  places: z.array(z.string()),
  /** Data type and metric values as written in the corpus (a task's own value is mapped onto one of these). */
  dataTypes: z.array(z.string()),
  metrics: z.array(z.string()),
  /** Where it was read, and how many of the corpus's prompts it reproduces exactly. */
  source: z.string(),
  rowsMatching: z.number().int(),
  rows: z.number().int(),
});
export type PaperPromptTemplate = z.infer<typeof PaperPromptTemplateSchema>;

export interface TemplateFill {
  rank: number;
  title?: string;
  description: string;
  dataType: string;
  metricName: string;
}

const norm = (s: string) => s.trim().toLowerCase().replace(/[\s-]+/g, "_");

/** A task's value in the corpus's own words: equal, "<value> data", or a corpus value ending in "_<value>". */
function corpusValue(value: string, seen: readonly string[]): string {
  const v = norm(value);
  return (
    seen.find((s) => norm(s) === v) ??
    seen.find((s) => norm(s) === `${v}_data`) ??
    seen.find((s) => norm(s).endsWith(`_${v}`) || v.endsWith(`_${norm(s)}`)) ??
    value
  );
}

function taskText(fill: TemplateFill): string {
  const description = fill.description.replace(/\r/g, "").replace(/\n{3,}/g, "\n\n").trim();
  const cut = description.length <= PAPER_DESCRIPTION_CHARS ? description : `${description.slice(0, PAPER_DESCRIPTION_CHARS).trimEnd()} …`;
  return fill.title && !description.startsWith(fill.title) ? `${fill.title}\n${cut}` : cut;
}

/** The slots' values for one task and place, in the corpus's words. */
export function templateValues(template: PaperPromptTemplate, fill: TemplateFill): Record<TemplateSlot, string> {
  return {
    place: template.places[fill.rank - 1] ?? placeWord(fill.rank),
    task: taskText(fill),
    dataType: corpusValue(fill.dataType, template.dataTypes),
    metric: corpusValue(fill.metricName, template.metrics),
  };
}

/** Replaces each {slot} of `text` in one pass (a value holding "{metric}" is not filled again). */
export function fillSlots(text: string, values: Record<TemplateSlot, string>): string {
  return text.replace(/\{(place|task|dataType|metric)\}/g, (_, slot: TemplateSlot) => values[slot]);
}

export function templateMessages(template: PaperPromptTemplate, fill: TemplateFill): ChatTurn[] {
  const user = fillSlots(template.user, templateValues(template, fill));
  return template.system ? [{ role: "system", content: template.system }, { role: "user", content: user }] : [{ role: "user", content: user }];
}

/** `<adapter.gguf>` of a planner spec `gguf:<base>+lora:<adapter.gguf>` (undefined for other specs). */
export function loraPathOf(spec: string): string | undefined {
  const match = /\+lora:(.+)$/.exec(spec);
  return match?.[1];
}

/**
 * The prompt template an adapter was trained with, from its sidecar (`<adapter.gguf>.json`, field
 * `promptTemplate`, written by `finetune export`). Undefined when the spec has no adapter, the sidecar is absent, or
 * the corpus had no template of its own (this project's corpora: the paraphrase is their prompt).
 */
export function adapterPromptTemplate(plannerSpec: string): PaperPromptTemplate | undefined {
  const lora = loraPathOf(plannerSpec);
  if (!lora || !existsSync(`${lora}.json`)) return undefined;
  const sidecar = JSON.parse(readFileSync(`${lora}.json`, "utf8")) as { promptTemplate?: unknown };
  if (sidecar.promptTemplate === undefined || sidecar.promptTemplate === null) return undefined;
  const parsed = PaperPromptTemplateSchema.safeParse(sidecar.promptTemplate);
  if (!parsed.success) throw new Error(`${lora}.json: promptTemplate is not a prompt template (${parsed.error.issues[0]?.message}); export the adapter again.`);
  return parsed.data;
}
