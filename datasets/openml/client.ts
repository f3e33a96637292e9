// Where OpenML records and files come from: its REST API (GET {server}/task/{id}, /data/{id}, /study/{id} and
// the file URLs those records name). Every failure names the request and what to do about it.
import { readDatasetRecord, readFeaturesRecord, readStudyRecord, readTaskRecord, type OpenMLDataset, type OpenMLFeature, type OpenMLStudy, type OpenMLTask } from "./records.js";

export class OpenMLError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OpenMLError";
  }
}

/** What an import reads; the REST API is one, a test or an offline cache could be another. */
export interface OpenMLSource {
  /** Says where the records come from, for errors and task notes. */
  readonly where: string;
  task(id: number): Promise<OpenMLTask>;
  dataset(id: number): Promise<OpenMLDataset>;
  study(id: number): Promise<OpenMLStudy>;
  /** The text of a file a record names (the dataset's ARFF, the task's splits). */
  text(url: string, what: string): Promise<string>;
  /** A dataset's parquet copy and the features record that types its columns; a source without them reads ARFF. */
  parquet?: { features(id: number): Promise<OpenMLFeature[]>; bytes(url: string, what: string): Promise<Uint8Array> };
}

export interface RestOptions {
  server: string;
  /** Per-request limit (default 120 s: OpenML's larger ARFF files take a while). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const FILE_FIX = "the record names a file OpenML does not serve; try again later or import another task";
const OFFLINE_HINT = "check --server, or pass --cache <openml-python cache dir> to import offline";

/** The error of a request that got no HTTP answer, naming the network's reason (ECONNREFUSED, ENOTFOUND, …). */
function unreachable(url: string, error: unknown): OpenMLError {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const why = cause?.code ?? cause?.message ?? (error as Error).message;
  const timeout = (error as Error).name === "TimeoutError" ? "timed out" : why;
  return new OpenMLError(`cannot reach OpenML: GET ${url} failed (${timeout}); ${OFFLINE_HINT}`);
}

/** OpenML answers a bad id with an error record ({"error": {"code", "message"}}), often under 412 rather than 404. */
async function httpFailure(url: string, response: Response, what: string, fix: string): Promise<OpenMLError> {
  const body = await response.text().catch(() => "");
  let detail = body.slice(0, 200).trim();
  try {
    const parsed = JSON.parse(body) as { error?: { code?: unknown; message?: unknown } };
    if (parsed.error?.message) detail = `OpenML error ${String(parsed.error.code ?? "")}: ${String(parsed.error.message)}`.trim();
  } catch {
    // not JSON: the start of the body stands
  }
  return new OpenMLError(`${what}: GET ${url} answered ${response.status}${detail ? ` (${detail})` : ""}; ${fix}`);
}

export function restSource(options: RestOptions): OpenMLSource {
  const server = options.server.replace(/\/+$/, "");
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 120_000;
  const get = async (url: string, what: string, fix: string): Promise<Response> => {
    if (!/^https?:\/\//i.test(url)) throw new OpenMLError(`${what}: '${url.slice(0, 120)}' is not an http(s) URL; ${OFFLINE_HINT}`);
    let response: Response;
    try {
      response = await doFetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: "follow" });
    } catch (error) {
      throw unreachable(url, error);
    }
    if (!response.ok) throw await httpFailure(url, response, what, fix);
    return response;
  };
  const json = async (path: string, what: string, fix: string): Promise<unknown> => {
    const url = `${server}/${path}`;
    const text = await (await get(url, what, fix)).text();
    try {
      return JSON.parse(text);
    } catch {
      throw new OpenMLError(`${what}: GET ${url} did not answer JSON (starts '${text.slice(0, 60)}'); --server must be OpenML's JSON API, e.g. ${"https://www.openml.org/api/v1/json"}`);
    }
  };
  return {
    where: server,
    task: async (id) => readTaskRecord(await json(`task/${id}`, `OpenML task ${id}`, `check the task id (https://www.openml.org/t/${id})`), `OpenML task ${id}`),
    dataset: async (id) => readDatasetRecord(await json(`data/${id}`, `OpenML dataset ${id}`, `check the dataset id (https://www.openml.org/d/${id})`), `OpenML dataset ${id}`),
    study: async (id) => readStudyRecord(await json(`study/${id}`, `OpenML suite ${id}`, `check the suite id (https://www.openml.org/s/${id})`), `OpenML suite ${id}`),
    text: async (url, what) => (await get(url, what, FILE_FIX)).text(),
    parquet: {
      features: async (id) => readFeaturesRecord(await json(`data/features/${id}`, `the features of OpenML dataset ${id}`, `check the dataset id (https://www.openml.org/d/${id})`), `the features of OpenML dataset ${id}`),
      bytes: async (url, what) => new Uint8Array(await (await get(url, what, FILE_FIX)).arrayBuffer()),
    },
  };
}
