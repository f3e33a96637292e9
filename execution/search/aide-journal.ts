// The search tree in AIDE's journal.json shape (aide/journal.py's Node and Journal as aide/utils/serialize.py writes
// them: nodes without parent links plus a node2parent map, "__version": "2"), so AIDE's own tools
// (serialize.load_json(path, Journal), tree_export) read a linguacodus search.
import type { SearchNode } from "./tree.js";

export interface AideNodeJson {
  code: string;
  plan: string;
  step: number;
  id: string;
  ctime: number;
  parent: null;
  children: never[];
  _term_out: string[];
  exec_time: number;
  exc_type: string | null;
  exc_info: Record<string, unknown> | null;
  exc_stack: null;
  analysis: string;
  metric: { value: number | null; maximize: boolean | null };
  is_buggy: boolean;
}

export interface AideJournalJson {
  nodes: AideNodeJson[];
  node2parent: Record<string, string>;
  __version: "2";
}

export function toAideJournal(nodes: readonly SearchNode[], lowerIsBetter: boolean): AideJournalJson {
  const node2parent: Record<string, string> = {};
  for (const node of nodes) if (node.parent) node2parent[node.id] = node.parent;
  return {
    nodes: nodes.map((node) => ({
      code: node.code,
      plan: node.plan,
      step: node.step,
      id: node.id,
      ctime: Date.parse(node.startedAt) / 1000,
      parent: null,
      children: [],
      _term_out: [node.output],
      exec_time: node.durationMs / 1000,
      exc_type: node.buggy ? errorType(node.error) : null,
      exc_info: node.buggy && node.error ? { message: node.error } : null,
      exc_stack: null,
      analysis: node.buggy ? `buggy: ${node.error ?? "no valid submission"}` : `${node.operator} node; validation score ${node.validationScore ?? "not printed"}`,
      // AIDE's WorstMetricValue is {value: null, maximize: null}.
      metric: node.buggy || node.validationScore === null ? { value: null, maximize: null } : { value: node.validationScore, maximize: !lowerIsBetter },
      is_buggy: node.buggy,
    })),
    node2parent,
    __version: "2",
  };
}

/** "ValueError: …" → "ValueError"; anything else is reported as a generic failure. */
function errorType(error: string | undefined): string {
  const match = /^([A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt)):/.exec(error ?? "");
  return match?.[1] ?? "Failure";
}
