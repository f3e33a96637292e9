// `linguacodus run` through the built CLI: bad input gives one clear line and a non-zero exit; a full run
// (replayed model, real Docker sandbox, real grader) prints its summary and leaves the run folder.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Task } from "../../datasets/index.js";
import { runTask, type RunSummary } from "../../execution/index.js";
import type { Sandbox } from "../../sandbox/types.js";
import { buildCli, linguacodus } from "../support/cli.js";
import { imageLibraries, linguacodusScript, scriptedDeps, tempDir, useTaskAndSandbox } from "./support.js";

let task: Task;
let sandbox: Sandbox;
let home: string;

useTaskAndSandbox((fixture) => ({ task, sandbox } = fixture));
beforeAll(async () => {
  await buildCli();
  home = tempDir("lc-home-");
});

describe("linguacodus run: bad input", () => {
  const cases: Array<[string, string[], RegExp]> = [
    ["an unknown task", ["run", "no-such-task"], /'no-such-task' is neither a task folder nor a built-in task; built-in tasks: .*concrete-strength/],
    ["a bad model spec", ["run", "concrete-strength", "--model", "llama:7b"], /bad model spec for --model: .*unknown provider prefix/],
    ["a bad fixer spec", ["run", "concrete-strength", "--fixer", "llama:7b"], /bad model spec for --fixer: .*unknown provider prefix/],
    ["no task at all", ["run"], /name a task .*or continue a run with --resume/],
    ["a bad number", ["run", "concrete-strength", "--fix-attempts", "many"], /--fix-attempts must be a whole number from 0 to 20 \(got 'many'\)/],
    ["a zero answer cap", ["run", "concrete-strength", "--max-tokens", "0"], /--max-tokens must be a whole number ≥ 1 \(got '0'\)/],
    ["a bad mode", ["run", "concrete-strength", "--mode", "magic"], /--mode must be one of linguacodus, direct \(got 'magic'\)/],
    ["a run folder that is not one", ["run", "--resume", "/nonexistent/run"], /is not a run folder/],
    ["an unknown selection", ["run", "concrete-strength", "--select", "best-test"], /--select must be one of critic, first, validation \(got 'best-test'\)/],
    ["a cost budget without prices", ["run", "concrete-strength", "--budget-usd", "2"], /--budget-usd needs --prices <file>/],
  ];
  for (const [name, args, message] of cases) {
    it(`${name} → one line naming the fix, exit 2`, async () => {
      const result = await linguacodus(args, { LINGUACODUS_HOME: home });
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
      expect(result.stderr).toMatch(message);
    });
  }

  it("a model that cannot be reached fails the planner stage, exit 1, and the run folder keeps what was done", async () => {
    const out = tempDir("lc-cli-fail-");
    const result = await linguacodus(["run", task.dir, "--model", "openai:gpt-x@http://127.0.0.1:9/v1", "--out", out], { LINGUACODUS_HOME: home });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/planner: .*run folder .* keeps what was done; continue it with --resume/);
    const [runFolder] = readdirSync(out);
    expect(existsSync(join(out, runFolder!, "context.md"))).toBe(true);
    expect(JSON.parse(readFileSync(join(out, runFolder!, "run.json"), "utf8"))).toMatchObject({ status: "failed", failure: { stage: "planner" } });
  });
});

describe("linguacodus run: a full run", () => {
  it("replays a recorded run through the CLI and prints the summary as JSON", async () => {
    // Record with the same whitelist the CLI reads from the image, so the replayed prompts match.
    const recorded = await runTask(
      task,
      { models: { default: "openai:scripted" } },
      { ...scriptedDeps(sandbox, linguacodusScript), libraries: await imageLibraries(), outDir: tempDir("lc-cli-rec-") },
    );
    expect(recorded.summary.valid).toBe(true);
    const out = tempDir("lc-cli-run-");
    const result = await linguacodus(["run", task.dir, "--model", `replay:${recorded.dir}`, "--out", out, "--notebook", "--json"], { LINGUACODUS_HOME: home });
    expect(result.stderr).not.toMatch(/linguacodus: /);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as RunSummary;
    expect(summary).toMatchObject({ valid: true, mode: "linguacodus", attemptsUsed: 2, score: recorded.summary.score });
    expect(existsSync(join(summary.dir, "code", "solution.ipynb"))).toBe(true);

    const human = await linguacodus(["run", task.dir, "--model", `replay:${recorded.dir}`, "--out", out], { LINGUACODUS_HOME: home });
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/mode\s+linguacodus/);
    expect(human.stdout).toMatch(/attempts\s+2 \(fixes 1; errors KeyError\)/);
    expect(human.stdout).toMatch(/valid\s+yes/);
    expect(human.stdout).toMatch(/score\s+[\d.]+ \(mae, lower is better\)/);
    expect(human.stderr).toMatch(/✓ planner/);
  });
});
