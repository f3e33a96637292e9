// What an analysis run found, read from its record: the result kept, each sample's result or error (a sample is
// one chain c<p>-i<i>: parallel sample p, iteration i; a single run is one sample), and how consistent they are —
// the majority result and its share, or no agreement. `linguacodus ask --json` prints this (AskOutputSchema), the
// terminal table, the report and the viewer draw it.
import { join } from "node:path";
import { z } from "zod";
import { type JsonValue, canonicalJson, groupResults, holdsMajority } from "../datasets/index.js";
import { CODE_FILES, RUN_FILES, RunStatusSchema, type RunRecord, readRunRecord } from "./record/index.js";

/** One sample: where it ran, whether it stated a result, and why not. */
export const AnalysisSampleSchema = z.object({
  /** "run" for a single run, else the chain id c<p>-i<i>. */
  id: z.string(),
  /** Parallel sample p (0-based). */
  sample: z.number().int().nonnegative(),
  /** Iteration i within the sample (0-based). */
  iteration: z.number().int().nonnegative(),
  runDir: z.string(),
  status: RunStatusSchema,
  /** The sample printed a RESULT line whose text is JSON. */
  hasResult: z.boolean(),
  result: z.json().optional(),
  /** Why there is no result: the last attempt's error class and message, or the run's failure. */
  error: z.string().optional(),
  attempts: z.number().int().nonnegative(),
  /** The attempt whose result this is (exec/<attempt>/). */
  attempt: z.string().optional(),
  /** The script that gave the result (code/final.py of the sample). */
  code: z.string().optional(),
});
export type AnalysisSample = z.infer<typeof AnalysisSampleSchema>;

/** How consistent the samples are: the majority result holds more than half of all samples, else no agreement. */
export const AnalysisConsistencySchema = z.object({
  samples: z.number().int().nonnegative(),
  withResult: z.number().int().nonnegative(),
  /** The most frequent result (the first seen among equals); absent when no sample stated one. */
  majority: z.json().optional(),
  majorityCount: z.number().int().nonnegative(),
  /** majorityCount / samples (0 without samples). */
  share: z.number().min(0).max(1),
  /** The most frequent result holds more than half of all samples. */
  agreement: z.boolean(),
  /** Every distinct result with the samples that gave it, most frequent first. */
  groups: z.array(z.object({ result: z.json(), count: z.number().int().positive(), samples: z.array(z.string()) })),
});
export type AnalysisConsistency = z.infer<typeof AnalysisConsistencySchema>;

/** `linguacodus ask --json`: one JSON object on stdout (issue 23; docs/DESIGN.md "Analyses"). */
export const AskOutputSchema = z.object({
  kind: z.literal("analysis"),
  runDir: z.string(),
  taskId: z.string(),
  status: RunStatusSchema,
  /** The result kept: the majority's (the first sample of the largest group); absent when no sample gave one. */
  hasResult: z.boolean(),
  result: z.json().optional(),
  /** The expected result's check, when the task gives one: 1 matches, 0 not; null without an expected result. */
  score: z.number().nullable(),
  /** The code path kept: the sample and script that gave the result. */
  chosen: z.object({ sample: z.string(), code: z.string() }).optional(),
  samples: z.array(AnalysisSampleSchema),
  consistency: AnalysisConsistencySchema,
  failure: z.string().optional(),
});
export type AskOutput = z.infer<typeof AskOutputSchema>;

const lastError = (record: RunRecord): string | undefined => {
  const last = record.attempts.at(-1);
  if (last && last.outcome !== "ok") return `${last.errorClass ?? last.outcome}: ${(last.errorMessage ?? "").split("\n")[0]}`;
  return record.run.failure?.message;
};

function sampleOf(record: RunRecord, id: string): AnalysisSample {
  const match = /^c(\d+)-i(\d+)$/.exec(id);
  const result = record.score?.result as JsonValue | undefined;
  const error = result === undefined ? lastError(record) ?? "no result" : undefined;
  return {
    id,
    sample: match ? Number(match[1]) : 0,
    iteration: match ? Number(match[2]) : 0,
    runDir: record.dir,
    status: record.run.status,
    hasResult: result !== undefined,
    ...(result !== undefined ? { result } : {}),
    ...(error ? { error } : {}),
    attempts: record.attempts.length,
    ...(result !== undefined && record.score?.attempt ? { attempt: record.score.attempt } : {}),
    ...(result !== undefined ? { code: join(record.dir, RUN_FILES.finalScript) } : {}),
  };
}

