// A cell's run options: the mode's flags are a part of execution's run options schema by construction
// (benchmarks/modes.ts picks them from it), so what is checked here is what the cell adds: the seed, the
// temperature, the bench's shared options, and each role's model after agents' fallbacks.
import { describe, expect, it } from "vitest";
import { RunOptionsSchema, resolveRoleSpecs } from "../../execution/index.js";
import { cellModels, cellOptions } from "../../benchmarks/cell.js";
import { expandMatrix, parseModelColumn } from "../../benchmarks/matrix.js";
import { MODE_NAMES, flagsOf } from "../../benchmarks/modes.js";

describe("cell options", () => {
  const keys = expandMatrix({
    tasks: [{ id: "t", dir: "/t" }],
    modes: MODE_NAMES,
    models: [parseModelColumn("label=m;all=openai:gpt-4o-mini;coder=gguf:/m/coder.gguf;planner=gemini:gemini-2.0-flash")],
    temperatures: [0.3],
    repeats: 1,
    baseSeed: 7,
  });
  it.each(MODE_NAMES)("%s: the mode's options, seed, temperature and the bench's options reach runTask", (mode) => {
    const key = keys.find((k) => k.mode === mode)!;
    const parsed = RunOptionsSchema.parse(cellOptions(key, cellModels(key), { timeoutSeconds: 120 }));
    expect(RunOptionsSchema.parse({ ...parsed, ...flagsOf(mode) })).toEqual(parsed);
    expect([parsed.seed, parsed.temperature, parsed.timeoutSeconds]).toEqual([7, 0.3, 120]);
    expect(RunOptionsSchema.parse(cellOptions(key, cellModels(key), { timeoutSeconds: 120, maxTokens: 256 })).maxTokens).toBe(256);
  });
  it("a bench-wide --planner-prompt reaches every mode that leaves it at its default; paper-planner keeps its own", () => {
    const promptOf = (mode: string) => {
      const key = keys.find((k) => k.mode === mode)!;
      return RunOptionsSchema.parse(cellOptions(key, cellModels(key), { plannerPrompt: "json-per-rank", contextTokens: 600 }));
    };
    for (const mode of MODE_NAMES.filter((m) => flagsOf(m).plannerPrompt === "json")) {
      expect([mode, promptOf(mode).plannerPrompt, promptOf(mode).contextTokens]).toEqual([mode, "json-per-rank", 600]);
    }
    expect(promptOf("paper-planner").plannerPrompt).toBe("paper");
  });
  it("per-role models: a coder override also covers the merger, the fixer, the direct coder and the tester", () => {
    const models = cellModels(keys[0]!);
    expect(models).toEqual({ default: "openai:gpt-4o-mini", planner: "gemini:gemini-2.0-flash", coder: "gguf:/m/coder.gguf" });
    expect(resolveRoleSpecs(models)).toEqual({
      planner: "gemini:gemini-2.0-flash",
      critic: "openai:gpt-4o-mini",
      coder: "gguf:/m/coder.gguf",
      merger: "gguf:/m/coder.gguf",
      fixer: "gguf:/m/coder.gguf",
      direct: "gguf:/m/coder.gguf",
      reviewer: "openai:gpt-4o-mini",
      tester: "gguf:/m/coder.gguf",
    });
  });
});
