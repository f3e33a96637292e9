// The metrics a task can name in task.json. Each metric is one record: its name and the other names it goes
// by, direction, what a submission cell must hold, its params schema, the formula shown in descriptions, and
// how aligned answer/submission columns become a score. Everything else (the name list, params checks, range
// checks, alias lookup) is derived from the list below.
import { z } from "zod";
import * as m from "./metrics.js";

/** What a submission cell must hold for a metric. */
export type CellKind = "number" | "score" | "probability" | "label" | "ordinal" | "ranking";
/** Cells graded as text (labels, ratings, rankings); the other kinds are read as numbers. */
export const isTextCell = (kind: CellKind): boolean => kind === "label" || kind === "ordinal" || kind === "ranking";

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

/** Metric params as task.json holds them (`metric.params`). */
export type MetricParams = Readonly<Record<string, unknown>>;

/** Another name a metric goes by (MLE-bench grader names, Kaggle spellings), optionally fixing params. */
export type MetricAlias = string | { readonly alias: string; readonly params: Readonly<Record<string, string | number>> };

/** A range every prediction must lie in, beyond what the cell kind implies. */
export interface PredictionRange {
  test(value: number): boolean;
  /** Completes "Column 'y' has 3 value(s) …". */
  text: string;
}

export interface MetricDefinition<N extends string = string> {
  readonly name: N;
  readonly title: string;
  readonly lowerIsBetter: boolean;
  readonly cell: CellKind;
  /** How many target columns the metric reads. */
  readonly columns: "one" | "many" | "one-or-many";
  /** Plain-text formula for description.md. */
  readonly formula: string;
  readonly aliases: readonly MetricAlias[];
  /** Schema of `metric.params` (defaults filled in); an object schema accepting anything when there are none. */
  readonly params: z.ZodType<Record<string, unknown>>;
  readonly predictionRange?: PredictionRange;
  /** Score of aligned, validated columns; `params` is validated and defaulted by the schema first. */
  compute(aligned: AlignedColumns, params: MetricParams): number;
}

const NO_PARAMS = z.object({}).loose();

/** Builds one metric record; `compute` receives its params parsed by `params` (typed by the schema). */
function defineMetric<N extends string, S extends z.ZodType<Record<string, unknown>> = typeof NO_PARAMS>(spec: {
  name: N;
  title: string;
  lowerIsBetter: boolean;
  cell: CellKind;
  columns: MetricDefinition["columns"];
  formula: string;
  aliases?: readonly MetricAlias[];
  params?: S;
  predictionRange?: PredictionRange;
  compute: (aligned: AlignedColumns, params: z.output<S>) => number;
}): MetricDefinition<N> {
  const schema = (spec.params ?? NO_PARAMS) as S;
  const { compute, params: _params, aliases, ...rest } = spec;
  return {
    ...rest,
    aliases: aliases ?? [],
    params: schema,
    compute: (aligned, params) => compute(aligned, schema.parse(params) as z.output<S>),
  };
}

const first = (cols: readonly Float64Array[]): Float64Array => {
  if (!cols[0]) throw new Error("metric called without a target column");
  return cols[0];
};
/** A one-column metric over numbers. */
const oneColumn = (f: (y: Float64Array, p: Float64Array) => number) => (a: AlignedColumns) => f(first(a.answers), first(a.predictions));

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

export const F1ParamsSchema = z.object({
  average: z.enum(["binary", "micro", "macro", "weighted"]).default("binary"),
  pos_label: z.string().default("1"),
});
export const MapAtKParamsSchema = z.object({ k: z.number().int().positive().default(5) });
export const LogLossParamsSchema = z.object({ eps: z.number().positive().max(0.5).default(m.KAGGLE_LOG_LOSS_EPS) });

/** How a multi-class ROC-AUC averages its one-vs-rest AUCs: alike, or by each class's share of the answers. */
export const RocAucParamsSchema = z.object({ average: z.enum(["macro", "weighted"]).default("macro") });
const rocAucOneOrMany = (a: AlignedColumns, p: MetricParams = {}) => a.answers.length === 1 ? m.rocAuc(first(a.answers), first(a.predictions)) : m.meanColumnRocAuc(a.answers, a.predictions, p.average === "weighted" ? "weighted" : "macro");

