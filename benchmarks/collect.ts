// Reads the run records under a run, runs or bench folder into flat rows for the report.
// A bench folder has bench.json (each run's mode, model column, temperature and repeat); a plain folder of
// runs is read too, with the mode inferred from each run's flags.
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { z } from "zod";
import { PriceTableSchema, RUN_FILES, folderEntries, readPriceTable, readRunRecord, readUnitTests, summarizeRun, type AttemptResult, type PriceTable, type RunRecord, type UnitTestsRecord } from "../execution/index.js";
import type { JsonValue } from "../datasets/index.js";
import type { TokenCounts } from "../agents/index.js";
import { labelOfSpec } from "./matrix.js";
import { BENCH_FILES, interruptedRuns, readManifest, type BenchManifest, type BenchRunEntry } from "./manifest.js";
import { DEFAULT_MODE_FLAGS, MODE_NAMES, ModeFlagsSchema, flagsOf, type ModeFlags, type ModeName } from "./modes.js";
import { runCost } from "./budget.js";
import { fingerprintIdOf } from "./validity.js";
import { InstructionsRecordSchema } from "../instructions/index.js";
import { normalisedScore, type ReferenceScores } from "./stats.js";
import { searchTraceOf, type SearchTrace } from "./collect-search.js";
import { codeStepsOf, type CodeSteps } from "./collect-code.js";
import { readTaskInfo, type Normalisation, type ReportTaskInfo } from "./collect-task.js";

export type RunState = "succeeded" | "failed" | "budget" | "running" | "missing" | "unreadable";

export interface AttemptCell {
  /** Attempt folder name under exec/ (relative link target). */
  attempt: string;
  kind: string;
  valid: boolean;
  /** Error class of a failed attempt, "valid" otherwise. */
  outcome: string;
  score: number | null;
  normalised: number | null;
}

export interface ChainTrace {
  /** Row label: run id, or run id / chain id. */
  chain: string;
  /** Run folder (absolute) holding this chain's exec/ folder. */
  dir: string;
  attempts: AttemptCell[];
}

export interface ReportRun {
  runId: string;
  /** Absolute run folder. */
  dir: string;
  taskId: string;
  /** The task folder the run was given (its task.json may say more, e.g. an MLE-bench competition). */
  taskDir: string | null;
  dataType: string;
  metric: string;
  lowerIsBetter: boolean | null;
  /** Bench mode name (linguacodus, direct or an ablation). */
  mode: string;
  model: string;
  /** Model spec per role. */
  models: Record<string, string>;
  temperature: number | null;
  seed: number | null;
  state: RunState;
  failure: string | null;
  valid: boolean;
  firstAttemptSuccess: boolean;
  attemptsUsed: number;
  fixesUsed: number;
  errorClasses: string[];
  score: number | null;
  /** An analysis run (issue 23): whether its task gives an expected result; null for a competition. */
  analysis: { expected: boolean } | null;
  /** An analysis run's result (its RESULT line's JSON value), when it gave one. */
  result?: JsonValue;
  /**
   * 0 = constant baseline, 1 = reference model (an invalid finished run counts as 0); for an MLE-bench task
   * without reference scores, 0 = the leaderboard's median and 1 = its gold line (an invalid run: null).
   * Null without either.
   */
  normalised: number | null;
  /** What `normalised` is relative to. */
  normalisedBy: Normalisation | null;
  percentile: number | null;
  medal: string | null;
  wallMs: number;
  modelMs: number;
  sandboxMs: number;
  otherMs: number;
  totalTokens: number;
  tokensByRole: Record<string, { calls: number; tokens: TokenCounts }>;
  /** Estimated cost in the currency of the price table, when prices are configured. */
  costEstimate: number | null;
  chains: ChainTrace[];
  /** The validation score the final submission's script printed (null: none), and normalised like `normalised`. */
  validationScore: number | null;
  normalisedValidation: number | null;
  /** `--select` of the run, and whether the critic's pick was the validation-best branch (null: not both known). */
  selection: { method: string; criticMatchesValidationBest: boolean | null } | null;
  /** run.json's machine/software fingerprint and its id (validity.ts fingerprintIdOf); null in older records. */
  fingerprint: Record<string, unknown> | null;
  fingerprintId: string | null;
  /** score.json's --sanity permuted-labels result (null: not checked). */
  sanity: { flagged: boolean } | null;
  /** --unit-tests: the tester's tests of the final script and their run (null: none). */
  unitTests: UnitTestsRecord | null;
  /** How far the run's scripts got (extracted, parsed, ran clean, result given); null for a run not read. */
  code: CodeSteps | null;
  /** --search runs: the tree, node by node (null for one-pass runs). */
  search: SearchTrace | null;
}

// The price table and its file are defined once, in execution/ (runs cost their calls and check --budget-usd with it).
export { PriceTableSchema, readPriceTable, type PriceTable };

export interface Collection {
  /** Folder the report is about. */
  root: string;
  manifest?: BenchManifest;
  runs: ReportRun[];
  /** Problems met while reading (unreadable runs, missing task.json): shown in the report. */
  warnings: string[];
}

