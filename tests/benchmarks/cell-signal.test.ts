// The bench's cell runner hands its stop signal (the bench's second Ctrl-C) to the run: no further stage starts.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pipelineCellRunner } from "../../benchmarks/cell.js";
import { ModelCallLimiter, Semaphore } from "../../benchmarks/limits.js";
import { readRunJson } from "../../execution/index.js";
import { createWiring, type Wiring } from "../../execution/wiring.js";
import { builtinTask } from "../pipeline/support.js";
import { scriptedBenchDeps, scriptedKeys } from "./bench-support.js";

let wiring: Wiring;
beforeAll(async () => {
  // Nothing executes: the local runner is never reached, so no Docker is needed here.
  wiring = await createWiring({ sandbox: "local", warn: () => undefined });
});
afterAll(async () => {
  await wiring?.close();
});

describe("pipelineCellRunner", () => {
  it("passes its stop signal to the run: a stopped cell makes no model call", async () => {
    const task = await builtinTask();
    const [key] = scriptedKeys({ tasks: [{ id: task.spec.id, dir: task.dir }], modes: ["direct"] });
    const deps = scriptedBenchDeps(wiring);
    const controller = new AbortController();
    const runCell = pipelineCellRunner({
      deps,
      limiter: new ModelCallLimiter({ apiConcurrency: 1, replayConcurrency: 1 }),
      sandboxSlots: new Semaphore(1),
      signal: controller.signal,
    });
    const runDir = join(mkdtempSync(join(tmpdir(), "lc-cell-signal-")), "runs", key!.id);
    controller.abort(new Error("bench stopped"));
    await expect(runCell(key!, runDir, new AbortController().signal)).rejects.toThrow(/bench stopped/);
    expect(deps.model.calls).toHaveLength(0);
    expect(readRunJson(runDir).status).toBe("failed");
    expect(readFileSync(join(runDir, "events.jsonl"), "utf8")).not.toContain('"stage":"planner"');
  });
});
