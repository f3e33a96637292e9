// Paired comparisons (two modes within a model column, or two model columns within a mode, paired by task and
// seed) and the tables built from them: the comparison, its split by data type, and the ablations.
import { isBetter } from "../datasets/index.js";
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
  // Every finished run pairs: win/tie/loss in the metric's direction needs no normalisation.
  const usable = runs.filter(isFinished);
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

/**
 * 1 when run `a` did better than `b` on their task in the metric's direction, −1 when worse, 0 for a tie: a valid
 * score beats an invalid run, two invalid runs tie.
 */
export function rawOutcome(a: ReportRun, b: ReportRun): -1 | 0 | 1 {
  const scoreOf = (r: ReportRun) => (r.valid && r.score !== null && Number.isFinite(r.score) ? r.score : null);
  const sa = scoreOf(a);
  const sb = scoreOf(b);
  if (sa === null || sb === null) return sa === sb ? 0 : sa === null ? -1 : 1;
  const lower = a.lowerIsBetter ?? b.lowerIsBetter ?? false;
  return isBetter(sa, sb, lower) ? 1 : isBetter(sb, sa, lower) ? -1 : 0;
}

/** Which normalisation the tests of a set of pairs rest on, in words. */
export function describeNormalisation(pairs: readonly { a: ReportRun; b: ReportRun }[]): string {
  const kinds = new Set(pairs.flatMap((p) => [p.a.normalisedBy, p.b.normalisedBy]).filter((k) => k !== null));
  if (kinds.size === 0) return "none (no task has reference scores or a leaderboard)";
  const words = { reference: "reference baselines (0 = constant, 1 = model)", leaderboard: "leaderboard (0 = median, 1 = gold)" } as const;
  return [...kinds].map((k) => words[k!]).join(" + ");
}

/** One comparison of `a` against `b` per value of the other axis (and temperature) where they share pairs. */
export function compare({ runs, a, b, groups, seed, axis = "mode" }: CompareInput): ComparisonOut[] {
  const out: ComparisonOut[] = [];
  for (const [column, allPairs] of pairRuns(runs, a, b, axis)) {
    const [within, temperature] = column.split("\u0000") as [string, string];
    const outcomes = allPairs.map((p) => rawOutcome(p.a, p.b));
    const raw = { n: allPairs.length, wins: outcomes.filter((o) => o === 1).length, ties: outcomes.filter((o) => o === 0).length, losses: outcomes.filter((o) => o === -1).length };
    // The tests and the mean difference need normalised scores: the pairs whose both runs have one.
    const pairs = allPairs.filter((p) => p.a.normalised !== null && p.b.normalised !== null);
    const observations: PairedObservation[] = pairs.map((p) => ({ key: p.key, a: p.a.normalised as number, b: p.b.normalised as number }));
    const compared = comparePaired(observations, { labelA: a, labelB: b, seed });
    const result = pairs.length > 0 ? compared : { ...compared, conclusion: "no normalised scores, so no tests: see W / T / L (metric)" };
    const byType = groupBy(pairs, (p) => p.a.dataType);
    const label = `${a} vs ${b} · ${within}`;
    out.push({
      axis,
      a,
      b,
      within,
      temperature: temperature === "default" ? null : Number(temperature),
      result,
      raw,
      normalisedBy: describeNormalisation(pairs),
      group: groups.link(allPairs.flatMap((p) => [p.a, p.b]), label) ?? "",
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
    title: "Paired comparison (paired by task and seed)",
    note:
      "W / T / L (metric) = the first mode (or model column) did better / the same / worse on the same task and seed, the other held fixed " +
      "(Within), in each task's metric direction (a valid submission beats an invalid one); it needs no normalisation and covers every pair. " +
      "The rest rests on normalised scores (Normalised by), over the pairs that have them: Mean difference = first − second, with a " +
      "percentile bootstrap 95% interval (10,000 resamples, fixed seed). Sign test: exact binomial on wins vs losses. " +
      "Wilcoxon signed-rank: two-sided, ties dropped (exact for small samples).",
    columns: ["Comparison", "Within", "T", "Pairs", "W / T / L (metric)", "Normalised by", "Normalised pairs", "W / T / L (normalised)", "Mean difference", "95% CI", "Sign test p", "Wilcoxon p", "Conclusion"],
    rows: comparisons.map((c) => [
      { text: `${c.a} vs ${c.b}` },
      { text: c.within },
      { text: temperatureLabel(c.temperature) },
      { text: String(c.raw.n), href: c.group },
      { text: fmtWinTieLoss(c.raw), href: c.group },
      { text: c.normalisedBy },
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

/**
 * The mode pairs a report compares unless told otherwise, each when both modes have runs: the paper's pipeline
 * against direct generation, and at the same search budget linguacodus's instruction-guided search (and UCT)
 * against AIDE's greedy search.
 */
const DEFAULT_COMPARISONS = [
  ["linguacodus", "direct"],
  ["search-instructed", "search-greedy"],
  ["search-mcts", "search-greedy"],
] as const;

export function defaultComparisons(modes: readonly string[]): [string, string][] {
  return DEFAULT_COMPARISONS.filter(([a, b]) => modes.includes(a) && modes.includes(b)).map(([a, b]) => [a, b]);
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
