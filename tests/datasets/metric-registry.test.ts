// The metric registry: one record per metric, every other view derived from the list.
import { describe, expect, it } from "vitest";
import { checkMetricParams, computeMetric, METRIC_DEFINITIONS, METRIC_NAMES, METRICS, metricForAlias, predictionRange } from "../../datasets/index.js";

describe("metric registry", () => {
  it("derives the name list and the lookup table from the records", () => {
    expect([...METRIC_NAMES]).toEqual(METRIC_DEFINITIONS.map((d) => d.name));
    for (const name of METRIC_NAMES) expect(METRICS[name].name).toBe(name);
    expect(new Set(METRIC_NAMES).size).toBe(METRIC_NAMES.length);
  });

  it("gives each alias to exactly one metric", () => {
    const owner = new Map<string, string>();
    const key = (s: string) => s.toLowerCase().replace(/[^a-z0-9@]/g, "");
    for (const d of METRIC_DEFINITIONS) {
      for (const a of [d.name, ...d.aliases.map((x) => (typeof x === "string" ? x : x.alias))]) {
        const k = key(a);
        const previous = owner.get(k);
        if (previous !== undefined) expect(previous, `alias '${a}'`).toBe(d.name);
        owner.set(k, d.name);
      }
    }
  });

  it("resolves other spellings of a metric, with the params a name implies", () => {
    expect(metricForAlias("AUC-ROC")).toEqual({ metric: "roc_auc", params: {} });
    expect(metricForAlias("macro-f1")).toEqual({ metric: "f1", params: { average: "macro" } });
    expect(metricForAlias("MAP@12")).toEqual({ metric: "map_at_k", params: { k: 12 } });
    expect(metricForAlias("quadratic-weighted-kappa")).toEqual({ metric: "qwk", params: {} });
    expect(metricForAlias("no-such-metric")).toBeNull();
  });

  it("checks params with each metric's own schema and computes through the record", () => {
    expect(checkMetricParams("f1", { average: "sideways" })[0]).toMatch(/^metric\.params\.average: /);
    expect(checkMetricParams("rmse", { anything: 1 })).toEqual([]);
    const y = [Float64Array.from([0, 1, 1])];
    const p = [Float64Array.from([0.1, 0.9, 0.8])];
    expect(computeMetric("roc_auc", {}, { answers: y, predictions: p })).toBe(1);
    expect(computeMetric("log_loss", { eps: 0.2 }, { answers: y, predictions: p })).toBeCloseTo(-(Math.log(0.8) + Math.log(0.8) + Math.log(0.8)) / 3, 12);
    expect(predictionRange(METRICS.rmsle)?.test(-1)).toBe(false);
    expect(predictionRange(METRICS.log_loss)?.test(1.5)).toBe(false);
    expect(predictionRange(METRICS.rmse)).toBeNull();
  });
});
