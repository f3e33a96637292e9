// MLE-bench's own view of a bench over imported MLE-bench competitions: one grading report in the format of
// `mlebench grade` (grading_report.json: totals + one competition report per run) and the aggregate of
// experiments/aggregate_grading_reports.py — per seed, the share of competitions with a submission, a valid
// submission, above median, gold, silver, bronze and any medal; then mean, standard error of the mean
// (ddof = 1) and mean ± 1.96·SEM over the seeds that cover every competition.
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { TASK_FILES, parseTaskSpec } from "../datasets/index.js";
import { RUN_FILES } from "../execution/index.js";
import type { ReportRun } from "./collect.js";

/** One run as MLE-bench's CompetitionReport.to_dict() writes it. */
export interface MleBenchCompetitionReport {
  competition_id: string;
  score: number | null;
  gold_threshold: number | null;
  silver_threshold: number | null;
  bronze_threshold: number | null;
  median_threshold: number | null;
  any_medal: boolean;
  gold_medal: boolean;
  silver_medal: boolean;
  bronze_medal: boolean;
  above_median: boolean;
  submission_exists: boolean;
  valid_submission: boolean;
  is_lower_better: boolean;
  created_at: string;
  submission_path: string;
  /** linguacodus additions: which run, mode and model produced it. */
  run_id: string;
  mode: string;
  model: string;
  seed: number | null;
}

const ScoreFileSchema = z
  .object({
    valid: z.boolean().optional(),
    score: z.number().nullable().optional(),
    medal: z.string().nullable().optional(),
    above_median: z.boolean().nullable().optional(),
    thresholds: z.object({ gold: z.number(), silver: z.number(), bronze: z.number(), median: z.number() }).nullable().optional(),
  })
  .loose();

/** The competition id of a run's task when it is an imported MLE-bench competition, else null. */
export function mlebenchCompetitionOf(taskDir: string, cache: Map<string, string | null>): string | null {
  if (!cache.has(taskDir)) {
    const path = join(taskDir, TASK_FILES.spec);
    let id: string | null = null;
    try {
      if (existsSync(path)) id = parseTaskSpec(readFileSync(path, "utf8"), path).mlebench?.competition_id ?? null;
    } catch {
      id = null;
    }
    cache.set(taskDir, id);
  }
  return cache.get(taskDir) ?? null;
}

/** The competition report of one run (a run that ended without a graded submission has none of it). */
export function competitionReportOf(run: ReportRun, competitionId: string): MleBenchCompetitionReport {
  const scorePath = join(run.dir, RUN_FILES.score);
  const submissionPath = join(run.dir, RUN_FILES.submission);
  let score: z.infer<typeof ScoreFileSchema> = {};
  if (existsSync(scorePath)) {
    const parsed = ScoreFileSchema.safeParse(JSON.parse(readFileSync(scorePath, "utf8")));
    if (parsed.success) score = parsed.data;
  }
  // A grade without a score (the grader returned NaN) is valid and wins nothing, as MLE-bench counts it.
  const valid = run.valid && (typeof score.score === "number" || score.valid === true);
  const medal = valid ? (score.medal ?? "none") : "none";
  return {
    competition_id: competitionId,
    score: valid ? (score.score ?? null) : null,
    gold_threshold: score.thresholds?.gold ?? null,
    silver_threshold: score.thresholds?.silver ?? null,
    bronze_threshold: score.thresholds?.bronze ?? null,
    median_threshold: score.thresholds?.median ?? null,
    any_medal: medal === "gold" || medal === "silver" || medal === "bronze",
    gold_medal: medal === "gold",
    silver_medal: medal === "silver",
    bronze_medal: medal === "bronze",
    above_median: valid && score.above_median === true,
    submission_exists: existsSync(submissionPath),
    valid_submission: valid,
    is_lower_better: run.lowerIsBetter ?? false,
    created_at: new Date(existsSync(scorePath) ? statSync(scorePath).mtimeMs : 0).toISOString(),
    submission_path: submissionPath,
    run_id: run.runId,
    mode: run.mode,
    model: run.model,
    seed: run.seed,
  };
}

/** The totals of mlebench.grade.aggregate_reports. */
export function gradingReport(reports: readonly MleBenchCompetitionReport[]) {
  const count = (key: keyof MleBenchCompetitionReport) => reports.filter((r) => r[key] === true).length;
  const gold = count("gold_medal");
  const silver = count("silver_medal");
  const bronze = count("bronze_medal");
  return {
    total_runs: reports.length,
    total_runs_with_submissions: count("submission_exists"),
    total_valid_submissions: count("valid_submission"),
    total_medals: gold + silver + bronze,
    total_gold_medals: gold,
    total_silver_medals: silver,
    total_bronze_medals: bronze,
    total_above_median: count("above_median"),
    competition_reports: reports,
  };
}

/** The seeds MLE-bench asks every entry to repeat (its README, "Benchmarking"). */
export const MLEBENCH_MIN_SEEDS = 3;

