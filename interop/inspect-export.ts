// `export inspect`: the runs under a run, runs or bench folder as Inspect AI logs — one log per task × mode × model
// column (the way Inspect's eval sets hold one log per task and model), each run one sample of it (epoch = seed).
// Logs are Inspect's native `.eval` zips (inspect-eval-file.ts) or its JSON format; a folder of either is what
// `inspect view` and `list_eval_logs` open.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { basename, dirname, extname, join, resolve } from "node:path";
import { scrubSecrets } from "../agents/index.js";
import { collectRuns, type ReportRun } from "../benchmarks/index.js";
import { readRunRecord, writeTextAtomic } from "../execution/index.js";
import { INSPECT_LOG_VERSION, type InspectEvalScore, type InspectLog, type InspectModelUsage, type InspectSample } from "./inspect-schema.js";
import { INSPECT_SCORER, addUsage, runToSample } from "./inspect-sample.js";
import { evalFileOf } from "./inspect-eval-file.js";

/** A request the export cannot serve (bad --out, nothing to export): said with the fix. */
export class InspectExportError extends Error {
  override name = "InspectExportError";
}

export interface InspectExportOptions {
  /** A run folder, a folder of run folders, or a bench folder. */
  source: string;
  /** A `.eval` or `.json` file (only when the source makes one log) or a folder (one log per task × mode × model). */
  out: string;
  /** The logs' format: a file's comes from its extension; a folder's logs are `.eval` unless asked otherwise. */
  format?: InspectLogFormat;
  /** linguacodus's version, stamped as the logs' package version. */
  version: string;
}

/** Inspect's two log formats: the `.eval` zip (its default) and a single JSON document. */
export const INSPECT_LOG_FORMATS = ["eval", "json"] as const;
export type InspectLogFormat = (typeof INSPECT_LOG_FORMATS)[number];

export interface InspectExportResult {
  files: string[];
  logs: number;
  samples: number;
  calls: number;
  /** Runs left out (never started, unreadable) and other problems met while reading. */
  warnings: string[];
}

