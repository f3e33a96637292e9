// Small shared pieces: formatting, links between pages, badges, and the hook that loads a page's data and
// reloads it when the record changes on disk.
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { DataSource } from "../data.js";

export type Route =
  | { page: "bench" }
  | { page: "run"; path: string; focus?: string }
  | { page: "calls"; path: string; role?: string; step?: string; q?: string; offset?: number }
  | { page: "compare"; a?: string; b?: string };

/** The hash of a route: the page works from file:// and from the server alike. */
export function href(route: Route): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(route)) if (k !== "page" && v !== undefined && v !== "") params.set(k, String(v));
  const q = params.toString();
  return `#/${route.page === "bench" ? "" : route.page}${q ? `?${q}` : ""}`;
}

export function parseRoute(hash: string): Route {
  const [pathPart = "", q = ""] = hash.replace(/^#\/?/, "").split("?");
  const p = new URLSearchParams(q);
  const get = (k: string) => p.get(k) ?? undefined;
  switch (pathPart) {
    case "run":
      return { page: "run", path: get("path") ?? ".", focus: get("focus") };
    case "calls":
      return { page: "calls", path: get("path") ?? ".", role: get("role"), step: get("step"), q: get("q"), offset: Number(get("offset") ?? 0) || 0 };
    case "compare":
      return { page: "compare", a: get("a"), b: get("b") };
    default:
      return { page: "bench" };
  }
}

export const fmtScore = (x: number | null | undefined, digits = 4) => (x === null || x === undefined ? "–" : Number.isInteger(x) ? String(x) : x.toFixed(digits));
export const fmtMs = (ms: number | null | undefined) =>
  ms === null || ms === undefined ? "…" : ms < 1000 ? `${Math.round(ms)} ms` : ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} m ${Math.round((ms % 60_000) / 1000)} s`;
export const fmtInt = (n: number) => n.toLocaleString("en-US");

export function Badge(props: { tone?: "good" | "bad" | "warn" | "neutral"; children: ComponentChildren; title?: string }) {
  return (
    <span class={`badge ${props.tone ?? "neutral"}`} title={props.title}>
      {props.children}
    </span>
  );
}

export function Problems(props: { problems: string[]; title?: string }) {
  if (props.problems.length === 0) return null;
  return (
    <div class="problems" role="status">
      <strong>{props.title ?? "Missing or incomplete in this record"}</strong>
      <ul>
        {props.problems.map((p) => (
          <li key={p}>{p}</li>
        ))}
      </ul>
    </div>
  );
}

export interface Loaded<T> {
  data?: T;
  error?: string;
  /** Times the data was reloaded because the record changed. */
  reloads: number;
}

/** Loads with `load`, and again whenever the source says the watched record changed (no page reload). */
export function useLive<T>(source: DataSource, load: () => Promise<T>, watch: string | undefined | null, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<Loaded<T>>({ reloads: 0 });
  useEffect(() => {
    let alive = true;
    let reloads = 0;
    const run = () =>
      load().then(
        (data) => alive && setState({ data, reloads }),
        (error: unknown) => alive && setState((s) => ({ ...s, error: (error as Error).message, reloads })),
      );
    setState({ reloads: 0 });
    void run();
    const stop = watch === null ? () => undefined : source.watch(watch, () => {
      reloads += 1;
      void run();
    });
    return () => {
      alive = false;
      stop();
    };
  }, deps);
  return state;
}

export function Loading(props: { what: string; error?: string }) {
  if (props.error) return <div class="problems">Could not load {props.what}: {props.error}</div>;
  return <p class="muted">Loading {props.what}…</p>;
}

export function Section(props: { id: string; title: string; children: ComponentChildren; note?: ComponentChildren }) {
  return (
    <section id={props.id} class="section">
      <h2>
        {props.title} {props.note ? <span class="muted small">{props.note}</span> : null}
      </h2>
      {props.children}
    </section>
  );
}

/** A filter's drop-down: `all` (the value "") first, then one option per value (with its label, when given). */
export function FilterSelect(props: { label: string; all: string; value: string; options: readonly (string | readonly [value: string, label: string])[]; onChange: (value: string) => void }) {
  return (
    <select value={props.value} onChange={(e) => props.onChange((e.target as HTMLSelectElement).value)} aria-label={props.label}>
      <option value="">{props.all}</option>
      {props.options.map((o) => {
        const [value, label] = typeof o === "string" ? [o, o] : o;
        return (
          <option key={value} value={value}>
            {label}
          </option>
        );
      })}
    </select>
  );
}

/** Why something failed, one reason a line (nothing when there is none). */
export function Reasons(props: { reasons: readonly string[] }) {
  if (props.reasons.length === 0) return null;
  return (
    <ul class="reasons">
      {props.reasons.map((e, i) => (
        <li key={i}>{e}</li>
      ))}
    </ul>
  );
}
