// The roles' texts by the task's kind (issue 23): an analysis's prompts never speak of a Kaggle competition, from the
// system text through every role that names one; a competition's read as before.
import { describe, expect, it } from "vitest";
import { TEAM_SYSTEM, type ChatTurn } from "../../agents/index.js";
import { directPrompt } from "../../codegen/prompts/direct.js";
import { reviewerPrompt } from "../../codegen/prompts/reviewer.js";
import { debugPrompt, draftPrompt, improvePrompt } from "../../codegen/prompts/search.js";
import { unitTestsPrompt } from "../../codegen/prompts/tester.js";
import { criticPrompt } from "../../instructions/prompts/critic.js";
import { plannerRankPrompt } from "../../instructions/prompts/planner-rank.js";
import { plannerPrompt } from "../../instructions/prompts/planner.js";

const base = { context: "# Task", libraries: ["numpy"] };
const roles = (analysis: boolean): Array<[string, ChatTurn[]]> => {
  const input = { ...base, analysis };
  return [
    ["planner", plannerPrompt({ ...input, count: 2 })],
    ["per-rank planner", plannerRankPrompt({ ...input, rank: 1, count: 2, answerFormat: "JSON" })],
    ["critic", criticPrompt({ ...input, candidates: "1. x" })],
    ["direct coder", directPrompt(input)],
    ["reviewer", reviewerPrompt({ ...input, script: "x = 1", stdoutTail: "", validationScore: null, round: 1 })],
    ["search draft", draftPrompt({ ...input, memory: "" })],
    ["search improve", improvePrompt({ ...input, memory: "", script: "x = 1", outputTail: "", validationScore: null })],
    ["search debug", debugPrompt({ ...input, memory: "", script: "x = 1", outputTail: "", error: "boom" })],
    ["tester", unitTestsPrompt({ ...input, script: "x = 1" })],
  ];
};
const text = (turns: ChatTurn[]) => turns.map((t) => t.content).join("\n");

describe("role texts by the task's kind", () => {
  for (const [role, turns] of roles(true)) {
    it(`an analysis's ${role} reads as an analysis`, () => {
      expect(turns[0]?.content).toMatch(/answering a data-analysis request/);
      expect(text(turns)).not.toMatch(/Kaggle|competition/i);
    });
  }
  for (const [role, turns] of roles(false)) {
    it(`a competition's ${role} keeps the team's system text`, () => {
      expect(turns[0]).toEqual({ role: "system", content: TEAM_SYSTEM });
      expect(TEAM_SYSTEM).toMatch(/Kaggle-style competition/);
    });
  }
  it("an analysis's reviewer asks about its result, not a validation score", () => {
    const reviewer = text(roles(true).find(([role]) => role === "reviewer")![1]);
    expect(reviewer).not.toMatch(/validation score|limits the score/i);
    expect(reviewer).toMatch(/what limits the soundness of its result/);
    expect(text(roles(false).find(([role]) => role === "reviewer")![1])).toMatch(/Validation score it printed: \(none printed\)/);
  });
  it("a competition's planner and direct coder still name Kaggle competitions", () => {
    const byRole = new Map(roles(false));
    expect(text(byRole.get("planner")!)).toMatch(/wins Kaggle competitions/);
    expect(text(byRole.get("direct coder")!)).toMatch(/solutions to Kaggle competitions/);
  });
});
