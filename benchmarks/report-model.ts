// The report's shapes (tables, comparisons, charts, the report itself) and what every table builder shares:
// runs grouped into series (mode × model × temperature), their statistics over repeats, and the registry of
// run groups behind each number.
import { createHash } from "node:crypto";
import type { TopLevelSpec } from "vega-lite";
import type { ReportRun } from "./collect.js";
import { fmtMeanSe, temperatureLabel } from "./format.js";
import { isFinishedState } from "./manifest.js";
import type { MleBenchSummary } from "./mlebench.js";
import { ABLATION_NAMES } from "./modes.js";
import { mean, meanWithError, type MeanWithError, type PairedComparison } from "./stats.js";

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
  /** Sign/Wilcoxon/bootstrap over the pairs with normalised scores on both sides. */
  result: PairedComparison;
  /** Win/tie/loss in each task's metric direction over every pair (no normalisation needed). */
  raw: { n: number; wins: number; ties: number; losses: number };
  /** The normalisation `result` rests on, in words. */
  normalisedBy: string;
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

export const isFinished = (run: ReportRun) => isFinishedState(run.state);

export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/** Orders modes as the mode table does (pipelines first, then ablations), unknown names last. */
export function modeOrder(modes: Iterable<string>): string[] {
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

/** The run groups behind the report's numbers, each listed once at the end of the report. */
export class GroupRegistry {
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

/** The runs of one mode × model column × temperature. */
export interface Series {
  mode: string;
  model: string;
  temperature: number | null;
  runs: ReportRun[];
}

export function seriesOf(runs: readonly ReportRun[]): Series[] {
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

export interface SeriesStats {
  valid: MeanWithError;
  medal: MeanWithError;
  firstAttempt: MeanWithError;
  attempts: MeanWithError;
  normalised: MeanWithError;
  finished: ReportRun[];
}

export function statsOf(series: Series): SeriesStats {
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

/** The rate cells the mode and ablation tables share: valid, first-attempt success, attempts, normalised score. */
export function seriesRateCells(st: SeriesStats, href: string | undefined): Cell[] {
  return [
    { text: fmtMeanSe(st.valid), href },
    { text: fmtMeanSe(st.firstAttempt), href },
    { text: fmtMeanSe(st.attempts, 2), href },
    { text: fmtMeanSe(st.normalised), href },
  ];
}
