// Where the page's data comes from: the viewer's server (fetch + server-sent events), or the data embedded in an
// exported file (decoded once; calls filtered and paged here the way the server does it).
import type { CallView, CallsPayload, ChartsPayload, ExportBundle, IndexPayload, RunPayload, SearchNodeDetail } from "../api.js";

export interface CallsRequest {
  path: string;
  offset: number;
  limit: number;
  role?: string;
  step?: string;
  q?: string;
}

export interface DataSource {
  /** True for an exported file: nothing changes, nothing is fetched. */
  readonly exported: boolean;
  index(): Promise<IndexPayload>;
  charts(): Promise<ChartsPayload>;
  run(path: string): Promise<RunPayload>;
  calls(request: CallsRequest): Promise<CallsPayload>;
  /** One search node in full, with its parent's code. */
  searchNode(path: string, id: string): Promise<SearchNodeDetail>;
  /** Calls `onChange` whenever the run (or, without a path, the bench) changes on disk; returns a stop function. */
  watch(path: string | undefined, onChange: () => void): () => void;
  /** Link to a raw file of the opened folder (server only). */
  fileHref(path: string): string | null;
  /** An attempt's figure as an image (server only: an exported page names the figures). */
  figureHref(path: string): string | null;
}

class HttpError extends Error {}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  const body = (await response.json().catch(() => ({ error: `${response.status} ${response.statusText}` }))) as T & { error?: string };
  if (!response.ok) throw new HttpError(body.error ?? `${response.status} ${response.statusText}`);
  return body;
}

const query = (params: Record<string, string | number | undefined>) =>
  new URLSearchParams(Object.entries(params).filter((e): e is [string, string | number] => e[1] !== undefined && e[1] !== "").map(([k, v]) => [k, String(v)])).toString();

export function httpSource(): DataSource {
  return {
    exported: false,
    index: () => getJson<IndexPayload>("/api/index"),
    charts: () => getJson<ChartsPayload>("/api/charts"),
    run: (path) => getJson<RunPayload>(`/api/run?${query({ path })}`),
    calls: (r) => getJson<CallsPayload>(`/api/calls?${query({ path: r.path, offset: r.offset, limit: r.limit, role: r.role, step: r.step, q: r.q })}`),
    watch(path, onChange) {
      const events = new EventSource(`/api/watch?${query({ path })}`);
      events.addEventListener("change", () => onChange());
      return () => events.close();
    },
    searchNode: (path, id) => getJson<SearchNodeDetail>(`/api/node?${query({ path, id })}`),
    fileHref: (path) => `/api/file?${query({ path })}`,
    figureHref: (path) => `/api/figure?${query({ path })}`,
  };
}

/** The same filter as the server's: role, step, and a case-insensitive text search in the whole call. */
export function filterCalls(calls: readonly CallView[], r: Pick<CallsRequest, "role" | "step" | "q">): CallView[] {
  const text = r.q?.trim().toLowerCase();
  return calls.filter(
    (c) => (!r.role || c.role === r.role) && (!r.step || c.step === r.step) && (!text || JSON.stringify(c).toLowerCase().includes(text) || JSON.stringify(c).toLowerCase().includes(JSON.stringify(text).slice(1, -1))),
  );
}

async function decodeBundle(base64: string): Promise<ExportBundle> {
  const bytes = Uint8Array.from(atob(base64.trim()), (ch) => ch.charCodeAt(0));
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return JSON.parse(await new Response(stream).text()) as ExportBundle;
}

export function embeddedSource(base64: string): DataSource {
  const bundle = decodeBundle(base64);
  const missing = (path: string) => new Error(`${path} is not in this exported file`);
  return {
    exported: true,
    index: async () => (await bundle).index,
    charts: async () => (await bundle).charts,
    async run(path) {
      const run = (await bundle).runs[path];
      if (!run) throw missing(path);
      return run;
    },
    async calls(r) {
      const b = await bundle;
      const run = b.runs[r.path];
      const all = b.calls[r.path];
      if (!run || !all) throw missing(r.path);
      const matched = filterCalls(all, r);
      return { ...run.calls, path: r.path, matched: matched.length, offset: r.offset, limit: r.limit, items: matched.slice(r.offset, r.offset + r.limit) };
    },
    async searchNode(path, id) {
      const node = (await bundle).nodes?.[path]?.[id];
      if (!node) throw missing(`${path} node ${id}`);
      return node;
    },
    watch: () => () => undefined,
    fileHref: () => null,
    figureHref: () => null,
  };
}

export function pickSource(): DataSource {
  const embedded = document.getElementById("lc-export");
  return embedded?.textContent ? embeddedSource(embedded.textContent) : httpSource();
}
