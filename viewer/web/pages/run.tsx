// The run page: header, stage timeline, task context, instructions (candidates side by side with the critic's
// findings, the refined one diffed against the chosen), code (blocks, merged, final), the attempt tree, each
// attempt with its diff against the attempt it fixed, stdout/stderr, the grade and the first submission rows.
import { useEffect, useState } from "preact/hooks";
import type { AttemptView, CandidateView, RunPayload, StageRow } from "../../api.js";
import type { DataSource } from "../data.js";
import { Badge, Problems, Reasons, Section, fmtInt, fmtMs, fmtScore, href } from "../ui/bits.js";
import { Code, Text } from "../ui/code.js";
import { LineDiff, WordDiff } from "../ui/diff.js";
import { AttemptTree } from "../ui/tree.js";
import { Figures, ReviewerSaw } from "../ui/figures.js";
import { SearchSection } from "./search.js";

function Header(props: { run: RunPayload; source: DataSource }) {
  const { run } = props;
  const r = run.run;
  const status = r?.status ?? "unknown";
  return (
    <header class="page-head">
      <h1>
        Run <span class="muted">{run.runId}</span>
      </h1>
      <div class="meta">
        <Badge tone={status === "succeeded" ? "good" : status === "failed" ? "bad" : "warn"}>{status}</Badge>
        {r ? (
          <>
            <span>task {r.taskId}</span>
            <span>mode {r.mode}</span>
            {r.seed !== undefined ? <span>seed {r.seed}</span> : null}
            {r.temperature !== undefined ? <span>T={r.temperature}</span> : null}
            <span title="wall · model · sandbox">
              {fmtMs(r.timings.wallMs)} (model {fmtMs(r.timings.modelMs)}, sandbox {fmtMs(r.timings.sandboxMs)})
            </span>
          </>
        ) : null}
        <a href={href({ page: "calls", path: run.path })}>{fmtInt(run.calls.total)} model calls</a>
      </div>
      {r ? (
        <div class="models">
          {Object.entries(r.models).map(([role, spec]) => (
            <span key={role}>
              <span class="muted">{role}</span> {spec}
            </span>
          ))}
        </div>
      ) : null}
      {r?.failure ? (
        <p class="failure">
          failed{r.failure.stage ? ` at ${r.failure.stage}` : ""}: {r.failure.message}
        </p>
      ) : null}
    </header>
  );
}

