// The viewer's read-only view of one opened folder (a run, a folder of runs, or a bench): the bench index, the
// report's charts, one run's page data and its calls page by page. Run records are read through execution/ (a run
// page's files through run-files.ts) and bench data through benchmarks/; every path a request names is confined
// to the opened folder.
import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, isAbsolute, join, relative, resolve } from "node:path";
import { BENCH_FILES, buildReport, collectRuns, relativeLink, renderSvg, type Collection, type ReportRun } from "../benchmarks/index.js";
import {
  ATTEMPT_FILES,
  DEFAULT_FIGURE_LIMITS,
  RUN_FILES,
  TranscriptIndex,
  figureFormatOf,
  sniffFigure,
  type FigureFormat,
  attemptPath,
  browseAttempts,
  browseEvents,
  browseInstructions,
  browseRunJson,
  browseScore,
  folderEntries,
  isInside,
  listRunFolder,
  readRunText,
} from "../execution/index.js";
import type {
  CallsPayload,
  CallsQuery,
  CallsSummary,
  ChartsPayload,
  IndexPayload,
  IndexRun,
  NodeQuery,
  RunPayload,
  SearchNodeDetail,
  SourceKind,
  TextView,
} from "./api.js";
import { callView, instructionsView, stageTimeline } from "./derive.js";
import { analysisView, attemptViews, blockViews, otherCodeFiles, posix, submissionHead } from "./run-files.js";
import { SearchNodeCache, searchNodeDetail, searchView } from "./search.js";

/** A request named a path outside the opened folder (HTTP 403). */
export class OutsideFolderError extends Error {
  constructor(path: string) {
    super(`${path} is outside the opened folder`);
    this.name = "OutsideFolderError";
  }
}

/** A request named a run folder that does not exist (HTTP 404). */
export class NotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NotFoundError";
  }
}

function stamp(path: string): string {
  try {
    const s = statSync(path);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return "-";
  }
}

// An entry that cannot be followed is skipped here; the collection's warnings say why (collectRuns).
const subfolders = (dir: string) => folderEntries(dir, "folder");

function emptyCalls(): CallsSummary {
  return { total: 0, roles: {}, steps: {}, partialTail: false };
}

function summarizeCalls(index: TranscriptIndex): CallsSummary {
  const roles: Record<string, number> = {};
  const steps: Record<string, number> = {};
  for (const e of index.entries) {
    roles[e.role] = (roles[e.role] ?? 0) + 1;
    if (e.step) steps[e.step] = (steps[e.step] ?? 0) + 1;
  }
  return { total: index.entries.length, roles, steps, partialTail: index.partialTail };
}

export class ViewerSource {
  readonly root: string;
  readonly kind: SourceKind;
  private collection: { signature: string; value: Collection } | undefined;
  private charts: { signature: string; value: Promise<ChartsPayload> } | undefined;
  private readonly transcripts = new Map<string, TranscriptIndex>();
  private readonly searchNodes = new SearchNodeCache();

  constructor(folder: string) {
    this.root = resolve(folder);
    if (!existsSync(this.root) || !statSync(this.root).isDirectory()) {
      throw new NotFoundError(`${this.root} is not a folder: give a run folder, a folder of runs or a bench folder`);
    }
    this.kind = existsSync(join(this.root, BENCH_FILES.manifest)) ? "bench" : existsSync(join(this.root, RUN_FILES.run)) ? "run" : "runs";
  }

  /** The absolute path of an existing `path` inside the opened folder; refuses anything outside it (after symlinks). */
  private inside(path: string): string {
    const parts = path.split(/[\\/]+/);
    if (isAbsolute(path) || parts.includes("..")) throw new OutsideFolderError(path);
    const full = resolve(this.root, path);
    if (!existsSync(full)) throw new NotFoundError(`${path} does not exist in the opened folder`);
    if (!isInside(this.root, full)) throw new OutsideFolderError(path);
    return full;
  }

