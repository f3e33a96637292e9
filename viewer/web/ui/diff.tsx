// Line diffs of scripts (the `diff` package), highlighted line by line, unchanged runs folded; and word diffs of
// instructions. Every piece is text or highlight.js's escaped output.
import { diffLines, diffWordsWithSpace } from "diff";
import { useState } from "preact/hooks";
import { highlightLine } from "./code.js";

interface Row {
  type: "add" | "del" | "same";
  text: string;
  a: number | null;
  b: number | null;
}

function rowsOf(before: string, after: string): Row[] {
  const rows: Row[] = [];
  let a = 1;
  let b = 1;
  for (const part of diffLines(before, after)) {
    const lines = part.value.replace(/\n$/, "").split("\n");
    for (const text of lines) {
      if (part.added) rows.push({ type: "add", text, a: null, b: b++ });
      else if (part.removed) rows.push({ type: "del", text, a: a++, b: null });
      else rows.push({ type: "same", text, a: a++, b: b++ });
    }
  }
  return rows;
}

const CONTEXT = 3;

export function LineDiff(props: { before: string; after: string; beforeLabel: string; afterLabel: string }) {
  const [expanded, setExpanded] = useState<Set<number>>(new Set());
  const rows = rowsOf(props.before, props.after);
  const changed = rows.map((r, i) => (r.type === "same" ? -1 : i)).filter((i) => i >= 0);
  const near = (i: number) => changed.some((c) => Math.abs(c - i) <= CONTEXT);
  const added = rows.filter((r) => r.type === "add").length;
  const removed = rows.filter((r) => r.type === "del").length;
  const out = [];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (row.type === "same" && !near(i) && !expanded.has(i)) {
      let j = i;
      while (j < rows.length && rows[j]!.type === "same" && !near(j)) j++;
      const start = i;
      out.push(
        <tr class="fold" key={`f${i}`}>
          <td colSpan={3}>
            <button type="button" class="link" onClick={() => setExpanded(new Set([...expanded, ...Array.from({ length: j - start }, (_, k) => start + k)]))}>
              ⋯ {j - i} unchanged line{j - i === 1 ? "" : "s"}
            </button>
          </td>
        </tr>,
      );
      i = j - 1;
      continue;
    }
    out.push(
      <tr class={`d-${row.type}`} key={i}>
        <td class="ln">{row.a ?? ""}</td>
        <td class="ln">{row.b ?? ""}</td>
        <td class="src">
          <span class="mark">{row.type === "add" ? "+" : row.type === "del" ? "−" : " "}</span>
          <code class="hljs" dangerouslySetInnerHTML={{ __html: highlightLine(row.text) }} />
        </td>
      </tr>,
    );
  }
  return (
    <div class="diff">
      <div class="diff-head">
        <span>
          {props.beforeLabel} → {props.afterLabel}
        </span>
        <span class="add-count">+{added}</span> <span class="del-count">−{removed}</span>
        {added + removed === 0 ? <span class="muted"> (identical)</span> : null}
      </div>
      <table class="diff-table">
        <tbody>{out}</tbody>
      </table>
    </div>
  );
}

export function WordDiff(props: { before: string; after: string }) {
  return (
    <pre class="text worddiff">
      {diffWordsWithSpace(props.before, props.after).map((part, i) =>
        part.added ? <ins key={i}>{part.value}</ins> : part.removed ? <del key={i}>{part.value}</del> : <span key={i}>{part.value}</span>,
      )}
    </pre>
  );
}
