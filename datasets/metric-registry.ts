// The metrics a task can name in task.json: direction, what a submission cell must hold, the formula shown
// in descriptions, and how aligned answer/submission columns are turned into a score.
import { z } from "zod";
import * as m from "./metrics.js";

export const METRIC_NAMES = [
  "rmse",
  "mse",
  "mae",
  "rmsle",
  "r2",
  "mape",
  "roc_auc",
  "log_loss",
  "accuracy",
  "balanced_accuracy",
  "f1",
  "mcc",
  "qwk",
  "mcrmse",
  "map_at_k",
  "mean_column_auc",
  "mean_cosine_similarity",
  "pearson",
  "spearman",
] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

/** What a submission cell must hold for a metric. */
export type CellKind = "number" | "score" | "probability" | "label" | "ordinal" | "ranking";

export interface MetricInfo {
  name: MetricName;
  title: string;
  lowerIsBetter: boolean;
  cell: CellKind;
  /** How many target columns the metric reads. */
  columns: "one" | "many" | "one-or-many";
  /** Plain-text formula for description.md. */
  formula: string;
}

const info = (
  name: MetricName,
  title: string,
  lowerIsBetter: boolean,
  cell: CellKind,
  columns: MetricInfo["columns"],
  formula: string,
): MetricInfo => ({ name, title, lowerIsBetter, cell, columns, formula });

export const METRICS: Readonly<Record<MetricName, MetricInfo>> = {
  rmse: info("rmse", "Root mean squared error", true, "number", "one", "RMSE = sqrt( (1/n) * Σ_i (y_i − ŷ_i)² )"),
  mse: info("mse", "Mean squared error", true, "number", "one", "MSE = (1/n) * Σ_i (y_i − ŷ_i)²"),
  mae: info("mae", "Mean absolute error", true, "number", "one", "MAE = (1/n) * Σ_i |y_i − ŷ_i|"),
  rmsle: info(
    "rmsle",
    "Root mean squared logarithmic error",
    true,
    "number",
    "one",
    "RMSLE = sqrt( (1/n) * Σ_i (log(1 + y_i) − log(1 + ŷ_i))² ); predictions must be greater than −1",
  ),
  r2: info("r2", "Coefficient of determination (R²)", false, "number", "one", "R² = 1 − Σ_i (y_i − ŷ_i)² / Σ_i (y_i − ȳ)²"),
  mape: info(
    "mape",
    "Mean absolute percentage error",
    true,
    "number",
    "one",
    "MAPE = (1/n) * Σ_i |y_i − ŷ_i| / max(|y_i|, ε)  (a fraction, not a percentage)",
  ),
  roc_auc: info(
    "roc_auc",
    "Area under the ROC curve",
    false,
    "score",
    "one-or-many",
    "AUC = P(score of a random positive > score of a random negative), ties counting one half; with one column per class, the mean of the one-vs-rest AUCs",
  ),
  log_loss: info(
    "log_loss",
    "Logarithmic loss",
    true,
    "probability",
    "one-or-many",
    "logloss = −(1/n) * Σ_i Σ_c y_ic * log(p_ic), where each p is clipped to [1e−15, 1 − 1e−15] and each row is divided by its sum; with one column, p is the probability of class 1",
  ),
  accuracy: info("accuracy", "Accuracy", false, "label", "one", "accuracy = (number of rows with ŷ_i = y_i) / n"),
  balanced_accuracy: info(
    "balanced_accuracy",
    "Balanced accuracy",
    false,
    "label",
    "one",
    "balanced accuracy = mean over classes c of (rows of class c predicted as c) / (rows of class c)",
  ),
  f1: info(
    "f1",
    "F1 score",
    false,
    "label",
    "one",
    "F1_c = 2·TP_c / (2·TP_c + FP_c + FN_c); averaged as the task's `average` parameter says (binary, micro, macro or weighted by support)",
  ),
  mcc: info(
    "mcc",
    "Matthews correlation coefficient",
    false,
    "label",
    "one",
    "MCC = (c·s − Σ_k p_k·t_k) / sqrt((s² − Σ_k p_k²)·(s² − Σ_k t_k²)), c = correct rows, s = rows, p_k/t_k = predicted/true count of class k",
  ),
  qwk: info(
    "qwk",
    "Quadratic weighted kappa",
    false,
    "ordinal",
    "one",
    "κ = 1 − Σ_ij w_ij·O_ij / Σ_ij w_ij·E_ij, w_ij = (i − j)², O = confusion matrix of ratings, E = outer product of its margins / n",
  ),
  mcrmse: info(
    "mcrmse",
    "Mean column-wise root mean squared error",
    true,
    "number",
    "many",
    "MCRMSE = (1/m) * Σ_j sqrt( (1/n) * Σ_i (y_ij − ŷ_ij)² ) over the m target columns",
  ),
  map_at_k: info(
    "map_at_k",
    "Mean average precision at k",
    false,
    "ranking",
    "one",
    "MAP@k = (1/n) * Σ_i (1/min(|actual_i|, k)) * Σ_{j≤k} P_i(j)·rel_i(j); predictions are space-separated, best first",
  ),
  mean_column_auc: info(
    "mean_column_auc",
    "Mean column-wise ROC-AUC",
    false,
    "score",
    "many",
    "score = (1/m) * Σ_j AUC_j, the ROC-AUC of each of the m target columns",
  ),
  mean_cosine_similarity: info(
    "mean_cosine_similarity",
    "Mean cosine similarity",
    false,
    "number",
    "many",
    "score = (1/n) * Σ_i (y_i · ŷ_i) / (‖y_i‖·‖ŷ_i‖), rows as vectors over the target columns",
  ),
  pearson: info("pearson", "Pearson correlation", false, "number", "one", "r = Σ(y − ȳ)(ŷ − ŷ̄) / sqrt(Σ(y − ȳ)² · Σ(ŷ − ŷ̄)²)"),
  spearman: info("spearman", "Spearman rank correlation", false, "number", "one", "ρ = Pearson's r of the average ranks of y and ŷ"),
};