/** The mode whose flags match a run's config (so plain `linguacodus run` folders get the right name). */
export function modeOfConfig(config: Record<string, unknown>, pipeline: "linguacodus" | "direct"): string {
  const flags: ModeFlags = { ...DEFAULT_MODE_FLAGS, mode: pipeline };
  // Every mode flag: one without a default (select, search, …) counts when the run set it.
  for (const key of Object.keys(ModeFlagsSchema.shape) as (keyof ModeFlags)[]) {
    const value = config[key];
    const fallback = DEFAULT_MODE_FLAGS[key];
    if (key !== "mode" && value !== undefined && (fallback === undefined || typeof value === typeof fallback)) (flags as unknown as Record<string, unknown>)[key] = value;
  }
  const keys = Object.keys(ModeFlagsSchema.shape) as (keyof ModeFlags)[];
  const same = (a: ModeFlags, b: ModeFlags) => keys.every((k) => a[k] === b[k]);
  const match = MODE_NAMES.find((name: ModeName) => same(flagsOf(name), flags));
  if (match) return match;
  return pipeline === "direct" ? "direct" : "linguacodus (custom flags)";
}

function modelLabelOf(models: Record<string, string>): string {
  const specs = [...new Set(Object.values(models))];
  if (specs.length === 0) return "unknown";
  if (specs.length === 1) return labelOfSpec(specs[0] as string);
  return specs.map(labelOfSpec).join("+");
}

function attemptCells(attempts: AttemptResult[], reference: ReferenceScores | undefined): AttemptCell[] {
  return attempts.map((a) => {
    const valid = a.outcome === "ok" && a.submission.valid;
    const score = valid ? (a.submission.score ?? null) : null;
    return {
      attempt: a.attempt,
      kind: a.kind,
      valid,
      outcome: valid ? "valid" : (a.errorClass ?? a.outcome),
      score,
      normalised: score !== null && reference ? (normalisedScore(score, reference) ?? null) : null,
    };
  });
}

function traces(record: RunRecord, label: string, reference: ReferenceScores | undefined): ChainTrace[] {
  if (record.chains.length === 0) return [{ chain: label, dir: record.dir, attempts: attemptCells(record.attempts, reference) }];
  return record.chains.flatMap((chain) => traces(chain, `${label}/${chain.run.runId}`, reference));
}

function costOf(tokens: ReportRun["tokensByRole"], models: Record<string, string>, prices: PriceTable | undefined): number | null {
  return prices ? runCost(tokens, models, prices) : null;
}

function emptyRun(entry: BenchRunEntry, dir: string, info: ReportTaskInfo | undefined, state: RunState, failure: string | null): ReportRun {
  return {
    runId: entry.id,
    dir,
    taskId: entry.taskId,
    taskDir: entry.taskDir,
    dataType: info?.dataType ?? "?",
    metric: info?.metric ?? "?",
    lowerIsBetter: info?.lowerIsBetter ?? null,
    mode: entry.mode,
    model: entry.model,
    models: {},
    temperature: entry.temperature,
    seed: entry.seed,
    analysis: info?.analysis ?? null,
    state,
    failure,
    valid: false,
    firstAttemptSuccess: false,
    attemptsUsed: 0,
    fixesUsed: 0,
    errorClasses: [],
    score: null,
    normalised: null,
    normalisedBy: null,
    percentile: null,
    medal: null,
    wallMs: 0,
    modelMs: 0,
    sandboxMs: 0,
    otherMs: 0,
    totalTokens: 0,
    tokensByRole: {},
    costEstimate: null,
    chains: [],
    validationScore: null,
    normalisedValidation: null,
    selection: null,
    fingerprint: null,
    fingerprintId: null,
    sanity: null,
    unitTests: null,
    code: null,
    search: null,
  };
}

