// The built-in suite as plug-ins: one module per task under datasets/suite/tasks/, each listed once in the registry.
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BUILTIN_TASKS, LITE_TASK_IDS, METRICS, findBuiltinTask } from "../../datasets/index.js";

describe("built-in task registry", () => {
  it("lists every task module exactly once, under the module's own name", async () => {
    const files = (await readdir(join("datasets", "suite", "tasks"))).filter((f) => f.endsWith(".ts")).map((f) => f.replace(/\.ts$/, ""));
    const ids = BUILTIN_TASKS.map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...files].sort());
  });

  it("names known metrics and lite tasks that exist", () => {
    for (const t of BUILTIN_TASKS) expect(METRICS[t.metric.name], t.id).toBeDefined();
    for (const id of LITE_TASK_IDS) expect(findBuiltinTask(id)?.id).toBe(id);
  });
});
