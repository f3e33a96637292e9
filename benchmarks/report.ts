// Turns the rows of a bench (or any runs folder) into the report: which tables, comparisons and charts it holds.
// The tables are built in report-tables.ts and report-compare.ts, the charts in report-charts.ts, numbers printed
// by format.ts; rendering (Markdown, HTML, CSV) lives in render.ts.
import type { Collection, ReportRun } from "./collect.js";
import { temperatureLabel } from "./format.js";
import { mlebenchSummary } from "./mlebench.js";
import { reportCharts } from "./report-charts.js";
import { anytimeCharts, searchTables } from "./report-search.js";
import { ablationTable, byDataTypeTable, compare, comparisonTable, defaultComparisons } from "./report-compare.js";
import { GroupRegistry, isFinished, modeOrder, seriesOf, type Report, type ReportOptions, type Table } from "./report-model.js";
import { analysesTable } from "./report-analyses.js";
import { consistency, mlebenchTable, modeSummaryTable, runIndexTable, table1, temperatureTable, tokensTable } from "./report-tables.js";
import { batchTables, unitTestsTable } from "./report-unit-tests.js";
import { costTable, describeFingerprint, fingerprintTable, sanityTable, selectionTable, validationTable, type ValidityRun } from "./validity.js";

export { acrossRepeats, type Cell, type ChartOut, type ComparisonAxis, type ComparisonOut, type Report, type ReportOptions, type RunGroup, type Table } from "./report-model.js";
export { pairRuns } from "./report-compare.js";

/** Builds the whole report from collected runs (pure apart from hashing). */
export function buildReport(collection: Collection, options: ReportOptions): Report {
  const { runs } = collection;
  const seed = options.seed ?? 20240101;
  const groups = new GroupRegistry(options.linkOf);
  const series = seriesOf(runs);
  const modes = modeOrder(runs.map((r) => r.mode));
  const manyColumns = new Set(runs.map((r) => `${r.model}\u0000${temperatureLabel(r.temperature)}`)).size > 1;
  const notes: string[] = [];
  const counts: Report["counts"] = { planned: runs.length, succeeded: 0, failed: 0, budget: 0, running: 0, missing: 0, unreadable: 0 };
  for (const r of runs) counts[r.state] += 1;
  if (counts.running + counts.missing > 0)
    notes.push(`${counts.running + counts.missing} of ${runs.length} runs are unfinished or not started: the numbers cover finished runs only (resume the bench with --resume).`);
  if (runs.some(isFinished) && runs.filter(isFinished).every((r) => r.normalised === null))
    notes.push(
      "No task has reference scores (task.json reference_scores: 'linguacodus tasks references <task…>') or, for an MLE-bench competition, a leaderboard, so normalised scores and the sign/Wilcoxon tests are unavailable; the paired comparison still shows win/tie/loss within each task in its metric's direction.",
    );

  const tables: Table[] = [table1(runs, groups, manyColumns), modeSummaryTable(series, groups)];
  const requested = options.compare ?? defaultComparisons(modes);
  for (const [a, b] of requested)
    for (const m of [a, b]) if (!modes.includes(m)) notes.push(`Comparison ${a} vs ${b}: no runs of mode '${m}' here (modes present: ${modes.join(", ")}).`);
  const labels = [...new Set(runs.map((r) => r.model))];
  for (const [a, b] of options.compareModels ?? [])
    for (const m of [a, b]) if (!labels.includes(m)) notes.push(`Comparison ${a} vs ${b}: no runs of model column '${m}' here (columns present: ${labels.join(", ")}).`);
  const comparisons = [
    ...requested.flatMap(([a, b]) => compare({ runs, a, b, groups, seed })),
    ...(options.compareModels ?? []).flatMap(([a, b]) => compare({ runs, a, b, groups, seed, axis: "model" })),
  ];
  if (comparisons.length) tables.push(comparisonTable(comparisons), byDataTypeTable(comparisons));
  const ablations = ablationTable({ runs, series, groups, seed });
  if (ablations) tables.push(ablations);
  const sweep = new Set(runs.map((r) => r.temperature).filter((t) => t !== null)).size > 1;
  if (sweep) tables.push(temperatureTable(series, groups));
  const tokens = tokensTable(series, groups);
  if (tokens) tables.push(tokens);
  const mlebench = mlebenchSummary(runs);
  if (mlebench) tables.push(mlebenchTable(mlebench));
  // Issue 13: validation against test, selection, cost per valid/medal, and the fingerprints behind the numbers.
  const finished = runs.filter(isFinished);
  const link = (rs: readonly ValidityRun[], label: string) => groups.link(rs as ReportRun[], label);
  for (const table of [validationTable({ runs: finished, link }), selectionTable({ runs: finished, link }), sanityTable({ runs: finished, link }), costTable({ runs: finished, link })]) if (table) tables.push(table);
  tables.push(...searchTables({ runs: finished, link: (rs, label) => groups.link(rs, label) }));
  const analyses = analysesTable(finished);
  if (analyses) tables.push(analyses);
  const unitTests = unitTestsTable({ runs: finished, link: (rs, label) => groups.link(rs, label) });
  if (unitTests) tables.push(unitTests);
  tables.push(...batchTables({ runs: finished, link: (rs, label) => groups.link(rs, label) }));
  if (finished.some((r) => r.fingerprintId !== null)) tables.push(fingerprintTable({ runs: finished, link }, (id) => describeFingerprint(finished.find((r) => r.fingerprintId === id)?.fingerprint ?? null)));
  const trace = consistency(runs, options.linkOf);
  tables.push(trace.table, runIndexTable(runs, options.linkOf));

  const drawn = reportCharts({ series, sweep, consistency: trace.cells, maxConsistencyRows: options.maxConsistencyRows ?? 300 });
  notes.push(...drawn.notes);
  const charts = [...drawn.charts, ...anytimeCharts(finished)];

  return {
    title: collection.manifest ? "linguacodus bench report" : "linguacodus runs report",
    generatedAt: (options.now ?? new Date()).toISOString(),
    root: collection.root,
    command: collection.manifest?.command,
    counts,
    notes,
    warnings: [...collection.warnings, ...comparisons.flatMap((c) => c.warnings)],
    tables,
    comparisons,
    charts,
    groups: [...groups.groups.values()],
    runs,
    ...(mlebench ? { mlebench } : {}),
  };
}
