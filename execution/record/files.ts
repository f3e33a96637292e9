// File primitives of the run record: atomic JSON/text snapshots, append-only JSON lines, and validated reads
// whose errors name the file, the line and the field.
import { existsSync, mkdirSync, readFileSync, renameSync, truncateSync, writeFileSync } from "node:fs";
import { readJsonFile as readCoreJsonFile, describeZodIssue } from "../../core/index.js";
import { dirname } from "node:path";
import type { z } from "zod";

export class RunRecordError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RunRecordError";
  }
}

/** Writes `text` (or bytes) via a temporary file and a rename, so a reader never sees half a file. */
export function writeTextAtomic(path: string, text: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** Writes `value` as JSON via a temporary file and a rename, so a reader never sees half a file. */
export function writeJsonAtomic(path: string, value: unknown): void {
  writeTextAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

/** A crash may cut the last line of an append-only file; drop the fragment so new lines stay parseable. */
export function dropPartialLastLine(path: string): void {
  if (!existsSync(path)) return;
  const bytes = readFileSync(path);
  if (bytes.length === 0 || bytes[bytes.length - 1] === 0x0a) return;
  truncateSync(path, bytes.lastIndexOf(0x0a) + 1);
}

export function readJsonFile<T>(path: string, schema: z.ZodType<T>): T {
  return readCoreJsonFile(path, schema, { toError: (message) => new RunRecordError(message) });
}

/**
 * Reads a JSON-lines file line by line. A last line cut short by a crash is skipped (and counted); a bad line
 * in the middle is an error, since append-only writing cannot produce one.
 */
export function readJsonLines<T>(path: string, schema: z.ZodType<T>): { items: T[]; truncatedTail: boolean } {
  if (!existsSync(path)) return { items: [], truncatedTail: false };
  const lines = readFileSync(path, "utf8").split("\n");
  const items: T[] = [];
  let truncatedTail = false;
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    const isLast = lines.slice(i + 1).every((rest) => rest.trim() === "");
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (error) {
      if (isLast) {
        truncatedTail = true;
        return;
      }
      throw new RunRecordError(`${path}:${i + 1}: ${(error as Error).message}`);
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) throw new RunRecordError(`${path}:${i + 1}: ${describeZodIssue(parsed.error)}`);
    items.push(parsed.data);
  });
  return { items, truncatedTail };
}