const short = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 12);
const slug = (text: string) => text.replace(/[^A-Za-z0-9_.-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 60) || "x";

/** Runs grouped as logs: task × mode × model column, in the order the runs were read. */
function groupRuns(runs: ReportRun[]): ReportRun[][] {
  const groups = new Map<string, ReportRun[]>();
  for (const run of runs) {
    const key = JSON.stringify([run.taskId, run.mode, run.model]);
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  return [...groups.values()];
}

/** Each run's epoch (its seed, else its place) and sample id; a run sharing an epoch with an earlier one gets its own id. */
function sampleKeys(runs: ReportRun[]): { id: string; epoch: number }[] {
  const seen = new Set<string>();
  return runs.map((run, index) => {
    const epoch = run.seed ?? index + 1;
    const id = seen.has(`${run.taskId}#${epoch}`) ? `${run.taskId}/${run.runId}` : run.taskId;
    seen.add(`${id}#${epoch}`);
    return { id, epoch };
  });
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/** The header's results: the mean of each numeric or yes/no grade over the samples that have one. */
function resultsOf(samples: InspectSample[]): InspectEvalScore[] {
  const keys = ["test_score", "valid", "normalised_score", "validation_score"] as const;
  return keys.map((key): InspectEvalScore => {
    const values = samples
      .map((s) => s.scores[INSPECT_SCORER]?.value[key])
      .filter((v): v is number | boolean => typeof v === "number" || typeof v === "boolean")
      .map(Number);
    const metrics: InspectEvalScore["metrics"] = {};
    if (values.length > 0) metrics.mean = { name: "mean", value: mean(values) };
    return { name: key, scorer: INSPECT_SCORER, scored_samples: values.length, unscored_samples: samples.length - values.length, metrics };
  });
}

function totalUsage(samples: InspectSample[], field: "model_usage" | "role_usage"): Record<string, InspectModelUsage> {
  const total: Record<string, InspectModelUsage> = {};
  for (const sample of samples) for (const [key, usage] of Object.entries(sample[field])) addUsage(total, key, usage);
  return total;
}

function logOf(runs: ReportRun[], context: { root: string; benchId: string | undefined; version: string }): InspectLog {
  const first = runs[0] as ReportRun;
  const keys = sampleKeys(runs);
  const samples = runs.map((run, i) => runToSample({ run, record: readRunRecord(run.dir), epoch: keys[i]!.epoch, id: keys[i]!.id }));
  const role = String(samples[0]?.metadata.model_role);
  const created = samples.map((s) => s.started_at ?? "").filter(Boolean).sort()[0] ?? new Date().toISOString();
  const completed = samples.map((s) => s.completed_at ?? "").sort().at(-1) ?? "";
  const finished = runs.every((r) => r.state === "succeeded" || r.state === "failed" || r.state === "budget");
  const groupKey = `${first.taskId}|${first.mode}|${first.model}`;
  return {
    version: INSPECT_LOG_VERSION,
    status: finished ? "success" : "started",
    eval: {
      ...(context.benchId ? { eval_set_id: context.benchId } : {}),
      eval_id: short(`${context.root}|${groupKey}`),
      run_id: context.benchId ?? first.runId,
      created,
      task: first.taskId,
      task_id: short(`${first.taskId}|${first.taskDir ?? ""}`),
      task_version: 0,
      solver: `linguacodus/${first.mode}`,
      solver_args: { mode: first.mode },
      tags: ["linguacodus", first.mode, first.model],
      dataset: { name: first.taskId, location: first.taskDir, samples: new Set(keys.map((k) => k.id)).size, sample_ids: [...new Set(keys.map((k) => k.id))] },
      model: first.models[role] ?? first.model,
      model_roles: Object.fromEntries(Object.entries(first.models).map(([r, spec]) => [r, { model: spec }])),
      config: { epochs: new Set(keys.map((k) => k.epoch)).size },
      packages: { linguacodus: context.version },
      metadata: { source: context.root, mode: first.mode, model_column: first.model, model_role: role, models: first.models, metric: first.metric, lower_is_better: first.lowerIsBetter },
      scorers: [{ name: INSPECT_SCORER }],
    },
    plan: { name: "plan", steps: [{ solver: `linguacodus/${first.mode}`, params: { mode: first.mode, models: first.models } }] },
    results: { total_samples: samples.length, completed_samples: samples.filter((s) => !s.error).length, scores: resultsOf(samples) },
    stats: { started_at: created, completed_at: finished ? completed : "", model_usage: totalUsage(samples, "model_usage"), role_usage: totalUsage(samples, "role_usage") },
    samples,
  };
}

/** Where each log goes and in which format: the one file asked for, or `<created>_<task>-<mode>-<model>_<id>.<format>` in the folder. */
function targetsOf(logs: InspectLog[], out: string, asked: InspectLogFormat | undefined): { files: string[]; format: InspectLogFormat } {
  const asFile = extname(out) !== "" && !(existsSync(out) && statSync(out).isDirectory());
  if (asFile) {
    const format = INSPECT_LOG_FORMATS.find((f) => extname(out) === `.${f}`);
    if (!format) throw new InspectExportError(`--out ${out}: Inspect logs are .eval (zip) or .json files; name a .eval or .json file or a folder`);
    if (asked && asked !== format) throw new InspectExportError(`--out ${out} is a .${format} file but --format is ${asked}: name a .${asked} file or drop --format`);
    if (logs.length > 1) throw new InspectExportError(`--out ${out}: the runs make ${logs.length} logs (one per task × mode × model); give a folder instead of a file`);
    mkdirSync(dirname(out), { recursive: true });
    return { files: [out], format };
  }
  mkdirSync(out, { recursive: true });
  const format = asked ?? "eval";
  const files = logs.map((log) => {
    const stamp = log.eval.created.replace(/\.\d+Z$/, "Z").replace(/:/g, "-").replace(/Z$/, "");
    const name = `${stamp}_${slug(log.eval.task)}-${slug(String(log.eval.metadata.mode))}-${slug(String(log.eval.metadata.model_column))}_${log.eval.eval_id}.${format}`;
    return join(out, name);
  });
  return { files, format };
}

/** Exports every run under `source` as Inspect logs; runs never started or unreadable are left out and named. */
export function exportInspect(options: InspectExportOptions): InspectExportResult {
  const collection = collectRuns(options.source);
  const warnings = [...collection.warnings];
  const readable = collection.runs.filter((run) => {
    const keep = run.state !== "missing" && run.state !== "unreadable";
    if (!keep) warnings.push(`run ${run.runId} (${run.taskId}, ${run.mode}) is left out: ${run.failure ?? run.state}`);
    return keep;
  });
  if (readable.length === 0) throw new InspectExportError(`${collection.root} holds no run that has started: nothing to export`);
  const context = { root: collection.root, benchId: collection.manifest ? basename(collection.root) : undefined, version: options.version };
  const logs = groupRuns(readable).map((runs) => logOf(runs, context));
  const { files, format } = targetsOf(logs, resolve(options.out), options.format);
  // Records are redacted when written; the same scrub again keeps a record from an older writer from leaking a key.
  const encode = (log: InspectLog) => (format === "eval" ? evalFileOf(log, scrubSecrets) : `${scrubSecrets(JSON.stringify(log, null, 1))}\n`);
  logs.forEach((log, i) => writeTextAtomic(files[i] as string, encode(log)));
  return {
    files,
    logs: logs.length,
    samples: logs.reduce((n, log) => n + log.samples.length, 0),
    calls: logs.reduce((n, log) => n + log.samples.reduce((m, s) => m + s.events.filter((e) => e.event === "model").length, 0), 0),
    warnings,
  };
}
