// The per-rank planner (json-per-rank) through the real agent team with a scripted model: one call per place with
// the paper's "<place> place instruction" line, one shared prompt prefix, a place that fails twice left out.
import { describe, expect, it } from "vitest";
import { createAgentTeam, createMemoryTranscriptSink } from "../../agents/index.js";
import { critiqueInstructions, planInstructionsReport } from "../../instructions/index.js";
import { type Script, ScriptedChatModel } from "../support/scripted-model.js";

const answer = (title: string) =>
  JSON.stringify({ title, dataPreprocessing: ["Read /data/train.csv"], modelArchitecture: ["Ridge"], modelTraining: ["5-fold CV, MAE"], submission: ["Write id, target"] });

function planner(script: Script) {
  const model = new ScriptedChatModel(script);
  const sink = createMemoryTranscriptSink();
  const team = createAgentTeam({ models: { default: "openai:scripted" }, transcript: sink, resolveChatModel: () => model });
  return { model, sink, agent: team.model("planner") };
}

const input = { context: "# Task: predict strength\nColumns: cement, water, age", libraries: ["numpy", "pandas"], count: 3, promptMode: "json-per-rank" as const };

describe("per-rank planner (json-per-rank)", () => {
  it("asks once per place with the same prefix and ranks the answers in place order", async () => {
    const { model, agent } = planner(({ lastUser }) => answer(/write the (\w+) place/.exec(lastUser)?.[1] ?? "?"));
    const { instructions, failures } = await planInstructionsReport(agent, input);
    expect(failures).toEqual([]);
    expect(instructions.map((i) => [i.rank, i.title])).toEqual([
      [1, "first"],
      [2, "second"],
      [3, "third"],
    ]);
    expect(model.calls).toHaveLength(3);
    // Each prompt is the first one up to its place line (what lets a local model reuse the evaluated prefix).
    const prompts = model.calls.map((c) => c.promptText);
    const prefix = prompts[0]!.slice(0, prompts[0]!.indexOf("write the first place"));
    expect(prefix.length).toBeGreaterThan(200);
    for (const prompt of prompts) expect(prompt.startsWith(prefix)).toBe(true);
    // The schema is the short one-instruction answer, not the N-instruction object.
    expect(Object.keys((model.calls[0]!.options.jsonSchema as { properties: object }).properties)).not.toContain("instructions");
  });

  it("leaves out a place whose answer fails validation twice, with the reason, and keeps the others", async () => {
    const { model, agent } = planner(({ promptText }) => (/second place/.test(promptText) ? '{"title": ' : answer("ok")));
    const { instructions, failures } = await planInstructionsReport(agent, input);
    expect(instructions.map((i) => i.rank)).toEqual([1, 2]);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ rank: 2, error: expect.stringMatching(/failed validation twice.*step "instruction-2"/s) });
    expect(model.calls).toHaveLength(4);
  });

  it("fails the stage when no place gives a valid instruction", async () => {
    const { agent } = planner(() => "no json here");
    await expect(planInstructionsReport(agent, { ...input, count: 2 })).rejects.toThrow(/no valid instruction for any of 2 place/);
  });

  it("compact critic: the refined instruction is bounded like one place's answer", async () => {
    const { model, agent } = planner(() =>
      JSON.stringify({ candidates: [], chosenRank: 1, rationale: "fine", refined: { rank: 1, ...JSON.parse(answer("refined")) } }),
    );
    const candidates = (await planInstructionsReport(planner(() => answer("c")).agent, { ...input, count: 1 })).instructions;
    const verdict = await critiqueInstructions(agent, { ...input, candidates, compact: true });
    expect(verdict.refined.title).toBe("refined");
    const schema = model.calls[0]!.options.jsonSchema as { properties: { rationale: { maxLength: number } } };
    expect(schema.properties.rationale.maxLength).toBeLessThanOrEqual(240);
  });
});
