// Paired comparisons (two modes within a model column, or two model columns within a mode, paired by task and
// seed) and the tables built from them: the comparison, its split by data type, and the ablations.
import type { ReportRun } from "./collect.js";
import { fmt, fmtInterval, fmtWinTieLoss, temperatureLabel } from "./format.js";
import { describeMode, isModeName, ABLATION_NAMES } from "./modes.js";
import { groupBy, isFinished, seriesRateCells, statsOf, type ComparisonAxis, type ComparisonOut, type GroupRegistry, type Series, type Table } from "./report-model.js";
import { comparePaired, mean, type PairedObservation } from "./stats.js";
import { comparisonWarnings } from "./validity.js";

/** Pairs runs of `a` and `b` along `axis` by task + seed, within one value of the other axis and one temperature. */
export function pairRuns(
  runs: readonly ReportRun[],
  a: string,
  b: string,
  axis: ComparisonAxis = "mode",
): Map<string, { key: string; a: ReportRun; b: ReportRun }[]> {
  const other: ComparisonAxis = axis === "mode" ? "model" : "mode";
  const usable = runs.filter((r) => isFinished(r) && r.normalised !== null);
  const cell = (r: ReportRun) => `${r.taskId}\u0000${r.seed}\u0000${r[other]}\u0000${temperatureLabel(r.temperature)}`;
  const index = new Map<string, ReportRun>();
  for (const r of usable) index.set(`${r[axis]}\u0000${cell(r)}`, r);
  const out = new Map<string, { key: string; a: ReportRun; b: ReportRun }[]>();
  for (const ra of usable.filter((r) => r[axis] === a)) {
    const rb = index.get(`${b}\u0000${cell(ra)}`);
    if (!rb) continue;
    const column = `${ra[other]}\u0000${temperatureLabel(ra.temperature)}`;
    const list = out.get(column) ?? [];
    list.push({ key: `${ra.taskId} seed ${ra.seed}`, a: ra, b: rb });
    out.set(column, list);
  }
  return out;
}

export interface CompareInput {
  runs: readonly ReportRun[];
  a: string;
  b: string;
  groups: GroupRegistry;
  /** Seed of the bootstrap resampling. */
  seed: number;
  axis?: ComparisonAxis;
}

/** One comparison of `a` against `b` per value of the other axis (and temperature) where they share pairs. */
export function compare({ runs, a, b, groups, seed, axis = "mode" }: CompareInput): ComparisonOut[] {
  const out: ComparisonOut[] = [];
  for (const [column, pairs] of pairRuns(runs, a, b, axis)) {
    const [within, temperature] = column.split("\u0000") as [string, string];
    const observations: PairedObservation[] = pairs.map((p) => ({ key: p.key, a: p.a.normalised as number, b: p.b.normalised as number }));
    const result = comparePaired(observations, { labelA: a, labelB: b, seed });
    const byType = groupBy(pairs, (p) => p.a.dataType);
    const label = `${a} vs ${b} · ${within}`;
    out.push({
      axis,
      a,
      b,
      within,
      temperature: temperature === "default" ? null : Number(temperature),
      result,
      group: groups.link(pairs.flatMap((p) => [p.a, p.b]), label) ?? "",
      warnings: comparisonWarnings(label, pairs.flatMap((p) => [p.a, p.b]), new Set(pairs.map((p) => p.a.seed)).size),
      byDataType: [...byType.entries()].map(([dataType, list]) => {
        const diffs = list.map((p) => (p.a.normalised as number) - (p.b.normalised as number));
        return {
          dataType,
          n: list.length,
          wins: diffs.filter((d) => d > 1e-9).length,
          ties: diffs.filter((d) => Math.abs(d) <= 1e-9).length,
          losses: diffs.filter((d) => d < -1e-9).length,
          meanDifference: mean(diffs),
        };
      }),
    });
  }
  return out;
}

