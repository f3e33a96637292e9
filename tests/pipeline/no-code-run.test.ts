// A full linguacodus run whose models write no usable code (what the embedded 270M base model does): planner and
// critic answer (per-rank JSON, compact verdict), every coder and the merger answer prose, one fix writes a script
// that crashes in the real sandbox. The run must reach every stage, use all fixes, and end graded invalid with the
// reasons — not crash. Scripted models chosen by role and step; real agent team, real Docker sandbox, real grader.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Task } from "../../datasets/index.js";
import { readAttempts, readEvents, readRunRecord, readScore, runTask } from "../../execution/index.js";
import type { Sandbox } from "../../sandbox/types.js";
import type { ScriptedCall } from "../support/scripted-model.js";
import { fence } from "../support/fence.js";
import { scriptedDeps, tempDir, useTaskAndSandbox } from "./support.js";

let task: Task;
let sandbox: Sandbox;
useTaskAndSandbox((fixture) => ({ task, sandbox } = fixture));

const short = { dataPreprocessing: ["Read /data/train.csv"], modelArchitecture: ["A ridge model"], modelTraining: ["Hold out 20%, MAE"], submission: ["Write submission.csv"] };
const PROSE = "Here is what I would do: first I would look at the data, then think about a model.";

/** What the embedded base model does, by role: plans and critiques in JSON (the grammar sees to it), no code. */
function answerFor(call: ScriptedCall): string {
  if (call.role === "planner") return JSON.stringify({ title: `Plan ${call.step}`, ...short });
  if (call.role === "critic") return JSON.stringify({ candidates: [{ rank: 1, findings: [] }], chosenRank: 1, rationale: "Simple.", refined: { rank: 1, title: "Refined plan", ...short } });
  // The merger's call (merge) and the fixer's (fix-1, fix-2, fix-3). The second fix writes a script, which fails in
  // the sandbox; every other code answer is prose.
  if (call.role === "fixer" && call.step === "fix-2") return fence("raise RuntimeError('the model guessed wrong')");
  return PROSE;
}

describe("a full run with a model that writes no code", () => {
  it("reaches every stage, uses every fix, and ends graded invalid with the reasons", { timeout: 300_000 }, async () => {
    const d = scriptedDeps(sandbox, answerFor);
    const result = await runTask(
      task,
      { mode: "linguacodus", plannerPrompt: "json-per-rank", instructions: 3, fixAttempts: 3, models: { default: "openai:scripted" } },
      { ...d, outDir: tempDir("lc-nocode-full-") },
    );
    const dir = result.dir;
    const stages = readEvents(dir)
      .filter((e) => e.type === "stage.finished")
      .map((e) => [e.stage, e.ok]);
    expect(stages).toEqual([
      ["models", true],
      ["context", true],
      ["planner", true],
      ["critic", true],
      ["coder:preprocessing", false],
      ["coder:model", false],
      ["coder:training", false],
      ["coder:submission", false],
      ["merger", true],
      ["execute", false],
    ]);
    // Initial attempt (no code: the blocks' reasons), fix 1 (no code), fix 2 (runs and crashes), fix 3 (no code).
    const attempts = readAttempts(dir);
    expect(attempts.map((a) => a.outcome)).toEqual(["no-code", "no-code", "error", "no-code"]);
    expect(attempts[0]!.errorMessage).toMatch(/preprocessing block: no code — The coder model \(openai:scripted\) returned no code/);
    expect(attempts[2]!.errorClass).toBe("RuntimeError");
    expect(readFileSync(join(dir, "exec", attempts[2]!.attempt, "stderr.txt"), "utf8")).toContain("the model guessed wrong");
    // Graded: score.json says invalid, with the reason; run.json says failed at execute.
    const score = readScore(dir)!;
    expect(score).toMatchObject({ valid: false, score: null });
    expect(score.errors.join(" ")).toMatch(/no valid submission after 4 attempt\(s\)/);
    // …and why: the last answer's reason (which model, which step), not only "no code".
    expect(score.errors.join(" ")).toMatch(/The fixer model \(openai:scripted\) returned no code for fix-3/);
    const record = readRunRecord(dir);
    expect(record.run).toMatchObject({ status: "failed", failure: { stage: "execute" } });
    expect(result.summary).toMatchObject({ valid: false, attemptsUsed: 4, fixesUsed: 3 });
    // The planner was asked once per place; the instructions record keeps the mode.
    expect((record.instructions as { candidates: unknown[]; plannerPrompt: string }).candidates).toHaveLength(3);
    expect((record.instructions as { plannerPrompt: string }).plannerPrompt).toBe("json-per-rank");
  });
});
