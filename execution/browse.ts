// Read-only, tolerant access to a run folder for viewers (`linguacodus view`): each piece is read on its own and a
// missing or half-written piece becomes a problem to show, never an exception (a run killed mid-write still shows
// what it has). transcripts.jsonl is read in pages through an incremental line index, so a 100 MB transcript is
// scanned once, then only the lines a page shows are decoded.
import { existsSync, readFileSync, readdirSync, readlinkSync, realpathSync, statSync } from "node:fs";
import { open } from "node:fs/promises";
import { isAbsolute, join, relative, resolve } from "node:path";
import { z } from "zod";
import { describeZodIssue, readFileHead } from "../core/index.js";
import { TranscriptLineSchema, roleOfCall, type TokenCounts, type TranscriptLine } from "../agents/index.js";
import { InstructionsRecordSchema, type InstructionsRecord } from "../instructions/index.js";
import { ATTEMPT_FILES, AttemptResultSchema, RUN_FILES, attemptPath, RunEventSchema, RunJsonSchema, ScoreJsonSchema, type AttemptResult, type RunEvent, type RunJson, type ScoreJson } from "./record/index.js";

/** A piece of a run folder: its value when it could be read, and what is wrong when it could not. */
export interface Browsed<T> {
  value?: T;
  problem?: string;
}

/** True when `path` (after symlinks) lies inside `root` (after symlinks). */
export function isInside(root: string, path: string): boolean {
  let realRoot: string;
  let realPath: string;
  try {
    realRoot = realpathSync(root);
    realPath = realpathSync(path);
  } catch {
    return false;
  }
  const rel = relative(realRoot, realPath);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

function browseJson<T>(dir: string, rel: string, schema: z.ZodType<T>, missing: string): Browsed<T> {
  const path = join(dir, rel);
  if (!existsSync(path)) return { problem: `${rel} is missing: ${missing}` };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    return { problem: `${rel} is not valid JSON (${(error as Error).message}); it may be half-written` };
  }
  const parsed = schema.safeParse(raw);
  return parsed.success ? { value: parsed.data } : { problem: `${rel}: ${describeZodIssue(parsed.error)}` };
}

export function browseRunJson(dir: string): Browsed<RunJson> {
  return browseJson(dir, RUN_FILES.run, RunJsonSchema, "the run's config, status and timings are unknown");
}

export function browseScore(dir: string): Browsed<ScoreJson> {
  return browseJson(dir, RUN_FILES.score, ScoreJsonSchema, "the run has not been graded (yet)");
}

export function browseInstructions(dir: string): Browsed<InstructionsRecord> {
  return browseJson(dir, RUN_FILES.instructions, InstructionsRecordSchema, "no instructions were recorded (direct mode, or the planner has not finished)");
}

/** events.jsonl line by line: good lines kept, bad ones (a cut last line, a damaged one) reported. */
export function browseEvents(dir: string): { events: RunEvent[]; problems: string[] } {
  const path = join(dir, RUN_FILES.events);
  if (!existsSync(path)) return { events: [], problems: [`${RUN_FILES.events} is missing: the stage timeline is unknown`] };
  const events: RunEvent[] = [];
  const problems: string[] = [];
  const lines = readFileSync(path, "utf8").split("\n");
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      const last = lines.slice(i + 1).every((rest) => rest.trim() === "");
      problems.push(last ? `${RUN_FILES.events}:${i + 1} is cut short (the run is writing it, or was killed mid-write)` : `${RUN_FILES.events}:${i + 1} is not valid JSON`);
      return;
    }
    const parsed = RunEventSchema.safeParse(raw);
    if (parsed.success) events.push(parsed.data);
    else problems.push(`${RUN_FILES.events}:${i + 1}: ${describeZodIssue(parsed.error)}`);
  });
  return { events, problems };
}

/** Every exec/<attempt>/result.json that reads; an attempt folder without one is reported (still running or killed). */
export function browseAttempts(dir: string): { attempts: AttemptResult[]; problems: string[] } {
  const execDir = join(dir, RUN_FILES.exec);
  if (!existsSync(execDir)) return { attempts: [], problems: [] };
  const attempts: AttemptResult[] = [];
  const problems: string[] = [];
  for (const name of folderEntries(execDir, "folder", (reason) => problems.push(reason))) {
    const rel = attemptPath(name, ATTEMPT_FILES.result);
    if (!existsSync(join(dir, rel))) {
      problems.push(`${rel} is missing: attempt ${name} has no result (still running, or the run was killed)`);
      continue;
    }
    const read = browseJson(dir, rel, AttemptResultSchema, "");
    if (read.value) attempts.push(read.value);
    else if (read.problem) problems.push(read.problem);
  }
  return { attempts: attempts.sort((a, b) => a.index - b.index), problems };
}

