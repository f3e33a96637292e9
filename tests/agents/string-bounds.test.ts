// The gguf provider's answer under a JSON grammar validates against the schema the grammar came from, even where
// llama.cpp's code-point count and zod's UTF-16 count disagree (astral characters, malformed UTF-8 → U+FFFD runs).
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { clampStringsToSchema } from "../../agents/providers/gguf/index.js";
import { toJsonSchema } from "../../agents/index.js";

const Plan = z.object({ title: z.string().max(8), steps: z.array(z.string().max(4)).max(3), note: z.string() });
const schema = toJsonSchema(Plan);

describe("clampStringsToSchema", () => {
  it("cuts strings past maxLength (nested in arrays) so the answer validates, and leaves unbounded ones", () => {
    // What a tiny model produced: one grammar character per malformed 4-byte sequence, four U+FFFD in JS.
    const text = JSON.stringify({ title: "e\uFFFD\uFFFD\uFFFD\uFFFDe\uFFFD\uFFFD\uFFFD\uFFFD", steps: ["ok", "\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD"], note: "x".repeat(50) });
    expect(Plan.safeParse(JSON.parse(text)).success).toBe(false);
    const clamped = JSON.parse(clampStringsToSchema(text, schema)) as z.infer<typeof Plan>;
    expect(Plan.parse(clamped)).toEqual({ title: "e\uFFFD\uFFFD\uFFFD\uFFFDe\uFFFD\uFFFD", steps: ["ok", "\uFFFD\uFFFD\uFFFD\uFFFD"], note: "x".repeat(50) });
  });

  it("never leaves half a surrogate pair, and returns the text itself when nothing is too long or it is not JSON", () => {
    // "abcdefg😀" is 8 code points (the grammar's bound) but 9 UTF-16 units.
    const astral = JSON.stringify({ title: "abcdefg\u{1F600}", steps: [], note: "" });
    expect(JSON.parse(clampStringsToSchema(astral, schema))).toMatchObject({ title: "abcdefg" });
    const fine = '{ "title": "short", "steps": ["a"], "note": "n" }';
    expect(clampStringsToSchema(fine, schema)).toBe(fine);
    expect(clampStringsToSchema("{ not json", schema)).toBe("{ not json");
  });
});
