// --unit-tests per mode × model: the code+test pipeline's counters (seed 003) over the runs whose final script the
// tester wrote tests for — how many scripts got a passing test, the pass rate, and the counts behind them.
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
