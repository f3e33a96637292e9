// The bench page: tasks × (mode, model, temperature) with valid / score / normalised score / medal / attempts per
// cell and each run of the cell as a link; filters; the paired view; the report's charts.
import type { ComponentChildren } from "preact";
import { useMemo, useState } from "preact/hooks";
import type { IndexPayload, IndexRun } from "../../api.js";
import type { DataSource } from "../data.js";
import { Badge, FilterSelect, Loading, Problems, Section, fmtScore, href, useLive } from "../ui/bits.js";

/** Big benches show each cell's runs, the paired view and the compare picker on demand: the matrix comes first. */
const EAGER_RUNS = 200;

const columnKey = (r: IndexRun) => `${r.mode}\u0000${r.model}\u0000${r.temperature ?? ""}`;
const columnLabel = (r: IndexRun) => [r.mode, r.model, r.temperature === null ? null : `T=${r.temperature}`].filter(Boolean).join(" · ");

function mean(xs: number[]): number | null {
  return xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length;
}

function stateTone(r: IndexRun): "good" | "bad" | "warn" | "neutral" {
  if (r.state === "running") return "warn";
  if (r.state === "missing") return "neutral";
  return r.valid ? "good" : "bad";
}

function RunChip(props: { run: IndexRun }) {
  const r = props.run;
  const text =
    r.state === "missing"
      ? "not run yet"
      : r.state === "running"
        ? "running"
        : r.state === "unreadable"
          ? "unreadable"
          : r.valid
            ? fmtScore(r.score, 3)
            : (r.errorClasses[r.errorClasses.length - 1] ?? "invalid");
  return (
    <a class={`chip ${stateTone(r)}`} href={href({ page: "run", path: r.path })} title={`${r.runId}${r.failure ? ` — ${r.failure}` : ""}`} data-run={r.path}>
      {`${r.seed !== null ? `s${r.seed} ` : ""}${text}${r.medal ? ` ${r.medal}` : ""}`}
      <span class="muted">{` · ${r.attemptsUsed} att`}</span>
    </a>
  );
}

function Cell(props: { runs: IndexRun[]; eager: boolean }) {
  const runs = props.runs;
  const [open, setOpen] = useState(props.eager);
  if (runs.length === 0) return <td class="cell empty">–</td>;
  const finished = runs.filter((r) => r.state === "succeeded" || r.state === "failed");
  const valid = runs.filter((r) => r.valid);
  const norm = mean(finished.map((r) => r.normalised).filter((x): x is number => x !== null));
  const score = mean(valid.map((r) => r.score).filter((x): x is number => x !== null));
  const attempts = mean(finished.map((r) => r.attemptsUsed));
  const medals = runs.map((r) => r.medal).filter((m): m is string => Boolean(m));
  return (
    <td class="cell" data-cell={`${runs[0]!.taskId}|${columnLabel(runs[0]!)}`}>
      <div class="cell-stats">
        <span title="valid submissions / runs">
          valid {valid.length}/{runs.length}
        </span>
        <span title="mean score of the valid runs">score {fmtScore(score, 3)}</span>
        <span title="mean normalised score (0 = constant, 1 = reference model)">norm {fmtScore(norm, 2)}</span>
        <span title="mean attempts">att {attempts === null ? "–" : attempts.toFixed(1)}</span>
        {medals.length > 0 ? <span title="medals">{medals.join(" ")}</span> : null}
      </div>
      {open ? (
        <div class="chips">
          {runs.map((r) => (
            <RunChip key={r.path} run={r} />
          ))}
        </div>
      ) : (
        <button type="button" class="link small" onClick={() => setOpen(true)}>
          {runs.length} run{runs.length === 1 ? "" : "s"}
        </button>
      )}
    </td>
  );
}

