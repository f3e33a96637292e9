// llama.cpp's grammar bounds a JSON string's length in the code points it decodes, byte by byte; zod (and the JSON
// schema the grammar was built from) counts UTF-16 units of the detokenized text. The two differ when a model emits
// an astral character (one code point, two units) or a malformed UTF-8 sequence (one grammar character, up to four
// U+FFFD after decoding), so a grammar-constrained answer could still fail its schema on `maxLength` — seen with a
// small adapted model in CI. Clamping the strings the grammar already bounded keeps "constrained output validates".
import type { JsonSchema } from "../../json-schema.js";

/** `text` with every string longer than its schema's `maxLength` cut to it; unchanged when nothing was too long. */
export function clampStringsToSchema(text: string, schema: JsonSchema): string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return text; // not JSON: the team's validation reports it
  }
  let changed = false;
  const clamp = (node: unknown, at: JsonSchema | undefined): unknown => {
    if (!at) return node;
    if (typeof node === "string") {
      const max = at["maxLength"];
      if (typeof max !== "number" || node.length <= max) return node;
      changed = true;
      return cutUtf16(node, max);
    }
    if (Array.isArray(node)) {
      const items = asSchema(at["items"]);
      return node.map((item) => clamp(item, items));
    }
    if (node !== null && typeof node === "object") {
      const properties = asSchema(at["properties"]);
      if (!properties) return node;
      return Object.fromEntries(Object.entries(node).map(([key, item]) => [key, clamp(item, asSchema(properties[key]))]));
    }
    return node;
  };
  const clamped = clamp(value, schema);
  return changed ? JSON.stringify(clamped) : text;
}

function asSchema(value: unknown): JsonSchema | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as JsonSchema) : undefined;
}

/** The first `max` UTF-16 units, without leaving half of a surrogate pair at the end. */
function cutUtf16(text: string, max: number): string {
  const cut = text.slice(0, max);
  const last = cut.charCodeAt(cut.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}
