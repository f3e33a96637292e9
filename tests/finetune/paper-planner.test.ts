// --planner-prompt paper: the prompt the fine-tuning pairs are built with, one planner call per rank, free text
// parsed into the four sections; a parse failure is recorded and that rank asked once more.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createAgentTeam, createMemoryTranscriptSink } from "../../agents/index.js";
import { runTask } from "../../execution/index.js";
import { InstructionsRecordSchema, paperPrompt, paperSectionsPresent, parsePaperInstruction, placeWord, planInstructionsPaper } from "../../instructions/index.js";
import { LocalSandbox } from "../../sandbox/index.js";
import { builtinTask, scriptedDeps, tempDir } from "../pipeline/support.js";
import { ScriptedChatModel } from "../support/scripted-model.js";

const GOOD = (tag: string) => `Median per age (${tag})

## Data Preprocessing
- Read /data/train.csv and /data/test.csv
- Hold out 20% of the rows
**Model Architecture:** a lookup table of the median strength per age
Model Training:
1. Fit on 80% and report MAE on the rest
2) Refit on all rows
Submission: write id and compressive_strength to submission.csv`;

describe("paper planner prompt", () => {
  it("asks for the first, second, third place instruction with task, data type and metric", () => {
    const text = paperPrompt({ description: "Predict strength.", dataType: "tabular", metricName: "mae", lowerIsBetter: true, rank: 2 });
    expect(text).toContain("Generate the second place instruction");
    expect(text).toContain("Task description: Predict strength.");
    expect(text).toContain("Data type: tabular");
    expect(text).toContain("Metric: mae (lower is better)");
    expect([1, 3, 11, 21, 22, 23, 112].map(placeWord)).toEqual(["first", "third", "11th", "21st", "22nd", "23rd", "112th"]);
  });

  it("parses markdown, bold, numbered and inline headings into the four sections", () => {
    const parsed = parsePaperInstruction(GOOD("a"), 1);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.instruction).toEqual({
      rank: 1,
      title: "Median per age (a)",
      dataPreprocessing: ["Read /data/train.csv and /data/test.csv", "Hold out 20% of the rows"],
      modelArchitecture: ["a lookup table of the median strength per age"],
      modelTraining: ["Fit on 80% and report MAE on the rest", "Refit on all rows"],
      submission: ["write id and compressive_strength to submission.csv"],
    });
    expect(paperSectionsPresent(GOOD("a"))).toBe(4);
  });

  it("names the missing sections when an answer does not parse", () => {
    const parsed = parsePaperInstruction("Data Preprocessing:\n- read\nModel Training:\n", 1);
    expect(parsed).toEqual({ ok: false, error: "missing or empty sections: Model Architecture, Model Training" });
    expect(paperSectionsPresent("Data Preprocessing:\n- read\nModel Training:\n")).toBe(1);
  });

  it("calls once per rank, records a parse failure and retries that rank once", async () => {
    // Rank 2 fails once, rank 3 fails twice (dropped); ranks are renumbered 1..n.
    const model = new ScriptedChatModel(({ lastUser, index }) => {
      if (lastUser.includes("second place") && index === 1) return "I would use a random forest.";
      if (lastUser.includes("third place")) return "no sections here";
      return GOOD(lastUser.includes("first") ? "first" : "second");
    });
    const team = createAgentTeam({ models: { planner: "openai:scripted" }, transcript: createMemoryTranscriptSink(), resolveChatModel: () => model });
    const plan = await planInstructionsPaper(team.model("planner"), { description: "d", dataType: "tabular", metricName: "mae", lowerIsBetter: true, count: 3 }, { temperature: 0, seed: 5 });
    expect(model.calls).toHaveLength(5);
    expect(plan.instructions.map((i) => [i.rank, i.title])).toEqual([
      [1, "Median per age (first)"],
      [2, "Median per age (second)"],
    ]);
    expect(plan.failures.map((f) => [f.rank, f.attempt])).toEqual([
      [2, 1],
      [3, 1],
      [3, 2],
    ]);
    expect(plan.failures[0]!.response).toBe("I would use a random forest.");
    // The retry samples (a greedy retry would repeat the answer) with another seed.
    expect(model.calls[2]!.options.temperature).toBe(0.7);
    expect(model.calls[2]!.options.seed).not.toBe(5);
    expect(model.calls.every((c) => c.messages.length === 1 && c.messages[0]!.role === "user")).toBe(true);
  });

  it("fails the stage with the fix when no rank parses", async () => {
    const model = new ScriptedChatModel(() => "nothing useful");
    const team = createAgentTeam({ models: { planner: "openai:scripted" }, transcript: createMemoryTranscriptSink(), resolveChatModel: () => model });
    await expect(
      planInstructionsPaper(team.model("planner"), { description: "d", dataType: "tabular", metricName: "mae", lowerIsBetter: true, count: 2 }),
    ).rejects.toThrow(/no parsable instruction for any of 2 rank\(s\).*--planner-prompt json/);
  });

  it("a run with plannerPrompt paper records the mode, the candidates and the parse failures", async () => {
    const task = await builtinTask();
    const out = tempDir("lc-paper-run-");
    const deps = scriptedDeps(new LocalSandbox({ warn: () => {} }), ({ lastUser, index }) => (index === 0 ? "rambling without sections" : GOOD(lastUser.slice(9, 30))));
    const stop = new AbortController();
    await runTask(
      task,
      { plannerPrompt: "paper", instructions: 2, noCritic: true, models: { default: "openai:scripted" } },
      { ...deps, outDir: out, signal: stop.signal, onProgress: (e) => e.type === "stage.finished" && e.stage === "planner" && stop.abort(new Error("planner stage done")) },
    ).catch(() => undefined);
    const [runDir] = (await import("node:fs")).readdirSync(out);
    const record = InstructionsRecordSchema.parse(JSON.parse(readFileSync(join(out, runDir!, "instructions.json"), "utf8")));
    expect(record.plannerPrompt).toBe("paper");
    expect(record.candidates).toHaveLength(2);
    expect(record.parseFailures).toEqual([{ rank: 1, attempt: 1, error: expect.stringMatching(/missing or empty sections/), response: "rambling without sections" }]);
    const runJson = JSON.parse(readFileSync(join(out, runDir!, "run.json"), "utf8")) as { config: { plannerPrompt: string }; models: Record<string, string> };
    expect(runJson.config.plannerPrompt).toBe("paper");
    const transcripts = readFileSync(join(out, runDir!, "transcripts.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { step: string; kind: string });
    expect(transcripts.map((t) => t.step)).toEqual(["instruction-1", "instruction-1-retry", "instruction-2"]);
    expect(transcripts.every((t) => t.kind === "text")).toBe(true);
    // The prompt is the one the pairs are built with.
    expect(deps.model.calls[0]!.lastUser).toBe(
      paperPrompt({ description: task.description, dataType: task.spec.data_type, metricName: task.spec.metric.name, lowerIsBetter: task.spec.lower_is_better, rank: 1 }),
    );
  });

  it("an adapter whose sidecar carries its corpus's prompt template is asked with that template (system prompt, wording, place words)", async () => {
    const task = await builtinTask();
    const out = tempDir("lc-paper-template-run-");
    const adapter = join(tempDir("lc-paper-template-"), "planner-lora.gguf");
    const template = {
      system: "You are a careful Kaggle grandmaster.",
      user: "Write the {place} place recipe. Task: {task}\nThe {dataType} data is used for the problem. The metric type is {metric} for the problem.",
      places: ["first", "second"],
      dataTypes: ["image data", "tabular data"],
      metrics: ["mae", "auc"],
      source: "paper.csv",
      rowsMatching: 2,
      rows: 2,
    };
    // The sidecar export writes next to the adapter GGUF (only promptTemplate is read on this path).
    writeFileSync(`${adapter}.json`, JSON.stringify({ kind: "linguacodus-adapter-gguf", promptTemplate: template }));
    const deps = scriptedDeps(new LocalSandbox({ warn: () => {} }), () => GOOD("t"));
    const stop = new AbortController();
    await runTask(
      task,
      { plannerPrompt: "paper", instructions: 2, noCritic: true, models: { default: "openai:scripted", planner: `gguf:/models/base.gguf+lora:${adapter}` } },
      { ...deps, outDir: out, signal: stop.signal, onProgress: (e) => e.type === "stage.finished" && e.stage === "planner" && stop.abort(new Error("planner stage done")) },
    ).catch(() => undefined);
    const [first, second] = deps.model.calls;
    expect(first!.messages[0]).toEqual({ role: "system", content: template.system });
    expect(first!.lastUser).toMatch(new RegExp(`^Write the first place recipe\\. Task: ${task.spec.title}\\n`));
    expect(first!.lastUser).toContain(`\nThe tabular data data is used for the problem. The metric type is ${task.spec.metric.name} for the problem.`);
    expect(second!.lastUser).toMatch(/^Write the second place recipe\./);
    // Without the sidecar's template the paraphrase is used (the test above).
    expect(first!.lastUser).not.toContain("Generate the first place instruction");
  });
});
