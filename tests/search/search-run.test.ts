// Tree search end to end through runTask on the real Docker sandbox, with scripted models answering by node:
// the greedy policy grows drafts, then debugs the failed draft and improves the best; selection follows the
// printed validation score even when the hidden test score disagrees; a budget stops it cleanly; a failed session
// resumes without repeating finished nodes; replay reproduces the tree; instructed search drafts from the planner.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createProviderResolver } from "../../agents/providers/index.js";
import { parseCallStep } from "../../agents/index.js";
import { grade } from "../../datasets/index.js";
import { readAttempts, readRunJson, readScore, resumeRun, runTask, RUN_FILES, type SearchNode } from "../../execution/index.js";
import { readSearchNodes } from "../../execution/search/index.js";
import { teamFactory } from "../../execution/wiring.js";
import { fence } from "../support/fence.js";
import type { Script } from "../support/scripted-model.js";
import { INSTRUCTIONS, MERGED_FIXED, TEST_LIBRARIES, sandboxSuite, scriptedDeps } from "../pipeline/support.js";
import { SEARCH, greedyScript, nodeCall } from "./support.js";

describe("tree search (real Docker sandbox, scripted models)", () => {
  const suite = sandboxSuite();

  it("greedy: drafts, then debugs the failed draft and improves the best; selects by validation, never by test", async () => {
    const deps = scriptedDeps(suite.sandbox(), greedyScript);
    const result = await runTask(suite.task(), SEARCH, { ...deps, outDir: suite.dir("lc-search-") });
    const nodes = readSearchNodes(result.dir);
    expect(nodes.map((n) => [n.id, n.operator, n.parent])).toEqual([
      ["n000", "draft", null],
      ["n001", "draft", null],
      ["n002", "draft", null],
      ["n003", "debug", "n000"],
      ["n004", "improve", "n002"],
    ]);
    expect(nodes.map((n) => n.buggy)).toEqual([true, false, false, false, false]);
    // Each node is one attempt, recorded as a search attempt.
    expect(readAttempts(result.dir).map((a) => [a.attempt, a.kind])).toEqual(nodes.map((n) => [n.attempt, "search"]));
    // The prompts carry the node's code, output and error.
    const fixCall = deps.model.calls.find((c) => nodeCall(c).kind === "debug")!;
    expect(fixCall.promptText).toContain("KeyError");
    const improveCall = deps.model.calls.find((c) => nodeCall(c).kind === "improve")!;
    expect(improveCall.promptText).toContain("VALIDATION_SCORE=0.5");

    // The liar has the best validation score and the worst test score: it is selected all the same.
    const liar = nodes[2]!;
    const oracle = [...nodes].filter((n) => n.testScore !== null).sort((a, b) => a.testScore! - b.testScore!)[0]!;
    expect(oracle.id).not.toBe(liar.id);
    const run = readRunJson(result.dir);
    expect(run.search).toMatchObject({ policy: "greedy", steps: 5, done: 5, stopped: "steps", selected: "n002" });
    expect(readScore(result.dir)).toMatchObject({ attempt: liar.attempt, validation_score: 0.5, score: liar.testScore });
    expect(run.status).toBe("succeeded");

    // AIDE's journal shape is written with the run.
    const journal = JSON.parse(readFileSync(join(result.dir, RUN_FILES.searchJournal), "utf8")) as { nodes: unknown[]; node2parent: Record<string, string> };
    expect(journal.nodes).toHaveLength(5);
    expect(journal.node2parent).toEqual({ n003: "n000", n004: "n002" });

    // replay: reproduces the tree exactly (same choices, same code, same score).
    const resolver = createProviderResolver();
    const replayed = await runTask(
      suite.task(),
      { ...SEARCH, models: { default: `replay:${result.dir}` } },
      { sandbox: suite.sandbox(), grade, libraries: TEST_LIBRARIES, createTeam: teamFactory(resolver.resolve), outDir: suite.dir("lc-search-replay-") },
    );
    await resolver.close();
    const strip = (n: SearchNode) => [n.id, n.operator, n.parent, n.code, n.validationScore, n.testScore];
    expect(readSearchNodes(replayed.dir).map(strip)).toEqual(nodes.map(strip));
    expect(readScore(replayed.dir)?.score).toBe(readScore(result.dir)?.score);
  });

  it("stops at a token budget with status budget, keeping the best node so far", async () => {
    const deps = scriptedDeps(suite.sandbox(), greedyScript);
    const result = await runTask(suite.task(), { ...SEARCH, steps: 50, budgetTokens: 1 }, { ...deps, outDir: suite.dir("lc-search-budget-") });
    const run = readRunJson(result.dir);
    expect(run.status).toBe("budget");
    expect(run.search?.done).toBeLessThan(50);
    expect(run.search?.stopped).toMatch(/token/i);
  });

  it("a session that fails mid-search resumes after the last finished node, without repeating one", async () => {
    let failAt: string | undefined = "n003";
    const flaky: Script = (call) => {
      if (failAt && nodeCall(call).node === failAt) throw Object.assign(new Error("provider down"), { status: 400 });
      return greedyScript(call);
    };
    const deps = scriptedDeps(suite.sandbox(), flaky);
    const dir = suite.dir("lc-search-resume-");
    const failed = await runTask(suite.task(), SEARCH, { ...deps, outDir: dir }).catch((error: { runDir: string }) => error);
    const runDir = (failed as { runDir: string }).runDir;
    expect(readSearchNodes(runDir).map((n) => n.id)).toEqual(["n000", "n001", "n002"]);
    const callsBefore = deps.model.calls.length;
    failAt = undefined;
    const resumed = await resumeRun(runDir, deps);
    expect(resumed.run.status).toBe("succeeded");
    const nodes = readSearchNodes(runDir);
    expect(nodes.map((n) => n.id)).toEqual(["n000", "n001", "n002", "n003", "n004"]);
    // Only the two unfinished nodes called a model in the second session.
    expect(new Set(deps.model.calls.slice(callsBefore).map((c) => nodeCall(c).node))).toEqual(new Set(["n003", "n004"]));
    expect(existsSync(join(runDir, RUN_FILES.searchJournal))).toBe(true);
  });

  it("instructed: drafts are the planner's ranked instructions through the staged coders; improve asks the planner for the next one", async () => {
    const blocksOf = (script: string) => fence(script);
    const script: Script = (call) => {
      const { kind } = nodeCall(call);
      if (kind === "instructions") return JSON.stringify(INSTRUCTIONS);
      if (kind === "next-instruction") return JSON.stringify({ title: "Per-age median, refit", dataPreprocessing: ["Read the data"], modelArchitecture: ["Median per age"], modelTraining: ["MAE on 20%"], submission: ["Write submission.csv"] });
      if (kind === "block") return blocksOf("x = 1");
      if (kind === "merge") return fence(MERGED_FIXED);
      if (kind === "fix") return fence(MERGED_FIXED);
      throw new Error(`unscripted call ${call.role}/${call.step}`);
    };
    const deps = scriptedDeps(suite.sandbox(), script);
    const result = await runTask(
      suite.task(),
      { mode: "linguacodus", search: "instructed", steps: 3, drafts: 2, debugProbability: 0, seed: 3, models: { default: "openai:scripted" } },
      { ...deps, outDir: suite.dir("lc-search-instructed-") },
    );
    const nodes = readSearchNodes(result.dir);
    expect(nodes.map((n) => n.operator)).toEqual(["draft", "draft", "improve"]);
    // Drafts follow the planner's ranks 1 and 2; the improvement is the planner's next instruction.
    expect(nodes[0]!.plan).toContain("Median strength per concrete age");
    expect(nodes[1]!.plan).toContain("Global median");
    expect(nodes[2]!.plan).toContain("Per-age median, refit");
    const kinds = deps.model.calls.map((c) => nodeCall(c).kind);
    expect(kinds.filter((k) => k === "instructions")).toHaveLength(1);
    expect(kinds.filter((k) => k === "next-instruction")).toHaveLength(1);
    expect(kinds.filter((k) => k === "block")).toHaveLength(12);
    expect(readRunJson(result.dir).status).toBe("succeeded");
  });
});