/** Every metric, in the order `tasks list` and error messages name them. */
export const METRIC_DEFINITIONS = [
  defineMetric({
    name: "rmse",
    title: "Root mean squared error",
    lowerIsBetter: true,
    cell: "number",
    columns: "one",
    formula: "RMSE = sqrt( (1/n) * Σ_i (y_i − ŷ_i)² )",
    aliases: ["rootmeansquarederror"],
    compute: oneColumn(m.rmse),
  }),
  defineMetric({
    name: "mse",
    title: "Mean squared error",
    lowerIsBetter: true,
    cell: "number",
    columns: "one",
    formula: "MSE = (1/n) * Σ_i (y_i − ŷ_i)²",
    aliases: ["meansquarederror"],
    compute: oneColumn(m.mse),
  }),
  defineMetric({
    name: "mae",
    title: "Mean absolute error",
    lowerIsBetter: true,
    cell: "number",
    columns: "one",
    formula: "MAE = (1/n) * Σ_i |y_i − ŷ_i|",
    aliases: ["meanabsoluteerror"],
    compute: oneColumn(m.mae),
  }),
  defineMetric({
    name: "rmsle",
    title: "Root mean squared logarithmic error",
    lowerIsBetter: true,
    cell: "number",
    columns: "one",
    formula: "RMSLE = sqrt( (1/n) * Σ_i (log(1 + y_i) − log(1 + ŷ_i))² ); predictions must be greater than −1",
    aliases: ["rootmeansquaredlogerror"],
    predictionRange: { test: (v) => v > -1, text: "at or below -1 (RMSLE takes log(1 + x))" },
    compute: oneColumn(m.rmsle),
  }),
  defineMetric({
    name: "r2",
    title: "Coefficient of determination (R²)",
    lowerIsBetter: false,
    cell: "number",
    columns: "one",
    formula: "R² = 1 − Σ_i (y_i − ŷ_i)² / Σ_i (y_i − ȳ)²",
    aliases: ["r2score"],
    compute: oneColumn(m.r2),
  }),
  defineMetric({
    name: "mape",
    title: "Mean absolute percentage error",
    lowerIsBetter: true,
    cell: "number",
    columns: "one",
    formula: "MAPE = (1/n) * Σ_i |y_i − ŷ_i| / max(|y_i|, ε)  (a fraction, not a percentage)",
    compute: oneColumn(m.mape),
  }),
  defineMetric({
    name: "roc_auc",
    title: "Area under the ROC curve",
    lowerIsBetter: false,
    cell: "score",
    columns: "one-or-many",
    formula: "AUC = P(score of a random positive > score of a random negative), ties counting one half; with one column per class, the mean of the one-vs-rest AUCs (average: macro, or weighted by each class's count in the answers)",
    aliases: ["aucroc", "rocauc", "auc"],
    params: RocAucParamsSchema,
    compute: rocAucOneOrMany,
  }),
  defineMetric({
    name: "log_loss",
    title: "Logarithmic loss",
    lowerIsBetter: true,
    cell: "probability",
    columns: "one-or-many",
    formula: "logloss = −(1/n) * Σ_i Σ_c y_ic * log(p_ic), where each p is clipped to [1e−15, 1 − 1e−15] and each row is divided by its sum; with one column, p is the probability of class 1",
    aliases: ["logloss", "multiclassloss", "multiclasslogloss", "binarylogloss", "crossentropy"],
    params: LogLossParamsSchema,
    compute: (a, { eps }) =>
      a.answers.length === 1 ? m.logLossBinary(first(a.answers), first(a.predictions), eps) : m.logLossMulticlass(oneHotToClass(a.answers), a.predictions, eps),
  }),
  defineMetric({
    name: "accuracy",
    title: "Accuracy",
    lowerIsBetter: false,
    cell: "label",
    columns: "one",
    formula: "accuracy = (number of rows with ŷ_i = y_i) / n",
    compute: (a) => m.accuracy(codes(a).y, codes(a).p),
  }),
  defineMetric({
    name: "balanced_accuracy",
    title: "Balanced accuracy",
    lowerIsBetter: false,
    cell: "label",
    columns: "one",
    formula: "balanced accuracy = mean over classes c of (rows of class c predicted as c) / (rows of class c)",
    compute: (a) => {
      const c = codes(a);
      return m.balancedAccuracy(c.y, c.p, c.k);
    },
  }),
  defineMetric({
    name: "f1",
    title: "F1 score",
    lowerIsBetter: false,
    cell: "label",
    columns: "one",
    formula: "F1_c = 2·TP_c / (2·TP_c + FP_c + FN_c); averaged as the task's `average` parameter says (binary, micro, macro or weighted by support)",
    aliases: [
      { alias: "f1", params: { average: "binary" } },
      { alias: "f1score", params: { average: "binary" } },
      { alias: "macrof1", params: { average: "macro" } },
      { alias: "f1macro", params: { average: "macro" } },
      { alias: "microf1", params: { average: "micro" } },
      { alias: "f1micro", params: { average: "micro" } },
      { alias: "weightedf1", params: { average: "weighted" } },
    ],
    params: F1ParamsSchema,
    compute: (a, { average, pos_label }) => {
      const c = codes(a);
      const positive = c.labels.indexOf(pos_label);
      // a positive label that never occurs scores 0, as sklearn does
      return m.f1(c.y, c.p, c.k, average, positive < 0 ? c.k : positive);
    },
  }),
  defineMetric({
    name: "mcc",
    title: "Matthews correlation coefficient",
    lowerIsBetter: false,
    cell: "label",
    columns: "one",
    formula: "MCC = (c·s − Σ_k p_k·t_k) / sqrt((s² − Σ_k p_k²)·(s² − Σ_k t_k²)), c = correct rows, s = rows, p_k/t_k = predicted/true count of class k",
    aliases: ["matthewscorrelationcoefficient"],
    compute: (a) => {
      const c = codes(a);
      return m.mcc(c.y, c.p, c.k);
    },
  }),
  defineMetric({
    name: "qwk",
    title: "Quadratic weighted kappa",
    lowerIsBetter: false,
    cell: "ordinal",
    columns: "one",
    formula: "κ = 1 − Σ_ij w_ij·O_ij / Σ_ij w_ij·E_ij, w_ij = (i − j)², O = confusion matrix of ratings, E = outer product of its margins / n",
    aliases: ["quadraticweightedkappa", "kappa"],
    compute: (a) => {
      const c = codes(a);
      return m.quadraticWeightedKappa(c.y, c.p, c.k);
    },
  }),
  defineMetric({
    name: "mcrmse",
    title: "Mean column-wise root mean squared error",
    lowerIsBetter: true,
    cell: "number",
    columns: "many",
    formula: "MCRMSE = (1/m) * Σ_j sqrt( (1/n) * Σ_i (y_ij − ŷ_ij)² ) over the m target columns",
    aliases: ["meancolumnwiserootmeansquarederror"],
    compute: (a) => m.mcrmse(a.answers, a.predictions),
  }),
  defineMetric({
    name: "map_at_k",
    title: "Mean average precision at k",
    lowerIsBetter: false,
    cell: "ranking",
    columns: "one",
    formula: "MAP@k = (1/n) * Σ_i (1/min(|actual_i|, k)) * Σ_{j≤k} P_i(j)·rel_i(j); predictions are space-separated, best first",
    params: MapAtKParamsSchema,
    compute: (a, { k }) => m.meanAveragePrecisionAtK(a.answerLists ?? [], a.predictionLists ?? [], k),
  }),
  defineMetric({
    name: "mean_column_auc",
    title: "Mean column-wise ROC-AUC",
    lowerIsBetter: false,
    cell: "score",
    columns: "many",
    formula: "score = (1/m) * Σ_j AUC_j, the ROC-AUC of each of the m target columns",
    aliases: ["meancolumnwiserocauc", "meancolumnwiseauc", "columnwiseauc"],
    compute: (a) => rocAucOneOrMany(a),
  }),
  defineMetric({
    name: "mean_cosine_similarity",
    title: "Mean cosine similarity",
    lowerIsBetter: false,
    cell: "number",
    columns: "many",
    formula: "score = (1/n) * Σ_i (y_i · ŷ_i) / (‖y_i‖·‖ŷ_i‖), rows as vectors over the target columns",
    aliases: ["meancosinesimilarity"],
    compute: (a) => m.meanCosineSimilarity(a.answers, a.predictions),
  }),
  defineMetric({
    name: "pearson",
    title: "Pearson correlation",
    lowerIsBetter: false,
    cell: "number",
    columns: "one",
    formula: "r = Σ(y − ȳ)(ŷ − ŷ̄) / sqrt(Σ(y − ȳ)² · Σ(ŷ − ŷ̄)²)",
    aliases: ["pearsoncorrelation"],
    compute: oneColumn(m.pearson),
  }),
  defineMetric({
    name: "spearman",
    title: "Spearman rank correlation",
    lowerIsBetter: false,
    cell: "number",
    columns: "one",
    formula: "ρ = Pearson's r of the average ranks of y and ŷ",
    aliases: ["spearmancorrelation"],
    compute: oneColumn(m.spearman),
  }),
  defineMetric({
    name: "external",
    title: "The competition's own grader",
    // Direction is the task's (task.json lower_is_better, read off the competition's leaderboard at import).
    lowerIsBetter: false,
    cell: "label",
    columns: "one-or-many",
    formula: "computed by the competition's own grade function (an MLE-bench checkout); there is no built-in formula",
    compute: () => {
      throw new Error("this task is scored by its competition's own grader: pass --mlebench <checkout> or set MLEBENCH_DIR");
    },
  }),
] as const;

