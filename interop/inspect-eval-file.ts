// Inspect's native `.eval` log: a zip holding the entries Inspect's eval recorder (inspect_ai/log/_recorders/eval.py)
// leaves in a finished log — `_journal/start.json` (version, eval spec, plan), one `samples/<id>_epoch_<n>.json` per
// sample, `summaries.json` (what the viewer lists without opening samples), `reductions.json` (the per-sample score
// over epochs) and `header.json` (the log without its samples). Deflate, which Inspect's readers take alongside zstd.
import { strToU8, zipSync } from "fflate";
import type { InspectLog, InspectSample, InspectScore } from "./inspect-schema.js";
import { INSPECT_SCORER } from "./inspect-sample.js";

type ScoreValue = InspectScore["value"][string];

/** A sample as Inspect's summary of it (EvalSample.summary()): no messages, events or output. */
function summaryOf(sample: InspectSample): Record<string, unknown> {
  const { messages, events, output, error, ...kept } = sample;
  return { ...kept, ...(error ? { error: error.message } : {}), completed: true, message_count: messages.length };
}

/** One grade over a sample's epochs: numbers and flags averaged, a label kept when every epoch agrees. */
function reduceValues(values: ScoreValue[]): ScoreValue {
  const known = values.filter((v) => v !== null);
  if (known.length === 0) return null;
  if (known.every((v) => typeof v === "number" || typeof v === "boolean")) return known.reduce<number>((sum, v) => sum + Number(v), 0) / known.length;
  return known.every((v) => v === known[0]) ? (known[0] as ScoreValue) : null;
}

/** Inspect's reductions: per sample id the mean over its epochs, as the default `mean` epoch reducer gives. */
function reductionsOf(samples: InspectSample[]): { scorer: string; reducer: string; samples: (InspectScore & { sample_id: string })[] }[] {
  const byId = new Map<string, InspectSample[]>();
  for (const sample of samples) byId.set(sample.id, [...(byId.get(sample.id) ?? []), sample]);
  const reduced = [...byId].map(([id, epochs]) => {
    const values = epochs.map((s) => s.scores[INSPECT_SCORER]?.value ?? {});
    const keys = [...new Set(values.flatMap((v) => Object.keys(v)))];
    return { sample_id: id, value: Object.fromEntries(keys.map((key) => [key, reduceValues(values.map((v) => v[key] ?? null))])) };
  });
  return [{ scorer: INSPECT_SCORER, reducer: "mean", samples: reduced }];
}

/** The `.eval` zip of a log; `scrub` runs over every entry's JSON text (secrets stay redacted). */
export function evalFileOf(log: InspectLog, scrub: (text: string) => string): Uint8Array {
  const { samples, ...header } = log;
  const json = (value: unknown) => strToU8(scrub(JSON.stringify(value)));
  const entries: Record<string, Uint8Array> = { "_journal/start.json": json({ version: log.version, eval: log.eval, plan: log.plan }) };
  for (const sample of samples) entries[`samples/${sample.id}_epoch_${sample.epoch}.json`] = json(sample);
  entries["summaries.json"] = json(samples.map(summaryOf));
  entries["reductions.json"] = json(reductionsOf(samples));
  entries["header.json"] = json(header);
  return zipSync(entries, { level: 6 });
}
