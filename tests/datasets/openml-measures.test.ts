// OpenML evaluation measures onto the metric registry: each mapping, the params the classes imply, the default
// for a task without a measure, --metric, and the refusals.
import { describe, expect, it } from "vitest";
import { metricForMeasure } from "../../datasets/index.js";

const binary = ["no", "yes"];
const three = ["a", "b", "c"];

describe("metricForMeasure", () => {
  it("maps OpenML's measures with the params the classes imply", () => {
    expect(metricForMeasure({ taskId: 1, kind: "classification", measure: "predictive_accuracy", classes: three })).toEqual({ metric: "accuracy", params: {} });
    expect(metricForMeasure({ taskId: 1, kind: "classification", measure: "area_under_roc_curve", classes: binary })).toEqual({ metric: "roc_auc", params: {}, positive: "yes" });
    expect(metricForMeasure({ taskId: 1, kind: "classification", measure: "f_measure", classes: binary })).toEqual({ metric: "f1", params: { average: "binary", pos_label: "yes" } });
    expect(metricForMeasure({ taskId: 1, kind: "classification", measure: "f_measure", classes: three })).toEqual({ metric: "f1", params: { average: "weighted" } });
    expect(metricForMeasure({ taskId: 2, kind: "regression", measure: "root_mean_squared_error", classes: [] })).toEqual({ metric: "rmse", params: {} });
    expect(metricForMeasure({ taskId: 2, kind: "regression", measure: "mean_absolute_error", classes: [] })).toEqual({ metric: "mae", params: {} });
  });

  it("defaults by task type when the task names no measure, and says so", () => {
    expect(metricForMeasure({ taskId: 3, kind: "classification", measure: null, classes: three })).toMatchObject({ metric: "accuracy", note: expect.stringMatching(/task 3 names no evaluation measure: graded by accuracy/) });
    expect(metricForMeasure({ taskId: 4, kind: "regression", measure: null, classes: [] })).toMatchObject({ metric: "rmse", note: expect.stringMatching(/graded by rmse/) });
  });

  it("takes --metric over the measure and refuses what has no equal", () => {
    expect(metricForMeasure({ taskId: 5, kind: "classification", measure: "kappa", classes: three, override: "balanced_accuracy" })).toMatchObject({ metric: "balanced_accuracy" });
    expect(() => metricForMeasure({ taskId: 5, kind: "classification", measure: "kappa", classes: three })).toThrow(/task 5 is scored by 'kappa', which has no metric here/);
    expect(() => metricForMeasure({ taskId: 6, kind: "regression", measure: "predictive_accuracy", classes: [] })).toThrow(/for regression: root_mean_squared_error, mean_absolute_error/);
    expect(metricForMeasure({ taskId: 7, kind: "classification", measure: "area_under_roc_curve", classes: three })).toMatchObject({ metric: "roc_auc", params: { average: "weighted" }, perClass: true });
    expect(() => metricForMeasure({ taskId: 8, kind: "classification", measure: null, classes: three, override: "nonsense" })).toThrow(/--metric 'nonsense' is not a metric name/);
  });
});
