// Mechanical joining of stage blocks (before the merger model sees them) and splitting a script back into
// its stages (for the notebook). Pure string work.
import type { CodeStage } from "./prompts/coder.js";

export interface StageBlock {
  stage: CodeStage | "script";
  code: string;
}

export const STAGE_MARKER = (stage: string) => `# === stage: ${stage} ===`;
const MARKER_RE = /^# === stage: ([\w-]+) ===\s*$/;

/**
 * Splits a block into its top-level import statements (multi-line parenthesized ones included)
 * and the rest, keeping order.
 */
export function splitImports(code: string): { imports: string[]; body: string } {
  const lines = code.split("\n");
  const imports: string[] = [];
  const body: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^(import\s|from\s+\S+\s+import\s)/.test(line)) {
      let statement = line;
      // `from x import (a,\n b)` and backslash continuations span lines.
      while ((/\($/.test(statement.trim()) || (statement.includes("(") && !statement.includes(")")) || /\\$/.test(statement)) && i + 1 < lines.length) {
        i++;
        statement += `\n${lines[i]!}`;
      }
      imports.push(statement.trimEnd());
    } else {
      body.push(line);
    }
  }
  return { imports, body: body.join("\n").trim() };
}

/** `from __future__` must stay first; otherwise imports keep first-seen order. */
function orderImports(imports: string[]): string[] {
  const unique = [...new Set(imports.map((s) => s.trim()))];
  return [...unique.filter((s) => s.startsWith("from __future__")), ...unique.filter((s) => !s.startsWith("from __future__"))];
}

/** Joins stage blocks into one draft: imports hoisted and de-duplicated, each stage under its marker. */
export function assembleDraft(blocks: readonly StageBlock[]): string {
  const imports: string[] = [];
  const bodies: string[] = [];
  for (const block of blocks) {
    const split = splitImports(block.code);
    imports.push(...split.imports);
    bodies.push(`${STAGE_MARKER(block.stage)}\n${split.body}`);
  }
  return `${orderImports(imports).join("\n")}\n\n\n${bodies.join("\n\n")}\n`;
}

/** De-duplicates top-level imports of a whole script (the merger or fixer may repeat some). */
export function dedupeImports(script: string): string {
  const { imports, body } = splitImports(script);
  const ordered = orderImports(imports);
  if (ordered.length === imports.length) return script;
  return `${ordered.join("\n")}\n\n${body}\n`;
}

/**
 * Splits a script at its stage markers (the merger is asked to keep them). Code before the first marker
 * (imports, helpers) goes with the first stage. Returns one "script" block when there are no markers.
 */
export function splitStages(script: string): StageBlock[] {
  const lines = script.split("\n");
  const blocks: Array<{ stage: string; lines: string[] }> = [];
  let preamble: string[] = [];
  for (const line of lines) {
    const marker = MARKER_RE.exec(line.trim());
    if (marker) {
      blocks.push({ stage: marker[1]!, lines: blocks.length === 0 ? [...preamble] : [] });
      preamble = [];
    } else if (blocks.length === 0) {
      preamble.push(line);
    } else {
      blocks[blocks.length - 1]!.lines.push(line);
    }
  }
  if (blocks.length === 0) return [{ stage: "script", code: script.trim() }];
  return blocks.map((b) => ({ stage: b.stage as CodeStage, code: b.lines.join("\n").trim() }));
}
