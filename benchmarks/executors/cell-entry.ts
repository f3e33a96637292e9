// One bench cell, run on its own: what a Slurm array task does on its node. The cell is found again from
// bench.json (the matrix expands to the same stable ids), run with the ordinary cell runner, and its run record
// written under <bench>/runs/<id> exactly as the local executor writes it.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import type { RunJson } from "../../execution/index.js";
import { BenchInputError, expandMatrix, parseModes, type RunKey } from "../matrix.js";
import { BENCH_FILES, modelColumnsOf, readManifest, type BenchManifest } from "../manifest.js";
import { moveAside, settleRecord, type CellRunner } from "../runner.js";

/** The run keys of a bench, from its manifest; the ids must be the ones recorded. */
export function keysOfManifest(manifest: BenchManifest, dir: string): RunKey[] {
  const keys = expandMatrix({
    tasks: manifest.tasks,
    modes: parseModes(manifest.modes),
    models: modelColumnsOf(manifest),
    temperatures: manifest.temperatures,
    repeats: manifest.repeats,
    baseSeed: manifest.baseSeed,
  });
  const recorded = new Set(manifest.runs.map((r) => r.id));
  const stray = keys.find((k) => !recorded.has(k.id));
  if (stray || keys.length !== recorded.size)
    throw new BenchInputError(`${join(dir, BENCH_FILES.manifest)}: its runs do not match its matrix (run ${stray?.id ?? "?"}); was it written by another linguacodus version?`);
  return keys;
}

const CellsFileSchema = z.array(z.string().min(1)).min(1);

/** The cell id of one array index, from the cells file written at submission. */
export function cellIdAt(cellsFile: string, index: number): string {
  if (!existsSync(cellsFile)) throw new BenchInputError(`cells file ${cellsFile} does not exist (is the bench folder on a filesystem this node shares?)`);
  const parsed = CellsFileSchema.safeParse(JSON.parse(readFileSync(cellsFile, "utf8")));
  if (!parsed.success) throw new BenchInputError(`cells file ${cellsFile} is not a JSON list of cell ids`);
  const id = parsed.data[index];
  if (id === undefined) throw new BenchInputError(`cells file ${cellsFile} has ${parsed.data.length} cells; there is no index ${index}`);
  return id;
}

/** The key of one cell of the bench in `dir`. */
export function cellKey(dir: string, cellId: string): { manifest: BenchManifest; key: RunKey } {
  const manifest = readManifest(dir);
  if (!manifest) throw new BenchInputError(`${join(dir, BENCH_FILES.manifest)} does not exist (is the bench folder on a filesystem this node shares?)`);
  const key = keysOfManifest(manifest, dir).find((k) => k.id === cellId);
  if (!key) throw new BenchInputError(`${join(dir, BENCH_FILES.manifest)} has no cell ${cellId}`);
  return { manifest, key };
}

export interface BenchCellRequest {
  dir: string;
  key: RunKey;
  runCell: CellRunner;
  version: string;
  /** Aborted when Slurm stops the task (scancel, time limit, preemption): the record is left for the submitter. */
  signal?: AbortSignal;
}

/**
 * Runs one cell into `<dir>/runs/<id>`. A crash or error is recorded as a failed run, as the local runner does;
 * a stop (signal) leaves the record unfinished, and the submitter records the Slurm state.
 */
export async function runBenchCell(request: BenchCellRequest): Promise<RunJson | undefined> {
  const runDir = join(request.dir, BENCH_FILES.runs, request.key.id);
  // A requeued or resubmitted task starts clean; the earlier attempt's folder is kept aside.
  if (existsSync(runDir)) moveAside(runDir, "unfinished");
  let error: unknown;
  try {
    await request.runCell(request.key, runDir, request.signal ?? new AbortController().signal);
  } catch (caught) {
    error = caught;
  }
  if (request.signal?.aborted) return undefined;
  return settleRecord(runDir, request.key, error, request.version);
}