  /** The absolute folder of a run path; refuses anything outside the opened folder (after symlinks). */
  runDir(path: string): string {
    const dir = this.inside(path);
    if (!statSync(dir).isDirectory()) throw new NotFoundError(`${path} is not a run folder`);
    return dir;
  }

  /** A file inside the opened folder, as text (for "open raw" links). */
  file(path: string): TextView {
    this.inside(path);
    const read = readRunText(this.root, path, 8 * 1024 * 1024);
    if (!read) throw new NotFoundError(`${path} is not a file`);
    return read;
  }

  /**
   * An attempt's figure as bytes: only a PNG or SVG under an attempt's figures/ or review-figures/ folder that looks
   * like its format, so the route serves no other file of the folder as an image.
   */
  figure(path: string): { bytes: Buffer; format: FigureFormat } {
    const full = this.inside(path);
    const parts = posix(path).split("/");
    const folder = parts.lastIndexOf(RUN_FILES.exec);
    const format = figureFormatOf(path);
    const kind = parts[folder + 2];
    if (folder === -1 || !format || (kind !== ATTEMPT_FILES.figures && kind !== ATTEMPT_FILES.reviewFigures) || parts.length < folder + 4) {
      throw new NotFoundError(`${path} is not a figure of an attempt (exec/<n>/figures/…png|svg)`);
    }
    const st = statSync(full);
    if (!st.isFile() || st.size > DEFAULT_FIGURE_LIMITS.maxFigureBytes) throw new NotFoundError(`${path} is not a figure file of a sensible size`);
    const bytes = readFileSync(full);
    if ("notA" in sniffFigure(bytes.subarray(0, 4096), format)) throw new NotFoundError(`${path} is not a ${format.toUpperCase()} file`);
    return { bytes, format };
  }

  private relPath(dir: string): string {
    return posix(relative(this.root, dir)) || ".";
  }

  private runFolders(): string[] {
    if (this.kind === "run") return [this.root];
    const direct = subfolders(this.root).map((n) => join(this.root, n));
    const underRuns = subfolders(join(this.root, BENCH_FILES.runs)).map((n) => join(this.root, BENCH_FILES.runs, n));
    return [...direct, ...underRuns].filter((d) => existsSync(join(d, RUN_FILES.run)));
  }

  /**
   * A cheap signature for watching a bench: the bench's own files, which run folders exist, and the files of the
   * runs that are not finished. A finished run changes only when resumed, which the bench's event log records;
   * for a plain folder of runs the watcher compares the full signature now and then as well.
   */
  watchSignature(): string {
    const parts = [stamp(join(this.root, BENCH_FILES.manifest)), stamp(join(this.root, BENCH_FILES.events))];
    const open = new Set(this.collection?.value.runs.filter((r) => r.state !== "succeeded" && r.state !== "failed").map((r) => r.dir) ?? []);
    for (const dir of this.runFolders()) parts.push(dir, ...(open.has(dir) || !this.collection ? [stamp(join(dir, RUN_FILES.run)), stamp(join(dir, RUN_FILES.events))] : []));
    return parts.join("|");
  }

  /** Changes whenever the bench (or any run in it) changes: the page refreshes when it does. */
  indexSignature(): string {
    // run.json and events.jsonl change at every step of a run (score.json is written just before the last event).
    const parts = [stamp(join(this.root, BENCH_FILES.manifest))];
    for (const dir of this.runFolders()) parts.push(dir, stamp(join(dir, RUN_FILES.run)), stamp(join(dir, RUN_FILES.events)));
    return parts.join("|");
  }

