// OpenML's evaluation measures as our metrics. A measure without an equal here is refused by name; a task
// without a measure gets its type's usual one (accuracy, RMSE), said in the task's notes.
import { metricForAlias, type MetricName } from "../metric-registry.js";
import { OpenMLError } from "./client.js";

export type OpenMLTaskKind = "classification" | "regression";

/** The OpenML task types an import reads, by the name OpenML gives them. */
export const OPENML_TASK_KINDS: Readonly<Record<string, OpenMLTaskKind>> = {
  "Supervised Classification": "classification",
  "Supervised Regression": "regression",
};

/** OpenML measure name → our metric, per task kind. */
const MEASURES: Readonly<Record<string, Partial<Record<OpenMLTaskKind, MetricName>>>> = {
  predictive_accuracy: { classification: "accuracy" },
  area_under_roc_curve: { classification: "roc_auc" },
  f_measure: { classification: "f1" },
  root_mean_squared_error: { regression: "rmse" },
  mean_absolute_error: { regression: "mae" },
};

export const OPENML_MEASURE_NAMES = Object.keys(MEASURES);

const DEFAULTS: Readonly<Record<OpenMLTaskKind, MetricName>> = { classification: "accuracy", regression: "rmse" };

export interface MetricChoice {
  metric: MetricName;
  params: Record<string, string | number>;
  /** For a binary ROC-AUC task: the class whose probability a submission gives (the target becomes 1 / 0). */
  positive?: string;
  /** For a multi-class ROC-AUC task: a submission gives one probability column per class (the answers one-hot). */
  perClass?: true;
  /** Said in the task's notes (a default, an override). */
  note?: string;
}

export interface MeasureInput {
  taskId: number;
  kind: OpenMLTaskKind;
  measure: string | null;
  /** The target's classes in the order the dataset declares them (classification). */
  classes: readonly string[];
  /** A metric name given with --metric instead of the task's measure. */
  override?: string;
}

/** Binary tasks predict the second declared class (OpenML lists e.g. {tested_negative, tested_positive}). */
const positiveOf = (classes: readonly string[]) => classes[1]!;

function withParams(metric: MetricName, input: MeasureInput, note?: string): MetricChoice {
  const binary = input.classes.length === 2;
  const base = { metric, params: {}, ...(note ? { note } : {}) };
  if (metric === "f1") return { ...base, params: binary ? { average: "binary", pos_label: positiveOf(input.classes) } : { average: "weighted" } };
  if (metric === "roc_auc") {
    if (binary) return { ...base, positive: positiveOf(input.classes) };
    // OpenML reports a multi-class area_under_roc_curve as the one-vs-rest AUCs weighted by class frequency (Weka's
    // weighted AUC, which its evaluation engine computes): sklearn's roc_auc_score(multi_class="ovr", average="weighted").
    const how = `one probability column per class, graded by the one-vs-rest ROC-AUC weighted by each class's share of the answers, as OpenML reports multi-class AUC`;
    return { ...base, params: { average: "weighted" }, perClass: true, note: note ? `${note}; ${how}` : how };
  }
  return base;
}

export function metricForMeasure(input: MeasureInput): MetricChoice {
  if (input.override) {
    const named = metricForAlias(input.override);
    if (!named || named.metric === "external") throw new OpenMLError(`--metric '${input.override}' is not a metric name; use one such as accuracy, roc_auc, f1, rmse, mae`);
    const choice = withParams(named.metric, input, `graded by ${named.metric} as --metric asked (OpenML's measure: ${input.measure ?? "none"})`);
    // The params the task's classes imply (binary or weighted F1, the positive class) win over the name's.
    return { ...choice, params: { ...named.params, ...choice.params } };
  }
  if (input.measure === null) {
    const metric = DEFAULTS[input.kind];
    return withParams(metric, input, `OpenML task ${input.taskId} names no evaluation measure: graded by ${metric}, the usual measure of ${input.kind}`);
  }
  const metric = MEASURES[input.measure]?.[input.kind];
  if (!metric) {
    const known = OPENML_MEASURE_NAMES.filter((m) => MEASURES[m]![input.kind]).join(", ");
    throw new OpenMLError(
      `OpenML task ${input.taskId} is scored by '${input.measure}', which has no metric here (for ${input.kind}: ${known}); pass --metric <name> to grade it with another metric, or import another task`,
    );
  }
  return withParams(metric, input);
}
