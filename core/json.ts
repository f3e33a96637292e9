// Reading a value that crosses a boundary (a JSON file, a flag, a record line) through a zod schema, with one
// wording for what is wrong: the file, the field and the schema's message.
import { existsSync, readFileSync } from "node:fs";
import type { z } from "zod";

/** `field 'a.b' <message>` for the first issue (`(top level)` when the value itself is wrong). */
export function describeZodIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "is invalid";
  const field = issue.path.length > 0 ? issue.path.map(String).join(".") : "(top level)";
  return `field '${field}' ${issue.message}`;
}

/** Every issue, one line each, as describeZodIssue words the first. */
export function describeZodIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const field = issue.path.length > 0 ? issue.path.map(String).join(".") : "(top level)";
    return `field '${field}' ${issue.message}`;
  });
}

/** A value parsed by `schema`, or an error `<where>: field '…' …` built by `toError` (plain Error by default). */
export function parseWith<T>(schema: z.ZodType<T>, value: unknown, where: string, toError: (message: string) => Error = (m) => new Error(m)): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw toError(`${where}: ${describeZodIssue(parsed.error)}`);
  return parsed.data;
}

export interface ReadJsonOptions {
  /** Added to every message, e.g. the expected form of the file. */
  hint?: string;
  /** The error class the caller's users expect (RunRecordError, UserFacingError, …). */
  toError?: (message: string) => Error;
}

/** Reads and validates a JSON file; a missing file, bad JSON or a bad field is an error naming the file. */
export function readJsonFile<T>(path: string, schema: z.ZodType<T>, options: ReadJsonOptions = {}): T {
  const toError = options.toError ?? ((m: string) => new Error(m));
  const hint = options.hint ? ` (${options.hint})` : "";
  if (!existsSync(path)) throw toError(`${path} does not exist${hint}`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw toError(`${path} is not valid JSON (${(error as Error).message})${hint}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw toError(`${path}: ${describeZodIssue(parsed.error)}${hint}`);
  return parsed.data;
}