  /** Changes whenever a file of the run changes. */
  runSignature(path: string): string {
    const dir = this.runDir(path);
    const parts: string[] = [];
    for (const rel of [RUN_FILES.run, RUN_FILES.events, RUN_FILES.transcripts, RUN_FILES.instructions, RUN_FILES.score, RUN_FILES.submission, RUN_FILES.context, RUN_FILES.searchNodes]) {
      parts.push(stamp(join(dir, rel)));
    }
    for (const name of listRunFolder(dir, RUN_FILES.code)) parts.push(name, stamp(join(dir, RUN_FILES.code, name)));
    for (const name of listRunFolder(dir, RUN_FILES.blocks)) parts.push(name, stamp(join(dir, RUN_FILES.blocks, name)));
    for (const name of subfolders(join(dir, RUN_FILES.exec))) parts.push(name, stamp(join(dir, attemptPath(name, ATTEMPT_FILES.result))));
    return parts.join("|");
  }

  private readCollection(): Collection {
    const signature = this.indexSignature();
    if (this.collection?.signature !== signature) {
      let value: Collection;
      try {
        // No token counts: the bench page does not show them, and transcripts are the largest files of a run.
        value = collectRuns(this.root, { tokens: false });
      } catch (error) {
        value = { root: this.root, runs: [], warnings: [(error as Error).message] };
      }
      this.collection = { signature, value };
    }
    return this.collection.value;
  }

  index(): IndexPayload {
    const collection = this.readCollection();
    const runs: IndexRun[] = collection.runs.map((r: ReportRun) => ({
      path: this.relPath(r.dir),
      runId: r.runId,
      taskId: r.taskId,
      mode: r.mode,
      model: r.model,
      temperature: r.temperature,
      seed: r.seed,
      state: r.state,
      failure: r.failure,
      valid: r.valid,
      score: r.score,
      normalised: r.normalised,
      medal: r.medal,
      percentile: r.percentile,
      metric: r.metric,
      lowerIsBetter: r.lowerIsBetter,
      attemptsUsed: r.attemptsUsed,
      fixesUsed: r.fixesUsed,
      errorClasses: r.errorClasses,
      wallMs: r.wallMs,
    }));
    return {
      kind: this.kind,
      title: basename(this.root),
      ...(collection.manifest ? { command: collection.manifest.command, createdAt: collection.manifest.createdAt } : {}),
      runs,
      warnings: collection.warnings,
    };
  }

  /** The report's charts (its Vega-Lite specs rendered to SVG), built once per state of the bench. */
  chartsPayload(): Promise<ChartsPayload> {
    const collection = this.readCollection();
    const signature = this.collection?.signature ?? "";
    if (this.charts?.signature !== signature) {
      const value = (async (): Promise<ChartsPayload> => {
        if (collection.runs.length === 0) return { charts: [] };
        try {
          const report = buildReport(collection, { linkOf: (d) => relativeLink(this.root, d) });
          const charts = [];
          for (const chart of report.charts) charts.push({ id: chart.id, title: chart.title, svg: await renderSvg(chart.spec) });
          return { charts };
        } catch (error) {
          return { charts: [], problem: `the report's charts could not be built: ${(error as Error).message}` };
        }
      })();
      this.charts = { signature, value };
    }
    return this.charts.value;
  }

  private transcriptIndex(dir: string): TranscriptIndex {
    let index = this.transcripts.get(dir);
    if (!index) {
      index = new TranscriptIndex(join(dir, RUN_FILES.transcripts));
      this.transcripts.set(dir, index);
    }
    return index;
  }

