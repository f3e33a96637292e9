// The report's tables built from runs alone (no comparison): scores per task (the paper's Table 1), per mode and
// model, the temperature sweep, tokens per role, the consistency view, every run, and MLE-bench's aggregate.
// Each is a pure function of runs (and the group registry that records which runs stand behind a number).
import type { ConsistencyCell } from "./charts.js";
import type { ReportRun } from "./collect.js";
import { fmt, fmtMeanSe, temperatureLabel } from "./format.js";
import type { AggregateMetric, MleBenchSummary } from "./mlebench.js";
import { acrossRepeats, groupBy, isFinished, modeOrder, seriesRateCells, statsOf, type Cell, type GroupRegistry, type Series, type Table } from "./report-model.js";
import { mean } from "./stats.js";

/** Scores per task: one row per task (× model column × temperature when there are several), two cells per mode. */
export function table1(runs: readonly ReportRun[], groups: GroupRegistry, manyColumns: boolean): Table {
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

export function modeSummaryTable(series: Series[], groups: GroupRegistry): Table {
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
      ...seriesRateCells(st, href),
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
export function temperatureTable(series: Series[], groups: GroupRegistry): Table {
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

export function consistency(runs: readonly ReportRun[], linkOf: (dir: string) => string): { table: Table; cells: ConsistencyCell[] } {
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

export function tokensTable(series: Series[], groups: GroupRegistry): Table | undefined {
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
          return { text: `${fmt(sum((t) => t.calls), 1)} · ${fmt(sum((t) => t.tokens.input), 0)} / ${fmt(sum((t) => t.tokens.output), 0)}`, href };
        }),
      ];
    }),
  };
}

export function runIndexTable(runs: readonly ReportRun[], linkOf: (dir: string) => string): Table {
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

/** MLE-bench's aggregate (aggregate_grading_reports): per mode × model, each share as mean ± SEM over seeds. */
export function mlebenchTable(summary: MleBenchSummary): Table {
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
