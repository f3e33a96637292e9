// Every grader name in MLE-bench's competition registry (config.yaml `grader.name`, 75 competitions plus the
// dev split), each with the built-in metric that approximates it or the reason there is none. Names only —
// MLE-bench's grading code itself runs from the user's checkout (see grade-py.ts), never from this project.
import type { MetricName } from "../metric-registry.js";

export interface BuiltinEquivalent {
  metric: MetricName;
  params: Record<string, string | number>;
}

export type GraderMapping =
  | { name: string; equivalent: BuiltinEquivalent; caveat?: string }
  | { name: string; equivalent: null; reason: string };

/** scikit-learn ≥ 1.5 clips log-loss probabilities at the float64 epsilon (eps="auto"), as MLE-bench's graders run it. */
const FLOAT64_EPS = Number.EPSILON;

const eq = (metric: MetricName, params: Record<string, string | number> = {}, caveat?: string) => ({ equivalent: { metric, params }, ...(caveat ? { caveat } : {}) });
const none = (reason: string) => ({ equivalent: null, reason });

/** Grader name (as config.yaml spells it) → mapping. */
const TABLE: Record<string, Omit<GraderMapping, "name">> = {
  "accuracy": eq("accuracy", {}, "some graders convert booleans first (spaceship-titanic scores 1/0 against True/False answers as MLE-bench's prepare_for_accuracy_metric does; the built-in grader compares labels as text)"),
  "multi-class-classification-accuracy": eq("accuracy"),
  "auc-roc": eq("roc_auc", {}, "some competitions' graders reject probabilities outside [0, 1] or extra columns first"),
  "weighted-auroc": none("a competition-specific weighting of per-class AUCs"),
  "auroc-multi-label": eq("mean_column_auc"),
  "mean-column-wise-roc-auc": eq("mean_column_auc"),
  "column-wise ROC AUC": eq("mean_column_auc"),
  "log-loss": eq("log_loss", { eps: FLOAT64_EPS }, "MLE-bench's graders may renormalise rows first"),
  "multi-class-log-loss": eq("log_loss", { eps: FLOAT64_EPS }, "several of MLE-bench's graders reject rows whose probabilities do not sum to one; the built-in grader accepts them"),
  "weighted-multi-label-log-loss": none("a competition-specific weighting of per-label log losses"),
  "micro-f1-score": eq("f1", { average: "micro" }),
  "macro-f1-score": eq("f1", { average: "macro" }),
  "f1-score": eq("f1", { average: "binary" }),
  "f0.5-score": none("F-beta with beta 0.5 has no built-in metric"),
  "probabilistic-f1-score": none("probabilistic F1 has no built-in metric"),
  "root-mean-squared-error": eq("rmse"),
  "root_mean_squared_error": eq("rmse"),
  "mean-absolute-error": eq("mae", {}, "volcanic's grader returns int(round(MAE))"),
  "log-mean-absolute-error": none("log of per-type MAE has no built-in metric"),
  "mean-column-wise-rmsle": none("column-wise RMSLE has no built-in metric"),
  "quadratic-weighted-kappa": eq("qwk", {}, "essay-scoring's grader rejects non-integer ratings"),
  "matthews-correlation-coefficient": eq("mcc"),
  "pearson-correlation-coefficient": eq("pearson"),
  "kendall-tau": none("Kendall's tau has no built-in metric"),
  "column-wise-spearman": none("column-wise Spearman has no built-in metric"),
  "map-at-5": eq("map_at_k", { k: 5 }, "ranking answers are split on single spaces there, on any whitespace here"),
  "MAP@5": eq("map_at_k", { k: 5 }, "ranking answers are split on single spaces there, on any whitespace here"),
  "MAP@12": eq("map_at_k", { k: 12 }, "h-and-m's grader deduplicates repeated answers and accepts a superset of customers"),
  "mean-average-precision": none("a competition-specific mean average precision"),
  "label-ranking-average-precision": none("label ranking average precision has no built-in metric"),
  "top-1-classification-error": none("top-1 error over image classes has no built-in metric"),
  "levenshtein-distance": none("Levenshtein distance has no built-in metric"),
  "levenhstein-distance": none("Levenshtein distance has no built-in metric"),
  "word-level-jaccard-score": none("word-level Jaccard has no built-in metric"),
  "jaccard-similarity": none("Jaccard similarity has no built-in metric"),
  "dice-coefficient": none("segmentation masks (run-length encoded) have no built-in metric"),
  "global-dice": none("segmentation masks (run-length encoded) have no built-in metric"),
  "dice-hausdorff-combo": none("segmentation masks (run-length encoded) have no built-in metric"),
  "mean-precision-intersection-over-union-at-different-thresholds": none("object masks have no built-in metric"),
  "mAP-at-IoU>0.4": none("object detection boxes have no built-in metric"),
  "mean-angular-error": none("angular error has no built-in metric"),
  "average-haversine-distance": none("haversine distance has no built-in metric"),
  "modified-laplace-log-likelihood": none("the OSIC Laplace log likelihood has no built-in metric"),
  "jigsaw-unintended-bias-in-toxicity-classification-score": none("the bias-weighted AUC has no built-in metric"),
  "KL-divergence": none("KL divergence has no built-in metric"),
};

/** Every grader name of MLE-bench's registry this table knows. */
export const MLEBENCH_GRADER_NAMES: readonly string[] = Object.keys(TABLE);

/** The mapping of a grader name, or null for a name MLE-bench's registry does not use. */
export function graderMapping(name: string): GraderMapping | null {
  const entry = TABLE[name];
  return entry ? ({ name, ...entry } as GraderMapping) : null;
}