export const F1ParamsSchema = z.object({
  average: z.enum(["binary", "micro", "macro", "weighted"]).default("binary"),
  pos_label: z.string().default("1"),
});
export const MapAtKParamsSchema = z.object({ k: z.number().int().positive().default(5) });
export const LogLossParamsSchema = z.object({ eps: z.number().positive().max(0.5).default(m.KAGGLE_LOG_LOSS_EPS) });

/** Checks a metric's params; returns messages naming the bad field. */
export function checkMetricParams(name: MetricName, params: Record<string, unknown>): string[] {
  const schema = name === "f1" ? F1ParamsSchema : name === "map_at_k" ? MapAtKParamsSchema : name === "log_loss" ? LogLossParamsSchema : null;
  if (!schema) return [];
  const r = schema.safeParse(params);
  return r.success ? [] : r.error.issues.map((i) => `metric.params.${i.path.join(".")}: ${i.message}`);
}

/** Answer and submission columns after alignment by id and conversion of cells (see grade.ts). */
export interface AlignedColumns {
  /** Numeric columns (number / score / probability / ordinal kinds). */
  answers: Float64Array[];
  predictions: Float64Array[];
  /** Label metrics: codes of answers and predictions into `labels`. */
  answerCodes?: Int32Array;
  predictionCodes?: Int32Array;
  labels?: string[];
  /** Ranking metrics: token lists. */
  answerLists?: string[][];
  predictionLists?: string[][];
}

/** Computes the metric on aligned, validated columns. */
export function computeMetric(name: MetricName, params: Record<string, unknown>, a: AlignedColumns): number {
  const y = a.answers;
  const p = a.predictions;
  switch (name) {
    case "rmse":
      return m.rmse(y[0]!, p[0]!);
    case "mse":
      return m.mse(y[0]!, p[0]!);
    case "mae":
      return m.mae(y[0]!, p[0]!);
    case "rmsle":
      return m.rmsle(y[0]!, p[0]!);
    case "r2":
      return m.r2(y[0]!, p[0]!);
    case "mape":
      return m.mape(y[0]!, p[0]!);
    case "pearson":
      return m.pearson(y[0]!, p[0]!);
    case "spearman":
      return m.spearman(y[0]!, p[0]!);
    case "mcrmse":
      return m.mcrmse(y, p);
    case "mean_cosine_similarity":
      return m.meanCosineSimilarity(y, p);
    case "roc_auc":
    case "mean_column_auc":
      return y.length === 1 ? m.rocAuc(y[0]!, p[0]!) : m.meanColumnRocAuc(y, p);
    case "log_loss": {
      const { eps } = LogLossParamsSchema.parse(params);
      if (y.length === 1) return m.logLossBinary(y[0]!, p[0]!, eps);
      return m.logLossMulticlass(oneHotToClass(y), p, eps);
    }
    case "accuracy":
      return m.accuracy(codes(a).y, codes(a).p);
    case "balanced_accuracy":
      return m.balancedAccuracy(codes(a).y, codes(a).p, codes(a).k);
    case "mcc":
      return m.mcc(codes(a).y, codes(a).p, codes(a).k);
    case "qwk":
      return m.quadraticWeightedKappa(codes(a).y, codes(a).p, codes(a).k);
    case "f1": {
      const { average, pos_label } = F1ParamsSchema.parse(params);
      const c = codes(a);
      const positive = c.labels.indexOf(pos_label);
      // a positive label that never occurs scores 0, as sklearn does
      return m.f1(c.y, c.p, c.k, average, positive < 0 ? c.k : positive);
    }
    case "map_at_k": {
      const { k } = MapAtKParamsSchema.parse(params);
      return m.meanAveragePrecisionAtK(a.answerLists ?? [], a.predictionLists ?? [], k);
    }
  }
}

function codes(a: AlignedColumns): { y: Int32Array; p: Int32Array; k: number; labels: string[] } {
  if (!a.answerCodes || !a.predictionCodes || !a.labels) throw new Error("label metric called without label codes");
  return { y: a.answerCodes, p: a.predictionCodes, k: a.labels.length, labels: a.labels };
}

/** Index of the 1 in each one-hot answer row (the largest value when a row is not strictly one-hot). */
export function oneHotToClass(columns: readonly Float64Array[]): Int32Array {
  const n = columns[0]?.length ?? 0;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < columns.length; c++) if (columns[c]![i]! > columns[best]![i]!) best = c;
    out[i] = best;
  }
  return out;
}
