// The corpus folder's files: pairs.jsonl and the corpus.json card, written atomically, the card's counts derived
// from the pairs (one writer for extracted and pre-extracted corpora).
import { createHash } from "node:crypto";
import { renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { TRANSCRIPT_FILE } from "../agents/index.js";
import { type CorpusCard, CorpusCardSchema, type Pair } from "./schema.js";

export class CorpusError extends Error {
  override name = "CorpusError";
}

export const CORPUS_FILES = {
  pairs: "pairs.jsonl",
  card: "corpus.json",
  transcripts: TRANSCRIPT_FILE,
  cache: "cache",
} as const;

export const hash8 = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 8);

export function atomicWrite(path: string, text: string): void {
  writeFileSync(`${path}.partial`, text);
  renameSync(`${path}.partial`, path);
}

export function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
}

/** What a corpus card holds besides what writeCorpus derives from the pairs. */
export type CorpusCardInput = Omit<CorpusCard, "kind" | "pairs" | "pairsSha256" | "competitions" | "counts"> & {
  split: { train: readonly string[]; validation: readonly string[] };
};

/** pairs.jsonl and corpus.json, each written atomically; the card's counts and competitions from the pairs. */
export function writeCorpus(dir: string, pairs: readonly Pair[], input: CorpusCardInput): CorpusCard {
  const pairsText = pairs.map((p) => JSON.stringify(p)).join("\n") + "\n";
  atomicWrite(join(dir, CORPUS_FILES.pairs), pairsText);
  const kept = new Set(pairs.map((p) => p.competition));
  const { split, ...rest } = input;
  const card: CorpusCard = CorpusCardSchema.parse({
    kind: "linguacodus-finetune-corpus",
    ...rest,
    pairs: pairs.length,
    pairsSha256: createHash("sha256").update(pairsText).digest("hex"),
    competitions: { train: split.train.filter((c) => kept.has(c)), validation: split.validation.filter((c) => kept.has(c)) },
    counts: {
      bySource: countBy(pairs, (p) => p.source),
      byMetric: countBy(pairs, (p) => p.metric ?? "?"),
      byDataType: countBy(pairs, (p) => p.dataType ?? "?"),
      bySplit: countBy(pairs, (p) => p.split),
      byPlace: countBy(pairs, (p) => (p.rank === null ? "unknown" : String(p.rank))),
    },
  });
  atomicWrite(join(dir, CORPUS_FILES.card), `${JSON.stringify(card, null, 2)}\n`);
  return card;
}
