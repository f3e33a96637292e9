// The one place where zod schemas become JSON schema (for grammars, API structured output and prompts).
import { z } from "zod";

export type JsonSchema = Record<string, unknown>;

/** zod 4 → JSON schema (draft 2020-12), without the `$schema` marker that grammars and APIs don't want. */
export function toJsonSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { unrepresentable: "any" }) as JsonSchema;
  return rest;
}

/** The instruction appended to every structured request, whatever the provider (so prompts stay replayable). */
export function schemaInstruction(jsonSchema: JsonSchema): string {
  return (
    "Answer with a single JSON value and nothing else (no prose, no code fence). " +
    `It must validate against this JSON schema:\n${JSON.stringify(jsonSchema)}`
  );
}

export type StructuredParse<T> = { ok: true; value: T } | { ok: false; error: string };

/** Parses a model's text answer as JSON (tolerating a ``` fence) and validates it with zod. */
export function parseStructured<T>(text: string, schema: z.ZodType<T>): StructuredParse<T> {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(text);
  const candidate = (fenced?.[1] ?? text).trim();
  let json: unknown;
  try {
    json = JSON.parse(candidate);
  } catch (error) {
    return { ok: false, error: `not valid JSON (${(error as Error).message})` };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, error: z.prettifyError(parsed.error) };
}
