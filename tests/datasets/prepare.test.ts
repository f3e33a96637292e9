// Prepares real built-in tasks (R via Rscript, vega-datasets from node_modules) and checks idempotence,
// checksums, determinism and the layout of the result.
import { appendFile, readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  checkTaskFolder,
  loadTask,
  prepareBuiltinTasks,
  readCsv,
  resolveTask,
  sha256File,
  TaskFormatError,
  type PrepareResult,
} from "../../datasets/index.js";
import { tempDir } from "./fixtures.js";

const IDS = ["concrete-strength", "seattle-weather", "co2-forecast"];
let tasksDir: string;
let first: PrepareResult[];

beforeAll(async () => {
  tasksDir = await tempDir("lc-prep-");
  first = await prepareBuiltinTasks(IDS, tasksDir);
}, 300_000);

describe("tasks prepare", () => {
  it("prepares each task into a folder that passes its check, with checksums of every file", async () => {
    expect(first.map((r) => [r.id, r.status])).toEqual(IDS.map((id) => [id, "prepared"]));
    for (const id of IDS) {
      const dir = join(tasksDir, id);
      expect((await checkTaskFolder(dir)).problems).toEqual([]);
      const task = await loadTask(dir);
      const sums = task.spec.checksums!;
      expect(Object.keys(sums).sort()).toEqual(["description.md", "private/answers.csv", "public/sample_submission.csv", "public/test.csv", "public/train.csv"]);
      for (const [rel, hash] of Object.entries(sums)) expect(await sha256File(join(dir, rel))).toBe(hash);
      expect(task.spec.source.version).toMatch(/^\d+\.\d+/);
      expect(task.spec.license.length).toBeGreaterThan(2);
    }
  });

  it("records the R package version that Rscript reports", async () => {
    const task = await loadTask(join(tasksDir, "concrete-strength"));
    expect(task.spec.source).toMatchObject({ package: "modeldata", kind: "cran", dataset: "concrete" });
    const vega = await loadTask(join(tasksDir, "seattle-weather"));
    const pkg = JSON.parse(await readFile(join("node_modules", "vega-datasets", "package.json"), "utf8")) as { version: string };
    expect(vega.spec.source).toMatchObject({ package: "vega-datasets", version: pkg.version });
  });

  it("hides the target from test.csv and keeps it only in private/answers.csv", async () => {
    const task = await loadTask(join(tasksDir, "concrete-strength"));
    const test = await readCsv(join(task.publicDir, "test.csv"));
    const train = await readCsv(join(task.publicDir, "train.csv"));
    const answers = await readCsv(task.answersPath);
    expect(test.header).not.toContain("compressive_strength");
    expect(train.header).toContain("compressive_strength");
    expect(answers.header).toEqual(["id", "compressive_strength"]);
    expect(test.rowCount).toBe(206); // 20% of 1030
    expect(train.rowCount + test.rowCount).toBe(1030);
    expect(answers.columns[0]).toEqual(test.columns[0]);
  });

  it("splits time series by time: the co2 test set is the last 36 months", async () => {
    const task = await loadTask(join(tasksDir, "co2-forecast"));
    const train = await readCsv(join(task.publicDir, "train.csv"));
    const test = await readCsv(join(task.publicDir, "test.csv"));
    expect(test.rowCount).toBe(36);
    expect(test.header).toEqual(["Date"]);
    const lastTrain = train.columns[0]!.at(-1)!;
    expect(test.columns[0]!.every((d) => d > lastTrain)).toBe(true);
  });

  it("writes a Kaggle-style description with the metric's formula and the submission format", async () => {
    const task = await loadTask(join(tasksDir, "seattle-weather"));
    expect(task.description).toMatch(/## Overview/);
    expect(task.description).toMatch(/## Evaluation[\s\S]*F1 score[\s\S]*average = macro/);
    expect(task.description).toMatch(/## Submission format[\s\S]*id,weather\n/);
    expect(task.description).toMatch(/vega-datasets/);
  });

  it("is idempotent: a second run leaves up-to-date folders alone", async () => {
    const again = await prepareBuiltinTasks(IDS, tasksDir);
    expect(again.map((r) => r.status)).toEqual(["up-to-date", "up-to-date", "up-to-date"]);
  });

  it("rebuilds a folder whose files no longer match their checksums, reproducing the same data", async () => {
    const dir = join(tasksDir, "concrete-strength");
    const before = (await loadTask(dir)).spec.checksums;
    await appendFile(join(dir, "private", "answers.csv"), "9999,1\n");
    const [result] = await prepareBuiltinTasks(["concrete-strength"], tasksDir);
    expect(result!.status).toBe("rebuilt");
    expect(result!.note).toMatch(/private\/answers.csv/);
    expect((await loadTask(dir)).spec.checksums).toEqual(before);
  });

  it("is deterministic: preparing into another folder gives identical files", async () => {
    const other = await tempDir("lc-prep2-");
    await prepareBuiltinTasks(["seattle-weather"], other);
    const a = await loadTask(join(tasksDir, "seattle-weather"));
    const b = await loadTask(join(other, "seattle-weather"));
    expect(b.spec.checksums).toEqual(a.spec.checksums);
  });

  it("resolves a task argument: a built-in id (prepared on demand), a folder, or a clear error", async () => {
    const byId = await resolveTask("co2-forecast", tasksDir);
    expect(byId.dir).toBe(join(tasksDir, "co2-forecast"));
    const byPath = await resolveTask(join(tasksDir, "seattle-weather"), "/nonexistent");
    expect(byPath.spec.id).toBe("seattle-weather");
    await expect(resolveTask("no-such-task", tasksDir)).rejects.toThrow(/neither a task folder nor a built-in task; built-in tasks: .*concrete-strength/);
    await expect(prepareBuiltinTasks(["nope"], tasksDir)).rejects.toBeInstanceOf(TaskFormatError);
  });
});
