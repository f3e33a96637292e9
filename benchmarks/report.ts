// Turns the rows of a bench (or any runs folder) into the report's tables, comparisons and charts.
// Rendering (Markdown, HTML, CSV) lives in render.ts; this module decides what the numbers are.
import { createHash } from "node:crypto";
import type { TopLevelSpec } from "vega-lite";
import { consistencySpec, modeBarsSpec, temperatureCurveSpec, type BarPoint, type ConsistencyCell, type CurvePoint } from "./charts.js";
import type { Collection, ReportRun } from "./collect.js";
import { mlebenchSummary, type AggregateMetric, type MleBenchSummary } from "./mlebench.js";
import { ABLATION_NAMES, describeMode, isModeName } from "./modes.js";
import { isFinishedState } from "./runner.js";
import { comparisonWarnings, costTable, describeFingerprint, fingerprintTable, sanityTable, selectionTable, validationTable, type ValidityRun } from "./validity.js";
import { comparePaired, mean, meanWithError, type MeanWithError, type PairedComparison, type PairedObservation } from "./stats.js";

/** One table cell: text, and where it links (a run folder, or the list of runs behind an aggregate). */
export interface Cell {
  text: string;
  /** Link to one run folder (relative to the report folder), or to a group anchor `#g-…`. */
  href?: string;
  /** Marks a cell that says how a run went (for colouring in HTML). */
  tone?: "good" | "bad" | "neutral";
}

export interface Table {
  id: string;
  title: string;
  note?: string;
  columns: string[];
  rows: Cell[][];
}

export interface ChartOut {
  id: string;
  title: string;
  /** File name inside the report folder. */
  file: string;
  spec: TopLevelSpec;
}

/** What a paired comparison varies: two modes within one model column, or two model columns within one mode. */
export type ComparisonAxis = "mode" | "model";

export interface ComparisonOut {
  axis: ComparisonAxis;
  /** The two modes (axis "mode") or model-column labels (axis "model") compared. */
  a: string;
  b: string;
  /** What is held fixed: the model column (axis "mode") or the mode (axis "model"). */
  within: string;
  temperature: number | null;
  result: PairedComparison;
  /** Runs behind the pairs. */
  group: string;
  /** Mixed fingerprints, fewer than MIN_SEEDS seeds (validity.ts comparisonWarnings). */
  warnings: string[];
  byDataType: { dataType: string; n: number; wins: number; ties: number; losses: number; meanDifference: number }[];
}

export interface RunGroup {
  id: string;
  label: string;
  runs: { runId: string; href: string }[];
}

export interface Report {
  title: string;
  generatedAt: string;
  root: string;
  command?: string[];
  counts: Record<ReportRun["state"] | "planned", number>;
  notes: string[];
  warnings: string[];
  tables: Table[];
  comparisons: ComparisonOut[];
  charts: ChartOut[];
  groups: RunGroup[];
  runs: ReportRun[];
  /** MLE-bench's grading report and aggregates, when the runs include imported MLE-bench competitions. */
  mlebench?: MleBenchSummary;
}

export interface ReportOptions {
  /** Pairs of modes to compare; default linguacodus vs direct when both ran. */
  compare?: [string, string][];
  /** Pairs of model columns (labels) to compare within each mode, e.g. a fine-tuned planner vs its base. */
  compareModels?: [string, string][];
  /** Href of a run folder as seen from the report folder. */
  linkOf: (runDir: string) => string;
  /** Seed of the bootstrap resampling (fixed so a report is reproducible). */
  seed?: number;
  /** Rows of the consistency chart (all chains still appear in its table). */
  maxConsistencyRows?: number;
  now?: Date;
}

const isFinished = (run: ReportRun) => isFinishedState(run.state);

export function fmt(x: number | null | undefined, digits = 3): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return "—";
  if (x !== 0 && Math.abs(x) < 10 ** -digits) return x.toExponential(1);
  return x.toFixed(digits);
}

function fmtMeanSe(m: MeanWithError, digits = 3): string {
  if (m.n === 0 || !Number.isFinite(m.mean)) return "—";
  return Number.isFinite(m.se) ? `${fmt(m.mean, digits)} ± ${fmt(m.se, digits)}` : `${fmt(m.mean, digits)} (1 repeat)`;
}

