// The report's view of tree searches (issue 20): per mode × model the oracle gap (best test score anywhere in the
// tree against the selected node's — what selection by validation gives up), valid-node rate and cost per point of
// normalised score; per operator the valid rate and the validation gain over the parent; and the anytime curves,
// the test score of the best-by-validation node so far against step and against wall time, mean ± SEM over runs.
import { bestFirst, isBetter } from "../datasets/index.js";
import type { ReportRun } from "./collect.js";
import type { SearchTrace, SearchTraceNode } from "./collect-search.js";
import { anytimeCurveSpec, type AnytimePoint } from "./charts.js";
import { fmt } from "./format.js";
import { groupBy, type ChartOut, type Table } from "./report-model.js";
import { meanWithError } from "./stats.js";

export interface SearchReportInput {
  runs: readonly ReportRun[];
  link: (runs: readonly ReportRun[], label: string) => string | undefined;
}

type SearchRun = ReportRun & { search: SearchTrace };

const searched = (runs: readonly ReportRun[]): SearchRun[] => runs.filter((r): r is SearchRun => r.search !== null && r.search.nodes.length > 0);

/**
 * The node a search would have selected after its first `count` nodes: the best working node by validation score
 * (the metric's direction; unscored working nodes after scored ones, earliest first) — the driver's rule.
 */
export function selectedAmong(nodes: readonly SearchTraceNode[], count: number, lowerIsBetter: boolean): SearchTraceNode | undefined {
  let best: SearchTraceNode | undefined;
  for (const node of nodes.slice(0, count)) {
    if (node.buggy) continue;
    if (!best) best = node;
    else if (node.validation !== null && (best.validation === null || isBetter(node.validation, best.validation, lowerIsBetter))) best = node;
  }
  return best;
}

/** Best test score in the tree minus the selected node's, in the metric's direction (≥ 0), normalised when it can be. */
export function oracleGap(run: SearchRun): { raw: number | null; normalised: number | null; selectedIsOracle: boolean | null } {
  const lower = run.lowerIsBetter ?? false;
  const tested = run.search.nodes.filter((n) => !n.buggy && n.test !== null);
  const chosen = run.search.nodes.find((n) => n.id === run.search.selected);
  if (!tested.length || !chosen || chosen.test === null) return { raw: null, normalised: null, selectedIsOracle: null };
  const oracle = [...tested].sort((a, b) => bestFirst(lower)(a.test!, b.test!))[0]!;
  const raw = Math.abs(oracle.test! - chosen.test);
  const normalised = oracle.normalisedTest !== null && chosen.normalisedTest !== null ? oracle.normalisedTest - chosen.normalisedTest : null;
  return { raw, normalised, selectedIsOracle: oracle.test === chosen.test };
}

function labelOf(run: ReportRun): string {
  return `${run.mode} · ${run.model}`;
}

/** Per mode × model: runs, nodes, valid-node rate, oracle gap, normalised score and its cost. */
function summaryTable({ runs, link }: SearchReportInput): Table {
  const rows = [...groupBy(searched(runs), labelOf)].map(([label, group]) => {
    const nodes = group.flatMap((r) => r.search.nodes);
    const gaps = group.map((r) => oracleGap(r as SearchRun));
    const normalisedGaps = gaps.map((g) => g.normalised).filter((g): g is number => g !== null);
    const oracleHits = gaps.filter((g) => g.selectedIsOracle !== null);
    const scores = group.map((r) => r.normalised).filter((s): s is number => s !== null);
    const meanScore = scores.length ? meanWithError(scores).mean : null;
    const costs = group.map((r) => r.costEstimate).filter((c): c is number => c !== null);
    const tokens = meanWithError(group.map((r) => r.totalTokens)).mean;
    const perPoint = (total: number) => (meanScore !== null && meanScore > 0 ? total / meanScore : null);
    return [
      { text: group[0]!.mode },
      { text: group[0]!.model },
      { text: String(group.length), href: link(group, label) },
      { text: fmt(nodes.length / group.length, 1) },
      { text: fmt(nodes.filter((n) => !n.buggy).length / Math.max(1, nodes.length), 2) },
      { text: oracleHits.length ? `${oracleHits.filter((g) => g.selectedIsOracle).length}/${oracleHits.length}` : "—" },
      { text: normalisedGaps.length ? fmt(meanWithError(normalisedGaps).mean) : "—" },
      { text: fmt(meanScore) },
      { text: fmt(perPoint(tokens), 0) },
      { text: costs.length === group.length ? fmt(perPoint(meanWithError(costs).mean), 4) : "—" },
    ];
  });
  return {
    id: "search",
    title: "Tree search: selection by validation against the tree's best test score",
    note:
      "Selected = oracle: runs whose selected node (best printed validation score) also has the tree's best test score. " +
      "Oracle gap: best normalised test score anywhere in the tree minus the selected node's (what selection by validation gives up; ≥ 0). " +
      "Cost per point: tokens (and USD, with prices) per run divided by the mean normalised score.",
    columns: ["Mode", "Model", "Runs", "Nodes / run", "Valid-node rate", "Selected = oracle", "Oracle gap (normalised)", "Normalised score", "Tokens per point", "USD per point"],
    rows,
  };
}

