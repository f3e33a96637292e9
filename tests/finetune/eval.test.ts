// finetune eval: base vs adapter planner metrics (scripted models through the real agent team), the refusal of
// tasks that are in the corpus, and the downstream bench whose columns vary the planner alone.
import { describe, expect, it } from "vitest";
import { createAgentTeam, createMemoryTranscriptSink } from "../../agents/index.js";
import { expandMatrix, parseModelColumn } from "../../benchmarks/index.js";
import { adapterSpec, checkNoOverlap, downstreamBenchArgs, evaluatePlanners, EvalInputError } from "../../finetune/index.js";
import { builtinTask } from "../pipeline/support.js";
import { ScriptedChatModel } from "../support/scripted-model.js";

const SECTIONS = "Data Preprocessing:\n- read the data\nModel Architecture:\n- ridge\nModel Training:\n- 5-fold CV\nSubmission:\n- write submission.csv";

describe("finetune eval", () => {
  it("measures parse rate, section completeness and length for base and adapter", async () => {
    const task = await builtinTask();
    const models = new Map<string, ScriptedChatModel>([
      // The base rambles (two sections, never parses); the adapter parses except rank 2's first answer.
      ["base", new ScriptedChatModel(() => "Data Preprocessing: clean it\nModel Training: fit it")],
      ["adapter", new ScriptedChatModel(({ lastUser, index }) => (lastUser.includes("second place") && index === 1 ? "no idea" : SECTIONS))],
    ]);
    const report = await evaluatePlanners({
      base: "/m/base.gguf",
      adapterGguf: "/m/lora.gguf",
      tasks: [task],
      corpusCompetitions: ["house-rmse"],
      ranks: 2,
      createTeam: (spec) =>
        createAgentTeam({ models: { planner: spec }, transcript: createMemoryTranscriptSink(), resolveChatModel: () => models.get(spec.includes("+lora:") ? "adapter" : "base")! }),
    });
    const [base, adapter] = report.results;
    expect(base!.spec).toBe("gguf:/m/base.gguf");
    expect(adapter!.spec).toBe(adapterSpec("/m/base.gguf", "/m/lora.gguf"));
    expect([base!.parseRate, base!.parseRateWithRetry, base!.sectionCompleteness]).toEqual([0, 0, 0.5]);
    expect(base!.answers).toHaveLength(4); // 2 ranks × (answer + retry)
    expect([adapter!.parseRate, adapter!.parseRateWithRetry]).toEqual([0.5, 1]);
    expect(adapter!.answers.map((a) => [a.rank, a.attempt, a.parsed])).toEqual([
      [1, 1, true],
      [2, 1, false],
      [2, 2, true],
    ]);
    expect(adapter!.sectionCompleteness).toBeCloseTo(2 / 3, 6);
    expect(adapter!.meanChars).toBeCloseTo((SECTIONS.length * 2 + "no idea".length) / 3, 6);
  });

  it("refuses tasks that are in the adapter's corpus, naming them", async () => {
    expect(() => checkNoOverlap(["a", "b", "c"], ["b", "c", "z"])).toThrow(EvalInputError);
    expect(() => checkNoOverlap(["a", "b", "c"], ["b", "c", "z"])).toThrow(/tasks b, c are in the adapter's corpus/);
    expect(() => checkNoOverlap(["a"], ["z"])).not.toThrow();
    const task = await builtinTask();
    await expect(
      evaluatePlanners({ base: "/b", adapterGguf: "/l", tasks: [task], corpusCompetitions: [task.spec.id], createTeam: () => expect.unreachable("no model before the check") }),
    ).rejects.toThrow(/concrete-strength is in the adapter's corpus/);
  });

  it("builds one bench whose columns share the coder and vary the planner alone", () => {
    const args = downstreamBenchArgs({ base: "/m/base.gguf", adapterGguf: "/m/lora.gguf", coder: "openai:coder@http://127.0.0.1:9/v1", tasks: ["/t/a"], out: "/b" });
    expect(args.slice(0, 4)).toEqual(["bench", "/t/a", "--modes", "paper-planner,direct"]);
    const models = args.slice(args.indexOf("--models") + 1, args.indexOf("--repeats")).map(parseModelColumn);
    expect(models.map((m) => [m.label, m.all, m.overrides])).toEqual([
      ["finetuned-planner", "openai:coder@http://127.0.0.1:9/v1", { planner: "gguf:/m/base.gguf+lora:/m/lora.gguf" }],
      ["base-planner", "openai:coder@http://127.0.0.1:9/v1", { planner: "gguf:/m/base.gguf" }],
    ]);
    const keys = expandMatrix({ tasks: [{ id: "a", dir: "/t/a" }], modes: ["paper-planner", "direct"], models, temperatures: [], repeats: 1, baseSeed: 1 });
    expect(keys.map((k) => [k.mode, k.model.label, k.flags.plannerPrompt]).sort()).toEqual([
      ["direct", "base-planner", "json"],
      ["direct", "finetuned-planner", "json"],
      ["paper-planner", "base-planner", "paper"],
      ["paper-planner", "finetuned-planner", "paper"],
    ]);
  });
});
