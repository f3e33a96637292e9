// Report charts as Vega-Lite specs, compiled and rendered to SVG in Node (no browser, no canvas).
import type { TopLevelSpec } from "vega-lite";

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

export interface BarPoint {
  /** Category on the x axis (a mode). */
  group: string;
  /** Series within a group (a model column). */
  series: string;
  mean: number;
  /** mean − SE and mean + SE (equal to mean when SE is unknown). */
  low: number;
  high: number;
  n: number;
}

/** Bars of a mean per mode, one bar per model within a mode, with ± SE error bars. */
export function modeBarsSpec(points: BarPoint[], options: { title: string; yTitle: string }): TopLevelSpec {
  return {
    $schema: SCHEMA,
    title: options.title,
    width: { step: 28 },
    height: 220,
    data: { values: points.map((p) => ({ ...p })) },
    encoding: {
      // Keep the modes in the order given (pipelines first, then ablations), not alphabetical.
      x: { field: "group", type: "nominal", title: "mode", axis: { labelAngle: -30 }, sort: [...new Set(points.map((p) => p.group))] },
      xOffset: { field: "series", type: "nominal" },
      color: { field: "series", type: "nominal", title: "model", legend: { labelLimit: 320 } },
    },
    layer: [
      {
        mark: { type: "bar" },
        encoding: {
          y: { field: "mean", type: "quantitative", title: options.yTitle },
          tooltip: [
            { field: "group", title: "mode" },
            { field: "series", title: "model" },
            { field: "mean", format: ".3f" },
            { field: "n" },
          ],
        },
      },
      {
        mark: { type: "rule" },
        encoding: { y: { field: "low", type: "quantitative" }, y2: { field: "high" }, color: { value: "black" } },
      },
    ],
  };
}

export interface CurvePoint {
  temperature: number;
  series: string;
  mean: number;
  low: number;
  high: number;
  n: number;
}

/** A metric against temperature, one line per mode × model, with a ± SE band. */
export function temperatureCurveSpec(points: CurvePoint[], options: { title: string; yTitle: string }): TopLevelSpec {
  return bandCurveSpec(points, { ...options, xField: "temperature", xTitle: "temperature" });
}

export interface AnytimePoint {
  x: number;
  series: string;
  mean: number;
  low: number;
  high: number;
  n: number;
}

/** A search's anytime curve: the selected node's score against step or time, one line per mode × model, ± SE band. */
export function anytimeCurveSpec(points: AnytimePoint[], options: { title: string; xTitle: string; yTitle: string }): TopLevelSpec {
  return bandCurveSpec(points, { ...options, xField: "x" });
}

function bandCurveSpec(points: ReadonlyArray<object>, options: { title: string; xField: string; xTitle: string; yTitle: string }): TopLevelSpec {
  return {
    $schema: SCHEMA,
    title: options.title,
    width: 360,
    height: 220,
    data: { values: points.map((p) => ({ ...p })) },
    encoding: {
      x: { field: options.xField, type: "quantitative", title: options.xTitle },
      color: { field: "series", type: "nominal", title: "mode · model", legend: { labelLimit: 320 } },
    },
    layer: [
      { mark: { type: "errorband", opacity: 0.2 }, encoding: { y: { field: "low", type: "quantitative", title: options.yTitle }, y2: { field: "high" } } },
      { mark: { type: "line", point: true }, encoding: { y: { field: "mean", type: "quantitative" } } },
    ],
  };
}

export interface ConsistencyCell {
  /** One row per chain (a run, or a chain inside a run). */
  chain: string;
  /** 1-based position of the attempt in the chain. */
  step: number;
  /** "initial", "fix", "feedback". */
  kind: string;
  valid: boolean;
  /** Error class for a failed attempt; "valid" otherwise. */
  outcome: string;
  /** Normalised score of a valid attempt (colour), when known. */
  normalised: number | null;
  /** Short text in the cell: the score or the error class. */
  label: string;
}

/**
 * Sand-Bob's result tracing: a row per chain, a cell per attempt; failed attempts coloured by error class,
 * valid ones by normalised score, so chains that struggled stand out.
 */
export function consistencySpec(cells: ConsistencyCell[], options: { title: string }): TopLevelSpec {
  const chains = [...new Set(cells.map((c) => c.chain))];
  return {
    $schema: SCHEMA,
    title: options.title,
    width: { step: 54 },
    height: { step: 18 },
    data: { values: cells.map((c) => ({ ...c, normalised: c.normalised ?? undefined })) },
    encoding: {
      x: { field: "step", type: "ordinal", title: "attempt" },
      y: { field: "chain", type: "nominal", title: null, sort: chains, axis: { labelLimit: 360 } },
    },
    layer: [
      {
        transform: [{ filter: "!datum.valid" }],
        mark: { type: "rect", stroke: "white" },
        encoding: {
          color: { field: "outcome", type: "nominal", title: "error class", scale: { scheme: "reds" } },
          tooltip: [{ field: "chain" }, { field: "step" }, { field: "kind" }, { field: "outcome" }],
        },
      },
      {
        transform: [{ filter: "datum.valid" }],
        mark: { type: "rect", stroke: "white" },
        encoding: {
          color: {
            field: "normalised",
            type: "quantitative",
            title: "normalised score",
            scale: { scheme: "greens", domain: [0, 1], clamp: true },
          },
          tooltip: [{ field: "chain" }, { field: "step" }, { field: "kind" }, { field: "label", title: "score" }],
        },
      },
      {
        mark: { type: "text", fontSize: 8, limit: 50 },
        encoding: { text: { field: "label" }, color: { value: "black" } },
      },
    ],
    resolve: { scale: { color: "independent" } },
  };
}

/** Compiles a Vega-Lite spec and renders it to an SVG string (headless). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const [vega, vegaLite] = await Promise.all([import("vega"), import("vega-lite")]);
  const compiled = vegaLite.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
