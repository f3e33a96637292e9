// `finetune corpus`: sources → ranked top-K solutions → the extractor writes each one's high-level instruction
// (cached by solution hash, concurrency-limited, every call in transcripts.jsonl) → pairs.jsonl in the paper's
// prompt format, split by competition, and the corpus.json card.
import { describeZodIssue } from "../core/index.js";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { AgentTeam } from "../agents/index.js";
import { callStep } from "../agents/index.js";
import { paperPrompt, renderPaperCompletion } from "../instructions/index.js";
import { EXTRACTOR_TEMPLATE_VERSION, ExtractedInstructionSchema, extractorPrompt } from "./prompts/extractor.js";
import { rankSolutions, splitByCompetition, type RankedSolution } from "./rank.js";
import {
  type CachedExtraction,
  CachedExtractionSchema,
  type CorpusCard,
  CorpusCardSchema,
  type Dropped,
  type Pair,
  PairSchema,
  type Solution,
} from "./schema.js";
import { readSource, type SourceRead } from "./sources.js";
import { STATIC_EXTRACTOR, staticExtract } from "./static-extractor.js";
import { isPairsSource } from "./pairs.js";
import { CORPUS_FILES, CorpusError, atomicWrite, countBy, hash8, writeCorpus } from "./corpus-files.js";
import { buildPairsCorpus } from "./pairs-corpus.js";


export interface CorpusOptions {
  /** `--from` values (folders, or builtin[:ids]). */
  from: readonly string[];
  out: string;
  /** Model spec of the extractor, or "static" (no model: the calls the code makes, see static-extractor.ts). */
  extractor: string;
  topK?: number;
  /** Share of competitions held out for validation (default 0.1; at least one when there are two or more). */
  validationShare?: number;
  /** Extractor calls in flight (default 2). */
  concurrency?: number;
  /** Where built-in tasks are prepared (for `builtin`). */
  tasksDir: string;
  /** Continue a corpus folder that already exists (cached extractions are reused either way). */
  resume?: boolean;
  /** Pairs files: a row whose place word is not recognised is kept with rank unknown (default) or dropped. */
  unknownPlace?: "keep" | "drop";
  /** At most this many solutions in all after ranking (best ranks first, round-robin over competitions). */
  limit?: number;
  /** Cap on each extractor answer (tokens). */
  maxTokens?: number;
  temperature?: number;
  seed?: number;
}

export interface CorpusProgress {
  done: number;
  total: number;
  cached: number;
  failed: number;
  /** Seconds to go at the pace of the calls made so far (null before the first one). */
  etaSeconds: number | null;
}

export interface CorpusDependencies {
  /** An agent team whose `extractor` role is `spec`, appending every call to `transcriptsPath`. */
  createTeam(input: { spec: string; transcriptsPath: string }): AgentTeam | Promise<AgentTeam>;
  onProgress?: (progress: CorpusProgress) => void;
  now?: () => number;
}

export interface CorpusResult {
  dir: string;
  card: CorpusCard;
  pairs: Pair[];
  /** Extractor calls made by this invocation (0 on a fully cached re-run). */
  extractorCalls: number;
}




/** Best ranks first across competitions, so a limit keeps every competition's best solutions. */
function roundRobin(ranked: readonly RankedSolution[], limit: number): { kept: RankedSolution[]; dropped: Dropped[] } {
  const order = [...ranked].sort((a, b) => a.rank - b.rank || a.competition.localeCompare(b.competition));
  return {
    kept: order.slice(0, limit),
    dropped: order.slice(limit).map((s) => ({ origin: s.origin, competition: s.competition, reason: `beyond --limit ${limit}` })),
  };
}

async function pool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await work(item);
    }
  });
  await Promise.all(workers);
}

function pairFor(solution: RankedSolution, sections: CachedExtraction["sections"] & object, split: Pair["split"]): Pair {
  const prompt = paperPrompt({
    description: solution.description,
    dataType: solution.dataType,
    metricName: solution.metric,
    ...(solution.lowerIsBetter !== undefined ? { lowerIsBetter: solution.lowerIsBetter } : {}),
    rank: solution.rank,
  });
  const completion = renderPaperCompletion(sections);
  return PairSchema.parse({
    id: `${solution.competition}-${solution.rank}-${solution.solutionHash.slice(0, 8)}`,
    competition: solution.competition,
    split,
    rank: solution.rank,
    score: solution.score ?? null,
    source: solution.source,
    origin: solution.origin,
    solutionHash: solution.solutionHash,
    title: solution.title,
    metric: solution.metric,
    dataType: solution.dataType,
    prompt,
    completion,
    messages: [
      { role: "user", content: prompt },
      { role: "assistant", content: completion },
    ],
  });
}