export function comparisonTable(comparisons: ComparisonOut[]): Table {
  return {
    id: "paired",
    title: "Paired comparison (normalised score, paired by task and seed)",
    note:
      "Win = the first mode (or model column) scored higher on the same task and seed, the other held fixed (Within). " +
      "Mean difference = first − second, with a " +
      "percentile bootstrap 95% interval (10,000 resamples, fixed seed). Sign test: exact binomial on wins vs losses. " +
      "Wilcoxon signed-rank: two-sided, ties dropped (exact for small samples).",
    columns: ["Comparison", "Within", "T", "Pairs", "Win / tie / loss", "Mean difference", "95% CI", "Sign test p", "Wilcoxon p", "Conclusion"],
    rows: comparisons.map((c) => [
      { text: `${c.a} vs ${c.b}` },
      { text: c.within },
      { text: temperatureLabel(c.temperature) },
      { text: String(c.result.n), href: c.group },
      { text: fmtWinTieLoss(c.result), href: c.group },
      { text: fmt(c.result.meanDifference), href: c.group },
      { text: fmtInterval(c.result.interval), href: c.group },
      { text: fmt(c.result.signTestP), href: c.group },
      { text: `${fmt(c.result.wilcoxon.pValue)} (${c.result.wilcoxon.method})`, href: c.group },
      { text: c.result.conclusion },
    ]),
  };
}

export function byDataTypeTable(comparisons: ComparisonOut[]): Table {
  return {
    id: "paired-by-data-type",
    title: "Paired comparison by data type",
    columns: ["Comparison", "Within", "Data type", "Pairs", "Win / tie / loss", "Mean difference"],
    rows: comparisons.flatMap((c) =>
      c.byDataType.map((d) => [
        { text: `${c.a} vs ${c.b}` },
        { text: c.within },
        { text: d.dataType },
        { text: String(d.n), href: c.group },
        { text: fmtWinTieLoss(d), href: c.group },
        { text: fmt(d.meanDifference), href: c.group },
      ]),
    ),
  };
}

/** Each ablation against the full pipeline on the same model column and temperature; none without ablations. */
export function ablationTable(input: { runs: readonly ReportRun[]; series: Series[]; groups: GroupRegistry; seed: number }): Table | undefined {
  const { runs, series, groups, seed } = input;
  const ablations = series.filter((s) => (ABLATION_NAMES as string[]).includes(s.mode) || s.mode === "linguacodus");
  if (!ablations.some((s) => s.mode !== "linguacodus")) return undefined;
  const rows = ablations.map((s) => {
    const st = statsOf(s);
    const href = groups.link(st.finished, `${s.mode} · ${s.model}`);
    const versus = s.mode === "linguacodus" ? undefined : compare({ runs, a: s.mode, b: "linguacodus", groups, seed }).find((c) => c.within === s.model && c.temperature === s.temperature);
    return [
      { text: s.mode },
      { text: isModeName(s.mode) ? describeMode(s.mode) : "" },
      { text: s.model },
      ...seriesRateCells(st, href),
      versus
        ? { text: `${fmt(versus.result.meanDifference)} ${fmtInterval(versus.result.interval)}`, href: versus.group }
        : { text: s.mode === "linguacodus" ? "(baseline)" : "no pairs" },
      versus ? { text: fmtWinTieLoss(versus.result), href: versus.group } : { text: "" },
      versus ? { text: fmt(versus.result.wilcoxon.pValue), href: versus.group } : { text: "" },
    ];
  });
  return {
    id: "ablations",
    title: "Ablations (each against the full linguacodus pipeline)",
    note: "Δ = ablation − linguacodus in normalised score, paired by task and seed; a negative Δ means the removed part helped.",
    columns: ["Mode", "What changes", "Model", "Valid rate", "First-attempt success", "Mean attempts", "Mean normalised score", "Δ vs linguacodus [95% CI]", "W / T / L", "Wilcoxon p"],
    rows,
  };
}
