// The pipeline's operators on their own, over one state, on the real Docker sandbox with scripted models: execute
// one attempt, fix a failed attempt, a custom composition (code a given instruction, then execute-and-fix), and a
// fix loop that resumes from the attempts its record holds without calling a model again.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  STAGED_CODERS,
  RunRecordWriter,
  type SolutionState,
  type StageContext,
  execute,
  fix,
  fixLoop,
  initialState,
  lastAttempt,
  merge,
  parseRunOptions,
  readAttempts,
  readEvents,
  sequence,
  stageContext,
  writeContext,
} from "../../execution/index.js";
import type { Script } from "../support/scripted-model.js";
import { INSTRUCTIONS, MERGED_BUGGY, MERGED_FIXED, callKind, linguacodusScript, sandboxSuite, scriptedDeps } from "./support.js";

describe("operators over one state (real Docker sandbox, scripted models)", () => {
  const suite = sandboxSuite();

  /** A fresh record, a scripted team on it, and the state a solution starts from. */
  async function setup(script: Script, runDir?: string) {
    const [sandbox, task] = [suite.sandbox(), suite.task()];
    const dir = runDir ?? `${suite.dir("lc-ops-")}/run`;
    const options = parseRunOptions({ models: { default: "openai:scripted" } });
    const writer = runDir
      ? RunRecordWriter.open(dir)
      : RunRecordWriter.create(dir, { runId: "ops", taskId: task.spec.id, taskDir: task.dir, mode: "linguacodus", config: options, versions: { linguacodus: "test", node: process.version }, models: {} });
    const deps = scriptedDeps(sandbox, script);
    const team = await deps.createTeam({ runId: "ops", transcriptsPath: writer.transcriptsPath, models: { default: "openai:scripted" } });
    const ctx: StageContext = stageContext(writer, { task, options, team, sandbox, grade: deps.grade, callOptions: {} });
    const state: SolutionState = initialState(task, options, { libraries: deps.libraries, cores: sandbox.cores });
    return { ctx, state, model: deps.model, writer, sandbox };
  }

  it("execute runs one attempt; fix turns the failed attempt into the next script; execute grades it", async () => {
    const { ctx, state, model, writer, sandbox } = await setup(linguacodusScript);
    const failed = await execute({ ...state, script: MERGED_BUGGY }, ctx);
    expect(failed.attempts).toHaveLength(1);
    expect(lastAttempt(failed)?.result).toMatchObject({ attempt: "001", kind: "initial", outcome: "error", errorClass: "KeyError" });
    expect(lastAttempt(failed)?.failure).toContain("KeyError");
    expect(model.calls).toHaveLength(0);

    const fixed = await fix(failed, ctx);
    expect(fixed.script?.trim()).toBe(MERGED_FIXED.trim());
    expect(fixed.attempts).toHaveLength(1);
    expect(model.calls.map((c) => callKind(c))).toEqual(["fix"]);
    // The fixer reads the failed attempt's error and is told the sandbox's cores.
    expect(model.calls[0]!.promptText).toContain("KeyError");
    expect(model.calls[0]!.promptText).toContain(`set n_jobs=${sandbox.cores}`);

    const graded = await execute(fixed, ctx);
    expect(lastAttempt(graded)?.result).toMatchObject({ attempt: "002", kind: "fix", fixIndex: 1, outcome: "ok", submission: { valid: true } });
    expect(lastAttempt(graded)?.grade?.valid).toBe(true);
    expect(readAttempts(writer.dir).map((a) => a.outcome)).toEqual(["error", "ok"]);
    expect(readFileSync(writer.path(lastAttempt(graded)!.result.script), "utf8").trim()).toBe(MERGED_FIXED.trim());

    // A sibling from the same failed state (as a search's nodes are): its attempt is the record's next, not a rerun of 002.
    const sibling = await execute({ ...failed, script: MERGED_FIXED }, ctx);
    expect(lastAttempt(sibling)?.result.attempt).toBe("003");
    expect(readAttempts(writer.dir).map((a) => a.attempt)).toEqual(["001", "002", "003"]);
  }, 300_000);

  it("a custom composition: code a given instruction (no planner, no critic), merge, execute-and-fix", async () => {
    const { ctx, state, model, writer } = await setup(linguacodusScript);
    const codeThis = sequence(writeContext, ...STAGED_CODERS, merge, fixLoop(2));
    const done = await codeThis({ ...state, instruction: { ...INSTRUCTIONS.instructions[1]!, rank: 1 } }, ctx);
    expect(model.calls.map((c) => callKind(c))).toEqual(["coder:preprocessing", "coder:model", "coder:training", "coder:submission", "merge", "fix"]);
    expect(done.blocks.map((b) => b.stage)).toEqual(["preprocessing", "model", "training", "submission"]);
    expect(done.attempts.map((a) => a.result.outcome)).toEqual(["error", "ok"]);
    const stages = readEvents(writer.dir).flatMap((e) => (e.type === "stage.finished" ? [e.stage] : []));
    expect(stages).toEqual(["context", "coder:preprocessing", "coder:model", "coder:training", "coder:submission", "merger"]);
  }, 300_000);

  it("a fix loop resumes from the attempts in its record: no attempt rerun, no model called for them", async () => {
    const first = await setup(linguacodusScript);
    await execute({ ...first.state, script: MERGED_BUGGY }, first.ctx);
    // A new process on the same record: the loop reads attempt 0 back, fixes it once and runs attempt 1.
    const again = await setup(linguacodusScript, first.writer.dir);
    const done = await fixLoop(3)({ ...again.state, script: MERGED_BUGGY }, again.ctx);
    expect(again.model.calls.map((c) => callKind(c))).toEqual(["fix"]);
    expect(done.attempts.map((a) => [a.result.attempt, a.result.outcome])).toEqual([
      ["001", "error"],
      ["002", "ok"],
    ]);
    // Done already: the same loop on the finished record neither calls a model nor runs a script.
    const third = await setup(linguacodusScript, first.writer.dir);
    const same = await fixLoop(3)(third.state, third.ctx);
    expect(third.model.calls).toHaveLength(0);
    expect(same.attempts).toHaveLength(2);
  }, 300_000);
});
