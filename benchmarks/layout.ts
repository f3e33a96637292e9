// The layout of a bench folder, defined once (the run folders inside it follow execution/'s RUN_FILES):
//
//   <bench>/
//     bench.json          BenchManifest: what the bench set out to run (manifest.ts)
//     bench-events.jsonl  one JSON line per run started/finished
//     bench.log           one human-readable line per finished run
//     bench.lock          the runner's lock while it runs (lock.ts)
//     runs/<run-id>/      one run record per cell
//     report/             REPORT_FILES (or wherever `report --out` puts them)
//     slurm/              the Slurm executor's own files (executors/slurm.ts)
//
// No other module spells one of these names: tests/pipeline/layout.test.ts scans the library for them.

export const BENCH_FILES = {
  manifest: "bench.json",
  runs: "runs",
  /** Append-only: one JSON line per run started/finished. */
  events: "bench-events.jsonl",
  /** Append-only: one human-readable line per finished run. */
  log: "bench.log",
  lock: "bench.lock",
  report: "report",
  /** `linguacodus batch`: one analysis task folder per Markdown prompt (benchmarks/batch.ts). */
  prompts: "prompts",
} as const;

/** Files of a report folder. */
export const REPORT_FILES = {
  md: "report.md",
  html: "report.html",
  json: "report.json",
  runsCsv: "runs.csv",
  attemptsCsv: "attempts.csv",
  tokensCsv: "tokens.csv",
  /** MLE-bench's own formats, when the bench ran imported MLE-bench competitions. */
  gradingReport: "grading_report.json",
  mlebenchAggregate: "mlebench_aggregate.json",
} as const;

/** Files of an MLE-bench leaderboard submission folder (`report --mlebench-submission`), laid out as MLE-bench's repository. */
export const MLEBENCH_SUBMISSION_FILES = {
  /** runs/<run group>/grading_report.json, and the rows of runs/run_group_experiments.csv. */
  runs: "runs",
  gradingReport: REPORT_FILES.gradingReport,
  runGroupsCsv: "run_group_experiments.csv",
  json: "submission.json",
  md: "SUBMISSION.md",
} as const;
