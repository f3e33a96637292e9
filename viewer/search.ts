// A run's tree search as the viewer shows it: the tree's nodes in summary (what the SVG draws) and one node in full
// on demand (plan, code, output — the bulk of nodes.jsonl, so a 500-node tree's page payload stays small).
import { existsSync, readFileSync, statSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { TASK_FILES, parseTaskSpec } from "../datasets/index.js";
import { RUN_FILES, readSearchNodes, type RunJson, type ScoreJson, type SearchNode } from "../execution/index.js";
import type { SearchNodeDetail, SearchView } from "./api.js";

/** nodes.jsonl read once per state of the file (the page asks for the tree, then for nodes one by one). */
export class SearchNodeCache {
  private readonly cache = new Map<string, { stamp: string; nodes: SearchNode[] }>();

  nodes(dir: string): SearchNode[] {
    const path = join(dir, RUN_FILES.searchNodes);
    if (!existsSync(path)) return [];
    const s = statSync(path);
    const stamp = `${s.size}:${s.mtimeMs}`;
    const hit = this.cache.get(dir);
    if (hit?.stamp === stamp) return hit.nodes;
    const nodes = readSearchNodes(dir);
    this.cache.set(dir, { stamp, nodes });
    return nodes;
  }
}

/** The metric's direction: the grade's, else the task's (a search still running has no grade yet). */
function lowerIsBetterOf(dir: string, run: RunJson | undefined, score: ScoreJson | undefined): boolean | null {
  if (score) return score.lower_is_better;
  if (!run) return null;
  const specPath = join(isAbsolute(run.taskDir) ? run.taskDir : join(dir, run.taskDir), TASK_FILES.spec);
  try {
    return parseTaskSpec(readFileSync(specPath, "utf8"), specPath).lower_is_better;
  } catch {
    return null;
  }
}

export function searchView(options: { dir: string; nodes: readonly SearchNode[]; run: RunJson | undefined; score: ScoreJson | undefined }): SearchView | null {
  const { dir, nodes, run } = options;
  const search = run?.search;
  if (nodes.length === 0 && !search) return null;
  return {
    policy: search?.policy ?? null,
    steps: search?.steps ?? null,
    done: nodes.length,
    stopped: search?.stopped ?? null,
    selected: search?.selected ?? null,
    lowerIsBetter: lowerIsBetterOf(dir, run, options.score),
    nodes: nodes.map((n) => ({
      id: n.id,
      step: n.step,
      parent: n.parent,
      operator: n.operator,
      reason: n.reason,
      buggy: n.buggy,
      validationScore: n.validationScore,
    })),
  };
}

/** One node in full with its parent's code; undefined when the tree has no such node. */
export function searchNodeDetail(nodes: readonly SearchNode[], id: string): SearchNodeDetail | undefined {
  const node = nodes.find((n) => n.id === id);
  if (!node) return undefined;
  const parent = node.parent === null ? undefined : nodes.find((n) => n.id === node.parent);
  return { node, parentCode: parent?.code ?? null };
}
