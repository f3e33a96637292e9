// The bench resolves analysis folders (issue 23) the way it resolves competitions: checked as they load, named by
// their own task.json id, and never announced as lacking reference scores.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveTasks } from "../../benchmarks/index.js";

let root: string;

function analysisFolder(name: string, spec: Record<string, unknown>): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "task.json"), JSON.stringify({ kind: "analysis", ...spec }));
  return dir;
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "lc-bench-tasks-"));
  mkdirSync(join(root, "data"));
  writeFileSync(join(root, "data", "x.csv"), "a\n1\n");
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("resolveTasks over analysis folders", () => {
  it("names an analysis by its own id and says nothing of reference scores for it", async () => {
    const dir = analysisFolder("count-folder", { id: "count-rows", request: "How many rows?", data: "../data" });
    const log: string[] = [];
    const refs = await resolveTasks([dir], { tasksDir: join(root, "tasks"), log: (l) => log.push(l) });
    expect(refs).toEqual([{ id: "count-rows", dir }]);
    expect(log.filter((l) => /reference scores/.test(l))).toEqual([]);
  });

  it.each([
    ["no-data", { id: "a", request: "r", data: "../nowhere" }, /task folder .*no-data fails validation: task.json: .*field 'data': the data folder .*nowhere does not exist/],
    ["bad-id", { id: "Bad Id", request: "r", data: "../data" }, /task folder .*bad-id fails validation: task.json: .*field 'id': use lower-case letters/],
    ["no-request", { id: "b", data: "../data" }, /task folder .*no-request fails validation: task.json: .*field 'request' is missing/],
  ])("rejects a bad analysis folder (%s), naming the field", async (name, spec, reason) => {
    const dir = analysisFolder(name, spec);
    await expect(resolveTasks([dir], { tasksDir: join(root, "tasks") })).rejects.toThrow(reason);
  });
});