/** Per mode × operator: nodes, valid rate, and the validation gain over the parent (positive = better). */
function operatorTable({ runs }: SearchReportInput): Table {
  const rows: Table["rows"] = [];
  for (const [mode, group] of groupBy(searched(runs), (r) => r.mode)) {
    const entries = group.flatMap((run) => {
      const byId = new Map(run.search.nodes.map((n) => [n.id, n]));
      const sign = run.lowerIsBetter ? -1 : 1;
      return run.search.nodes.map((node) => {
        const parent = node.parent ? byId.get(node.parent) : undefined;
        const gain = parent && !parent.buggy && parent.validation !== null && node.validation !== null ? sign * (node.validation - parent.validation) : null;
        return { node, gain };
      });
    });
    for (const [operator, items] of groupBy(entries, (e) => e.node.operator)) {
      const gains = items.map((i) => i.gain).filter((g): g is number => g !== null);
      rows.push([
        { text: mode },
        { text: operator },
        { text: String(items.length) },
        { text: fmt(items.filter((i) => !i.node.buggy).length / items.length, 2) },
        { text: gains.length ? `${fmt(meanWithError(gains).mean)} (${gains.length})` : "—" },
      ]);
    }
  }
  return {
    id: "search-operators",
    title: "Tree search: what each operator gives",
    note: "Validation gain: the node's printed validation score minus its working parent's, signed so that positive is better (nodes with both scores; their count in brackets).",
    columns: ["Mode", "Operator", "Nodes", "Valid rate", "Validation gain over parent"],
    rows,
  };
}

export function searchTables(input: SearchReportInput): Table[] {
  if (searched(input.runs).length === 0) return [];
  return [summaryTable(input), operatorTable(input)];
}

/** Mean ± SE across runs of the selected node's normalised test score at each x (runs without a value there skipped). */
function curve(series: string, values: Array<{ x: number; value: number | null }[]>): AnytimePoint[] {
  const xs = [...new Set(values.flatMap((v) => v.map((p) => p.x)))].sort((a, b) => a - b);
  return xs.flatMap((x) => {
    const at = values.map((v) => v.find((p) => p.x === x)?.value ?? null).filter((v): v is number => v !== null);
    if (!at.length) return [];
    const m = meanWithError(at);
    const se = Number.isFinite(m.se) ? m.se : 0;
    return [{ x, series, mean: m.mean, low: m.mean - se, high: m.mean + se, n: m.n }];
  });
}

const TIME_POINTS = 20;

/** The anytime curves: against step, and against wall time (minutes, on a grid of the longest run's span). */
export function anytimeCharts(runs: readonly ReportRun[]): ChartOut[] {
  const all = searched(runs);
  if (!all.some((r) => r.search.nodes.some((n) => n.normalisedTest !== null))) return [];
  const byStep: AnytimePoint[] = [];
  const byTime: AnytimePoint[] = [];
  const span = Math.max(...all.flatMap((r) => r.search.nodes.map((n) => n.elapsedMs)));
  const grid = Array.from({ length: TIME_POINTS }, (_, i) => (span * (i + 1)) / TIME_POINTS);
  for (const [label, group] of groupBy(all, labelOf)) {
    const valueAt = (run: SearchRun, count: number) => selectedAmong(run.search.nodes, count, run.lowerIsBetter ?? false)?.normalisedTest ?? null;
    byStep.push(...curve(label, group.map((run) => run.search.nodes.map((_, i) => ({ x: i + 1, value: valueAt(run, i + 1) })))));
    byTime.push(
      ...curve(
        label,
        group.map((run) => grid.map((t) => ({ x: t / 60_000, value: valueAt(run, run.search.nodes.filter((n) => n.elapsedMs <= t).length) }))),
      ),
    );
  }
  const yTitle = "normalised test score of the selected node";
  return [
    { id: "search-anytime-step", title: "Anytime: the selected node's normalised test score against step (± SEM)", file: "search-anytime-step.svg", spec: anytimeCurveSpec(byStep, { title: "Selected node's score against step", xTitle: "step", yTitle }) },
    { id: "search-anytime-time", title: "Anytime: the selected node's normalised test score against wall time (± SEM)", file: "search-anytime-time.svg", spec: anytimeCurveSpec(byTime, { title: "Selected node's score against wall time", xTitle: "minutes", yTitle }) },
  ];
}
