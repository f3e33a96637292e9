// What a pull request to MLE-bench's leaderboard holds, from a bench over imported MLE-bench competitions
// (its README, "Producing Scores for the Leaderboard", and runs/README.md): one run group per seed with its
// grading_report.json, the run groups' rows of runs/run_group_experiments.csv under one experiment id, the
// any-medal share per split (Low, Medium, High, All) as experiments/aggregate_grading_reports.py computes it, the
// leaderboard's table row and runs/README.md's experiment row — and a statement, derived from every run's config,
// that no choice read the test set (refused when one did).
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { readRunJson, type RunOptions } from "../execution/index.js";
import { MLEBENCH_LEADERBOARD_SPLITS, leaderboardSplit } from "../datasets/index.js";
import type { Collection, ReportRun } from "./collect.js";
import { labelOfSpec, BenchInputError } from "./matrix.js";
import { MLEBENCH_SUBMISSION_FILES as FILES } from "./layout.js";
import { MLEBENCH_MIN_SEEDS, aggregateSeeds, competitionReportOf, gradingReport, mlebenchCompetitionOf, type MleBenchAggregate, type MleBenchCompetitionReport } from "./mlebench.js";
import { selectionStatement, type SelectionStatement } from "./mlebench-selection.js";
import { describeMachines, leaderboardRow, submissionMarkdown } from "./mlebench-readme.js";

export interface MleBenchSubmissionOptions {
  /** The experiment id of runs/run_group_experiments.csv (default: linguacodus-<mode>-<model>). */
  experimentId?: string;
  /** Which configuration, when the bench ran several (mode and model column label). */
  mode?: string;
  model?: string;
  /** The agent's name in the leaderboard's first column. */
  agent?: string;
}

export interface RunGroup {
  name: string;
  seed: number | null;
  grading_report: ReturnType<typeof gradingReport>;
}

export interface SplitAggregate {
  column: string;
  split: string;
  /** Competitions in the split, and which of them the bench ran. */
  competitions: number;
  covered: string[];
  missing: string[];
  /** aggregate_grading_reports without --pad-missing: its refusal when competitions are missing, else null. */
  strict_refusal: string | null;
  /** With --pad-missing when competitions are missing (each missing one counts as no submission in every seed). */
  padded: boolean;
  aggregate: Omit<MleBenchAggregate, "mode" | "model" | "temperature">;
}

export interface MleBenchSubmission {
  experiment_id: string;
  agent: string;
  mode: string;
  model: string;
  run_groups: RunGroup[];
  csv_rows: string[];
  splits: SplitAggregate[];
  /** Competitions the bench ran that are in none of MLE-bench's splits (counted nowhere). */
  outside_splits: string[];
  llms: string;
  hours: { max: number; mean: number };
  hardware: string[];
  date: string;
  selection: SelectionStatement;
  warnings: string[];
  leaderboard_row: string;
  runs_readme_row: string;
}

const safeName = (text: string) => text.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "");

/** The one mode × model × temperature the submission is about (a leaderboard entry is one configuration). */
function entryRuns(runs: readonly ReportRun[], options: MleBenchSubmissionOptions): ReportRun[] {
  const chosen = runs.filter((r) => (options.mode === undefined || r.mode === options.mode) && (options.model === undefined || r.model === options.model));
  const configs = [...new Set(chosen.map((r) => JSON.stringify([r.mode, r.model, r.temperature])))];
  if (configs.length === 1) return chosen;
  const all = [...new Set(runs.map((r) => `${r.mode}:${r.model}${r.temperature === null ? "" : ` (temperature ${r.temperature})`}`))];
  if (configs.length === 0) throw new BenchInputError(`no MLE-bench run matches --mlebench-entry ${options.mode ?? "*"}:${options.model ?? "*"}; the bench has ${all.join(", ")}`);
  throw new BenchInputError(`a leaderboard entry is one configuration, and the bench's MLE-bench runs have ${configs.length} (${all.join(", ")}): choose one with --mlebench-entry MODE:MODEL`);
}

