// Pre-extracted instruction pairs, which need no extractor: the Linguacodus paper's released corpus (a CSV whose
// `prompt` column is one Llama-2 chat string `<s>[INST] <<SYS>> … <</SYS>> … [/INST] completion</s>`) and plain
// JSONL (`prompt`/`completion`, or chat `messages`). Each row becomes a record with its system prompt, user prompt
// and completion; for prompts in the paper's wording the task, data type, metric and place are recovered, and the
// wording itself is read back as the corpus's prompt template (the slots where the values stood).
import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, extname, resolve } from "node:path";
import { parse } from "csv-parse/sync";
import { type PaperPromptTemplate, placeRank, type TemplateSlot } from "../instructions/index.js";
import type { Dropped } from "./schema.js";
import { CorpusSourceError } from "./sources.js";

export type PairsFormat = "paper-csv" | "jsonl";

/** One usable row of a pairs file. */
export interface PairRecord {
  /** The unit of the split: the row's competition field, else the task's title, else the prompt's hash. */
  competition: string;
  title: string;
  dataType: string;
  metric: string;
  /** The place word as written, and the rank it names (null: not recognised). */
  place: string | null;
  rank: number | null;
  system: string | null;
  user: string;
  completion: string;
  /** file:row (1-based data row) and the row's own id when it has one. */
  origin: string;
}

export interface PairsRead {
  kind: "pairs";
  path: string;
  format: PairsFormat;
  records: PairRecord[];
  dropped: Dropped[];
  /** Rows kept with something to say (an unrecognised place word). */
  warnings: Dropped[];
  /** The prompt wording read from the rows (present when prompts follow the paper's layout). */
  template?: PaperPromptTemplate;
}

/** `pairs:<file>`, or a .jsonl file, or a CSV with a `prompt` column. */
export function isPairsSource(from: string): boolean {
  if (from.startsWith("pairs:")) return true;
  const path = resolve(from);
  if (!existsSync(path) || !statSync(path).isFile()) return false;
  if (extname(path) === ".jsonl") return true;
  if (extname(path) !== ".csv") return false;
  const head = readFileSync(path, "utf8").slice(0, 4096).split("\n")[0] ?? "";
  return /(^|,)"?prompt"?(,|$)/i.test(head.trim());
}

const CHAT = /^\s*(?:<s>)?\s*\[INST\]\s*(?:<<SYS>>\s*([\s\S]*?)\s*<<\/SYS>>)?\s*([\s\S]*?)\s*\[\/INST\]([\s\S]*)$/;

/** A Llama-2 chat string → system, user, completion; the reason when it is not one. */
export function parseLlama2Chat(text: string): { system: string | null; user: string; completion: string } | { error: string } {
  const match = CHAT.exec(text);
  if (!match) return { error: text.includes("[INST]") ? "no [/INST] after the prompt" : "not a Llama-2 chat string ([INST] … [/INST] …)" };
  const completion = (match[3] ?? "").replace(/<\/s>\s*$/, "").trim();
  return { system: match[1]?.trim() || null, user: (match[2] ?? "").trim(), completion };
}

// The paper's user prompt: "… writing the <place> place instruction … Task: <task>\nThe <data type> data is used for
// the problem. The metric type is <metric> for the problem. …" (the "d" flag gives each value's position).
const PLACE = /writing the (\S+) place instruction/d;
const TASK_TYPE_METRIC = /Task: ([\s\S]*?)\nThe (.+?) data is used for the problem\. The metric type is (.+?) for the problem\./d;

interface Recovered {
  values: Record<TemplateSlot, string>;
  /** The user prompt with each value's span replaced by its {slot}. */
  template: string;
}

