// Two runs side by side: header numbers, the instruction each followed, the final scripts' diff, the attempts (a
// search run: its tree in numbers).
import type { RunPayload } from "../../api.js";
import type { DataSource } from "../data.js";
import { Badge, Loading, Section, fmtMs, fmtScore, href, useLive } from "../ui/bits.js";
import { LineDiff } from "../ui/diff.js";
import { Text } from "../ui/code.js";

function finalScript(run: RunPayload): string | null {
  return run.final ?? run.attempts[run.attempts.length - 1]?.script ?? run.merged;
}

function Side(props: { run: RunPayload }) {
  const { run } = props;
  const r = run.run;
  return (
    <div class="side" data-run={run.path}>
      <h3>
        <a href={href({ page: "run", path: run.path })}>{run.runId}</a>
      </h3>
      <p>
        <Badge tone={run.score?.valid ? "good" : "bad"}>{run.score?.valid ? "valid" : "invalid"}</Badge> {run.score?.metric ?? ""} <strong>{fmtScore(run.score?.score ?? null)}</strong>
      </p>
      <p class="small">
        {r ? `${r.mode} · task ${r.taskId} · seed ${r.seed ?? "?"} · ${fmtMs(r.timings.wallMs)}` : "run.json missing"} · {run.calls.total} calls
      </p>
      <h4>Instruction followed</h4>
      {run.instructions ? <Text text={run.instructions.refined.text} /> : <p class="muted">none (direct mode)</p>}
      {run.search ? (
        <>
          <h4>Search</h4>
          <p class="small search-side">
            {run.search.policy ?? "search"} · {run.search.done} nodes · {run.search.nodes.filter((n) => n.buggy).length} buggy · selected {run.search.selected ?? "–"}
          </p>
        </>
      ) : (
        <>
          <h4>Attempts</h4>
          <ol class="attempt-list">
            {run.attempts.map((a) => (
              <li key={a.attempt}>
                #{a.attempt} {a.kind}: <Badge tone={a.valid ? "good" : "bad"}>{a.valid ? fmtScore(a.score) : (a.errorClass ?? a.outcome)}</Badge>
              </li>
            ))}
          </ol>
        </>
      )}
    </div>
  );
}

export function ComparePage(props: { source: DataSource; a?: string; b?: string }) {
  const { source, a, b } = props;
  const loaded = useLive(
    source,
    async () => (a && b ? Promise.all([source.run(a), source.run(b)]) : undefined),
    null,
    [a, b],
  );
  if (!a || !b) return <p class="muted">Pick two runs on the bench page.</p>;
  if (!loaded.data) return <Loading what="the two runs" error={loaded.error} />;
  const [left, right] = loaded.data;
  const sa = finalScript(left);
  const sb = finalScript(right);
  return (
    <div>
      <header class="page-head">
        <h1>Compare</h1>
      </header>
      <div class="compare">
        <Side run={left} />
        <Side run={right} />
      </div>
      <Section id="final-diff" title="Final scripts">
        {sa !== null && sb !== null ? <LineDiff before={sa} after={sb} beforeLabel={left.runId} afterLabel={right.runId} /> : <p class="muted">One of the runs has no script yet.</p>}
      </Section>
    </div>
  );
}
