// The search tree: one node per step (one coding call chain + one sandbox attempt + grade), as AIDE's journal
// keeps it. Nodes are appended to search/nodes.jsonl as they finish, so a killed search resumes from the last
// finished node and the viewer can draw the tree while it grows. Selection reads the validation score the script
// printed; the hidden test score is kept for the report's oracle analysis only.
import { isBetter } from "../../datasets/index.js";
import type { SearchNode } from "../record/index.js";

export type { SearchNode };

/** The part of a node a policy may read: everything but the hidden test score. */
export type VisibleNode = Omit<SearchNode, "testScore">;

/**
 * Queries over the nodes so far, in step order. The search grows one tree as it goes (`add` after each step), so
 * a step reads an index it did not have to rebuild from every node.
 */
export class SearchTree {
  private readonly children = new Map<string, string[]>();
  private readonly byId = new Map<string, VisibleNode>();
  private readonly inOrder: VisibleNode[] = [];

  constructor(
    nodes: readonly VisibleNode[],
    readonly lowerIsBetter: boolean,
  ) {
    for (const node of nodes) this.add(node);
  }

  get nodes(): readonly VisibleNode[] {
    return this.inOrder;
  }

  /** The next step's node (its parent, if any, is already in the tree). */
  add(node: VisibleNode): void {
    this.inOrder.push(node);
    this.byId.set(node.id, node);
    if (node.parent) this.children.set(node.parent, [...(this.children.get(node.parent) ?? []), node.id]);
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
