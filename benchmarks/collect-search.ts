// A search run's tree as the report reads it (issue 20): node by node, with its scores normalised like the run's.
import { readSearchNodes, type RunRecord } from "../execution/index.js";
import { normalisedScore, type ReferenceScores } from "./stats.js";

/** One search node as the report reads it: its place in time and tree, and its scores (normalised like the run's). */
export interface SearchTraceNode {
  step: number;
  operator: string;
  parent: string | null;
  id: string;
  buggy: boolean;
  validation: number | null;
  test: number | null;
  normalisedTest: number | null;
  /** Milliseconds from the first node's start to this node's end. */
  elapsedMs: number;
}

export interface SearchTrace {
  policy: string;
  selected: string | null;
  nodes: SearchTraceNode[];
}

/** The run's search tree for the report (null without --search). */
export function searchTraceOf(record: RunRecord, reference: ReferenceScores | undefined): SearchTrace | null {
  if (!record.run.search) return null;
  const nodes = readSearchNodes(record.dir);
  const start = nodes.length ? Date.parse(nodes[0]!.startedAt) : 0;
  return {
    policy: record.run.search.policy,
    selected: record.run.search.selected ?? null,
    nodes: nodes.map((n) => ({
      step: n.step,
      operator: n.operator,
      parent: n.parent,
      id: n.id,
      buggy: n.buggy,
      validation: n.validationScore,
      test: n.testScore,
      normalisedTest: n.testScore !== null && reference ? (normalisedScore(n.testScore, reference) ?? null) : null,
      elapsedMs: Date.parse(n.startedAt) - start + n.durationMs,
    })),
  };
}
