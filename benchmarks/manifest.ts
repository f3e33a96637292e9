// bench.json: what a bench set out to run, written before the first run starts, so reports know each run's
// mode (including ablations), model column, temperature and repeat, and `--resume` knows what is left.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { readJsonFile } from "../core/index.js";
import { readJsonLines } from "../execution/index.js";
import { MODE_NAMES, ModeFlagsSchema, type ModeName } from "./modes.js";
import type { ModelColumn, RunKey } from "./matrix.js";
import { BENCH_FILES } from "./layout.js";
import { BenchOptionsSchema } from "./options.js";

export { BENCH_FILES };

export const BENCH_SCHEMA_VERSION = 1;

/** A record in one of these states is finished: `budget` too (the run stopped at its budget and was graded). */
export function isFinishedState(state: string): boolean {
  return state === "succeeded" || state === "failed" || state === "budget";
}

const ModelColumnSchema = z.object({
  label: z.string().min(1),
  all: z.string().min(1),
  overrides: z.record(z.string(), z.string()),
});

export const BenchRunEntrySchema = z.object({
  id: z.string().min(1),
  taskId: z.string().min(1),
  taskDir: z.string().min(1),
  mode: z.enum(MODE_NAMES as [ModeName, ...ModeName[]]),
  /** The mode's run options; a field added since the manifest was written takes its default. */
  flags: ModeFlagsSchema,
  model: z.string().min(1),
  temperature: z.number().nullable(),
  seed: z.number().int(),
  repeat: z.number().int().nonnegative(),
});
export type BenchRunEntry = z.infer<typeof BenchRunEntrySchema>;

export const BenchManifestSchema = z.object({
  schemaVersion: z.literal(BENCH_SCHEMA_VERSION),
  createdAt: z.string(),
  /** The command line as typed (for the report header). */
  command: z.array(z.string()),
  tasks: z.array(z.object({ id: z.string(), dir: z.string() })),
  modes: z.array(z.string()),
  models: z.array(ModelColumnSchema),
  temperatures: z.array(z.number()),
  repeats: z.number().int().positive(),
  baseSeed: z.number().int(),
  options: BenchOptionsSchema,
  runs: z.array(BenchRunEntrySchema),
});
export type BenchManifest = z.infer<typeof BenchManifestSchema>;

export const BenchEventSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("bench.started"), ts: z.string(), resumed: z.boolean(), pending: z.number().int() }),
  z.object({ type: z.literal("run.started"), ts: z.string(), runId: z.string() }),
  z.object({
    type: z.literal("run.finished"),
    ts: z.string(),
    runId: z.string(),
    status: z.enum(["succeeded", "failed", "budget"]),
    valid: z.boolean(),
    score: z.number().nullable(),
    durationMs: z.number().nonnegative(),
    reason: z.string().optional(),
  }),
  z.object({ type: z.literal("bench.stopped"), ts: z.string(), reason: z.string() }),
  z.object({ type: z.literal("bench.finished"), ts: z.string(), done: z.number().int(), failed: z.number().int() }),
]);
export type BenchEvent = z.infer<typeof BenchEventSchema>;

export function manifestEntry(key: RunKey): BenchRunEntry {
  return {
    id: key.id,
    taskId: key.task.id,
    taskDir: key.task.dir,
    mode: key.mode,
    flags: key.flags,
    model: key.model.label,
    temperature: key.temperature,
    seed: key.seed,
    repeat: key.repeat,
  };
}

export function modelColumnsOf(manifest: BenchManifest): ModelColumn[] {
  return manifest.models.map((m) => ({ label: m.label, all: m.all, overrides: m.overrides }));
}

/** Reads `<dir>/bench.json` when there is one; a bad manifest is an error naming the field. */
export function readManifest(dir: string): BenchManifest | undefined {
  const path = join(dir, BENCH_FILES.manifest);
  return existsSync(path) ? readJsonFile(path, BenchManifestSchema) : undefined;
}

/** Prefix of the reason of a run.finished event for a run the bench stopped: such runs are unfinished. */
export const INTERRUPTED = "interrupted:";

/** Ids whose latest bench event says they were interrupted (their own records may claim "failed"). */
export function interruptedRuns(dir: string): Set<string> {
  const { items } = readJsonLines(join(dir, BENCH_FILES.events), BenchEventSchema);
  const interrupted = new Set<string>();
  for (const event of items) {
    if (event.type !== "run.finished") continue;
    if (event.reason?.startsWith(INTERRUPTED)) interrupted.add(event.runId);
    else interrupted.delete(event.runId);
  }
  return interrupted;
}