function fmtPercent(x: number): string {
  return Number.isFinite(x) ? `${(x * 100).toFixed(0)}%` : "—";
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

function temperatureLabel(t: number | null): string {
  return t === null ? "default" : String(t);
}

/** Orders modes as the mode table does (pipelines first, then ablations), unknown names last. */
function modeOrder(modes: Iterable<string>): string[] {
  const known = ["linguacodus", "direct", ...ABLATION_NAMES] as string[];
  return [...new Set(modes)].sort((a, b) => {
    const ia = known.indexOf(a);
    const ib = known.indexOf(b);
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b);
  });
}

/**
 * Mean ± SE over repeats, as MLE-bench aggregates seeds: the value is averaged within each seed first
 * (across tasks), then the per-seed means are averaged. Runs without a value are left out.
 */
export function acrossRepeats(runs: readonly ReportRun[], value: (run: ReportRun) => number | null): MeanWithError {
  const bySeed = groupBy(runs, (r) => (r.seed === null ? `run:${r.runId}` : `seed:${r.seed}`));
  const perSeed: number[] = [];
  for (const group of bySeed.values()) {
    const values = group.map(value).filter((v): v is number => v !== null && Number.isFinite(v));
    if (values.length) perSeed.push(mean(values));
  }
  return meanWithError(perSeed);
}

class GroupRegistry {
  readonly groups = new Map<string, RunGroup>();
  constructor(private readonly linkOf: (dir: string) => string) {}

  /** Href for the runs behind a number: the run folder itself for one run, a group anchor otherwise. */
  link(runs: readonly ReportRun[], label: string): string | undefined {
    if (runs.length === 0) return undefined;
    if (runs.length === 1) return this.linkOf((runs[0] as ReportRun).dir);
    const ids = runs.map((r) => r.runId).sort();
    const id = `g-${createHash("sha1").update(ids.join("\n")).digest("hex").slice(0, 10)}`;
    if (!this.groups.has(id))
      this.groups.set(id, { id, label, runs: runs.map((r) => ({ runId: r.runId, href: this.linkOf(r.dir) })) });
    return `#${id}`;
  }
}

interface Series {
  mode: string;
  model: string;
  temperature: number | null;
  runs: ReportRun[];
}

function seriesOf(runs: readonly ReportRun[]): Series[] {
  const modes = modeOrder(runs.map((r) => r.mode));
  const out: Series[] = [];
  const grouped = groupBy(runs, (r) => `${r.mode}\u0000${r.model}\u0000${temperatureLabel(r.temperature)}`);
  for (const mode of modes)
    for (const group of [...grouped.values()].filter((g) => (g[0] as ReportRun).mode === mode).sort((a, b) => {
      const ra = a[0] as ReportRun;
      const rb = b[0] as ReportRun;
      return ra.model.localeCompare(rb.model) || (ra.temperature ?? -1) - (rb.temperature ?? -1);
    })) {
      const first = group[0] as ReportRun;
      out.push({ mode, model: first.model, temperature: first.temperature, runs: group });
    }
  return out;
}

interface SeriesStats {
  valid: MeanWithError;
  medal: MeanWithError;
  firstAttempt: MeanWithError;
  attempts: MeanWithError;
  normalised: MeanWithError;
  finished: ReportRun[];
}

function statsOf(series: Series): SeriesStats {
  const finished = series.runs.filter(isFinished);
  return {
    finished,
    valid: acrossRepeats(finished, (r) => (r.valid ? 1 : 0)),
    firstAttempt: acrossRepeats(finished, (r) => (r.firstAttemptSuccess ? 1 : 0)),
    // Medals exist only where the task has a leaderboard; other runs are left out of the rate.
    medal: acrossRepeats(finished, (r) => (r.medal === null ? null : r.medal !== "none" ? 1 : 0)),
    attempts: acrossRepeats(finished, (r) => r.attemptsUsed),
    normalised: acrossRepeats(finished, (r) => r.normalised),
  };
}