/** LLMs per role, as the leaderboard's "LLM(s) used" column: one name when every role used the same model. */
function llmsOf(runs: readonly ReportRun[]): string {
  const byRole = new Map<string, Set<string>>();
  for (const run of runs) {
    // The roles that made calls (a direct run lists every role's spec but calls only `direct`).
    const roles = Object.keys(run.tokensByRole).length ? Object.keys(run.tokensByRole) : Object.keys(run.models);
    for (const role of roles) {
      const spec = run.models[role];
      if (spec) (byRole.get(role) ?? byRole.set(role, new Set()).get(role)!).add(labelOfSpec(spec));
    }
  }
  const labels = new Set([...byRole.values()].flatMap((s) => [...s]));
  if (labels.size <= 1) return [...labels][0] ?? "unknown";
  return [...byRole.entries()].map(([role, s]) => `${role}: ${[...s].join(" / ")}`).join(", ");
}

function splitAggregates(reports: readonly MleBenchCompetitionReport[]): { splits: SplitAggregate[]; outside: string[] } {
  const ran = new Set(reports.map((r) => r.competition_id));
  const inSome = new Set<string>();
  const splits = MLEBENCH_LEADERBOARD_SPLITS.map(({ column, split }) => {
    const ids = leaderboardSplit(split);
    ids.forEach((id) => inSome.add(id));
    const covered = ids.filter((id) => ran.has(id));
    const missing = ids.filter((id) => !ran.has(id));
    const members = new Set(ids);
    const aggregate = aggregateSeeds(reports.filter((r) => members.has(r.competition_id)), ids, { padMissing: missing.length > 0 });
    const strict = missing.length > 0 ? `Missing reports for competitions: ${missing.join(", ")}; cannot build complete seeds.` : null;
    return { column, split, competitions: ids.length, covered, missing, strict_refusal: strict, padded: missing.length > 0, aggregate };
  });
  return { splits, outside: [...ran].filter((id) => !inSome.has(id)).sort() };
}

