// What the viewer's server answers and accepts: zod schemas for the query of every request (HTTP is a boundary),
// and the payload types the web page reads (imported there as types only, so no code crosses into the bundle).
import { z } from "zod";
import type { TokenCounts } from "../agents/index.js";
import type { AskOutput, AttemptKind, AttemptOutcome, ReviewFigures, RunJson, ScoreJson, SearchNode, SearchOperator } from "../execution/index.js";

/** A run folder relative to the opened folder, with "/" separators ("." = the opened folder itself). */
export const RunPathSchema = z
  .string()
  .min(1)
  .max(1000)
  .refine((p) => !p.includes("\0"), "must not contain NUL");

export const RunQuerySchema = z.object({ path: RunPathSchema });

export const WatchQuerySchema = z.object({ path: RunPathSchema.optional() });

export const CALLS_PAGE_SIZE = 50;

export const CallsQuerySchema = z.object({
  path: RunPathSchema,
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(CALLS_PAGE_SIZE),
  role: z.string().max(40).optional(),
  step: z.string().max(120).optional(),
  q: z.string().max(200).optional(),
});
export type CallsQuery = z.infer<typeof CallsQuerySchema>;

export const FileQuerySchema = z.object({ path: RunPathSchema });
/** A figure of an attempt: a path inside the opened folder, under an attempt's figures/ or review-figures/ folder. */
export const FigureQuerySchema = FileQuerySchema;

/** One node of a run's search tree (its detail is loaded when the node is clicked). */
export const NodeQuerySchema = z.object({ path: RunPathSchema, id: z.string().min(1).max(40) });
export type NodeQuery = z.infer<typeof NodeQuerySchema>;

// ---------------------------------------------------------------------------------------------- payloads

export type SourceKind = "bench" | "runs" | "run";

/** One run as the bench page shows it (from the report's collection of run records). */
export interface IndexRun {
  /** Run folder relative to the opened folder. */
  path: string;
  runId: string;
  taskId: string;
  mode: string;
  model: string;
  temperature: number | null;
  seed: number | null;
  state: "succeeded" | "failed" | "budget" | "running" | "missing" | "unreadable";
  failure: string | null;
  valid: boolean;
  score: number | null;
  normalised: number | null;
  medal: string | null;
  percentile: number | null;
  metric: string;
  lowerIsBetter: boolean | null;
  attemptsUsed: number;
  fixesUsed: number;
  errorClasses: string[];
  wallMs: number;
}

export interface IndexPayload {
  kind: SourceKind;
  /** The opened folder's name. */
  title: string;
  command?: string[];
  createdAt?: string;
  runs: IndexRun[];
  warnings: string[];
}

export interface ChartView {
  id: string;
  title: string;
  /** SVG rendered by the report's Vega-Lite specs; shown as an image, so nothing in it runs. */
  svg: string;
}

export interface ChartsPayload {
  charts: ChartView[];
  problem?: string;
}

export interface StageRow {
  stage: string;
  /** Start, in ms after the first event of the run. */
  startMs: number;
  /** Null while the stage is still running (or was cut off). */
  durationMs: number | null;
  ok: boolean | null;
  detail?: string;
  calls: number;
  tokens: TokenCounts;
  models: string[];
}

export interface FindingView {
  kind: string;
  severity: string;
  detail: string;
}

export interface CandidateView {
  rank: number;
  title: string;
  sections: { title: string; bullets: string[] }[];
  /** The instruction as the coders read it. */
  text: string;
  findings: FindingView[];
  chosen: boolean;
}

export interface InstructionsView {
  source: "critic" | "top-ranked" | "validation-branch";
  candidates: CandidateView[];
  chosenRank: number | null;
  rationale: string | null;
  /** The candidate the critic chose (or rank 1), as text. */
  chosenText: string;
  /** The instruction the coders followed: the critic's refinement of the chosen one. */
  refined: CandidateView;
}

export interface TextView {
  text: string;
  bytes: number;
  truncated: boolean;
}

