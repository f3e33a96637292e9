// The search tree: one node per step (one coding call chain + one sandbox attempt + grade), as AIDE's journal
// keeps it. Nodes are appended to search/nodes.jsonl as they finish, so a killed search resumes from the last
// finished node and the viewer can draw the tree while it grows. Selection reads the validation score the script
// printed; the hidden test score is kept for the report's oracle analysis only.
import { z } from "zod";
import { isBetter } from "../../datasets/index.js";

/** What made a node: a fresh draft, a fix of a failed node, or an improvement of a working one. */
export const SEARCH_OPERATORS = ["draft", "debug", "improve", "crossover"] as const;
export const SearchOperatorSchema = z.enum(SEARCH_OPERATORS);
export type SearchOperator = z.infer<typeof SearchOperatorSchema>;

export const SearchNodeSchema = z.object({
  /** Step number, from 0: the node's position in the tree's history. */
  step: z.number().int().nonnegative(),
  id: z.string().min(1),
  /** The node this one was made from (none for drafts); crossover names both parents. */
  parent: z.string().nullable(),
  secondParent: z.string().optional(),
  operator: SearchOperatorSchema,
  /** The natural-language plan (greedy) or the rendered instruction (instructed). */
  plan: z.string(),
  code: z.string(),
  /** The attempt folder under exec/ that ran this node's code. */
  attempt: z.string().optional(),
  /** The script ran and left a submission the grader accepted. */
  buggy: z.boolean(),
  /** Why the node is buggy (exception, grader's reason), first lines only. */
  error: z.string().optional(),
  /** The tail of what the script printed (what the next prompt sees). */
  output: z.string(),
  /** VALIDATION_SCORE the script printed; null when it printed none or failed. */
  validationScore: z.number().nullable(),
  /** Hidden test score of the node's submission: recorded for the oracle analysis, never read by a policy. */
  testScore: z.number().nullable(),
  tokens: z.object({ input: z.number().int().nonnegative(), output: z.number().int().nonnegative() }),
  startedAt: z.string(),
  durationMs: z.number().nonnegative(),
});
export type SearchNode = z.infer<typeof SearchNodeSchema>;

/** The part of a node a policy may read: everything but the hidden test score. */
export type VisibleNode = Omit<SearchNode, "testScore">;

/** Read-only queries over the nodes so far, in step order. */
export class SearchTree {
  private readonly children = new Map<string, string[]>();
  private readonly byId = new Map<string, VisibleNode>();

  constructor(
    readonly nodes: readonly VisibleNode[],
    readonly lowerIsBetter: boolean,
  ) {
    for (const node of nodes) {
      this.byId.set(node.id, node);
      for (const parent of [node.parent, node.secondParent]) {
        if (parent) this.children.set(parent, [...(this.children.get(parent) ?? []), node.id]);
      }
    }
  }

  get(id: string): VisibleNode | undefined {
    return this.byId.get(id);
  }

  childrenOf(id: string): VisibleNode[] {
    return (this.children.get(id) ?? []).map((c) => this.byId.get(c)!);
  }

  isLeaf(node: VisibleNode): boolean {
    return !this.children.has(node.id);
  }

  get drafts(): VisibleNode[] {
    return this.nodes.filter((n) => n.operator === "draft");
  }

  get buggy(): VisibleNode[] {
    return this.nodes.filter((n) => n.buggy);
  }

  get good(): VisibleNode[] {
    return this.nodes.filter((n) => !n.buggy);
  }

  /** Consecutive debug steps that led to this node (0 for a node that is not a debug). */
  debugDepth(node: VisibleNode): number {
    let depth = 0;
    let current: VisibleNode | undefined = node;
    while (current?.operator === "debug") {
      depth++;
      current = current.parent ? this.byId.get(current.parent) : undefined;
    }
    return depth;
  }

  /**
   * The best working node by the validation score it printed; working nodes without a score rank after every
   * scored one (earliest first), so a tree with no scores still has a best node.
   */
  best(): VisibleNode | undefined {
    let best: VisibleNode | undefined;
    for (const node of this.good) {
      if (!best) best = node;
      else if (node.validationScore !== null && (best.validationScore === null || isBetter(node.validationScore, best.validationScore, this.lowerIsBetter))) best = node;
    }
    return best;
  }

  /** Ids from the root of `node` down to it (the selected path the viewer highlights). */
  pathTo(id: string): string[] {
    const path: string[] = [];
    let current = this.byId.get(id);
    while (current) {
      path.unshift(current.id);
      current = current.parent ? this.byId.get(current.parent) : undefined;
    }
    return path;
  }

  /** A short history for prompts: each working node's plan and validation score (AIDE's "memory"). */
  memory(limit = 10): string {
    return this.good
      .slice(-limit)
      .map((n) => `- [${n.id}] ${n.operator}: ${firstLine(n.plan)} → validation ${n.validationScore ?? "not printed"}`)
      .join("\n");
  }
}

function firstLine(text: string, max = 200): string {
  const line = text.split("\n").find((l) => l.trim()) ?? "";
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

/** Node ids: the step number, zero-padded (sortable, stable across resume). */
export function nodeId(step: number): string {
  return `n${String(step).padStart(3, "0")}`;
}