export const SEED_METRICS = [
  ["submission_exists_percentage", "submission_exists"],
  ["valid_submissions_percentage", "valid_submission"],
  ["above_median_percentage", "above_median"],
  ["gold_medal_percentage", "gold_medal"],
  ["silver_medal_percentage", "silver_medal"],
  ["bronze_medal_percentage", "bronze_medal"],
  ["any_medal_percentage", "any_medal"],
] as const;
export type SeedMetricName = (typeof SEED_METRICS)[number][0];

export interface AggregateMetric {
  mean: number;
  ci_lower: number;
  ci_upper: number;
  standard_error: number;
}

export interface MleBenchAggregate {
  mode: string;
  model: string;
  temperature: number | null;
  num_seeds_averaged: number;
  num_competitions_per_seed: number;
  /** Competitions of the group with no run at all (no complete seed can be built then). */
  missing_competitions: string[];
  metrics: Record<SeedMetricName, AggregateMetric> | null;
}

/** What aggregate_grading_reports counts for a competition with no report in a seed (its zero_report). */
function zeroReport(competitionId: string): MleBenchCompetitionReport {
  const none = { score: null, gold_threshold: null, silver_threshold: null, bronze_threshold: null, median_threshold: null };
  const no = { any_medal: false, gold_medal: false, silver_medal: false, bronze_medal: false, above_median: false, submission_exists: false, valid_submission: false };
  return { competition_id: competitionId, ...none, ...no, is_lower_better: false, created_at: "", submission_path: "", run_id: "", mode: "", model: "", seed: null };
}

/**
 * aggregate_grading_reports' computation for one group of runs (one mode × model × temperature): seed k is
 * every competition's k-th run (in seed order). By default only seeds that cover every competition count; with
 * `padMissing` (its --pad-missing) there are as many seeds as the best-covered competition has runs, and a
 * competition without a k-th run counts as no submission in seed k.
 */
export function aggregateSeeds(
  reports: readonly MleBenchCompetitionReport[],
  competitionIds: readonly string[],
  options: { padMissing?: boolean } = {},
): Omit<MleBenchAggregate, "mode" | "model" | "temperature"> {
  const byCompetition = new Map<string, MleBenchCompetitionReport[]>(competitionIds.map((id) => [id, []]));
  for (const r of [...reports].sort((a, b) => (a.seed ?? 0) - (b.seed ?? 0))) byCompetition.get(r.competition_id)?.push(r);
  const missing = competitionIds.filter((id) => byCompetition.get(id)!.length === 0);
  const counts = competitionIds.map((id) => byCompetition.get(id)!.length);
  const seeds = options.padMissing ? Math.max(0, ...counts) : missing.length > 0 ? 0 : Math.min(...counts);
  if (seeds === 0) return { num_seeds_averaged: 0, num_competitions_per_seed: competitionIds.length, missing_competitions: missing, metrics: null };
  const perSeed = Array.from({ length: seeds }, (_, k) => competitionIds.map((id) => byCompetition.get(id)![k] ?? zeroReport(id)));
  const metrics = {} as Record<SeedMetricName, AggregateMetric>;
  for (const [name, field] of SEED_METRICS) {
    const values = perSeed.map((seed) => (100 * seed.filter((r) => r[field]).length) / seed.length);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const sem = values.length > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1) / values.length) : 0;
    metrics[name] = { mean, ci_lower: mean - 1.96 * sem, ci_upper: mean + 1.96 * sem, standard_error: sem };
  }
  return { num_seeds_averaged: seeds, num_competitions_per_seed: competitionIds.length, missing_competitions: missing, metrics };
}

export interface MleBenchSummary {
  grading_report: ReturnType<typeof gradingReport>;
  aggregates: MleBenchAggregate[];
}

/** MLE-bench's grading report and aggregates over the runs of MLE-bench tasks; null when there are none. */
export function mlebenchSummary(runs: readonly ReportRun[]): MleBenchSummary | null {
  const cache = new Map<string, string | null>();
  const reports: MleBenchCompetitionReport[] = [];
  const groups = new Map<string, { mode: string; model: string; temperature: number | null; reports: MleBenchCompetitionReport[] }>();
  for (const run of runs) {
    const taskDir = run.taskDir;
    const competition = taskDir ? mlebenchCompetitionOf(taskDir, cache) : null;
    if (!competition || run.state === "missing") continue;
    const report = competitionReportOf(run, competition);
    reports.push(report);
    const key = JSON.stringify([run.mode, run.model, run.temperature]);
    if (!groups.has(key)) groups.set(key, { mode: run.mode, model: run.model, temperature: run.temperature, reports: [] });
    groups.get(key)!.reports.push(report);
  }
  if (reports.length === 0) return null;
  const competitionIds = [...new Set(reports.map((r) => r.competition_id))].sort();
  const aggregates = [...groups.values()].map((g) => ({ mode: g.mode, model: g.model, temperature: g.temperature, ...aggregateSeeds(g.reports, competitionIds) }));
  return { grading_report: gradingReport(reports), aggregates };
}