export interface AttemptView {
  attempt: string;
  index: number;
  kind: AttemptKind;
  fixIndex: number;
  feedbackRound: number;
  outcome: AttemptOutcome;
  errorClass: string | null;
  errorMessage: string | null;
  tracebackTail: string | null;
  errorLine: number | null;
  durationMs: number;
  valid: boolean;
  score: number | null;
  submissionErrors: string[];
  /** The attempt this one fixed or reviewed (its parent in the attempt tree). */
  parent: string | null;
  scriptPath: string;
  script: string | null;
  stdout: TextView | null;
  stderr: TextView | null;
  stdoutTruncated: boolean;
  stderrTruncated: boolean;
  /** The figures the attempt saved (exec/<n>/figures/), served by /api/figure; empty when it saved none. */
  figures: FigureView[];
  /** Figures left out of the copy, and why (past a cap, a symlink, not the format named). */
  figuresSkipped: { name: string; reason: string }[];
  /**
   * The first attempt of a feedback round: what its reviewer saw of the reviewed attempt's figures (the round's
   * review.finished event); null otherwise, and when the reviewed attempt saved none.
   */
  review: ReviewFigures | null;
}

export interface FigureView {
  name: string;
  format: "png" | "svg";
  bytes: number;
  width: number | null;
  height: number | null;
  /** Path relative to the run folder (exec/<n>/figures/<name>, forward slashes). */
  path: string;
}

export interface SubmissionView {
  header: string[];
  rows: string[][];
  bytes: number;
  /** More rows follow than are shown. */
  more: boolean;
}

export interface CallsSummary {
  total: number;
  roles: Record<string, number>;
  steps: Record<string, number>;
  partialTail: boolean;
}

export interface RunPayload {
  path: string;
  runId: string;
  run: RunJson | null;
  /** What is missing or half-written, in words. */
  problems: string[];
  /** The stage windows, derived from events.jsonl (the events themselves stay on the server: no page draws them). */
  timeline: StageRow[];
  context: string | null;
  instructions: InstructionsView | null;
  blocks: { name: string; code: string }[];
  merged: string | null;
  final: string | null;
  /** Other files under code/ (merge fallback note, feedback drafts). */
  codeFiles: { name: string; text: string }[];
  /**
   * Every attempt in full — except in a search run, whose attempts are its nodes: summarised in `search.nodes`, one
   * in full from /api/node when it is clicked. There it is empty, so a 500-node run's payload stays small.
   */
  attempts: AttemptView[];
  score: ScoreJson | null;
  submission: SubmissionView | null;
  chains: { path: string; runId: string }[];
  calls: CallsSummary;
  /** Present when the run searched (--search). */
  search: SearchView | null;
  /** An analysis (issue 23): its outcome (`ask --json`'s) and the consistency view's lines, as the terminal prints them. */
  analysis: { outcome: AskOutput; lines: string[] } | null;
}

/**
 * A search node as the tree draws it (position, letter, colour, tooltip): its plan, code, output, attempt, test
 * score and times come with the node's detail.
 */
export interface SearchNodeSummary {
  id: string;
  step: number;
  parent: string | null;
  operator: SearchOperator;
  reason: string;
  buggy: boolean;
  validationScore: number | null;
}

/** A run's tree search (search/nodes.jsonl and run.json.search). */
export interface SearchView {
  policy: string | null;
  steps: number | null;
  done: number;
  stopped: string | null;
  /** The node the solution is; null while the search runs. */
  selected: string | null;
  /** The metric's direction (score.json, else the task's task.json); null when neither can be read. */
  lowerIsBetter: boolean | null;
  nodes: SearchNodeSummary[];
}

/** One node in full, with its parent's code to diff against (null for a draft). */
export interface SearchNodeDetail {
  node: SearchNode;
  parentCode: string | null;
}

export interface CallView {
  index: number;
  role: string;
  step: string | null;
  model: string | null;
  kind: string | null;
  retry: number | null;
  params: Record<string, unknown> | null;
  messages: { role: string; content: string }[];
  response: string | null;
  /** A structured response parsed as JSON (shown as a tree). */
  structured: unknown;
  tokens: TokenCounts;
  latencyMs: number;
  startedAt: string | null;
  error: { name: string; message: string } | null;
  /** The stage the call served (from the run's events). */
  stage: string | null;
  /** The attempt whose script the call wrote. */
  servedAttempt: string | null;
  /** The line as written, when it does not match the transcript format. */
  raw: string | null;
  problem: string | null;
}

export interface CallsPayload extends CallsSummary {
  path: string;
  matched: number;
  offset: number;
  limit: number;
  items: CallView[];
}

/** Everything an exported page needs, embedded in the HTML file instead of fetched. */
export interface ExportBundle {
  index: IndexPayload;
  charts: ChartsPayload;
  runs: Record<string, RunPayload>;
  /** Every call of every run (filtered and paged in the page). */
  calls: Record<string, CallView[]>;
  /** Every search node in full, by run and node id. */
  nodes: Record<string, Record<string, SearchNodeDetail>>;
  exportedAt: string;
}