export { CorpusError };

export async function buildCorpus(options: CorpusOptions, deps: CorpusDependencies): Promise<CorpusResult> {
  const dir = resolve(options.out);
  const pairSources = options.from.filter(isPairsSource);
  if (pairSources.length > 0) {
    if (pairSources.length !== options.from.length) {
      throw new CorpusError(
        `--from mixes pre-extracted pairs (${pairSources.join(", ")}) with solution sources; build them as two corpora (pairs need no extractor).`,
      );
    }
    return buildPairsCorpus({
      from: options.from,
      out: options.out,
      ...(options.validationShare !== undefined ? { validationShare: options.validationShare } : {}),
      ...(options.resume !== undefined ? { resume: options.resume } : {}),
      ...(options.unknownPlace ? { unknownPlace: options.unknownPlace } : {}),
      ...(options.limit !== undefined ? { limit: options.limit } : {}),
      now: deps.now ?? Date.now,
    });
  }
  const topK = options.topK ?? 75;
  const share = options.validationShare ?? 0.1;
  if (!Number.isInteger(topK) || topK < 1) throw new CorpusError(`--top-k must be a positive integer (got ${topK}).`);
  if (options.from.length === 0) throw new CorpusError("give at least one --from source (a Code4ML folder, runs/bench folder, plain folder, or builtin).");
  if (existsSync(join(dir, CORPUS_FILES.card)) && !options.resume) {
    throw new CorpusError(`${dir} already holds a corpus (corpus.json); pass --resume to rebuild it from its cache, or choose another --out.`);
  }
  mkdirSync(join(dir, CORPUS_FILES.cache), { recursive: true });

  const reads: SourceRead[] = [];
  for (const from of options.from) reads.push(await readSource(from, options.tasksDir));
  const all: Solution[] = reads.flatMap((r) => r.solutions);
  const dropped: Dropped[] = reads.flatMap((r) => r.dropped);
  const rankedAll = rankSolutions(all, topK);
  dropped.push(...rankedAll.dropped);
  let ranked = rankedAll.ranked;
  if (options.limit !== undefined) {
    const limited = roundRobin(ranked, options.limit);
    ranked = limited.kept;
    dropped.push(...limited.dropped);
  }
  if (ranked.length === 0) {
    const reasons = [...new Set(dropped.map((d) => d.reason))].slice(0, 5).join("; ");
    throw new CorpusError(
      `No scored solution to build pairs from (sources: ${options.from.join(", ")}${reasons ? `; dropped: ${reasons}` : ""}). ` +
        "Each solution needs a score (or leaderboard rank) and its competition's description.",
    );
  }

  // Extraction, cached by solution hash and extractor.
  const extractorKey = hash8(`${options.extractor}\0${EXTRACTOR_TEMPLATE_VERSION}`);
  const cachePath = (s: RankedSolution) => join(dir, CORPUS_FILES.cache, `${s.solutionHash}-${extractorKey}.json`);
  const readCache = (s: RankedSolution): CachedExtraction | undefined => {
    const path = cachePath(s);
    if (!existsSync(path)) return undefined;
    const parsed = CachedExtractionSchema.safeParse(JSON.parse(readFileSync(path, "utf8")));
    return parsed.success ? parsed.data : undefined;
  };
  const extracted = new Map<string, CachedExtraction>();
  const pending: RankedSolution[] = [];
  for (const s of ranked) {
    const cached = readCache(s);
    if (cached) extracted.set(s.solutionHash, cached);
    else pending.push(s);
  }
  const now = deps.now ?? Date.now;
  const progress: CorpusProgress = { done: extracted.size, total: ranked.length, cached: extracted.size, failed: 0, etaSeconds: null };
  progress.failed = [...extracted.values()].filter((e) => !e.ok).length;
  deps.onProgress?.({ ...progress });
  let calls = 0;
  if (pending.length > 0 && options.extractor === STATIC_EXTRACTOR) {
    for (const s of pending) {
      const entry: CachedExtraction = { solutionHash: s.solutionHash, extractor: STATIC_EXTRACTOR, ok: true, sections: staticExtract(s.code) };
      atomicWrite(cachePath(s), `${JSON.stringify(entry, null, 2)}\n`);
      extracted.set(s.solutionHash, entry);
      progress.done++;
    }
    deps.onProgress?.({ ...progress, etaSeconds: 0 });
  } else if (pending.length > 0) {
    const team = await deps.createTeam({ spec: options.extractor, transcriptsPath: join(dir, CORPUS_FILES.transcripts) });
    const extractor = team.model("extractor");
    const started = now();
    try {
      await pool(pending, options.concurrency ?? 2, async (s) => {
        let entry: CachedExtraction;
        try {
          calls++;
          const sections = await extractor.generateStructured(
            extractorPrompt({ description: s.description, metric: s.metric, dataType: s.dataType, code: s.code }),
            ExtractedInstructionSchema,
            {
              step: callStep.extract(s.competition, s.rank).step,
              ...(options.maxTokens !== undefined ? { maxTokens: options.maxTokens } : {}),
              ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
              ...(options.seed !== undefined ? { seed: options.seed } : {}),
            },
          );
          entry = { solutionHash: s.solutionHash, extractor: options.extractor, ok: true, sections };
        } catch (error) {
          const message = (error as Error).message;
          // A failure of the model server is not the solution's fault: not cached, so a re-run tries again.
          if (/Cannot reach|Rate limited|closed/.test(message)) throw error;
          entry = { solutionHash: s.solutionHash, extractor: options.extractor, ok: false, error: message.split("\n")[0]!.slice(0, 500) };
          progress.failed++;
        }
        atomicWrite(cachePath(s), `${JSON.stringify(entry, null, 2)}\n`);
        extracted.set(s.solutionHash, entry);
        progress.done++;
        const made = progress.done - progress.cached;
        const perCall = (now() - started) / 1000 / Math.max(made, 1);
        progress.etaSeconds = Math.round(perCall * (progress.total - progress.done));
        deps.onProgress?.({ ...progress });
      });
    } finally {
      await team.close();
    }
  }

  const competitions = [...new Set(ranked.map((s) => s.competition))];
  const split = splitByCompetition(competitions, share);
  const validation = new Set(split.validation);
  const pairs: Pair[] = [];
  for (const s of ranked) {
    const entry = extracted.get(s.solutionHash);
    if (!entry?.ok || !entry.sections) {
      dropped.push({ origin: s.origin, competition: s.competition, reason: `extraction failed: ${entry?.error ?? "no answer"}` });
      continue;
    }
    pairs.push(pairFor(s, entry.sections, validation.has(s.competition) ? "validation" : "train"));
  }
  if (pairs.length === 0) {
    throw new CorpusError(`The extractor (${options.extractor}) gave no usable instruction for any of ${ranked.length} solutions; see ${join(dir, CORPUS_FILES.transcripts)}.`);
  }
  const card = writeCorpus(dir, pairs, {
    createdAt: new Date(now()).toISOString(),
    sources: reads.map((r) => ({ kind: r.kind, path: r.path, solutions: r.solutions.length })),
    extractor: options.extractor,
    topK,
    validationShare: share,
    split,
    dropped,
    licenses: countBy(pairs, (p) => ranked.find((s) => s.solutionHash === p.solutionHash)?.license ?? "unknown"),
    promptTemplate: EXTRACTOR_TEMPLATE_VERSION,
  });
  return { dir, card, pairs, extractorCalls: calls };
}

/** Reads a corpus folder back (for train and eval). */
export function readCorpus(dir: string): { card: CorpusCard; pairs: Pair[] } {
  const cardPath = join(dir, CORPUS_FILES.card);
  const pairsPath = join(dir, CORPUS_FILES.pairs);
  if (!existsSync(cardPath) || !existsSync(pairsPath)) {
    throw new CorpusError(`${dir} is not a corpus folder (needs corpus.json and pairs.jsonl); build one with 'linguacodus finetune corpus'.`);
  }
  const card = CorpusCardSchema.parse(JSON.parse(readFileSync(cardPath, "utf8")));
  const pairs = readFileSync(pairsPath, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((line, i) => {
      const parsed = PairSchema.safeParse(JSON.parse(line));
      if (!parsed.success) throw new CorpusError(`${pairsPath}:${i + 1}: ${describeZodIssue(parsed.error)}; rebuild the corpus.`);
      return parsed.data;
    });
  return { card, pairs };
}
