// search/journal.json read by AIDE's own code: a greedy search through the built CLI (the model served over HTTP,
// answering by node), then aideml 0.2.2's serialize.load_json(path, Journal) in its venv (tests/search/aide.ts).
// What AIDE computes from the file — parents and children, stage (draft/debug/improve), bugginess, debug depth,
// metrics, the best node, its tree export's edges — must be the tree linguacodus searched and the node it selected.
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { RUN_FILES, SearchTree, readRunJson, readScore, readSearchNodes } from "../../execution/index.js";
import { linguacodus } from "../support/cli.js";
import type { OpenAiTestServer } from "../support/openai-server.js";
import type { Script } from "../support/scripted-model.js";
import { MERGED_BUGGY, tempDir, useCliAndModelServer } from "../pipeline/support.js";
import { aidePython, readWithAide } from "./aide.js";
import { greedyScript, nodeCall, planned, serveByNode } from "./support.js";

// greedyScript, except that the fix of n000 (n003) fails again, so n004 debugs a debug: AIDE's debug depth 2.
const script: Script = (call) => (nodeCall(call).node === "n003" ? planned(MERGED_BUGGY) : greedyScript(call));

let taskDir: string;
let server: OpenAiTestServer;
let python: string;
useCliAndModelServer(serveByNode(script), (fixture) => ({ taskDir, server } = fixture));
beforeAll(async () => {
  python = await aidePython();
}, 900_000);

describe("search/journal.json through AIDE's own journal code (aideml 0.2.2)", () => {
  it("AIDE reads the searched tree: parents, stages, bugs, debug depths, metrics and the selected node as best", async () => {
    const out = tempDir("lc-aide-journal-");
    const args = ["run", taskDir, "--mode", "direct", "--search", "greedy", "--steps", "6", "--drafts", "3", "--debug-probability", "1", "--seed", "7"];
    const run = await linguacodus([...args, "--model", `openai:scripted@${server.baseURL}`, "--out", out, "--json"], { LINGUACODUS_HOME: tempDir("lc-aide-home-") });
    expect(run.code, run.stderr).toBe(0);
    const dir = join(out, readdirSync(out)[0]!);
    const nodes = readSearchNodes(dir);
    const runJson = readRunJson(dir);
    const lowerIsBetter = readScore(dir)!.lower_is_better;

    const aide = await readWithAide(python, join(dir, RUN_FILES.searchJournal));
    // AIDE's released code, from the venv, did the reading.
    expect(aide.aideml).toBe("0.2.2");
    expect(aide.module.startsWith(dirname(dirname(python)))).toBe(true);

    // The tree the scripted search grew, as linguacodus recorded it…
    expect(nodes.map((n) => [n.id, n.operator, n.parent, n.buggy])).toEqual([
      ["n000", "draft", null, true],
      ["n001", "draft", null, false],
      ["n002", "draft", null, false],
      ["n003", "debug", "n000", true],
      ["n004", "debug", "n003", false],
      ["n005", "improve", "n002", false],
    ]);
    // …and as AIDE reads it: same nodes, steps, parent links and children.
    expect(aide.nodes.map((n) => [n.id, n.step, n.parent])).toEqual(nodes.map((n) => [n.id, n.step, n.parent]));
    for (const node of aide.nodes) expect(node.children).toEqual(nodes.filter((n) => n.parent === node.id).map((n) => n.id));
    const stepOf = new Map(nodes.map((n) => [n.id, n.step]));
    const edges = nodes.filter((n) => n.parent).map((n) => [stepOf.get(n.parent!)!, n.step]);
    expect([...aide.edges].sort()).toEqual(edges.sort());

    // AIDE's classification (stage from the parent's bugginess, debug depth along the chain) is the operator and
    // depth linguacodus recorded and its policy used.
    const tree = new SearchTree(nodes, lowerIsBetter);
    expect(aide.nodes.map((n) => n.stage)).toEqual(nodes.map((n) => n.operator));
    expect(aide.nodes.map((n) => n.is_buggy)).toEqual(nodes.map((n) => n.buggy));
    expect(aide.nodes.map((n) => n.debug_depth)).toEqual([0, 0, 0, 1, 2, 0]);
    expect(aide.nodes.map((n) => n.debug_depth)).toEqual(nodes.map((n) => tree.debugDepth(n)));
    expect(aide.drafts).toEqual(["n000", "n001", "n002"]);
    expect(aide.buggy).toEqual(["n000", "n003"]);
    expect(aide.good).toEqual(["n001", "n002", "n004", "n005"]);

    // Metrics: the validation score each node printed, in the task's direction; buggy nodes AIDE's worst value.
    expect(aide.nodes.map((n) => n.metric)).toEqual(nodes.map((n) => (n.buggy ? null : n.validationScore)));
    expect(aide.nodes.filter((n) => n.metric !== null).map((n) => n.maximize)).toEqual(aide.good.map(() => !lowerIsBetter));
    expect(aide.nodes.map((n) => n.term_out)).toEqual(nodes.map((n) => n.output));

    // AIDE's get_best_node() is the node linguacodus selected: the liar (best validation, worst test score).
    expect(runJson.search?.selected).toBe("n002");
    expect(aide.best).toBe(runJson.search?.selected);
    expect(aide.best_any).toBe(runJson.search?.selected);
  }, 600_000);
});
