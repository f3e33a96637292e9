// `linguacodus report <run-or-bench-dir>`: tables, paired comparisons and charts from run records, written as
// Markdown, self-contained HTML, JSON and tidy CSV (plus one SVG per chart) into <dir>/report/.
import type { Command } from "commander";
import { UserFacingError } from "../failure.js";

interface ReportFlags {
  format: string;
  out?: string;
  compare?: string[];
  compareModels?: string[];
  prices?: string;
  seed: string;
  mlebenchSubmission?: string;
  mlebenchExperiment?: string;
  mlebenchEntry?: string;
  mlebenchAgent?: string;
}

const FORMATS = ["md", "html", "json"] as const;

/** Builds and writes the report of `target` (the library's writeReportFolder); shared by `report` and `bench`. */
export async function writeReportFor(
  target: string,
  options: import("../../benchmarks/index.js").ReportFolderOptions = {},
): ReturnType<typeof import("../../benchmarks/index.js").writeReportFolder> {
  const { BenchInputError, readPriceTable, writeReportFolder } = await import("../../benchmarks/index.js");
  if (options.pricesFile) {
    try {
      readPriceTable(options.pricesFile);
    } catch (error) {
      throw new UserFacingError(`--prices: ${(error as Error).message}`);
    }
  }
  try {
    return await writeReportFolder(target, options);
  } catch (error) {
    if (error instanceof BenchInputError) throw new UserFacingError(error.message);
    throw error;
  }
}

function parsePairs(flag: string, values: string[] | undefined, shape: string, example: string): [string, string][] | undefined {
  if (!values?.length) return undefined;
  return values.map((value) => {
    const parts = value.split(":");
    if (parts.length !== 2 || !parts[0] || !parts[1]) throw new UserFacingError(`${flag} '${value}': use ${shape}, e.g. ${example}`);
    return [parts[0], parts[1]];
  });
}

/** --mlebench-entry MODE:MODEL splits at the first ':' (model column labels may hold one, mode names do not). */
function mlebenchSubmissionOptions(flags: ReportFlags, out: string): NonNullable<import("../../benchmarks/index.js").ReportFolderOptions["mlebenchSubmission"]> {
  const entry = flags.mlebenchEntry;
  const colon = entry?.indexOf(":") ?? -1;
  if (entry !== undefined && (colon <= 0 || colon === entry.length - 1)) throw new UserFacingError(`--mlebench-entry '${entry}': use MODE:MODEL (a mode and a model column label), e.g. linguacodus:gpt-4o`);
  return {
    out,
    ...(entry ? { mode: entry.slice(0, colon), model: entry.slice(colon + 1) } : {}),
    ...(flags.mlebenchExperiment ? { experimentId: flags.mlebenchExperiment } : {}),
    ...(flags.mlebenchAgent ? { agent: flags.mlebenchAgent } : {}),
  };
}

async function reportAction(target: string, flags: ReportFlags): Promise<void> {
  if (!(FORMATS as readonly string[]).includes(flags.format)) throw new UserFacingError(`--format must be one of ${FORMATS.join(", ")} (got '${flags.format}')`);
  const seed = Number(flags.seed);
  if (!Number.isInteger(seed)) throw new UserFacingError(`--seed must be a whole number (got '${flags.seed}')`);
  const compare = parsePairs("--compare", flags.compare, "MODE_A:MODE_B", "linguacodus:direct");
  // Model columns are named by their label; a label holding ':' cannot be given here (bench labels rarely do).
  const compareModels = parsePairs("--compare-models", flags.compareModels, "LABEL_A:LABEL_B", "finetuned-planner:base-planner");
  const { written, markdown, json, submission } = await writeReportFor(target, {
    ...(flags.out ? { out: flags.out } : {}),
    ...(flags.mlebenchSubmission ? { mlebenchSubmission: mlebenchSubmissionOptions(flags, flags.mlebenchSubmission) } : {}),
    ...(compare ? { compare } : {}),
    ...(compareModels ? { compareModels } : {}),
    ...(flags.prices ? { pricesFile: flags.prices } : {}),
    seed,
  });
  if (flags.format === "md") process.stdout.write(markdown);
  else if (flags.format === "json") process.stdout.write(json);
  else process.stdout.write(`${written.files.html}\n`);
  if (submission) {
    const s = submission.submission;
    process.stderr.write(`MLE-bench submission written to ${submission.dir} (${s.run_groups.length} run group(s), experiment ${s.experiment_id}; see SUBMISSION.md)\n`);
    for (const warning of s.warnings) process.stderr.write(`  note: ${warning}\n`);
  }
  process.stderr.write(`report written to ${written.dir} (report.md, report.html, report.json, runs.csv, attempts.csv, tokens.csv, ${written.files.charts.length} SVG chart(s))\n`);
}

export function registerReport(program: Command): void {
  program
    .command("report")
    .description("Tables, paired comparisons and charts from run records (a bench folder, a runs folder or one run)")
    .argument("<dir>", "bench folder (with bench.json), folder of run folders, or one run folder")
    .option("--format <format>", "what to print on stdout: md, html (prints the file path) or json", "md")
    .option("--out <dir>", "report folder (default: <dir>/report)")
    .option("--compare <a:b...>", "pairs of modes to compare, e.g. linguacodus:direct no-critic:linguacodus (default: linguacodus:direct, search-instructed:search-greedy, search-mcts:search-greedy, where both modes ran)")
    .option("--compare-models <a:b...>", "pairs of model columns (labels) to compare within each mode, e.g. finetuned-planner:base-planner")
    .option("--prices <file>", 'JSON price table for cost estimates: {"<model spec>": {"input": <per 1M tokens>, "output": <per 1M tokens>}}')
    .option("--seed <n>", "seed of the bootstrap resampling", "20240101")
    .option("--mlebench-submission <dir>", "also write an MLE-bench leaderboard submission (run groups' grading reports, run_group_experiments.csv rows, Low/Medium/High/All aggregates, README rows, no-test-signal statement) into <dir>")
    .option("--mlebench-experiment <id>", "experiment id for run_group_experiments.csv (default linguacodus-<mode>-<model>)")
    .option("--mlebench-entry <mode:model>", "the configuration to submit when the bench ran several (a mode and a model column label)")
    .option("--mlebench-agent <name>", "agent name in the leaderboard row", "linguacodus")
    .action(reportAction);
}
