// Search policies over hand-made trees: what each chooses, that the choice never depends on the test score, and
// that a step's choice is a function of the seed, the step and the visible tree alone.
import { describe, expect, it } from "vitest";
import { DEFAULT_SEARCH_SETTINGS, greedyPolicy, mctsPolicy, stepRandom } from "../../execution/search/policies.js";
import { type SearchNode, SearchTree, nodeId } from "../../execution/search/tree.js";
import { toAideJournal } from "../../execution/search/aide-journal.js";

let step = 0;
function node(fields: Partial<SearchNode> & Pick<SearchNode, "operator">): SearchNode {
  const s = step++;
  return {
    step: s,
    id: nodeId(s),
    parent: null,
    reason: "test",
    attempt: String(s + 1).padStart(3, "0"),
    plan: `plan ${s}`,
    code: `print(${s})`,
    buggy: false,
    output: "",
    validationScore: null,
    testScore: null,
    tokens: { input: 10, output: 5 },
    startedAt: new Date(0).toISOString(),
    durationMs: 1000,
    ...fields,
  };
}

const settings = { ...DEFAULT_SEARCH_SETTINGS, drafts: 2 };

describe("greedy (AIDE) policy", () => {
  it("drafts until it has the initial drafts", () => {
    step = 0;
    const tree = new SearchTree([node({ operator: "draft" })], false);
    expect(greedyPolicy({ tree, settings, random: () => 0.9 })).toMatchObject({ operator: "draft", reason: "draft 2 of 2" });
  });

  it("debugs a buggy leaf when the coin says debug, and never past the debug depth", () => {
    step = 0;
    const a = node({ operator: "draft", buggy: true, error: "ValueError: x" });
    const b = node({ operator: "draft", validationScore: 0.5 });
    const tree = new SearchTree([a, b], false);
    expect(greedyPolicy({ tree, settings, random: () => 0.1 })).toMatchObject({ operator: "debug", parent: { id: a.id } });
    // Three consecutive debugs of a: the chain's leaf is too deep, so the step improves the best node instead.
    const d1 = node({ operator: "debug", parent: a.id, buggy: true });
    const d2 = node({ operator: "debug", parent: d1.id, buggy: true });
    const d3 = node({ operator: "debug", parent: d2.id, buggy: true });
    const deep = new SearchTree([a, b, d1, d2, d3], false);
    expect(deep.debugDepth(d3)).toBe(3);
    expect(greedyPolicy({ tree: deep, settings, random: () => 0.1 })).toMatchObject({ operator: "improve", parent: { id: b.id } });
  });

  it("improves the best node by validation score, in the metric's direction, and never by the test score", () => {
    step = 0;
    const worseValidBetterTest = node({ operator: "draft", validationScore: 0.9, testScore: 0.1 });
    const betterValidWorseTest = node({ operator: "draft", validationScore: 0.3, testScore: 0.99 });
    const unscored = node({ operator: "draft" });
    // Lower is better: 0.3 is the best validation score; the test scores point the other way.
    const tree = new SearchTree([worseValidBetterTest, betterValidWorseTest, unscored], true);
    expect(greedyPolicy({ tree, settings, random: () => 0.9 })).toMatchObject({ operator: "improve", parent: { id: betterValidWorseTest.id } });
    const higher = new SearchTree([worseValidBetterTest, betterValidWorseTest, unscored], false);
    expect(higher.best()?.id).toBe(worseValidBetterTest.id);
  });

  it("drafts again when nothing works", () => {
    step = 0;
    const tree = new SearchTree([node({ operator: "draft", buggy: true }), node({ operator: "draft", buggy: true })], false);
    expect(greedyPolicy({ tree, settings: { ...settings, maxDebugDepth: 0 }, random: () => 0.1 })).toMatchObject({ operator: "draft" });
  });
});

describe("step randomness", () => {
  it("depends on the seed and the step only", () => {
    const a = stepRandom(7, 3);
    const b = stepRandom(7, 3);
    expect([a(), a()]).toEqual([b(), b()]);
    expect(stepRandom(7, 4)()).not.toBe(stepRandom(7, 3)());
    expect(stepRandom(8, 3)()).not.toBe(stepRandom(7, 3)());
  });
});

describe("mcts policy", () => {
  it("drafts first, then descends to the better subtree and debugs buggy leaves it reaches", () => {
    step = 0;
    const good = node({ operator: "draft", validationScore: 0.9 });
    const bad = node({ operator: "draft", validationScore: 0.1 });
    const tree = new SearchTree([good, bad], false);
    const action = mctsPolicy({ tree, settings: { ...settings, exploration: 0.1 }, random: () => 0.5 });
    expect(action).toMatchObject({ operator: "improve", parent: { id: good.id } });
    const child = node({ operator: "improve", parent: good.id, buggy: true, error: "KeyError: 'y'" });
    const grown = new SearchTree([good, bad, child], false);
    expect(mctsPolicy({ tree: grown, settings: { ...settings, exploration: 0 }, random: () => 0.5 }).operator).toMatch(/improve|debug/);
  });
});

describe("AIDE journal export", () => {
  it("writes AIDE's node shape with a node2parent map and its worst-metric value for buggy nodes", () => {
    step = 0;
    const a = node({ operator: "draft", validationScore: 0.7 });
    const b = node({ operator: "debug", parent: a.id, buggy: true, error: "ValueError: bad shape" });
    const journal = toAideJournal([a, b], true);
    expect(journal.__version).toBe("2");
    expect(journal.node2parent).toEqual({ [b.id]: a.id });
    expect(journal.nodes[0]).toMatchObject({ id: a.id, metric: { value: 0.7, maximize: false }, is_buggy: false, exc_type: null });
    expect(journal.nodes[1]).toMatchObject({ metric: { value: null, maximize: null }, is_buggy: true, exc_type: "ValueError" });
  });
});
