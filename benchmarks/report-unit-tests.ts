// The code+test pipeline's counters (seed 003): --unit-tests per mode × model over the runs whose final script the
// tester wrote tests for (how many scripts got a passing test, the pass rate, the counts behind them), and for
// analyses (`linguacodus batch`) how far each model's scripts got, per model and per prompt.
import type { ReportRun } from "./collect.js";
import type { Table } from "./report-model.js";

interface UnitTestsTablesInput {
  runs: readonly ReportRun[];
  link: (runs: readonly ReportRun[], label: string) => string | undefined;
}

const share = (part: number, whole: number) => (whole ? `${Math.round((100 * part) / whole)}%` : "—");
const sum = (runs: readonly ReportRun[], count: (r: NonNullable<ReportRun["unitTests"]>) => number) => runs.reduce((n, r) => n + count(r.unitTests!), 0);

export function unitTestsTable({ runs, link }: UnitTestsTablesInput): Table | undefined {
  const tested = runs.filter((r) => r.unitTests !== null);
  if (!tested.length) return undefined;
  const groups = new Map<string, ReportRun[]>();
  for (const r of tested) groups.set(`${r.mode} · ${r.model}`, [...(groups.get(`${r.mode} · ${r.model}`) ?? []), r]);
  const rows = [...groups.entries()].map(([label, group]) => {
    const passing = group.filter((r) => r.unitTests!.passed > 0);
    const unparsed = group.filter((r) => r.unitTests!.outcome === "syntax-error");
    const timedOut = group.filter((r) => r.unitTests!.timeout);
    const collected = sum(group, (u) => u.collected);
    const passed = sum(group, (u) => u.passed);
    return [
      { text: group[0]!.mode },
      { text: group[0]!.model },
      { text: [...new Set(group.map((r) => r.unitTests!.tester))].join(", ") },
      { text: String(group.length), href: link(group, `${label} · unit-tested`) },
      { text: `${passing.length} (${share(passing.length, group.length)})`, href: link(passing, `${label} · ≥1 passing test`) },
      { text: share(passed, collected) },
      { text: String(sum(group, (u) => u.written)) },
      { text: String(collected) },
      { text: String(passed) },
      { text: String(sum(group, (u) => u.failed)) },
      { text: String(sum(group, (u) => u.errors)) },
      { text: String(unparsed.length), href: link(unparsed, `${label} · tests that do not parse`), tone: unparsed.length ? ("bad" as const) : ("good" as const) },
      { text: String(group.filter((r) => r.unitTests!.fix?.fixed).length) },
      { text: String(timedOut.length), href: link(timedOut, `${label} · tests timed out`), tone: timedOut.length ? ("bad" as const) : ("good" as const) },
    ];
  });
  return {
    id: "unit-tests",
    title: "Generated unit tests (--unit-tests)",
    note:
      "The tester wrote pytest tests for each run's final script; they ran in the sandbox against the script's definitions. " +
      "Pass rate: passed / collected. Syntax errors: scripts whose test file did not parse even after its one fix (Fixed: parsed after it). " +
      "Errors: collection, import and setup errors.",
    columns: ["Mode", "Model", "Tester", "Scripts tested", "With ≥1 passing test", "Pass rate", "Written", "Collected", "Passed", "Failed", "Errors", "Syntax errors", "Fixed", "Timeouts"],
    rows,
  };
}

const CODE_COLUMNS = ["Runs", "Scripts extracted", "Parse", "Run without error", "Result given", "Unit-tested", "≥1 passing test", "Test pass rate"];

/** One row of the code+test counters over `runs` (`label` names them in the group registry). */
function codeRow(runs: readonly ReportRun[], label: string, link: UnitTestsTablesInput["link"]) {
  const count = (pick: (r: ReportRun) => boolean, what: string) => {
    const hit = runs.filter(pick);
    return { text: `${hit.length} (${share(hit.length, runs.length)})`, href: link(hit, `${label} · ${what}`) };
  };
  const tested = runs.filter((r) => r.unitTests !== null);
  return [
    { text: String(runs.length), href: link(runs, label) },
    count((r) => r.code?.extracted === true, "scripts extracted"),
    count((r) => r.code?.parsed === true, "parsed"),
    count((r) => r.code?.ranClean === true, "ran without error"),
    count((r) => r.code?.resultGiven === true, "result given"),
    { text: String(tested.length) },
    count((r) => (r.unitTests?.passed ?? 0) > 0, "≥1 passing test"),
    { text: share(sum(tested, (u) => u.passed), sum(tested, (u) => u.collected)) },
  ];
}

/**
 * Analyses (`linguacodus batch`, seed 003's report): per model, and per prompt × model, how far the scripts got —
 * extracted, parsed, ran without error, stated a result — and their unit tests; the last row is the whole batch.
 */
export function batchTables({ runs, link }: UnitTestsTablesInput): Table[] {
  const analyses = runs.filter((r) => r.code !== null && r.code.resultGiven !== null);
  if (!analyses.length) return [];
  const byModel = new Map<string, ReportRun[]>();
  const byPrompt = new Map<string, ReportRun[]>();
  for (const r of analyses) {
    byModel.set(r.model, [...(byModel.get(r.model) ?? []), r]);
    byPrompt.set(`${r.taskId}\u0000${r.model}`, [...(byPrompt.get(`${r.taskId}\u0000${r.model}`) ?? []), r]);
  }
  const note =
    "Each run's scripts: extracted (the answer held code), parsed, ran without an error, stated a result (a RESULT line holding JSON); " +
    "unit-tested with --unit-tests, and with at least one passing test. Percentages are of the runs.";
  return [
    {
      id: "batch-models",
      title: "Analyses per model (scripts and unit tests)",
      note,
      columns: ["Model", ...CODE_COLUMNS],
      rows: [
        ...[...byModel.entries()].map(([model, group]) => [{ text: model }, ...codeRow(group, `${model} · analyses`, link)]),
        [{ text: "all (the batch)" }, ...codeRow(analyses, "all analyses", link)],
      ],
    },
    {
      id: "batch-prompts",
      title: "Analyses per prompt and model",
      note,
      columns: ["Prompt", "Model", ...CODE_COLUMNS],
      rows: [...byPrompt.values()].map((group) => [{ text: group[0]!.taskId }, { text: group[0]!.model }, ...codeRow(group, `${group[0]!.taskId} · ${group[0]!.model}`, link)]),
    },
  ];
}
