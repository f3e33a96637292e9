// The report's charts: mean ± SEM per mode, the temperature curves and the consistency view, each a Vega-Lite
// spec (charts.ts draws them) chosen from what the runs hold.
import { consistencySpec, modeBarsSpec, temperatureCurveSpec, type BarPoint, type ConsistencyCell, type CurvePoint } from "./charts.js";
import { statsOf, type ChartOut, type Series, type SeriesStats } from "./report-model.js";
import type { MeanWithError } from "./stats.js";

/** Series with a finite mean of `pick`, with the mean ± one standard error (0 for a single repeat). */
function meanPoints(series: Series[], pick: (st: SeriesStats) => MeanWithError) {
  return series
    .map((s) => ({ s, m: pick(statsOf(s)) }))
    .filter(({ m }) => m.n > 0 && Number.isFinite(m.mean))
    .map(({ s, m }) => {
      const se = Number.isFinite(m.se) ? m.se : 0;
      return { s, mean: m.mean, low: m.mean - se, high: m.mean + se, n: m.n };
    });
}

function barPoints(series: Series[], pick: (st: SeriesStats) => MeanWithError): BarPoint[] {
  return meanPoints(series, pick).map(({ s, ...m }) => ({ group: s.mode, series: s.temperature === null ? s.model : `${s.model} T=${s.temperature}`, ...m }));
}

function curvePoints(series: Series[], pick: (st: SeriesStats) => MeanWithError): CurvePoint[] {
  const swept = series.filter((s) => s.temperature !== null);
  return meanPoints(swept, pick).map(({ s, ...m }) => ({ temperature: s.temperature as number, series: `${s.mode} · ${s.model}`, ...m }));
}

export interface ReportChartsInput {
  series: Series[];
  /** Whether the runs span more than one temperature (the curves are drawn only then). */
  sweep: boolean;
  /** One cell per attempt of every chain (the consistency table's cells). */
  consistency: ConsistencyCell[];
  /** Rows of the consistency chart. */
  maxConsistencyRows: number;
}

/** The charts, and a note when the consistency chart leaves chains out. */
export function reportCharts({ series, sweep, consistency, maxConsistencyRows: limit }: ReportChartsInput): { charts: ChartOut[]; notes: string[] } {
  const charts: ChartOut[] = [];
  const notes: string[] = [];
  const normalisedBars = barPoints(series, (st) => st.normalised);
  if (normalisedBars.length)
    charts.push({ id: "mode-normalised", title: "Mean normalised score per mode (± SEM over seeds)", file: "mode-normalised.svg", spec: modeBarsSpec(normalisedBars, { title: "Mean normalised score per mode", yTitle: "normalised score (0 = constant, 1 = reference)" }) });
  const validBars = barPoints(series, (st) => st.valid);
  if (validBars.length)
    charts.push({ id: "mode-valid", title: "Valid-submission rate per mode (± SEM over seeds)", file: "mode-valid.svg", spec: modeBarsSpec(validBars, { title: "Valid-submission rate per mode", yTitle: "valid rate" }) });
  if (sweep) {
    charts.push({ id: "temperature-normalised", title: "Normalised score against temperature", file: "temperature-normalised.svg", spec: temperatureCurveSpec(curvePoints(series, (st) => st.normalised), { title: "Normalised score against temperature", yTitle: "normalised score" }) });
    charts.push({ id: "temperature-valid", title: "Valid-submission rate against temperature", file: "temperature-valid.svg", spec: temperatureCurveSpec(curvePoints(series, (st) => st.valid), { title: "Valid rate against temperature", yTitle: "valid rate" }) });
  }
  if (consistency.length) {
    const chainNames = [...new Set(consistency.map((c) => c.chain))];
    const shown = new Set(chainNames.slice(0, limit));
    if (chainNames.length > limit) notes.push(`The consistency chart shows the first ${limit} of ${chainNames.length} chains; its table lists all.`);
    charts.push({ id: "consistency", title: "Consistency view", file: "consistency.svg", spec: consistencySpec(consistency.filter((c) => shown.has(c.chain)), { title: "Result tracing: attempts per chain" }) });
  }
  return { charts, notes };
}