function Matrix(props: { runs: IndexRun[]; eager: boolean }) {
  const columns = useMemo(() => {
    const seen = new Map<string, string>();
    for (const r of props.runs) if (!seen.has(columnKey(r))) seen.set(columnKey(r), columnLabel(r));
    return [...seen.entries()];
  }, [props.runs]);
  const tasks = [...new Set(props.runs.map((r) => r.taskId))];
  const byCell = new Map<string, IndexRun[]>();
  for (const r of props.runs) {
    const k = `${r.taskId}\u0001${columnKey(r)}`;
    byCell.set(k, [...(byCell.get(k) ?? []), r]);
  }
  if (props.runs.length === 0) return <p class="muted">No run matches the filters.</p>;
  return (
    <div class="scroll">
      <table class="matrix">
        <thead>
          <tr>
            <th>task</th>
            {columns.map(([k, label]) => (
              <th key={k}>{label}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {tasks.map((task) => (
            <tr key={task}>
              <th class="task">{task}</th>
              {columns.map(([k]) => (
                <Cell key={k} runs={byCell.get(`${task}\u0001${k}`) ?? []} eager={props.eager} />
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** For one task, seed, model and temperature: the linguacodus run beside the direct run. */
function Paired(props: { runs: IndexRun[] }) {
  const pairs = new Map<string, { a?: IndexRun; b?: IndexRun; label: string }>();
  for (const r of props.runs) {
    if (r.mode !== "linguacodus" && r.mode !== "direct") continue;
    const key = `${r.taskId}|${r.seed}|${r.model}|${r.temperature}`;
    const entry = pairs.get(key) ?? { label: `${r.taskId} · seed ${r.seed ?? "?"} · ${r.model}${r.temperature === null ? "" : ` · T=${r.temperature}`}` };
    if (r.mode === "linguacodus") entry.a = r;
    else entry.b = r;
    pairs.set(key, entry);
  }
  const complete = [...pairs.values()].filter((p) => p.a && p.b);
  if (complete.length === 0) return <p class="muted">No task and seed has both a linguacodus and a direct run.</p>;
  return (
    <table class="paired">
      <thead>
        <tr>
          <th>task · seed · model</th>
          <th>linguacodus</th>
          <th>direct</th>
          <th>difference (normalised)</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {complete.map((p) => {
          const d = p.a!.normalised !== null && p.b!.normalised !== null ? p.a!.normalised - p.b!.normalised : null;
          return (
            <tr key={p.label}>
              <td>{p.label}</td>
              <td>
                <RunChip run={p.a!} />
              </td>
              <td>
                <RunChip run={p.b!} />
              </td>
              <td class={d === null ? "" : d > 0 ? "good-text" : d < 0 ? "bad-text" : ""}>{d === null ? "–" : (d > 0 ? "+" : "") + d.toFixed(3)}</td>
              <td>
                <a href={href({ page: "compare", a: p.a!.path, b: p.b!.path })}>compare</a>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function Charts(props: { source: DataSource }) {
  const charts = useLive(props.source, () => props.source.charts(), null, []);
  if (!charts.data) return <Loading what="charts" error={charts.error} />;
  if (charts.data.problem) return <Problems problems={[charts.data.problem]} title="Charts" />;
  if (charts.data.charts.length === 0) return <p class="muted">No chart for this folder (too few finished runs).</p>;
  return (
    <div class="charts">
      {charts.data.charts.map((c) => (
        <figure key={c.id}>
          {/* An SVG as an image never runs script, whatever text it holds. */}
          <img alt={c.title} src={`data:image/svg+xml;base64,${btoa(unescape(encodeURIComponent(c.svg)))}`} />
          <figcaption>{c.title}</figcaption>
        </figure>
      ))}
    </div>
  );
}


function Lazy(props: { summary: string; open: boolean; children: () => ComponentChildren }) {
  const [open, setOpen] = useState(props.open);
  return (
    <details open={open} onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
      <summary class="muted">{props.summary}</summary>
      {open ? props.children() : null}
    </details>
  );
}

export function BenchPage(props: { source: DataSource; index: IndexPayload; reloads: number }) {
  const { index } = props;
  const [text, setText] = useState("");
  const [mode, setMode] = useState("");
  const [model, setModel] = useState("");
  const [state, setState] = useState("");
  const modes = [...new Set(index.runs.map((r) => r.mode))];
  const models = [...new Set(index.runs.map((r) => r.model))];
  const runs = index.runs.filter(
    (r) =>
      (!text || r.taskId.toLowerCase().includes(text.toLowerCase()) || r.runId.toLowerCase().includes(text.toLowerCase())) &&
      (!mode || r.mode === mode) &&
      (!model || r.model === model) &&
      (!state || r.state === state),
  );
  const counts: Record<string, number> = {};
  for (const r of index.runs) counts[r.state] = (counts[r.state] ?? 0) + 1;
  const [a, setA] = useState("");
  const [b, setB] = useState("");
  return (
    <div>
      <header class="page-head">
        <h1>
          {index.kind === "bench" ? "Bench" : "Runs"} <span class="muted">{index.title}</span>
        </h1>
        <div class="meta">
          {Object.entries(counts).map(([k, n]) => (
            <Badge key={k} tone={k === "succeeded" ? "good" : k === "failed" || k === "unreadable" ? "bad" : k === "running" ? "warn" : "neutral"}>
              {n} {k}
            </Badge>
          ))}
          {index.command ? <code class="command">{index.command.join(" ")}</code> : null}
        </div>
      </header>
      <Problems problems={index.warnings} title="Warnings" />
      <Section id="matrix" title="Matrix" note={`${runs.length} of ${index.runs.length} runs`}>
        <div class="filters">
          <input type="search" placeholder="task or run id" value={text} onInput={(e) => setText((e.target as HTMLInputElement).value)} aria-label="filter by task" />
          <FilterSelect label="mode" all="all modes" value={mode} options={modes} onChange={setMode} />
          <FilterSelect label="model" all="all models" value={model} options={models} onChange={setModel} />
          <FilterSelect label="state" all="all states" value={state} options={["succeeded", "failed", "running", "missing", "unreadable"]} onChange={setState} />
        </div>
        <Matrix runs={runs} eager={index.runs.length <= EAGER_RUNS} />
      </Section>
      <Section id="paired" title="Paired runs" note="same task and seed, linguacodus beside direct">
        <Lazy summary="linguacodus and direct runs of the same task and seed" open={index.runs.length <= EAGER_RUNS}>
          {() => <Paired runs={runs} />}
        </Lazy>
      </Section>
      <Section id="compare" title="Compare two runs">
        <Lazy summary="pick two runs" open={index.runs.length <= EAGER_RUNS}>
          {() => (
        <div class="filters">
          {[
            [a, setA, "first run"] as const,
            [b, setB, "second run"] as const,
          ].map(([value, set, label]) => (
            <select key={label} value={value} onChange={(e) => set((e.target as HTMLSelectElement).value)} aria-label={label}>
              <option value="">{label}…</option>
              {index.runs
                .filter((r) => r.state !== "missing")
                .map((r) => (
                  <option key={r.path} value={r.path}>
                    {r.runId}
                  </option>
                ))}
            </select>
          ))}
          {a && b ? <a href={href({ page: "compare", a, b })}>compare</a> : <span class="muted">pick two runs</span>}
        </div>
          )}
        </Lazy>
      </Section>
      <Section id="charts" title="Charts" note="from the report">
        <Charts key={props.reloads} source={props.source} />
      </Section>
    </div>
  );
}
