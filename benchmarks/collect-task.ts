// What the report needs of a run's task folder: its type, metric, direction and the two points its scores are
// normalised between (reference baselines, or an MLE-bench leaderboard's median and gold).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { TASK_FILES, parseCsv, rankScore, readAnalysisSpec, readTaskSpec } from "../datasets/index.js";
import type { ReferenceScores } from "./stats.js";

/**
 * The two points a task's scores are normalised between: its reference baselines (constant = 0, model = 1) or,
 * for an MLE-bench competition without them, its leaderboard (median = 0, gold = 1: "as good as the median
 * team" to "a gold medal", which a percentile would not tell apart at the top).
 */
export type Normalisation = "reference" | "leaderboard";

/** What the report needs of a run's task (task.json): type, metric, direction, reference scores. */
export interface ReportTaskInfo {
  dataType: string;
  metric: string;
  lowerIsBetter: boolean;
  reference?: ReferenceScores;
  normalisedBy?: Normalisation;
  /** An analysis task (issue 23): whether it gives an expected result. */
  analysis?: { expected: boolean };
}

/** An MLE-bench leaderboard's median and gold lines as the 0 and 1 of normalisation; undefined when it has none. */
function leaderboardAnchors(taskDir: string, lowerIsBetter: boolean): ReferenceScores | undefined {
  const path = join(taskDir, TASK_FILES.leaderboard);
  if (!existsSync(path)) return undefined;
  try {
    const table = parseCsv(readFileSync(path, "utf8"), path);
    const column = table.columns[table.header.indexOf("score")] ?? [];
    const scores = column.map(Number).filter(Number.isFinite);
    const placement = rankScore(0, scores, lowerIsBetter);
    if (!placement || placement.thresholds.gold === placement.thresholds.median) return undefined;
    return { constant: placement.thresholds.median, model: placement.thresholds.gold };
  } catch {
    return undefined;
  }
}

/** The report's view of a task folder; undefined (and a warning) when its task.json is missing or bad. */
export function readTaskInfo(taskDir: string, warnings: string[]): ReportTaskInfo | undefined {
  const path = join(taskDir, TASK_FILES.spec);
  if (!existsSync(path)) {
    warnings.push(`${path} is missing: data type, metric and normalised scores are unknown for its runs`);
    return undefined;
  }
  try {
    const analysis = readAnalysisSpec(taskDir);
    if (analysis) return { dataType: "analysis", metric: "result", lowerIsBetter: false, analysis: { expected: analysis.expected !== undefined } };
    const spec = readTaskSpec(taskDir);
    const base = { dataType: spec.data_type, metric: spec.metric.name, lowerIsBetter: spec.lower_is_better };
    if (spec.reference_scores) return { ...base, reference: { constant: spec.reference_scores.constant, model: spec.reference_scores.model }, normalisedBy: "reference" };
    const anchors = spec.mlebench ? leaderboardAnchors(taskDir, spec.lower_is_better) : undefined;
    return anchors ? { ...base, reference: anchors, normalisedBy: "leaderboard" } : base;
  } catch (error) {
    warnings.push((error as Error).message);
    return undefined;
  }
}