export function recoverPaperFields(user: string): Recovered | undefined {
  const place = PLACE.exec(user);
  const rest = TASK_TYPE_METRIC.exec(user);
  if (!place?.indices || !rest?.indices) return undefined;
  const spans: Array<{ slot: TemplateSlot; at: [number, number] }> = [
    { slot: "place" as const, at: place.indices[1]! },
    { slot: "task" as const, at: rest.indices[1]! },
    { slot: "dataType" as const, at: rest.indices[2]! },
    { slot: "metric" as const, at: rest.indices[3]! },
  ].sort((a, b) => a.at[0] - b.at[0]);
  let template = "";
  let from = 0;
  for (const span of spans) {
    if (span.at[0] < from) return undefined;
    template += `${user.slice(from, span.at[0])}{${span.slot}}`;
    from = span.at[1];
  }
  template += user.slice(from);
  return { values: { place: place[1]!, task: rest[1]!, dataType: rest[2]!, metric: rest[3]! }, template };
}

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 80) || "untitled";

type Raw = { origin: string; id?: string; chat?: ReturnType<typeof parseLlama2Chat>; fields: Record<string, unknown> };

function readPaperCsv(path: string): Raw[] {
  let rows: Array<Record<string, string>>;
  try {
    rows = parse(readFileSync(path, "utf8"), { columns: true, skip_empty_lines: true, relax_column_count: true, bom: true });
  } catch (error) {
    throw new CorpusSourceError(`${path}: not a readable CSV (${(error as Error).message}).`);
  }
  const header = rows[0] ? Object.keys(rows[0]) : [];
  const promptColumn = header.find((h) => h.trim().toLowerCase() === "prompt");
  if (!promptColumn) throw new CorpusSourceError(`${path}: no prompt column (found ${header.join(", ") || "no header"}); the paper's CSV has prompt and kaggle_id.`);
  return rows.map((row, i) => ({
    origin: `${basename(path)}:${i + 1}`,
    ...(row.kaggle_id ? { id: row.kaggle_id } : {}),
    chat: parseLlama2Chat(row[promptColumn] ?? ""),
    fields: row,
  }));
}

function readJsonl(path: string): Raw[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .map((line, i) => ({ line: line.trim(), n: i + 1 }))
    .filter((l) => l.line)
    .map(({ line, n }) => {
      const origin = `${basename(path)}:${n}`;
      let row: Record<string, unknown>;
      try {
        row = JSON.parse(line) as Record<string, unknown>;
      } catch (error) {
        return { origin, chat: { error: `not JSON (${(error as Error).message})` }, fields: {} };
      }
      const messages = Array.isArray(row.messages) ? (row.messages as Array<{ role?: string; content?: string }>) : undefined;
      if (messages) {
        const of = (role: string) => messages.filter((m) => m.role === role).map((m) => String(m.content ?? ""));
        const [user] = of("user");
        const completion = of("assistant").at(-1);
        if (user === undefined || completion === undefined) return { origin, chat: { error: "messages need a user and an assistant turn" }, fields: row };
        return { origin, chat: { system: of("system")[0] ?? null, user: user.trim(), completion: completion.trim() }, fields: row };
      }
      if (typeof row.prompt !== "string") return { origin, chat: { error: "neither prompt/completion nor messages" }, fields: row };
      const chat = typeof row.completion === "string" ? { system: typeof row.system === "string" ? row.system : null, user: row.prompt.trim(), completion: row.completion.trim() } : parseLlama2Chat(row.prompt);
      return { origin, ...(typeof row.id === "string" ? { id: row.id } : {}), chat, fields: row };
    });
}

const field = (row: Record<string, unknown>, ...names: string[]) => {
  for (const name of names) if (typeof row[name] === "string" && (row[name] as string).trim()) return (row[name] as string).trim();
  return undefined;
};

function mostCommon<T>(items: readonly T[]): { value: T; count: number } | undefined {
  const counts = new Map<T, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]).map(([value, count]) => ({ value, count }))[0];
}

export interface ReadPairsOptions {
  /** A row whose place word is not recognised: kept with rank unknown (default), or dropped. */
  unknownPlace?: "keep" | "drop";
}