export type MetricName = (typeof METRIC_DEFINITIONS)[number]["name"];
export type MetricInfo = MetricDefinition<MetricName>;

export const METRIC_NAMES = METRIC_DEFINITIONS.map((d) => d.name) as unknown as readonly [MetricName, ...MetricName[]];

export const METRICS: Readonly<Record<MetricName, MetricInfo>> = Object.fromEntries(METRIC_DEFINITIONS.map((d) => [d.name, d])) as Record<
  MetricName,
  MetricInfo
>;

export function isMetricName(name: string): name is MetricName {
  return Object.hasOwn(METRICS, name);
}

/** Checks a metric's params; returns messages naming the bad field. */
export function checkMetricParams(name: MetricName, params: Record<string, unknown>): string[] {
  const r = METRICS[name].params.safeParse(params);
  return r.success ? [] : r.error.issues.map((i) => `metric.params.${i.path.join(".")}: ${i.message}`);
}

/** Computes the metric on aligned, validated columns. */
export function computeMetric(name: MetricName, params: MetricParams, aligned: AlignedColumns): number {
  return METRICS[name].compute(aligned, params);
}

/** The range a prediction cell must lie in: the cell kind's (probabilities) or the metric's own; null when any finite number does. */
export function predictionRange(metric: MetricInfo): PredictionRange | null {
  if (metric.cell === "probability") return { test: (v) => v >= 0 && v <= 1, text: "outside [0, 1] (probabilities expected)" };
  return metric.predictionRange ?? null;
}