function Timeline(props: { rows: StageRow[] }) {
  const { rows } = props;
  if (rows.length === 0) return <p class="muted">No stage has started yet.</p>;
  const end = Math.max(...rows.map((r) => r.startMs + (r.durationMs ?? 0)), 1);
  return (
    <table class="timeline">
      <thead>
        <tr>
          <th>stage</th>
          <th>duration</th>
          <th class="bar-col" />
          <th>calls</th>
          <th>tokens in / out</th>
          <th>model</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row, i) => (
          <tr key={`${row.stage}-${i}`} class={row.ok === false ? "bad-row" : ""}>
            <td>
              {row.stage} {row.ok === null ? <Badge tone="warn">running</Badge> : row.ok ? null : <Badge tone="bad">failed</Badge>}
              {row.detail ? <div class="muted small">{row.detail}</div> : null}
            </td>
            <td>{fmtMs(row.durationMs)}</td>
            <td class="bar-col">
              <div class="bar-track">
                <div class={`bar ${row.ok === false ? "bad" : "good"}`} style={{ left: `${(100 * row.startMs) / end}%`, width: `${Math.max(0.5, (100 * (row.durationMs ?? 0)) / end)}%` }} />
              </div>
            </td>
            <td>{row.calls || ""}</td>
            <td>{row.calls ? `${fmtInt(row.tokens.input)} / ${fmtInt(row.tokens.output)}` : ""}</td>
            <td class="small">{row.models.join(", ")}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Candidate(props: { c: CandidateView; label?: string }) {
  const { c } = props;
  return (
    <article class={`candidate ${c.chosen ? "chosen" : ""}`} data-rank={c.rank}>
      <h3>
        {props.label ?? `#${c.rank}`} {c.title} {c.chosen && !props.label ? <Badge tone="good">chosen</Badge> : null}
      </h3>
      {c.sections.map((s) => (
        <div key={s.title} class="inst-section">
          <h4>{s.title}</h4>
          <ul>
            {s.bullets.map((b, i) => (
              <li key={i}>{b}</li>
            ))}
          </ul>
        </div>
      ))}
      {props.label ? null : (
        <div class="findings">
          <h4>Critic's findings</h4>
          {c.findings.length === 0 ? (
            <p class="muted">none</p>
          ) : (
            <ul>
              {c.findings.map((f, i) => (
                <li key={i} class={`finding sev-${f.severity}`}>
                  <Badge tone={f.severity === "high" ? "bad" : f.severity === "medium" ? "warn" : "neutral"}>{f.severity}</Badge> <strong>{f.kind}</strong>: {f.detail}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </article>
  );
}

function Instructions(props: { run: RunPayload }) {
  const inst = props.run.instructions;
  if (!inst) return <p class="muted">{props.run.run?.mode === "direct" ? "Direct mode: no instructions." : "No instructions recorded yet."}</p>;
  return (
    <div>
      <div class="candidates">
        {inst.candidates.map((c) => (
          <Candidate key={c.rank} c={c} />
        ))}
      </div>
      {inst.rationale ? (
        <p class="rationale">
          <strong>Critic's choice: #{inst.chosenRank}.</strong> {inst.rationale}
        </p>
      ) : (
        <p class="muted">No critic: the top-ranked candidate was used.</p>
      )}
      <div class="refined">
        <Candidate c={inst.refined} label={inst.source === "critic" ? "Refined:" : "Used:"} />
        {inst.source === "critic" ? (
          <div>
            <h4>Refined against the chosen candidate</h4>
            <WordDiff before={inst.chosenText} after={inst.refined.text} />
          </div>
        ) : null}
      </div>
    </div>
  );
}

function CodeSection(props: { run: RunPayload }) {
  const { run } = props;
  const pieces: { name: string; code: string }[] = [
    ...run.blocks.map((b) => ({ name: `block: ${b.name}`, code: b.code })),
    ...(run.merged !== null ? [{ name: "merged script", code: run.merged }] : []),
    ...(run.final !== null ? [{ name: "final script", code: run.final }] : []),
  ];
  if (pieces.length === 0) return <p class="muted">No code written yet.</p>;
  return (
    <div>
      {pieces.map((p, i) => (
        <details key={p.name} class="code-piece" open={i === pieces.length - 1 && p.name === "final script"}>
          <summary>{p.name}</summary>
          <Code code={p.code} />
        </details>
      ))}
      {run.codeFiles.map((f) => (
        <details key={f.name} class="code-piece">
          <summary>{f.name}</summary>
          {f.name.endsWith(".py") ? <Code code={f.text} /> : <Text text={f.text} />}
        </details>
      ))}
    </div>
  );
}

function Output(props: { label: string; text: AttemptView["stdout"]; capped: boolean }) {
  if (!props.text) return <p class="muted">no {props.label}</p>;
  return (
    <div>
      <h4>
        {props.label} <span class="muted small">{fmtInt(props.text.bytes)} bytes</span>
      </h4>
      <Text text={props.text.text || "(empty)"} />
      {props.capped ? <p class="trunc">[{props.label} was cut by the sandbox's output cap]</p> : null}
      {props.text.truncated ? <p class="trunc">[only the first {fmtInt(props.text.text.length)} characters are shown]</p> : null}
    </div>
  );
}

function Attempt(props: { a: AttemptView; parent?: AttemptView; open: boolean; fileHref: (p: string) => string | null; figureHref: (p: string) => string | null }) {
  const { a, parent } = props;
  const tone = a.valid ? "good" : "bad";
  return (
    <details class="attempt" id={`attempt-${a.attempt}`} open={props.open} data-attempt={a.attempt}>
      <summary>
        <strong>#{a.attempt}</strong> {a.kind}
        {a.feedbackRound > 0 ? ` (feedback round ${a.feedbackRound})` : ""} <Badge tone={tone}>{a.valid ? `valid · ${fmtScore(a.score)}` : (a.errorClass ?? a.outcome)}</Badge>{" "}
        <span class="muted small">{fmtMs(a.durationMs)}</span>
        {parent ? <span class="muted small"> · fixes #{parent.attempt}</span> : null}
      </summary>
      {a.errorMessage ? <p class="failure">{a.errorMessage}</p> : null}
      {a.tracebackTail ? (
        <>
          <h4>Traceback tail{a.errorLine !== null ? ` (line ${a.errorLine})` : ""}</h4>
          <Text text={a.tracebackTail} />
        </>
      ) : null}
      <Reasons reasons={a.submissionErrors} />
      {parent && parent.script !== null && a.script !== null ? (
        <LineDiff before={parent.script} after={a.script} beforeLabel={`#${parent.attempt}`} afterLabel={`#${a.attempt}`} />
      ) : null}
      <details>
        <summary>
          script {a.scriptPath}
          {props.fileHref(a.scriptPath) ? (
            <>
              {" "}
              · <a href={props.fileHref(a.scriptPath) ?? undefined}>raw</a>
            </>
          ) : null}
        </summary>
        {a.script !== null ? <Code code={a.script} /> : <p class="muted">script file missing</p>}
      </details>
      <Output label="stdout" text={a.stdout} capped={a.stdoutTruncated} />
      <Output label="stderr" text={a.stderr} capped={a.stderrTruncated} />
      <ReviewerSaw a={a} figureHref={props.figureHref} />
      <Figures a={a} figureHref={props.figureHref} />
    </details>
  );
}

function Grade(props: { run: RunPayload }) {
  const s = props.run.score;
  if (!s) return <p class="muted">{props.run.run?.status === "running" ? "Not graded yet (the run is still going)." : "No score.json."}</p>;
  return (
    <div class="grade">
      <Badge tone={s.valid ? "good" : "bad"}>{s.valid ? "valid" : "invalid"}</Badge> {s.metric} <strong>{fmtScore(s.score)}</strong> ({s.lower_is_better ? "lower" : "higher"} is better)
      {s.percentile !== undefined && s.percentile !== null ? <span> · beats {fmtScore(s.percentile, 1)}% of the leaderboard</span> : null}
      {s.medal ? <span> · medal {s.medal}</span> : null}
      {s.attempt ? <span class="muted"> · from attempt #{s.attempt}</span> : null}
      <Reasons reasons={s.errors} />
    </div>
  );
}

function Submission(props: { run: RunPayload }) {
  const sub = props.run.submission;
  if (!sub) return <p class="muted">No submission.csv.</p>;
  return (
    <div class="scroll">
      <table class="submission">
        <thead>
          <tr>
            {sub.header.map((h, i) => (
              <th key={i}>{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {sub.rows.map((row, i) => (
            <tr key={i}>
              {row.map((v, j) => (
                <td key={j}>{v}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <p class="muted small">
        {fmtInt(sub.bytes)} bytes{sub.more ? `; the first ${sub.rows.length} rows are shown` : ""}
      </p>
    </div>
  );
}

export function RunPage(props: { source: DataSource; run: RunPayload; focus?: string }) {
  const { run } = props;
  const [selected, setSelected] = useState<string | undefined>(props.focus);
  const byName = new Map(run.attempts.map((a) => [a.attempt, a]));
  useEffect(() => {
    if (selected) document.getElementById(`attempt-${selected}`)?.scrollIntoView({ block: "start" });
  }, [selected]);
  return (
    <div>
      <Header run={run} source={props.source} />
      <nav class="toc">
        {[
          ["timeline", "timeline"],
          ["context", "context"],
          ["instructions", "instructions"],
          ["code", "code"],
          ...(run.search ? [["search", "search tree"]] : [["tree", "attempt tree"], ["attempts", "attempts"]]),
          ["grade", "grade"],
          ["submission", "submission"],
        ].map(([id, label]) => (
          <button type="button" class="link" key={id} onClick={() => document.getElementById(id!)?.scrollIntoView()}>
            {label}
          </button>
        ))}
        <a href={href({ page: "calls", path: run.path })}>calls</a>
      </nav>
      <Problems problems={run.problems} />
      {run.analysis ? (
        <Section id="analysis" title="Analysis result" note="results per sample × iteration, the majority and its share">
          <pre class="consistency">{run.analysis.lines.join("\n")}</pre>
        </Section>
      ) : null}
      {run.chains.length > 0 ? (
        <Section id="chains" title="Chains">
          <ul>
            {run.chains.map((c) => (
              <li key={c.path}>
                <a href={href({ page: "run", path: c.path })}>{c.runId}</a>
              </li>
            ))}
          </ul>
        </Section>
      ) : null}
      <Section id="timeline" title="Stage timeline">
        <Timeline rows={run.timeline} />
      </Section>
      <Section id="context" title="Task context" note="what the agents read">
        {run.context !== null ? (
          <details>
            <summary>context.md ({fmtInt(run.context.length)} characters)</summary>
            <Text text={run.context} />
          </details>
        ) : (
          <p class="muted">No context.md yet.</p>
        )}
      </Section>
      <Section id="instructions" title="Instructions">
        <Instructions run={run} />
      </Section>
      <Section id="code" title="Code">
        <CodeSection run={run} />
      </Section>
      {run.search ? (
        <Section id="search" title="Search tree" note="click a node for its plan, its code against its parent's and its output">
          <SearchSection source={props.source} path={run.path} view={run.search} />
        </Section>
      ) : (
        <>
          <Section id="tree" title="Attempt tree" note="click a node to open its attempt">
            <AttemptTree attempts={run.attempts} selected={selected} onSelect={setSelected} />
          </Section>
          <Section id="attempts" title="Attempts" note={`${run.attempts.length}`}>
            {run.attempts.length === 0 ? <p class="muted">No attempt has run yet.</p> : null}
            {run.attempts.map((a) => (
              <Attempt
                key={a.attempt}
                a={a}
                parent={a.parent ? byName.get(a.parent) : undefined}
                open={selected === a.attempt || (selected === undefined && a.kind !== "initial")}
                fileHref={(p) => props.source.fileHref(run.path === "." ? p : `${run.path}/${p}`)}
                figureHref={(p) => props.source.figureHref(run.path === "." ? p : `${run.path}/${p}`)}
              />
            ))}
          </Section>
        </>
      )}
      <Section id="grade" title="Grade">
        <Grade run={run} />
      </Section>
      <Section id="submission" title="Submission" note="first rows">
        <Submission run={run} />
      </Section>
    </div>
  );
}