  async run(path: string): Promise<RunPayload> {
    const dir = this.runDir(path);
    const problems: string[] = [];
    const runJson = browseRunJson(dir);
    if (runJson.problem) problems.push(runJson.problem);
    const { events, problems: eventProblems } = browseEvents(dir);
    problems.push(...eventProblems);
    const { attempts, problems: attemptProblems } = browseAttempts(dir);
    problems.push(...attemptProblems);
    const score = browseScore(dir);
    // A missing score is normal while the run goes on; say so only when the run claims to be finished.
    if (score.problem && (runJson.value?.status !== "running" || !score.problem.includes("missing"))) problems.push(score.problem);
    const instructions = browseInstructions(dir);
    const mode = runJson.value?.mode;
    if (instructions.problem && (mode !== "direct" || !instructions.problem.includes("missing"))) problems.push(instructions.problem);

    const transcripts = this.transcriptIndex(dir);
    let calls = emptyCalls();
    try {
      await transcripts.refresh();
      calls = summarizeCalls(transcripts);
      if (calls.partialTail) problems.push(`${RUN_FILES.transcripts} ends in a partial line (a call being written, or cut by a crash)`);
    } catch (error) {
      problems.push(`${RUN_FILES.transcripts} could not be read: ${(error as Error).message}`);
    }
    if (!existsSync(join(dir, RUN_FILES.transcripts))) problems.push(`${RUN_FILES.transcripts} is missing: no model call was recorded`);

    const skipped = (reason: string) => problems.push(reason);
    const search = searchView({ dir, nodes: this.searchNodes.nodes(dir), run: runJson.value, score: score.value });
    const chains = (runJson.value?.chains ?? []).map((c) => ({ path: this.relPath(join(dir, c.dir)), runId: c.id }));
    return {
      path,
      runId: runJson.value?.runId ?? basename(dir),
      run: runJson.value ?? null,
      problems,
      timeline: stageTimeline(events, transcripts.entries),
      context: readRunText(dir, RUN_FILES.context)?.text ?? null,
      instructions: instructions.value ? instructionsView(instructions.value) : null,
      blocks: blockViews(dir, skipped),
      merged: readRunText(dir, RUN_FILES.merged)?.text ?? null,
      final: readRunText(dir, RUN_FILES.finalScript)?.text ?? null,
      codeFiles: otherCodeFiles(dir, skipped),
      // A search's attempts are its nodes (search.nodes; /api/node reads one in full): their files are not read here.
      attempts: search ? [] : attemptViews(dir, attempts, events),
      score: score.value ?? null,
      submission: submissionHead(dir),
      chains,
      calls,
      search,
      analysis: analysisView(runJson.value?.taskDir, dir, skipped),
    };
  }

  /** One search node in full (the tree on the run page loads a node's detail when it is clicked). */
  searchNode(query: NodeQuery): SearchNodeDetail {
    const detail = searchNodeDetail(this.searchNodes.nodes(this.runDir(query.path)), query.id);
    if (!detail) throw new NotFoundError(`${query.path} has no search node ${query.id}`);
    return detail;
  }

  /** Every search node of a run in full, by id (for the export). */
  allSearchNodes(path: string): Record<string, SearchNodeDetail> {
    const nodes = this.searchNodes.nodes(this.runDir(path));
    return Object.fromEntries(nodes.map((n) => [n.id, searchNodeDetail(nodes, n.id)!]));
  }

  /** One page of a run's calls, filtered by role, step and text; only the page's lines are read in full. */
  async calls(query: CallsQuery): Promise<CallsPayload> {
    const dir = this.runDir(query.path);
    const index = this.transcriptIndex(dir);
    await index.refresh();
    const matched = await index.filter({ role: query.role || undefined, step: query.step || undefined, text: query.q || undefined });
    const page = matched.slice(query.offset, query.offset + query.limit);
    const items = await index.read(page);
    const context = { events: browseEvents(dir).events, attempts: browseAttempts(dir).attempts };
    return {
      ...summarizeCalls(index),
      path: query.path,
      matched: matched.length,
      offset: query.offset,
      limit: query.limit,
      items: items.map((item) => callView(item, context)),
    };
  }

  /** Every run folder the index or a chain names (for the export). */
  allRunPaths(): string[] {
    const paths = new Set<string>();
    const visit = (dir: string) => {
      const rel = this.relPath(dir);
      if (paths.has(rel) || !existsSync(join(dir, RUN_FILES.run))) return;
      paths.add(rel);
      for (const c of browseRunJson(dir).value?.chains ?? []) visit(join(dir, c.dir));
    };
    for (const run of this.readCollection().runs) if (existsSync(run.dir)) visit(run.dir);
    return [...paths];
  }
}