export interface RunText {
  text: string;
  /** Size of the whole file. */
  bytes: number;
  /** Only the first `maxBytes` are in `text`. */
  truncated: boolean;
}

/** A text file of the run folder (`rel` must stay inside it), cut at `maxBytes`; undefined when absent. */
export function readRunText(dir: string, rel: string, maxBytes = 2 * 1024 * 1024): RunText | undefined {
  const path = resolve(dir, rel);
  if (!existsSync(path) || !statSync(path).isFile()) return undefined;
  if (!isInside(dir, path)) throw new Error(`${rel} is outside the run folder ${dir}`);
  const bytes = statSync(path).size;
  if (bytes <= maxBytes) return { text: readFileSync(path, "utf8"), bytes, truncated: false };
  return { text: readFileHead(path, maxBytes).toString("utf8"), bytes, truncated: true };
}

/**
 * The names in `dir` whose entry (after symlinks) is a file or a folder as `kind` asks, sorted; empty when `dir` is
 * not a folder. An entry that cannot be followed (a dangling symlink, a permission) is skipped and `onSkip` hears why,
 * so one bad entry never hides the others.
 */
export function folderEntries(dir: string, kind: "file" | "folder", onSkip?: (reason: string) => void): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((name) => {
      const path = join(dir, name);
      try {
        const stat = statSync(path);
        return kind === "file" ? stat.isFile() : stat.isDirectory();
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? "error";
        let target = "";
        try {
          target = ` (a symbolic link to ${readlinkSync(path)}, which does not exist)`;
        } catch {
          // not a link
        }
        onSkip?.(`${path} is skipped: it cannot be read (${code})${code === "ENOENT" ? target : ""}`);
        return false;
      }
    })
    .sort();
}

/** File names in a folder of the run (e.g. "code", "code/blocks"), sorted; empty when it does not exist. */
export function listRunFolder(dir: string, rel: string, onSkip?: (reason: string) => void): string[] {
  return folderEntries(join(dir, rel), "file", onSkip);
}

// ---------------------------------------------------------------------------------------------- transcripts

/** The few fields of a transcript line that filters and the timeline need; read loosely (the agents layer owns the format). */
const TranscriptMetaSchema = z.looseObject({
  role: z.string().optional(),
  step: z.string().optional(),
  model: z.string().optional(),
  kind: z.string().optional(),
  startedAt: z.string().optional(),
  latencyMs: z.number().optional(),
  tokens: z.looseObject({ input: z.number().optional(), output: z.number().optional() }).nullable().optional(),
  error: z.unknown().optional(),
});

export interface TranscriptEntry {
  /** 0-based line number among the complete lines. */
  index: number;
  offset: number;
  length: number;
  role: string;
  step?: string;
  model?: string;
  startedAt?: string;
  latencyMs: number;
  tokens: TokenCounts;
  failed: boolean;
  /** The line is JSON with the expected fields; a page shows it raw otherwise. */
  readable: boolean;
}

export interface TranscriptFilter {
  role?: string;
  step?: string;
  /** Case-insensitive text search in the whole line (messages, response, error). */
  text?: string;
}

export interface TranscriptItem {
  entry: TranscriptEntry;
  line?: TranscriptLine;
  /** The raw text, when the line does not match the transcript schema. */
  raw?: string;
  problem?: string;
}

const CHUNK = 4 * 1024 * 1024;

function entryOf(index: number, offset: number, length: number, text: string): TranscriptEntry {
  const base = { index, offset, length, role: "unknown", latencyMs: 0, tokens: { input: 0, output: 0 }, failed: false, readable: false };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return base;
  }
  const meta = TranscriptMetaSchema.safeParse(raw);
  if (!meta.success) return base;
  const m = meta.data;
  return {
    ...base,
    // The role the call counts under (agents' call-step vocabulary: an old record's fix is the fixer's).
    role: roleOfCall({ role: m.role ?? "unknown", step: m.step }),
    step: m.step,
    model: m.model,
    startedAt: m.startedAt,
    latencyMs: m.latencyMs ?? 0,
    tokens: { input: m.tokens?.input ?? 0, output: m.tokens?.output ?? 0 },
    failed: m.error !== undefined && m.error !== null,
    readable: true,
  };
}