function table1(runs: ReportRun[], groups: GroupRegistry, manyColumns: boolean): Table {
  const modes = modeOrder(runs.map((r) => r.mode));
  const byRow = groupBy(runs, (r) => `${r.taskId}\u0000${r.model}\u0000${temperatureLabel(r.temperature)}`);
  const columns = ["Task", "Data type", "Metric", ...(manyColumns ? ["Model", "T"] : [])];
  for (const mode of modes) columns.push(`${mode} score`, `${mode} percentile`);
  const rows: Cell[][] = [];
  for (const group of [...byRow.values()].sort((a, b) => (a[0] as ReportRun).taskId.localeCompare((b[0] as ReportRun).taskId))) {
    const first = group[0] as ReportRun;
    const row: Cell[] = [
      { text: first.taskId },
      { text: first.dataType },
      { text: `${first.metric}${first.lowerIsBetter === null ? "" : first.lowerIsBetter ? " ↓" : " ↑"}` },
    ];
    if (manyColumns) row.push({ text: first.model }, { text: temperatureLabel(first.temperature) });
    for (const mode of modes) {
      const cellRuns = group.filter((r) => r.mode === mode && isFinished(r));
      const valid = cellRuns.filter((r) => r.valid && r.score !== null);
      const label = `${first.taskId} · ${mode} · ${first.model}`;
      const href = groups.link(cellRuns, label);
      if (cellRuns.length === 0) {
        row.push({ text: "" }, { text: "" });
        continue;
      }
      const validNote = valid.length < cellRuns.length ? ` (${valid.length}/${cellRuns.length} valid)` : "";
      const score = valid.length ? fmt(acrossRepeats(valid, (r) => r.score).mean) : "—";
      const percentiles = valid.filter((r) => r.percentile !== null);
      row.push(
        { text: `${score}${validNote}`, href, tone: valid.length === cellRuns.length ? "good" : valid.length ? "neutral" : "bad" },
        { text: percentiles.length ? fmt(acrossRepeats(percentiles, (r) => r.percentile).mean, 1) : "—", href },
      );
    }
    rows.push(row);
  }
  return {
    id: "table-1",
    title: "Scores per task (the paper's Table 1 layout)",
    note:
      "Score: mean over repeats of valid runs (↓ lower is better, ↑ higher is better). Percentile: share of the task's " +
      "leaderboard the score beats, as the grader computes it (— without a leaderboard). Each number links to its runs.",
    columns,
    rows,
  };
}

function modeSummaryTable(series: Series[], groups: GroupRegistry): Table {
  const rows = series.map((s) => {
    const st = statsOf(s);
    const href = groups.link(st.finished, `${s.mode} · ${s.model} · T=${temperatureLabel(s.temperature)}`);
    const sum = (f: (r: ReportRun) => number) => st.finished.reduce((acc, r) => acc + f(r), 0);
    const n = st.finished.length || 1;
    const costs = st.finished.map((r) => r.costEstimate).filter((c): c is number => c !== null);
    return [
      { text: s.mode },
      { text: s.model },
      { text: temperatureLabel(s.temperature) },
      { text: `${st.finished.length}/${s.runs.length}`, href: groups.link(s.runs, `${s.mode} · ${s.model} (all planned)`) },
      { text: fmtMeanSe(st.valid), href },
      { text: fmtMeanSe(st.firstAttempt), href },
      { text: fmtMeanSe(st.attempts, 2), href },
      { text: fmtMeanSe(st.normalised), href },
      { text: fmtMeanSe(st.medal), href },
      { text: `${fmt(sum((r) => r.wallMs) / n / 1000, 1)} (${fmt(sum((r) => r.modelMs) / n / 1000, 1)} / ${fmt(sum((r) => r.sandboxMs) / n / 1000, 1)} / ${fmt(sum((r) => r.otherMs) / n / 1000, 1)})`, href },
      { text: fmt(sum((r) => r.totalTokens) / n, 0), href },
      { text: costs.length ? fmt(mean(costs), 4) : "—", href },
    ];
  });
  return {
    id: "modes",
    title: "Per mode and model",
    note:
      "Mean ± SEM over seeds: the standard error of the mean (sd / √n over the n seeds, not the sd), each seed's value first averaged over tasks, as MLE-bench aggregates seeds. " +
      "Finished = succeeded or failed runs of those planned. Valid and first-attempt success are rates (0–1). " +
      "Normalised score: 0 = the task's constant baseline, 1 = its reference model; an invalid run counts as 0. " +
      "Any-medal rate: over runs on tasks with a leaderboard. Wall time per run in seconds (model / sandbox / other).",
    columns: ["Mode", "Model", "T", "Finished", "Valid rate", "First-attempt success", "Mean attempts", "Mean normalised score", "Any-medal rate", "Wall s (model / sandbox / other)", "Tokens / run", "Est. cost / run"],
    rows,
  };
}

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

function compare(runs: ReportRun[], a: string, b: string, groups: GroupRegistry, seed: number, axis: ComparisonAxis = "mode"): ComparisonOut[] {
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

function comparisonTable(comparisons: ComparisonOut[]): Table {
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
      { text: `${c.result.wins} / ${c.result.ties} / ${c.result.losses}`, href: c.group },
      { text: fmt(c.result.meanDifference), href: c.group },
      { text: `[${fmt(c.result.interval[0])}, ${fmt(c.result.interval[1])}]`, href: c.group },
      { text: fmt(c.result.signTestP), href: c.group },
      { text: `${fmt(c.result.wilcoxon.pValue)} (${c.result.wilcoxon.method})`, href: c.group },
      { text: c.result.conclusion },
    ]),
  };
}