/** Reads a pairs file (the `--from` value, with or without its `pairs:` prefix). */
export function readPairs(from: string, options: ReadPairsOptions = {}): PairsRead {
  const path = resolve(from.startsWith("pairs:") ? from.slice("pairs:".length) : from);
  if (!existsSync(path)) throw new CorpusSourceError(`--from ${from}: no such file (give the paper's CSV or a JSONL of prompt/completion pairs).`);
  const format: PairsFormat = extname(path) === ".jsonl" ? "jsonl" : "paper-csv";
  const raws = format === "jsonl" ? readJsonl(path) : readPaperCsv(path);
  const records: PairRecord[] = [];
  const dropped: Dropped[] = [];
  const warnings: Dropped[] = [];
  const templates: Array<{ template: string; system: string | null; rank: number | null; place: string; dataType: string; metric: string }> = [];
  for (const raw of raws) {
    const origin = raw.id ? `${raw.origin} (${raw.id})` : raw.origin;
    const chat = raw.chat!;
    if ("error" in chat) {
      dropped.push({ origin, reason: chat.error });
      continue;
    }
    if (!chat.completion) {
      dropped.push({ origin, reason: "empty completion" });
      continue;
    }
    if (!chat.user) {
      dropped.push({ origin, reason: "empty prompt" });
      continue;
    }
    const recovered = recoverPaperFields(chat.user);
    const taskText = recovered?.values.task.trim();
    const title = field(raw.fields, "title") ?? taskText?.split("\n")[0]?.trim() ?? "";
    const placeWord = field(raw.fields, "place") ?? recovered?.values.place ?? null;
    const explicitRank = typeof raw.fields.rank === "number" ? raw.fields.rank : undefined;
    const rank = explicitRank ?? (placeWord ? (placeRank(placeWord) ?? null) : null);
    const competitionField = field(raw.fields, "competition", "comp_name");
    const competition = competitionField ?? (title ? slug(title) : `prompt-${slug(chat.user).slice(0, 40)}`);
    if (placeWord && rank === null) {
      const reason = `place word '${placeWord}' not recognised`;
      if (options.unknownPlace === "drop") {
        dropped.push({ origin, competition, reason: `${reason} (--unknown-place drop)` });
        continue;
      }
      warnings.push({ origin, competition, reason: `${reason}: kept with rank unknown` });
    }
    const dataType = field(raw.fields, "data_type", "dataType") ?? recovered?.values.dataType ?? "unknown";
    const metric = field(raw.fields, "metric") ?? recovered?.values.metric ?? "unknown";
    records.push({ competition, title, dataType, metric, place: placeWord, rank, system: chat.system, user: chat.user, completion: chat.completion, origin });
    if (recovered) templates.push({ template: recovered.template, system: chat.system, rank, place: recovered.values.place, dataType, metric });
  }
  const template = readTemplate(path, templates, records.length);
  return { kind: "pairs", path, format, records, dropped, warnings, ...(template ? { template } : {}) };
}

/** The most common wording (and system prompt) of the rows, with the place words by rank and the values seen. */
function readTemplate(path: string, rows: ReadonlyArray<{ template: string; system: string | null; rank: number | null; place: string; dataType: string; metric: string }>, total: number): PaperPromptTemplate | undefined {
  const user = mostCommon(rows.map((r) => r.template));
  if (!user) return undefined;
  const matching = rows.filter((r) => r.template === user.value);
  const maxRank = Math.max(0, ...matching.map((r) => r.rank ?? 0));
  const places = Array.from({ length: maxRank }, (_, i) => mostCommon(matching.filter((r) => r.rank === i + 1).map((r) => r.place))?.value ?? "");
  const filled = places.findIndex((p) => p === "");
  return {
    system: mostCommon(matching.map((r) => r.system))?.value ?? null,
    user: user.value,
    // Only the run of ranks the corpus names without a gap (a gap would fill a prompt with an empty place).
    places: filled === -1 ? places : places.slice(0, filled),
    dataTypes: [...new Set(matching.map((r) => r.dataType))].sort(),
    metrics: [...new Set(matching.map((r) => r.metric))].sort(),
    source: path,
    rowsMatching: matching.length,
    rows: total,
  };
}