/**
 * An index of the complete lines of a transcripts.jsonl that grows with the file: `refresh()` reads only the
 * bytes appended since the last call (a file that shrank was replaced, and is indexed anew).
 */
export class TranscriptIndex {
  private readonly lines: TranscriptEntry[] = [];
  private scanned = 0;
  private pendingTail = false;
  private refreshing: Promise<void> | undefined;

  constructor(readonly path: string) {}

  get entries(): readonly TranscriptEntry[] {
    return this.lines;
  }

  /** Bytes after the last newline: a line being written, or cut by a crash. */
  get partialTail(): boolean {
    return this.pendingTail;
  }

  refresh(): Promise<void> {
    this.refreshing ??= this.scan().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async scan(): Promise<void> {
    if (!existsSync(this.path)) {
      this.lines.length = 0;
      this.scanned = 0;
      this.pendingTail = false;
      return;
    }
    const size = statSync(this.path).size;
    if (size < this.scanned) {
      this.lines.length = 0;
      this.scanned = 0;
    }
    if (size === this.scanned) return;
    const handle = await open(this.path, "r");
    try {
      let position = this.scanned;
      let carry = Buffer.alloc(0);
      let carryStart = position;
      while (position < size) {
        const buffer = Buffer.alloc(Math.min(CHUNK, size - position));
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
        if (bytesRead === 0) break;
        position += bytesRead;
        const data = carry.length > 0 ? Buffer.concat([carry, buffer.subarray(0, bytesRead)]) : buffer.subarray(0, bytesRead);
        let start = 0;
        for (let nl = data.indexOf(0x0a, start); nl !== -1; nl = data.indexOf(0x0a, start)) {
          if (nl > start) {
            const text = data.toString("utf8", start, nl);
            if (text.trim() !== "") this.lines.push(entryOf(this.lines.length, carryStart + start, nl - start, text));
          }
          start = nl + 1;
        }
        carryStart += start;
        carry = Buffer.from(data.subarray(start));
      }
      // Only whole lines count as scanned: a half-written last line is read again once its newline arrives.
      this.scanned = carryStart;
      this.pendingTail = carry.length > 0;
    } finally {
      await handle.close();
    }
  }

  /** Entries that match the filter; a text search reads the lines (each once) and keeps those containing it. */
  async filter(filter: TranscriptFilter): Promise<TranscriptEntry[]> {
    const byMeta = this.lines.filter((e) => (!filter.role || e.role === filter.role) && (!filter.step || e.step === filter.step));
    const text = filter.text?.trim().toLowerCase();
    if (!text) return byMeta;
    // JSON escapes quotes, backslashes and newlines: look for the escaped form as well as the plain one.
    const escaped = JSON.stringify(text).slice(1, -1);
    const kept: TranscriptEntry[] = [];
    const handle = await open(this.path, "r");
    try {
      for (const entry of byMeta) {
        const buffer = Buffer.alloc(entry.length);
        await handle.read(buffer, 0, entry.length, entry.offset);
        const line = buffer.toString("utf8").toLowerCase();
        if (line.includes(text) || line.includes(escaped)) kept.push(entry);
      }
    } finally {
      await handle.close();
    }
    return kept;
  }

  /** The full lines of the given entries, validated against the transcript schema. */
  async read(entries: readonly TranscriptEntry[]): Promise<TranscriptItem[]> {
    if (entries.length === 0) return [];
    const handle = await open(this.path, "r");
    try {
      const items: TranscriptItem[] = [];
      for (const entry of entries) {
        const buffer = Buffer.alloc(entry.length);
        await handle.read(buffer, 0, entry.length, entry.offset);
        const text = buffer.toString("utf8");
        let raw: unknown;
        try {
          raw = JSON.parse(text);
        } catch {
          items.push({ entry, raw: text, problem: `line ${entry.index + 1} is not valid JSON` });
          continue;
        }
        const parsed = TranscriptLineSchema.safeParse(raw);
        items.push(parsed.success ? { entry, line: parsed.data } : { entry, raw: text, problem: `line ${entry.index + 1}: ${describeZodIssue(parsed.error)}` });
      }
      return items;
    } finally {
      await handle.close();
    }
  }
}