/** The submission over a collection's MLE-bench runs (throws BenchInputError with the reason when it cannot be one). */
export function buildMleBenchSubmission(collection: Collection, options: MleBenchSubmissionOptions = {}): MleBenchSubmission {
  const cache = new Map<string, string | null>();
  const competitionOf = (run: ReportRun) => (run.taskDir ? mlebenchCompetitionOf(run.taskDir, cache) : null);
  const mlebenchRuns = collection.runs.filter((r) => competitionOf(r) !== null);
  if (mlebenchRuns.length === 0) throw new BenchInputError(`${collection.root} has no runs of imported MLE-bench competitions (task.json without an mlebench block): import them with 'tasks import-mlebench' and bench those`);
  const runs = entryRuns(mlebenchRuns, options);
  const warnings: string[] = [];
  const unfinished = runs.filter((r) => r.state === "missing" || r.state === "running" || r.state === "unreadable");
  if (unfinished.length) warnings.push(`${unfinished.length} run(s) have not finished (${unfinished.map((r) => r.runId).slice(0, 5).join(", ")}): they have no report and count as MLE-bench counts a missing one`);
  const finished = runs.filter((r) => !unfinished.includes(r));

  const configs = finished.map((r) => {
    const run = readRunJson(r.dir);
    return { runId: r.runId, config: run.config as RunOptions, agreement: run.agreement };
  });
  const selection = selectionStatement(configs);
  if (!selection.clean) throw new BenchInputError(`no MLE-bench submission: a run config chose its submission by the hidden test set — ${selection.violations.join("; ")}. Rerun without that option (e.g. --chains 1 --iterations 1)`);

  const mode = runs[0]!.mode;
  const model = runs[0]!.model;
  const experimentId = options.experimentId ?? safeName(`linguacodus-${mode}-${model}`);
  const seeds = [...new Set(finished.map((r) => r.seed))].sort((a, b) => (a ?? 0) - (b ?? 0));
  const width = String(seeds.length).length;
  const reportsBySeed = seeds.map((seed) => finished.filter((r) => r.seed === seed).map((r) => competitionReportOf(r, competitionOf(r)!)));
  const run_groups = seeds.map((seed, k) => ({
    // Padded so that sorting the names (as aggregate_grading_reports does) keeps the seeds in order.
    name: `${experimentId}_group${String(k + 1).padStart(width, "0")}`,
    seed,
    grading_report: gradingReport([...reportsBySeed[k]!].sort((a, b) => a.competition_id.localeCompare(b.competition_id))),
  }));
  if (seeds.length < MLEBENCH_MIN_SEEDS) warnings.push(`${seeds.length} seed(s): MLE-bench asks for at least ${MLEBENCH_MIN_SEEDS} seeds per competition (its README, "Benchmarking"); the ± below is over ${seeds.length} seed(s)`);

  const { splits, outside } = splitAggregates(reportsBySeed.flat());
  for (const s of splits) {
    if (s.covered.length === 0) warnings.push(`${s.column} (${s.split}.txt): none of its ${s.competitions} competitions was run, so no score`);
    else if (s.missing.length) {
      const named = s.missing.length > 8 ? `${s.missing.slice(0, 8).join(", ")}, … (submission.json lists all ${s.missing.length})` : s.missing.join(", ");
      warnings.push(`${s.column} (${s.split}.txt): ${s.covered.length} of ${s.competitions} competitions run; the ${s.missing.length} missing count as failing in every seed (aggregate_grading_reports --pad-missing; without it MLE-bench refuses): ${named}`);
    }
  }
  if (outside.length) warnings.push(`${outside.length} competition(s) in none of MLE-bench's splits, counted in no column: ${outside.join(", ")}`);

  const hoursOf = finished.map((r) => r.wallMs / 3_600_000);
  const hours = { max: Math.max(0, ...hoursOf), mean: hoursOf.length ? hoursOf.reduce((a, b) => a + b, 0) / hoursOf.length : 0 };
  const finishedAt = finished.map((r) => readRunJson(r.dir).finishedAt).filter((d): d is string => typeof d === "string").sort();
  const base = {
    experiment_id: experimentId,
    agent: options.agent ?? "linguacodus",
    mode,
    model,
    run_groups,
    csv_rows: run_groups.map((g) => `${experimentId},${g.name}`),
    splits,
    outside_splits: outside,
    llms: llmsOf(finished),
    hours,
    hardware: describeMachines(finished.map((r) => r.fingerprint)),
    date: (finishedAt[finishedAt.length - 1] ?? new Date().toISOString()).slice(0, 10),
    selection,
    warnings,
  };
  return { ...base, ...leaderboardRow(base) };
}

/** Writes the submission folder: runs/<group>/grading_report.json, runs/run_group_experiments.csv, submission.json, SUBMISSION.md. */
export function writeMleBenchSubmission(collection: Collection, outDir: string, options: MleBenchSubmissionOptions = {}): { dir: string; submission: MleBenchSubmission; files: string[] } {
  const submission = buildMleBenchSubmission(collection, options);
  const dir = resolve(outDir);
  const files: string[] = [];
  const write = (path: string, text: string) => {
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, text);
    files.push(path);
  };
  for (const group of submission.run_groups) write(join(dir, FILES.runs, group.name, FILES.gradingReport), `${JSON.stringify(group.grading_report, null, 2)}\n`);
  write(join(dir, FILES.runs, FILES.runGroupsCsv), ["experiment_id,run_group", ...submission.csv_rows, ""].join("\n"));
  write(join(dir, FILES.json), `${JSON.stringify(submission, null, 2)}\n`);
  write(join(dir, FILES.md), submissionMarkdown(submission));
  return { dir, submission, files };
}
