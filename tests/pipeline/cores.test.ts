// The cores line (`set n_jobs=<cores>`) reaches every prompt that writes code: the coders, the merger and the
// fixer, in a plain run and in a bench cell (whose sandbox waits for a shared slot). Wrappers of the sandbox
// (timing, slots) once dropped its `cores`, so fix prompts and bench coders went without it.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ModelCallLimiter, Semaphore, pipelineCellRunner } from "../../benchmarks/index.js";
import { scriptedKeys } from "../benchmarks/bench-support.js";
import { runTask } from "../../execution/index.js";
import { callKind, linguacodusScript, sandboxSuite, scriptedDeps } from "./support.js";

describe("cores line in code-writing prompts (real Docker sandbox, scripted models)", () => {
  const suite = sandboxSuite();

  const codeWriting = (kind: string) => kind.startsWith("coder:") || kind === "merge" || kind === "fix";

  it("run: coders, merger and fixer are told the sandbox's cores", async () => {
    const [sandbox, task, dir] = [suite.sandbox(), suite.task(), suite.dir("lc-cores-run-")];
    const deps = scriptedDeps(sandbox, linguacodusScript);
    await runTask(task, { mode: "linguacodus", models: { default: "openai:scripted" } }, { ...deps, outDir: dir });
    const calls = deps.model.calls.filter((c) => codeWriting(callKind(c)));
    expect(calls.map((c) => callKind(c))).toContain("fix");
    const line = `set n_jobs=${sandbox.cores}`;
    expect(calls.filter((c) => !c.promptText.includes(line)).map((c) => callKind(c))).toEqual([]);
  }, 300_000);

  it("bench cell: coders, merger and fixer are told the sandbox's cores", async () => {
    const [sandbox, task, dir] = [suite.sandbox(), suite.task(), suite.dir("lc-cores-bench-")];
    const deps = scriptedDeps(sandbox, linguacodusScript);
    const [key] = scriptedKeys({ tasks: [{ id: task.spec.id, dir: task.dir }], modes: ["linguacodus"] });
    const runCell = pipelineCellRunner({ deps, limiter: new ModelCallLimiter({ apiConcurrency: 1, replayConcurrency: 1 }), sandboxSlots: new Semaphore(1) });
    await runCell(key!, join(dir, "cell"), new AbortController().signal);
    const calls = deps.model.calls.filter((c) => codeWriting(callKind(c)));
    expect(calls.map((c) => callKind(c))).toContain("coder:model");
    const line = `set n_jobs=${sandbox.cores}`;
    expect(calls.filter((c) => !c.promptText.includes(line)).map((c) => callKind(c))).toEqual([]);
  }, 300_000);
});