function byDataTypeTable(comparisons: ComparisonOut[]): Table {
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
        { text: `${d.wins} / ${d.ties} / ${d.losses}`, href: c.group },
        { text: fmt(d.meanDifference), href: c.group },
      ]),
    ),
  };
}

function ablationTable(runs: ReportRun[], series: Series[], groups: GroupRegistry, seed: number): Table | undefined {
  const ablations = series.filter((s) => (ABLATION_NAMES as string[]).includes(s.mode) || s.mode === "linguacodus");
  if (!ablations.some((s) => s.mode !== "linguacodus")) return undefined;
  const rows = ablations.map((s) => {
    const st = statsOf(s);
    const href = groups.link(st.finished, `${s.mode} · ${s.model}`);
    const versus = s.mode === "linguacodus" ? undefined : compare(runs, s.mode, "linguacodus", groups, seed).find((c) => c.within === s.model && c.temperature === s.temperature);
    return [
      { text: s.mode },
      { text: isModeName(s.mode) ? describeMode(s.mode) : "" },
      { text: s.model },
      { text: fmtMeanSe(st.valid), href },
      { text: fmtMeanSe(st.firstAttempt), href },
      { text: fmtMeanSe(st.attempts, 2), href },
      { text: fmtMeanSe(st.normalised), href },
      versus
        ? { text: `${fmt(versus.result.meanDifference)} [${fmt(versus.result.interval[0])}, ${fmt(versus.result.interval[1])}]`, href: versus.group }
        : { text: s.mode === "linguacodus" ? "(baseline)" : "no pairs" },
      versus ? { text: `${versus.result.wins} / ${versus.result.ties} / ${versus.result.losses}`, href: versus.group } : { text: "" },
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

function temperatureTable(series: Series[], groups: GroupRegistry): Table {
  return {
    id: "temperatures",
    title: "Temperature sweep",
    columns: ["Mode", "Model", "T", "Finished", "Valid rate", "Mean normalised score"],
    rows: series
      .filter((s) => s.temperature !== null)
      .sort((a, b) => a.mode.localeCompare(b.mode) || a.model.localeCompare(b.model) || (a.temperature as number) - (b.temperature as number))
      .map((s) => {
        const st = statsOf(s);
        const href = groups.link(st.finished, `${s.mode} · ${s.model} · T=${s.temperature}`);
        return [
          { text: s.mode },
          { text: s.model },
          { text: String(s.temperature) },
          { text: `${st.finished.length}/${s.runs.length}`, href },
          { text: fmtMeanSe(st.valid), href },
          { text: fmtMeanSe(st.normalised), href },
        ];
      }),
  };
}

function chainLabel(run: ReportRun, chain: string): string {
  const seed = run.seed === null ? "" : ` s${run.seed}`;
  const temp = run.temperature === null ? "" : ` T${run.temperature}`;
  const suffix = chain.includes("/") ? ` ${chain.slice(chain.indexOf("/") + 1)}` : "";
  return `${run.taskId} · ${run.mode} · ${run.model}${temp}${seed}${suffix}`;
}

function consistency(runs: ReportRun[], linkOf: (dir: string) => string): { table: Table; cells: ConsistencyCell[] } {
  const ordered = [...runs].filter((r) => r.chains.length > 0).sort((a, b) => a.taskId.localeCompare(b.taskId) || a.mode.localeCompare(b.mode) || a.model.localeCompare(b.model) || (a.seed ?? 0) - (b.seed ?? 0));
  const width = Math.max(0, ...ordered.flatMap((r) => r.chains.map((c) => c.attempts.length)));
  const cells: ConsistencyCell[] = [];
  const rows: Cell[][] = [];
  for (const run of ordered)
    for (const chain of run.chains) {
      const label = chainLabel(run, chain.chain);
      const row: Cell[] = [{ text: label, href: linkOf(chain.dir) }, { text: run.valid ? "valid" : run.state === "running" ? "unfinished" : "invalid", tone: run.valid ? "good" : "bad" }];
      chain.attempts.forEach((a, i) => {
        const text = a.valid ? fmt(a.score) : a.outcome;
        cells.push({ chain: label, step: i + 1, kind: a.kind, valid: a.valid, outcome: a.outcome, normalised: a.normalised, label: text });
        row.push({ text: `${a.kind === "initial" ? "" : `${a.kind}: `}${text}`, href: `${linkOf(chain.dir)}exec/${a.attempt}/`, tone: a.valid ? "good" : "bad" });
      });
      for (let i = chain.attempts.length; i < width; i++) row.push({ text: "" });
      rows.push(row);
    }
  return {
    cells,
    table: {
      id: "consistency",
      title: "Consistency view (result tracing: one row per chain, one cell per attempt)",
      note: "A failed attempt shows its error class, a valid one its score; long rows of errors mark tasks where the system struggled.",
      columns: ["Chain", "Final", ...Array.from({ length: width }, (_, i) => `#${i + 1}`)],
      rows,
    },
  };
}

function tokensTable(series: Series[], groups: GroupRegistry): Table | undefined {
  const roles = [...new Set(series.flatMap((s) => s.runs.flatMap((r) => Object.keys(r.tokensByRole))))].sort();
  if (roles.length === 0) return undefined;
  return {
    id: "tokens",
    title: "Model calls and tokens per role (mean per finished run: calls · tokens in / out)",
    columns: ["Mode", "Model", "T", ...roles],
    rows: series.map((s) => {
      const finished = s.runs.filter(isFinished);
      const href = groups.link(finished, `${s.mode} · ${s.model} · T=${temperatureLabel(s.temperature)}`);
      const n = finished.length || 1;
      return [
        { text: s.mode },
        { text: s.model },
        { text: temperatureLabel(s.temperature) },
        ...roles.map((role) => {
          const per = finished.map((r) => r.tokensByRole[role]).filter((t) => t !== undefined);
          if (per.length === 0) return { text: "—" };
          const sum = (f: (t: (typeof per)[number]) => number) => per.reduce((acc, t) => acc + f(t), 0) / n;
          return { text: `${fmt(sum((t) => t.calls), 1)} · ${fmt(sum((t) => t.promptTokens), 0)} / ${fmt(sum((t) => t.completionTokens), 0)}`, href };
        }),
      ];
    }),
  };
}

function runIndexTable(runs: ReportRun[], linkOf: (dir: string) => string): Table {
  return {
    id: "runs",
    title: "Every run",
    columns: ["Run", "Task", "Mode", "Model", "T", "Seed", "State", "Valid", "First attempt", "Attempts", "Score", "Normalised", "Percentile", "Medal", "Wall s", "Model s", "Sandbox s", "Tokens", "Errors", "Failure"],
    rows: runs.map((r) => {
      const href = linkOf(r.dir);
      const link = (text: string, tone?: Cell["tone"]): Cell => (tone ? { text, href, tone } : { text, href });
      return [
        link(r.runId),
        { text: r.taskId },
        { text: r.mode },
        { text: r.model },
        { text: temperatureLabel(r.temperature) },
        link(r.seed === null ? "—" : String(r.seed)),
        link(r.state, r.state === "succeeded" ? "good" : r.state === "failed" || r.state === "unreadable" ? "bad" : "neutral"),
        link(r.valid ? "yes" : "no", r.valid ? "good" : "bad"),
        link(r.firstAttemptSuccess ? "yes" : "no"),
        link(String(r.attemptsUsed)),
        link(fmt(r.score)),
        link(fmt(r.normalised)),
        link(fmt(r.percentile, 1)),
        link(r.medal ?? "—"),
        link(fmt(r.wallMs / 1000, 1)),
        link(fmt(r.modelMs / 1000, 1)),
        link(fmt(r.sandboxMs / 1000, 1)),
        link(String(r.totalTokens)),
        { text: r.errorClasses.join(", ") },
        { text: r.failure ?? "" },
      ];
    }),
  };
}

function barPoints(series: Series[], pick: (st: SeriesStats) => MeanWithError): BarPoint[] {
  return series
    .map((s) => ({ s, m: pick(statsOf(s)) }))
    .filter(({ m }) => m.n > 0 && Number.isFinite(m.mean))
    .map(({ s, m }) => {
      const se = Number.isFinite(m.se) ? m.se : 0;
      const seriesName = s.temperature === null ? s.model : `${s.model} T=${s.temperature}`;
      return { group: s.mode, series: seriesName, mean: m.mean, low: m.mean - se, high: m.mean + se, n: m.n };
    });
}

function curvePoints(series: Series[], pick: (st: SeriesStats) => MeanWithError): CurvePoint[] {
  return series
    .filter((s) => s.temperature !== null)
    .map((s) => ({ s, m: pick(statsOf(s)) }))
    .filter(({ m }) => m.n > 0 && Number.isFinite(m.mean))
    .map(({ s, m }) => {
      const se = Number.isFinite(m.se) ? m.se : 0;
      return { temperature: s.temperature as number, series: `${s.mode} · ${s.model}`, mean: m.mean, low: m.mean - se, high: m.mean + se, n: m.n };
    });
}

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
    notes.push("No task has reference scores (task.json reference_scores), so normalised scores and paired comparisons are unavailable.");

  const tables: Table[] = [table1(runs, groups, manyColumns), modeSummaryTable(series, groups)];
  const requested = options.compare ?? (modes.includes("linguacodus") && modes.includes("direct") ? [["linguacodus", "direct"] as [string, string]] : []);
  for (const [a, b] of requested)
    for (const m of [a, b]) if (!modes.includes(m)) notes.push(`Comparison ${a} vs ${b}: no runs of mode '${m}' here (modes present: ${modes.join(", ")}).`);
  const labels = [...new Set(runs.map((r) => r.model))];
  for (const [a, b] of options.compareModels ?? [])
    for (const m of [a, b]) if (!labels.includes(m)) notes.push(`Comparison ${a} vs ${b}: no runs of model column '${m}' here (columns present: ${labels.join(", ")}).`);
  const comparisons = [
    ...requested.flatMap(([a, b]) => compare(runs, a, b, groups, seed)),
    ...(options.compareModels ?? []).flatMap(([a, b]) => compare(runs, a, b, groups, seed, "model")),
  ];
  if (comparisons.length) tables.push(comparisonTable(comparisons), byDataTypeTable(comparisons));
  const ablations = ablationTable(runs, series, groups, seed);
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
  if (finished.some((r) => r.fingerprintId !== null)) tables.push(fingerprintTable({ runs: finished, link }, (id) => describeFingerprint(finished.find((r) => r.fingerprintId === id)?.fingerprint ?? null)));
  const trace = consistency(runs, options.linkOf);
  tables.push(trace.table, runIndexTable(runs, options.linkOf));

  const charts: ChartOut[] = [];
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
  if (trace.cells.length) {
    const limit = options.maxConsistencyRows ?? 300;
    const chainNames = [...new Set(trace.cells.map((c) => c.chain))];
    const shown = new Set(chainNames.slice(0, limit));
    if (chainNames.length > limit) notes.push(`The consistency chart shows the first ${limit} of ${chainNames.length} chains; its table lists all.`);
    charts.push({ id: "consistency", title: "Consistency view", file: "consistency.svg", spec: consistencySpec(trace.cells.filter((c) => shown.has(c.chain)), { title: "Result tracing: attempts per chain" }) });
  }

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

/** MLE-bench's aggregate (aggregate_grading_reports): per mode × model, each share as mean ± SEM over seeds. */
function mlebenchTable(summary: MleBenchSummary): Table {
  const pct = (m: AggregateMetric | undefined) => (m ? `${fmt(m.mean, 1)}% ± ${fmt(m.standard_error, 1)}` : "—");
  return {
    id: "mlebench",
    title: "MLE-bench aggregate (as aggregate_grading_reports: mean ± SEM over seeds)",
    note: "A seed is each competition's k-th run; only seeds covering every competition count. grading_report.json holds every run in MLE-bench's format.",
    columns: ["mode", "model", "seeds", "competitions", "any medal", "gold", "silver", "bronze", "above median", "valid", "with submission"],
    rows: summary.aggregates.map((a) => [
      { text: a.mode },
      { text: a.model },
      { text: String(a.num_seeds_averaged), ...(a.missing_competitions.length ? { tone: "bad" as const } : {}) },
      { text: a.missing_competitions.length ? `${a.num_competitions_per_seed} (no runs: ${a.missing_competitions.join(", ")})` : String(a.num_competitions_per_seed) },
      { text: pct(a.metrics?.any_medal_percentage) },
      { text: pct(a.metrics?.gold_medal_percentage) },
      { text: pct(a.metrics?.silver_medal_percentage) },
      { text: pct(a.metrics?.bronze_medal_percentage) },
      { text: pct(a.metrics?.above_median_percentage) },
      { text: pct(a.metrics?.valid_submissions_percentage) },
      { text: pct(a.metrics?.submission_exists_percentage) },
    ]),
  };
}