function readOneRun(
  dir: string,
  entry: BenchRunEntry | undefined,
  taskInfo: (taskDir: string) => ReportTaskInfo | undefined,
  prices: PriceTable | undefined,
  tokens = true,
): ReportRun {
  const record = readRunRecord(dir);
  const summary = summarizeRun(record, { tokens });
  const info = taskInfo(record.run.taskDir);
  const finished = summary.status !== "running";
  const normalised =
    info?.reference === undefined || !finished
      ? null
      : summary.valid && summary.score !== null
        ? (normalisedScore(summary.score, info.reference) ?? null)
        : info.normalisedBy === "leaderboard"
          ? null
          : 0;
  const tokensByRole = Object.fromEntries(
    Object.entries(summary.tokensByRole).map(([role, t]) => [role, { calls: t.calls, tokens: t.tokens }]),
  );
  return {
    runId: summary.runId,
    dir,
    taskId: summary.taskId,
    taskDir: record.run.taskDir,
    dataType: info?.dataType ?? "?",
    metric: summary.metric ?? info?.metric ?? "?",
    lowerIsBetter: summary.lowerIsBetter ?? info?.lowerIsBetter ?? null,
    mode: entry?.mode ?? modeOfConfig(summary.config, summary.mode),
    model: entry?.model ?? modelLabelOf(summary.models),
    models: summary.models,
    temperature: entry ? entry.temperature : (summary.temperature ?? null),
    seed: entry ? entry.seed : (summary.seed ?? null),
    state: summary.status,
    failure: summary.failure ?? null,
    valid: summary.valid,
    firstAttemptSuccess: summary.firstAttemptSuccess,
    attemptsUsed: summary.attemptsUsed,
    fixesUsed: summary.fixesUsed,
    errorClasses: summary.errorClasses,
    score: summary.score,
    analysis: info?.analysis ?? null,
    ...(summary.result !== undefined ? { result: summary.result } : {}),
    normalised,
    normalisedBy: normalised === null ? null : (info?.normalisedBy ?? null),
    percentile: summary.percentile ?? null,
    medal: summary.medal ?? null,
    wallMs: summary.wallMs,
    modelMs: summary.modelMs,
    sandboxMs: summary.sandboxMs,
    otherMs: summary.otherMs,
    totalTokens: summary.totalTokens,
    tokensByRole,
    // The report's price table prices the calls; without one, the cost the run recorded (its own --prices).
    costEstimate: costOf(tokensByRole, summary.models, prices) ?? record.run.usage?.total.costUsd ?? null,
    chains: traces(record, summary.runId, info?.reference),
    validationScore: summary.validationScore ?? null,
    normalisedValidation:
      summary.valid && summary.validationScore != null && info?.reference ? (normalisedScore(summary.validationScore, info.reference) ?? null) : null,
    selection: selectionOf(record),
    fingerprint: (record.run.fingerprint as Record<string, unknown> | undefined) ?? null,
    fingerprintId: fingerprintIdOf(record.run.fingerprint as Record<string, unknown> | undefined),
    sanity: summary.sanity ? { flagged: summary.sanity.flagged } : null,
    unitTests: readUnitTests(dir) ?? null,
    code: codeStepsOf(record, info?.analysis !== undefined),
    search: searchTraceOf(record, info?.reference),
  };
}


/** The run's selection and whether the critic's pick (instructions.json) is the validation-best branch's candidate. */
function selectionOf(record: RunRecord): ReportRun["selection"] {
  const selection = record.run.selection;
  if (!selection) return null;
  const instructions = InstructionsRecordSchema.safeParse(record.instructions);
  const criticRank = instructions.success ? instructions.data.critic?.chosenRank : undefined;
  const best = selection.branches?.find((b) => b.id === selection.chosen);
  return {
    method: selection.method,
    criticMatchesValidationBest: selection.method === "validation" && criticRank !== undefined && best ? best.candidateRank === criticRank : null,
  };
}

function isRunDir(dir: string): boolean {
  return existsSync(join(dir, RUN_FILES.run));
}

function subfolders(dir: string, warnings: string[]): string[] {
  return folderEntries(dir, "folder", (reason) => warnings.push(reason)).map((name) => join(dir, name));
}

/** Reads every run under `target`: a bench folder, a folder of run folders, or one run folder. */
/** `tokens: false` skips the transcripts (no token counts or cost): see summarizeRun. */
export function collectRuns(target: string, options: { prices?: PriceTable; tokens?: boolean } = {}): Collection {
  const root = resolve(target);
  if (!existsSync(root)) throw new Error(`${root} does not exist: give a run folder, a runs folder or a bench folder`);
  const warnings: string[] = [];
  const infoCache = new Map<string, ReportTaskInfo | undefined>();
  const taskInfo = (taskDir: string) => {
    if (!infoCache.has(taskDir)) infoCache.set(taskDir, readTaskInfo(taskDir, warnings));
    return infoCache.get(taskDir);
  };
  const manifest = readManifest(root);
  const runs: ReportRun[] = [];
  const read = (dir: string, entry?: BenchRunEntry) => {
    try {
      runs.push(readOneRun(dir, entry, taskInfo, options.prices, options.tokens !== false));
    } catch (error) {
      const reason = (error as Error).message;
      warnings.push(`run ${dir} is unreadable: ${reason}`);
      if (entry) runs.push(emptyRun(entry, dir, taskInfo(entry.taskDir), "unreadable", reason));
    }
  };
  if (manifest) {
    const interrupted = interruptedRuns(root);
    for (const entry of manifest.runs) {
      const dir = join(root, BENCH_FILES.runs, entry.id);
      if (isRunDir(dir)) {
        read(dir, entry);
        // A run the bench stopped may say "failed" in its record; it is unfinished until --resume reruns it.
        const last = runs[runs.length - 1];
        if (interrupted.has(entry.id) && last?.runId === entry.id) Object.assign(last, { state: "running", failure: "interrupted (rerun with --resume)", normalised: null });
      }
      else runs.push(emptyRun(entry, dir, taskInfo(entry.taskDir), "missing", "not run yet"));
    }
  } else if (isRunDir(root)) {
    read(root);
  } else {
    const candidates = [...subfolders(root, warnings), ...subfolders(join(root, BENCH_FILES.runs), warnings)].filter(isRunDir);
    if (candidates.length === 0) throw new Error(`${root} holds no run records (no run.json in it or its subfolders)`);
    for (const dir of candidates) read(dir);
  }
  return { root, manifest, runs, warnings };
}
