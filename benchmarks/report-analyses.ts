// The report's table of analyses (issue 23): per task × mode × model, the runs' results and their score — how many
// match the task's expected result where it gives one, else how far the runs agree (the majority result and its
// share of the runs, or no agreement).
import { type JsonValue, canonicalJson, groupResults, holdsMajority } from "../datasets/index.js";
import type { ReportRun } from "./collect.js";
import type { Table } from "./report-model.js";

const short = (value: JsonValue) => {
  const text = canonicalJson(value);
  return text.length > 30 ? `${text.slice(0, 29)}…` : text;
};

/** What a group of runs of one analysis says: matches of the expected result, or agreement. */
function verdict(runs: readonly ReportRun[]): string {
  const n = runs.length;
  if (runs[0]?.analysis?.expected) return `${runs.filter((r) => r.valid && r.score === 1).length} of ${n} match the expected result`;
  const top = groupResults(runs)[0];
  if (top && holdsMajority(top.members.length, n)) return `majority ${short(top.result)} (${top.members.length} of ${n}, ${Math.round((100 * top.members.length) / n)}%)`;
  return "no agreement";
}

/** One row per analysis task × mode × model; undefined when the report holds no analysis. */
export function analysesTable(runs: readonly ReportRun[]): Table | undefined {
  const analyses = runs.filter((r) => r.analysis !== null);
  if (analyses.length === 0) return undefined;
  const cells = new Map<string, ReportRun[]>();
  for (const run of analyses) {
    const key = JSON.stringify([run.taskId, run.mode, run.model]);
    cells.set(key, [...(cells.get(key) ?? []), run]);
  }
  const rows = [...cells.values()].map((group) => {
    const { taskId, mode, model } = group[0]!;
    const results = group.map((r) => (r.result !== undefined ? short(r.result) : `✗ ${r.errorClasses.at(-1) ?? r.state}`)).join(", ");
    return [{ text: taskId }, { text: mode }, { text: model }, { text: String(group.length) }, { text: verdict(group) }, { text: results }];
  });
  return {
    id: "analyses",
    title: "Analyses",
    note: "Scored by the expected result where the task gives one (1 match, 0 not), otherwise by agreement: the majority result holds more than half of the runs, else no agreement.",
    columns: ["task", "mode", "model", "runs", "score", "results"],
    rows,
  };
}
