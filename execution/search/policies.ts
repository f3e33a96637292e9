// Search policies: given the tree so far, choose the next step's operator and parent. A policy is a pure function
// of the visible tree (no test score), its settings and the step's random numbers, which are derived from the run's
// seed and the step number alone — so a resumed search makes exactly the choices a fresh one would, and `replay:`
// reproduces the tree.
import { bestFirst, seededRandom } from "../../datasets/index.js";
import type { SearchOperator } from "../record/index.js";
import type { SearchTree, VisibleNode } from "./tree.js";

export const SEARCH_POLICIES = ["greedy", "instructed", "mcts"] as const;
export type SearchPolicyName = (typeof SEARCH_POLICIES)[number];

export interface SearchSettings {
  /** Initial drafts before any debug or improve (AIDE: 5). */
  drafts: number;
  /** Chance that a step debugs a buggy leaf when one is debuggable (AIDE: 0.5). */
  debugProbability: number;
  /** Longest chain of consecutive debug steps (AIDE: 3). */
  maxDebugDepth: number;
  /** UCT exploration constant (mcts). */
  exploration: number;
}

export const DEFAULT_SEARCH_SETTINGS: SearchSettings = { drafts: 5, debugProbability: 0.5, maxDebugDepth: 3, exploration: 1.4 };

/** The next step: an operator and the node it works from (none for a draft). */
export interface SearchAction {
  operator: SearchOperator;
  parent?: VisibleNode;
  /** Why the policy chose this (recorded with the node: "draft 2 of 5", "debug of a buggy leaf", …). */
  reason: string;
}

export interface PolicyInput {
  tree: SearchTree;
  settings: SearchSettings;
  /** Uniform numbers in [0, 1) for this step only. */
  random: () => number;
}

export type SearchPolicy = (input: PolicyInput) => SearchAction;

/** The step's own random stream: a function of the run's seed and the step number, nothing else. */
export function stepRandom(seed: number, step: number): () => number {
  return seededRandom((Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(step + 1, 0x85ebca6b)) >>> 0);
}

/**
 * AIDE's greedy policy: draft until there are `drafts` drafts; then, with probability `debugProbability`, debug a
 * random buggy leaf within the debug depth; otherwise improve the best working node (draft again when none works).
 * `instructed` walks the same tree; only what its operators do differs (drafts from the planner's ranked
 * instructions, improvements through a new instruction), so the two are comparable step for step.
 */
export const greedyPolicy: SearchPolicy = ({ tree, settings, random }) => {
  const drafts = tree.drafts.length;
  if (drafts < settings.drafts) return { operator: "draft", reason: `draft ${drafts + 1} of ${settings.drafts}` };
  if (random() < settings.debugProbability) {
    const debuggable = tree.buggy.filter((n) => tree.isLeaf(n) && tree.debugDepth(n) < settings.maxDebugDepth);
    if (debuggable.length) {
      const parent = debuggable[Math.floor(random() * debuggable.length)]!;
      return { operator: "debug", parent, reason: `debug of a buggy leaf (${debuggable.length} debuggable)` };
    }
  }
  const best = tree.best();
  if (!best) return { operator: "draft", reason: "no working node to improve" };
  return { operator: "improve", parent: best, reason: `improve the best node (validation ${best.validationScore ?? "not printed"})` };
};

/**
 * UCT over the tree: the reward of a node is its validation score ranked among the tree's scored nodes (0 worst,
 * 1 best, in the metric's direction; buggy or unscored nodes 0), backed up to its ancestors. A step either drafts a
 * new root (the virtual root's child with the highest UCT, drafts counted as one arm), debugs a buggy leaf reached
 * by descent, or improves the working node reached by descent.
 */
export const mctsPolicy: SearchPolicy = ({ tree, settings, random }) => {
  const drafts = tree.drafts.length;
  if (drafts < Math.min(settings.drafts, 2)) return { operator: "draft", reason: `draft ${drafts + 1} before UCT` };
  const reward = rankRewards(tree);
  const stats = new Map<string, { visits: number; total: number }>();
  for (const node of [...tree.nodes].reverse()) {
    const own = { visits: 1, total: reward.get(node.id) ?? 0 };
    for (const child of tree.childrenOf(node.id)) {
      const s = stats.get(child.id)!;
      own.visits += s.visits;
      own.total += s.total;
    }
    stats.set(node.id, own);
  }
  const total = tree.nodes.length;
  const uct = (id: string, parentVisits: number) => {
    const s = stats.get(id)!;
    return s.total / s.visits + settings.exploration * Math.sqrt(Math.log(parentVisits + 1) / s.visits);
  };
  // A new draft is one more arm at the root, valued like an unvisited child on the mean draft reward.
  const draftArm = tree.drafts.reduce((sum, d) => sum + stats.get(d.id)!.total / stats.get(d.id)!.visits, 0) / Math.max(1, drafts)
    + settings.exploration * Math.sqrt(Math.log(total + 1) / (drafts + 1));
  let current: VisibleNode | undefined;
  let bestValue = draftArm;
  for (const root of tree.drafts) {
    const value = uct(root.id, total) + random() * 1e-9;
    if (value > bestValue) [current, bestValue] = [root, value];
  }
  if (!current) return { operator: "draft", reason: "UCT chose a new draft" };
  for (;;) {
    if (current.buggy) {
      return tree.debugDepth(current) < settings.maxDebugDepth && tree.isLeaf(current)
        ? { operator: "debug", parent: current, reason: "UCT reached a buggy leaf" }
        : { operator: "improve", parent: tree.best() ?? current, reason: "UCT reached a dead end; improve the best node" };
    }
    const visits = stats.get(current.id)!.visits;
    const working = tree.childrenOf(current.id).filter((c) => !c.buggy || tree.isLeaf(c));
    // Expand here when no child beats the value of trying something new from this node.
    const expand = settings.exploration * Math.sqrt(Math.log(visits + 1) / (working.length + 1)) + (reward.get(current.id) ?? 0);
    let next: VisibleNode | undefined;
    let nextValue = expand;
    for (const child of working) {
      const value = uct(child.id, visits);
      if (value > nextValue) [next, nextValue] = [child, value];
    }
    if (!next) return { operator: "improve", parent: current, reason: `UCT expands ${current.id}` };
    current = next;
  }
};

/** Validation scores ranked within the tree: 1 for the best, 0 for the worst scored; unscored and buggy 0. */
function rankRewards(tree: SearchTree): Map<string, number> {
  const scored = tree.good.filter((n) => n.validationScore !== null);
  const best = bestFirst(tree.lowerIsBetter);
  const sorted = [...scored].sort((a, b) => best(b.validationScore!, a.validationScore!));
  const rewards = new Map<string, number>();
  sorted.forEach((node, i) => rewards.set(node.id, sorted.length === 1 ? 1 : i / (sorted.length - 1)));
  return rewards;
}

export const POLICIES: Record<SearchPolicyName, SearchPolicy> = {
  greedy: greedyPolicy,
  instructed: greedyPolicy,
  mcts: mctsPolicy,
};
