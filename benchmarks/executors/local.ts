// The local executor: today's in-process runner (runner.ts), P cells at a time on this machine.
import { runBench, type BenchOutcome, type BenchRequest, type CellRunner } from "../runner.js";

export interface LocalExecutorOptions {
  runCell: CellRunner;
  parallel: number;
  stopGraceMs?: number;
}

/** Runs a bench in this process; `request` is what every executor gets. */
export function runLocalBench(request: Omit<BenchRequest, "runCell" | "parallel" | "stopGraceMs">, options: LocalExecutorOptions): Promise<BenchOutcome> {
  return runBench({ ...request, runCell: options.runCell, parallel: options.parallel, ...(options.stopGraceMs === undefined ? {} : { stopGraceMs: options.stopGraceMs }) });
}
