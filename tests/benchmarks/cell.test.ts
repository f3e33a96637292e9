// Each mode's flags reach execution's run options under the names runTask reads (a misspelt key would be
// dropped silently by the options schema, running the full pipeline instead of the ablation).
import { describe, expect, it } from "vitest";
import { RunOptionsSchema } from "../../execution/index.js";
import { cellModels, cellOptions } from "../../benchmarks/cell.js";
import { expandMatrix, parseModelColumn } from "../../benchmarks/matrix.js";
import { MODE_NAMES } from "../../benchmarks/modes.js";

describe("cell options", () => {
  const keys = expandMatrix({
    tasks: [{ id: "t", dir: "/t" }],
    modes: MODE_NAMES,
    models: [parseModelColumn("label=m;all=openai:gpt-4o-mini;coder=gguf:/m/coder.gguf;planner=gemini:gemini-2.0-flash")],
    temperatures: [0.3],
    repeats: 1,
    baseSeed: 7,
  });
  it.each(MODE_NAMES)("%s: flags, seed and temperature survive the run options schema", (mode) => {
    const key = keys.find((k) => k.mode === mode)!;
    const parsed = RunOptionsSchema.parse(cellOptions(key, cellModels(key), 120));
    expect({
      mode: parsed.mode,
      fixAttempts: parsed.fixAttempts,
      instructions: parsed.instructions,
      noCritic: parsed.noCritic,
      noSchema: parsed.noSchema,
      unstaged: parsed.unstaged,
      feedbackIterations: parsed.feedbackIterations,
    }).toEqual(key.flags);
    expect([parsed.seed, parsed.temperature, parsed.timeoutSeconds]).toEqual([7, 0.3, 120]);
    expect(RunOptionsSchema.parse(cellOptions(key, cellModels(key), 120, 256)).maxTokens).toBe(256);
  });
  it("per-role models: a coder override also covers the merger and the direct coder", () => {
    const models = cellModels(keys[0]!);
    expect(models).toEqual({
      default: "openai:gpt-4o-mini",
      planner: "gemini:gemini-2.0-flash",
      coder: "gguf:/m/coder.gguf",
      merger: "gguf:/m/coder.gguf",
      direct: "gguf:/m/coder.gguf",
    });
  });
});