/** Lower case, letters, digits and '@' only: "AUC-ROC" and "auc_roc" are one name. */
const aliasKey = (name: string) => name.toLowerCase().replace(/[^a-z0-9@]/g, "");

const ALIAS_INDEX: ReadonlyMap<string, { metric: MetricName; params: Record<string, string | number> }> = new Map(
  METRIC_DEFINITIONS.flatMap((d) => [
    [aliasKey(d.name), { metric: d.name as MetricName, params: {} }] as const,
    ...d.aliases.map((a) => (typeof a === "string" ? ([aliasKey(a), { metric: d.name as MetricName, params: {} }] as const) : ([aliasKey(a.alias), { metric: d.name as MetricName, params: { ...a.params } }] as const))),
  ]),
);

/**
 * The metric another name stands for ("auc-roc", "Quadratic Weighted Kappa", "map@5", "macro-f1", or one of
 * ours), with the params the name implies; null when no metric goes by that name.
 */
export function metricForAlias(name: string): { metric: MetricName; params: Record<string, string | number> } | null {
  if (isMetricName(name)) return { metric: name, params: {} };
  const key = aliasKey(name);
  // "map@12", "map12", "mapat12": MAP at k, k from the name
  const mapAt = /^map(?:@|at)?(\d+)$/.exec(key);
  if (mapAt) return { metric: "map_at_k", params: { k: Number(mapAt[1]) } };
  const hit = ALIAS_INDEX.get(key) ?? ALIAS_INDEX.get(key.replace("@", ""));
  return hit ? { metric: hit.metric, params: { ...hit.params } } : null;
}