/** The samples' consistency (majority and share, no agreement said by `agreement: false`). */
export function analysisConsistency(samples: readonly AnalysisSample[]): AnalysisConsistency {
  const groups = groupResults(samples);
  const top = groups[0];
  const majorityCount = top?.members.length ?? 0;
  return {
    samples: samples.length,
    withResult: samples.filter((s) => s.hasResult).length,
    ...(top ? { majority: top.result } : {}),
    majorityCount,
    share: samples.length === 0 ? 0 : majorityCount / samples.length,
    agreement: holdsMajority(majorityCount, samples.length),
    groups: groups.map((g) => ({ result: g.result, count: g.members.length, samples: g.members.map((m) => m.id) })),
  };
}

/** An analysis run's outcome, from its folder (a single run or chains). */
export function readAnalysisOutcome(runDir: string): AskOutput {
  const record = readRunRecord(runDir);
  const ids = record.run.chains ?? [];
  const samples = ids.length > 0 ? record.chains.map((chain, k) => sampleOf(chain, ids[k]!.id)) : [sampleOf(record, "run")];
  const result = record.score?.result as JsonValue | undefined;
  const bestChain = record.run.agreement?.bestChain;
  const chosenSample = ids.length > 0 ? samples.find((s) => s.id === bestChain) : samples[0];
  return {
    kind: "analysis",
    runDir: record.dir,
    taskId: record.run.taskId,
    status: record.run.status,
    hasResult: result !== undefined,
    ...(result !== undefined ? { result } : {}),
    score: result !== undefined ? (record.score?.score ?? null) : null,
    ...(result !== undefined && chosenSample ? { chosen: { sample: chosenSample.id, code: join(record.dir, "code", CODE_FILES.final) } } : {}),
    samples,
    consistency: analysisConsistency(samples),
    ...(record.run.failure ? { failure: record.run.failure.message } : {}),
  };
}

/** A result as one short line of text (for tables). */
export function resultText(value: JsonValue | undefined, max = 40): string {
  if (value === undefined) return "—";
  const text = canonicalJson(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The consistency view as text: results and errors per sample × iteration, then the majority and its share, or "no agreement". */
export function consistencyLines(outcome: Pick<AskOutput, "samples" | "consistency">): string[] {
  const { samples, consistency } = outcome;
  const iterations = Math.max(1, ...samples.map((s) => s.iteration + 1));
  const rows = Math.max(1, ...samples.map((s) => s.sample + 1));
  const cell = (s: AnalysisSample | undefined) => (s === undefined ? "" : s.hasResult ? resultText(s.result as JsonValue) : `✗ ${(s.error ?? "no result").split(":")[0]}`);
  const table = [["sample", ...Array.from({ length: iterations }, (_, i) => `iteration ${i + 1}`)]];
  for (let p = 0; p < rows; p++) table.push([`${p + 1}`, ...Array.from({ length: iterations }, (_, i) => cell(samples.find((s) => s.sample === p && s.iteration === i)))]);
  const widths = table[0]!.map((_, c) => Math.max(...table.map((r) => r[c]!.length)));
  const lines = table.map((r) => r.map((v, c) => v.padEnd(widths[c]!)).join("  ").trimEnd());
  const n = consistency.samples;
  const pct = (x: number) => `${Math.round(100 * x)}%`;
  if (consistency.withResult === 0) lines.push(`no agreement: none of the ${n} sample(s) stated a result`);
  else if (consistency.agreement) lines.push(`majority  ${resultText(consistency.majority as JsonValue, 60)} — ${consistency.majorityCount} of ${n} sample(s) (${pct(consistency.share)})`);
  else {
    const spread = consistency.groups.map((g) => `${resultText(g.result as JsonValue)} ×${g.count}`).join(", ");
    lines.push(`no agreement: no result holds more than half of the ${n} samples (${spread}; ${n - consistency.withResult} without a result)`);
  }
  return lines;
}
