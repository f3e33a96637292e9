// The calls page: every transcript line of a run, page by page (the server reads only the lines shown),
// filterable by role and step and searchable; each call links to the stage and attempt it served.
import { useEffect, useState } from "preact/hooks";
import type { CallView, CallsPayload } from "../../api.js";
import { CALLS_PAGE } from "../constants.js";
import type { DataSource } from "../data.js";
import { Badge, FilterSelect, Loading, fmtInt, fmtMs, href, useLive, type Route } from "../ui/bits.js";
import { JsonTree } from "../ui/json.js";
import { Text } from "../ui/code.js";

/** Filter options with their counts: "fix (3)". */
const counted = (counts: Record<string, number> | undefined) => Object.entries(counts ?? {}).map(([value, n]) => [value, `${value} (${n})`] as const);

function Call(props: { call: CallView; path: string }) {
  const c = props.call;
  return (
    <details class="call" data-role={c.role} data-index={c.index}>
      <summary>
        <span class="call-index">#{c.index + 1}</span> <Badge>{c.role}</Badge> {c.step ? <span class="step">{c.step}</span> : null} <span class="muted small">{c.model}</span>{" "}
        <span class="small">
          {fmtInt(c.tokens.input)} → {fmtInt(c.tokens.output)} tokens · {fmtMs(c.latencyMs)}
        </span>
        {c.retry !== null && c.retry > 1 ? <Badge tone="warn">try {c.retry}</Badge> : null}
        {c.error ? <Badge tone="bad">{c.error.name}</Badge> : null}
        {c.problem ? <Badge tone="bad">unreadable line</Badge> : null}
      </summary>
      <div class="call-body">
        <div class="call-links small">
          {c.startedAt ? <span class="muted">{c.startedAt}</span> : null}
          {c.stage ? (
            <a href={href({ page: "run", path: props.path, ...(c.servedAttempt ? { focus: c.servedAttempt } : {}) })}>
              stage {c.stage}
              {c.servedAttempt ? ` · attempt #${c.servedAttempt}` : ""}
            </a>
          ) : null}
          {c.params ? <span class="muted">params {JSON.stringify(c.params)}</span> : null}
        </div>
        {c.problem ? (
          <>
            <p class="failure">{c.problem}</p>
            <Text text={c.raw ?? ""} />
          </>
        ) : null}
        {c.error ? <p class="failure">{`${c.error.name}: ${c.error.message}`}</p> : null}
        {c.messages.map((m, i) => (
          <div key={i} class={`message m-${m.role}`}>
            <h4>{m.role}</h4>
            <Text text={m.content} />
          </div>
        ))}
        <div class="message m-response">
          <h4>response {c.kind === "structured" ? <span class="muted small">(structured)</span> : null}</h4>
          {c.structured !== null && c.structured !== undefined ? <JsonTree value={c.structured} /> : <Text text={c.response ?? "(no response)"} />}
        </div>
      </div>
    </details>
  );
}

export function CallsPage(props: { source: DataSource; route: Extract<Route, { page: "calls" }> }) {
  const { route, source } = props;
  const [q, setQ] = useState(route.q ?? "");
  useEffect(() => setQ(route.q ?? ""), [route.q]);
  const offset = route.offset ?? 0;
  const loaded = useLive<CallsPayload>(
    source,
    () => source.calls({ path: route.path, offset, limit: CALLS_PAGE, role: route.role, step: route.step, q: route.q }),
    route.path,
    [route.path, route.role, route.step, route.q, offset],
  );
  const go = (patch: Partial<Extract<Route, { page: "calls" }>>) => {
    location.hash = href({ ...route, offset: 0, ...patch });
  };
  const data = loaded.data;
  return (
    <div>
      <header class="page-head">
        <h1>
          Calls <span class="muted">{route.path}</span>
        </h1>
        <div class="meta">
          <a href={href({ page: "run", path: route.path })}>back to the run</a>
        </div>
      </header>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          go({ q: q || undefined });
        }}
      >
        <FilterSelect label="role" all="all roles" value={route.role ?? ""} options={counted(data?.roles)} onChange={(role) => go({ role: role || undefined })} />
        <FilterSelect label="step" all="all steps" value={route.step ?? ""} options={counted(data?.steps)} onChange={(step) => go({ step: step || undefined })} />
        <input type="search" value={q} placeholder="search messages and responses" onInput={(e) => setQ((e.target as HTMLInputElement).value)} aria-label="search" />
        <button type="submit">search</button>
      </form>
      {!data ? (
        <Loading what="calls" error={loaded.error} />
      ) : (
        <>
          <p class="muted pager-status">
            {data.matched === 0
              ? "no call matches"
              : `calls ${offset + 1}–${Math.min(offset + data.items.length, data.matched)} of ${fmtInt(data.matched)}${data.matched !== data.total ? ` matching (${fmtInt(data.total)} in all)` : ""}`}
            {data.partialTail ? " · the last line is still being written" : ""}
          </p>
          <div class="calls">
            {data.items.map((c) => (
              <Call key={c.index} call={c} path={route.path} />
            ))}
          </div>
          <div class="pager">
            <button type="button" disabled={offset === 0} onClick={() => go({ ...route, offset: Math.max(0, offset - CALLS_PAGE) })}>
              ← previous
            </button>
            <button type="button" disabled={offset + CALLS_PAGE >= data.matched} onClick={() => go({ ...route, offset: offset + CALLS_PAGE })}>
              next →
            </button>
          </div>
        </>
      )}
    </div>
  );
}
