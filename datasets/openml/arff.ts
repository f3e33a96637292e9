// A small ARFF reader (Weka's format, OpenML's data and split files): numeric, nominal, string and date
// attributes, quoted names and values, '?' as missing, '%' comments. Sparse rows and relational attributes
// are refused by name: no maintained ARFF parser is among the project's dependencies.
import type { Frame } from "../suite/frame.js";

export type ArffType = "numeric" | "nominal" | "string" | "date";

export interface ArffAttribute {
  name: string;
  type: ArffType;
  /** The declared values of a nominal attribute, in order. */
  values?: string[];
}

export interface Arff {
  relation: string;
  attributes: ArffAttribute[];
  /** One column per attribute; missing values ('?') are empty strings. */
  frame: Frame;
}

export class ArffFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ArffFormatError";
  }
}

const ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r" };

/**
 * Splits `text` at top-level commas. Values may be quoted with ' or " (backslash escapes inside); unquoted
 * values are trimmed. `quoted[i]` tells whether value i was quoted (a quoted '?' is a value, not missing).
 */
export function splitArffValues(text: string, where: string): { values: string[]; quoted: boolean[] } {
  const values: string[] = [];
  const quoted: boolean[] = [];
  let i = 0;
  const n = text.length;
  while (i <= n) {
    while (i < n && (text[i] === " " || text[i] === "\t")) i++;
    const q = text[i];
    if (q === "'" || q === '"') {
      let value = "";
      i++;
      for (;;) {
        if (i >= n) throw new ArffFormatError(`${where}: unterminated ${q}-quoted value; close the quote`);
        const c = text[i]!;
        if (c === "\\" && i + 1 < n) {
          const next = text[i + 1]!;
          value += ESCAPES[next] ?? next;
          i += 2;
        } else if (c === q) {
          i++;
          break;
        } else {
          value += c;
          i++;
        }
      }
      while (i < n && (text[i] === " " || text[i] === "\t")) i++;
      if (i < n && text[i] !== ",") throw new ArffFormatError(`${where}: unexpected '${text[i]}' after a quoted value; separate values with commas`);
      values.push(value);
      quoted.push(true);
    } else {
      let end = text.indexOf(",", i);
      if (end < 0) end = n;
      values.push(text.slice(i, end).trim());
      quoted.push(false);
      i = end;
    }
    i++; // the comma (or past the end)
  }
  return { values, quoted };
}

/** An attribute name (quoted or not) and the rest of the line. */
function readName(rest: string, where: string): { name: string; type: string } {
  const q = rest[0];
  if (q === "'" || q === '"') {
    const close = rest.indexOf(q, 1);
    if (close < 0) throw new ArffFormatError(`${where}: unterminated quoted attribute name`);
    return { name: rest.slice(1, close), type: rest.slice(close + 1).trim() };
  }
  const m = /^(\S+)\s+(.*)$/.exec(rest);
  if (!m) throw new ArffFormatError(`${where}: '@attribute ${rest}' needs a name and a type`);
  return { name: m[1]!, type: m[2]!.trim() };
}

function parseAttribute(rest: string, where: string): ArffAttribute {
  const { name, type } = readName(rest.trim(), where);
  if (type.startsWith("{")) {
    const close = type.lastIndexOf("}");
    if (close < 0) throw new ArffFormatError(`${where}: nominal attribute '${name}' lacks its closing '}'`);
    return { name, type: "nominal", values: splitArffValues(type.slice(1, close), where).values.filter((v) => v !== "") };
  }
  const keyword = type.split(/\s+/)[0]!.toLowerCase();
  if (keyword === "numeric" || keyword === "real" || keyword === "integer") return { name, type: "numeric" };
  if (keyword === "string") return { name, type: "string" };
  if (keyword === "date") return { name, type: "date" };
  throw new ArffFormatError(`${where}: attribute '${name}' has type '${type}', which is not read (numeric, real, integer, string, date or a {nominal} list)`);
}

/** Parses ARFF text; `file` names it in errors (line numbers are 1-based). */
export function parseArff(text: string, file: string): Arff {
  const lines = text.split(/\r?\n/);
  let relation = "";
  const attributes: ArffAttribute[] = [];
  let columns: string[][] | null = null;
  for (let l = 0; l < lines.length; l++) {
    const line = lines[l]!.trim();
    if (line === "" || line.startsWith("%")) continue;
    const where = `${file} line ${l + 1}`;
    if (columns === null) {
      const m = /^@(\w+)\s*(.*)$/.exec(line);
      if (!m) throw new ArffFormatError(`${where}: expected @relation, @attribute or @data before the data, found '${line.slice(0, 60)}'`);
      const keyword = m[1]!.toLowerCase();
      if (keyword === "relation") relation = splitArffValues(m[2]!, where).values[0] ?? "";
      else if (keyword === "attribute") attributes.push(parseAttribute(m[2]!, where));
      else if (keyword === "data") {
        if (attributes.length === 0) throw new ArffFormatError(`${where}: @data before any @attribute`);
        columns = attributes.map(() => []);
      } else throw new ArffFormatError(`${where}: unknown declaration '@${m[1]}'`);
      continue;
    }
    if (line.startsWith("{")) throw new ArffFormatError(`${where}: sparse ARFF rows ('{index value, …}') are not read; export the data as dense ARFF or CSV`);
    const { values, quoted } = splitArffValues(line, where);
    // A '%' after the last value starts a comment only when it is unquoted.
    if (values.length > attributes.length && !quoted[attributes.length] && values[attributes.length]!.startsWith("%")) values.length = attributes.length;
    if (values.length !== attributes.length) {
      throw new ArffFormatError(`${where}: ${values.length} values for ${attributes.length} attributes (${attributes.map((a) => a.name).slice(0, 8).join(", ")}${attributes.length > 8 ? ", …" : ""})`);
    }
    for (let c = 0; c < values.length; c++) {
      const value = !quoted[c] && values[c] === "?" ? "" : values[c]!;
      const attr = attributes[c]!;
      if (value !== "" && attr.type === "numeric" && !Number.isFinite(Number(value))) {
        throw new ArffFormatError(`${where}: '${value.slice(0, 40)}' in numeric attribute '${attr.name}' is not a number`);
      }
      columns[c]!.push(value);
    }
  }
  if (columns === null) throw new ArffFormatError(`${file}: no @data section; is this an ARFF file?`);
  return { relation, attributes, frame: { header: attributes.map((a) => a.name), columns } };
}
