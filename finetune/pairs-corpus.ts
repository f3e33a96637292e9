// `finetune corpus --from pairs:<file>`: a corpus from pre-extracted pairs (no extractor): rows read by pairs.ts,
// deduplicated, split by competition, best places first (so `train --limit N` takes every competition's best),
// and the card with counts per metric, data type and place, the rows dropped or kept with a warning, and the
// prompt template read from the rows.
import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { CORPUS_FILES, CorpusError, hash8, writeCorpus } from "./corpus-files.js";
import { readPairs, type PairRecord, type PairsRead } from "./pairs.js";
import { splitByCompetition } from "./rank.js";
import { type CorpusCard, type Dropped, type Pair, PairSchema } from "./schema.js";

export interface PairsCorpusOptions {
  from: readonly string[];
  out: string;
  validationShare?: number;
  resume?: boolean;
  unknownPlace?: "keep" | "drop";
  /** At most this many pairs in all (best places of every competition first). */
  limit?: number;
  now: () => number;
}

function toPair(record: PairRecord, split: Pair["split"]): Pair {
  const hash = hash8(`${record.system ?? ""}\0${record.user}\0${record.completion}`);
  return PairSchema.parse({
    id: `${record.competition}-${record.rank ?? "x"}-${hash}`,
    competition: record.competition,
    split,
    rank: record.rank,
    score: null,
    source: "pairs",
    origin: record.origin,
    solutionHash: hash,
    title: record.title,
    metric: record.metric,
    dataType: record.dataType,
    ...(record.system ? { system: record.system } : {}),
    prompt: record.user,
    completion: record.completion,
    messages: [
      ...(record.system ? [{ role: "system", content: record.system }] : []),
      { role: "user", content: record.user },
      { role: "assistant", content: record.completion },
    ],
  });
}

/** The same prompt and completion twice count once (the first row is kept; the other is named in the card). */
function dedupe(records: readonly PairRecord[]): { kept: PairRecord[]; dropped: Dropped[] } {
  const first = new Map<string, string>();
  const kept: PairRecord[] = [];
  const dropped: Dropped[] = [];
  for (const r of records) {
    const key = `${r.user.replace(/\s+/g, " ")}\0${r.completion.replace(/\s+/g, " ")}`;
    const seen = first.get(key);
    if (seen) dropped.push({ origin: r.origin, competition: r.competition, reason: `duplicate of ${seen}` });
    else {
      first.set(key, r.origin);
      kept.push(r);
    }
  }
  return { kept, dropped };
}

export function buildPairsCorpus(options: PairsCorpusOptions): { dir: string; card: CorpusCard; pairs: Pair[]; extractorCalls: 0 } {
  const dir = resolve(options.out);
  const share = options.validationShare ?? 0.1;
  if (existsSync(join(dir, CORPUS_FILES.card)) && !options.resume) {
    throw new CorpusError(`${dir} already holds a corpus (corpus.json); pass --resume to rebuild it, or choose another --out.`);
  }
  mkdirSync(dir, { recursive: true });
  const reads: PairsRead[] = options.from.map((from) => readPairs(from, { unknownPlace: options.unknownPlace ?? "keep" }));
  const { kept, dropped } = dedupe(reads.flatMap((r) => r.records));
  dropped.unshift(...reads.flatMap((r) => r.dropped));
  const order = [...kept].sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || a.competition.localeCompare(b.competition));
  const records = options.limit === undefined ? order : order.slice(0, options.limit);
  for (const r of order.slice(records.length)) dropped.push({ origin: r.origin, competition: r.competition, reason: `beyond --limit ${options.limit}` });
  if (records.length === 0) {
    const reasons = [...new Set(dropped.map((d) => d.reason))].slice(0, 5).join("; ");
    throw new CorpusError(`No usable pair in ${options.from.join(", ")}${reasons ? ` (dropped: ${reasons})` : ""}.`);
  }
  const split = splitByCompetition(
    records.map((r) => r.competition),
    share,
  );
  const validation = new Set(split.validation);
  const pairs = records.map((r) => toPair(r, validation.has(r.competition) ? "validation" : "train"));
  const template = reads.find((r) => r.template)?.template;
  const card = writeCorpus(dir, pairs, {
    createdAt: new Date(options.now()).toISOString(),
    sources: reads.map((r) => ({ kind: "pairs", path: r.path, solutions: r.records.length })),
    extractor: "none (pre-extracted pairs)",
    topK: 0,
    validationShare: share,
    split,
    dropped,
    warnings: reads.flatMap((r) => r.warnings),
    licenses: { [`see ${reads.map((r) => r.path).join(", ")}`]: pairs.length },
    promptTemplate: "none",
    ...(template ? { plannerPrompt: template } : {}),
  });
  return { dir, card, pairs, extractorCalls: 0 };
}
