// Opt-in (LINGUACODUS_REAL_MODEL=1): the offline default model (Gemma 3 270M, from .ci/default-model.sh)
// answers through createAgentTeam with a schema-valid structured output.
import { homedir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createAgentTeam, createMemoryTranscriptSink, defaultModelSpec } from "../../agents/index.js";

const enabled = process.env.LINGUACODUS_REAL_MODEL === "1";
const modelsDir = join(process.env.LINGUACODUS_HOME ?? join(homedir(), ".linguacodus"), "models");

const Steps = z.object({
  model: z.enum(["linear regression", "random forest", "gradient boosting"]),
  steps: z.array(z.string().min(1).max(120)).min(2).max(3),
});

describe.skipIf(!enabled)("default embedded model (Gemma 3 270M Q4_K_M)", () => {
  it("returns schema-valid structured output through the agent team", { timeout: 600_000 }, async () => {
    const sink = createMemoryTranscriptSink();
    const team = createAgentTeam({
      models: { default: defaultModelSpec(modelsDir) },
      transcript: sink,
      // LINGUACODUS_THREADS: llama.cpp threads (1 is fastest when other work shares the cores).
      providers: { gguf: { contextSize: 2048, threads: Number(process.env.LINGUACODUS_THREADS ?? 1) } },
    });
    try {
      const started = performance.now();
      const plan = await team.model("planner").generateStructured(
        [
          { role: "system", content: "You are a Kaggle grandmaster who plans machine-learning solutions." },
          { role: "user", content: "Task: predict house sale prices from 80 tabular features. Choose a model and list 2-3 short steps." },
        ],
        Steps,
        { temperature: 0, maxTokens: 200, step: "plan" },
      );
      const seconds = (performance.now() - started) / 1000;
      expect(Steps.parse(plan)).toEqual(plan);
      const line = sink.lines.at(-1)!;
      expect(line.tokens?.output).toBeGreaterThan(5);
      const tokensPerSecond = line.tokens!.output / (line.latencyMs / 1000);
      console.log(
        `default model: ${JSON.stringify(plan)}\n  ${seconds.toFixed(1)} s total (load + ${sink.lines.length} call(s)), ` +
          `last call ${line.tokens!.input} prompt + ${line.tokens!.output} output tokens in ${(line.latencyMs / 1000).toFixed(1)} s ` +
          `= ${tokensPerSecond.toFixed(1)} output tokens/s`,
      );
    } finally {
      await team.close();
    }
  });
});
