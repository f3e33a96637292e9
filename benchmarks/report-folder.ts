// The report of a folder of run records, end to end: read the runs (with a price table for cost estimates), build
// the tables and comparisons, write <dir>/report/ — what `report` and the end of `bench` do, callable by scripts.
import { join, resolve } from "node:path";
import { collectRuns, readPriceTable } from "./collect.js";
import { BenchInputError } from "./matrix.js";
import { BENCH_FILES } from "./layout.js";
import { buildReport, type Report } from "./report.js";
import { writeMleBenchSubmission, type MleBenchSubmissionOptions } from "./mlebench-submission.js";
import { relativeLink, renderJson, renderMarkdown, writeReport, type WrittenReport } from "./render.js";

export interface ReportFolderOptions {
  /** Report folder (default `<root>/report`). */
  out?: string;
  /** Pairs of modes to compare. */
  compare?: [string, string][];
  /** Pairs of model columns (labels) to compare within each mode. */
  compareModels?: [string, string][];
  /** A JSON price table file (readPriceTable's form). */
  pricesFile?: string;
  /** Seed of the bootstrap resampling. */
  seed?: number;
  /** Also write an MLE-bench leaderboard submission into `out` (refused, with the reason, before anything is written). */
  mlebenchSubmission?: MleBenchSubmissionOptions & { out: string };
}

/** Builds and writes the report of a bench, runs or run folder; errors name the folder or file and the fix. */
export async function writeReportFolder(
  target: string,
  options: ReportFolderOptions = {},
): Promise<{ report: Report; written: WrittenReport; markdown: string; json: string; submission?: ReturnType<typeof writeMleBenchSubmission> }> {
  // What the user named is wrong (no such folder, a bad price table): BenchInputError; anything later is a crash.
  const asInput = <T>(read: () => T): T => {
    try {
      return read();
    } catch (error) {
      throw new BenchInputError((error as Error).message);
    }
  };
  const prices = options.pricesFile ? asInput(() => readPriceTable(options.pricesFile as string)) : undefined;
  const collection = asInput(() => collectRuns(target, prices ? { prices } : {}));
  const submission = options.mlebenchSubmission ? writeMleBenchSubmission(collection, options.mlebenchSubmission.out, options.mlebenchSubmission) : undefined;
  const outDir = resolve(options.out ?? join(collection.root, BENCH_FILES.report));
  const report = buildReport(collection, {
    linkOf: (dir) => relativeLink(outDir, dir),
    ...(options.compare ? { compare: options.compare } : {}),
    ...(options.compareModels ? { compareModels: options.compareModels } : {}),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  });
  const written = await writeReport(report, outDir);
  return { report, written, markdown: renderMarkdown(report), json: renderJson(report), ...(submission ? { submission } : {}) };
}
