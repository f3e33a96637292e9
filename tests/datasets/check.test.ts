import { copyFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkTaskFolder, loadTask, TaskFormatError } from "../../datasets/index.js";
import { csv, tempDir, writeTask } from "./fixtures.js";

const answers = [
  [1, 2.5],
  [2, 3.5],
  [3, 1.0],
];

describe("checkTaskFolder", () => {
  it("passes a well-formed folder", async () => {
    const dir = await writeTask(await tempDir(), "good", { spec: { metric: { name: "rmse" }, lower_is_better: true, target_columns: ["y"] }, answers });
    const report = await checkTaskFolder(dir);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it("reports every problem at once, each naming the file and the fix", async () => {
    const dir = await writeTask(await tempDir(), "bad", {
      spec: { metric: { name: "rmse" }, lower_is_better: false, target_columns: ["y"] },
      answers: [...answers, [2, 9]],
    });
    await rm(join(dir, "description.md"));
    await copyFile(join(dir, "private", "answers.csv"), join(dir, "public", "answers.csv"));
    await writeFile(join(dir, "public", "sample_submission.csv"), csv(["id", "pred"], [[1, 0], [2, 0], [3, 0]]));
    await writeFile(join(dir, "public", "test.csv"), csv(["id", "x", "y"], [[1, 0, 1], [2, 0, 1], [7, 0, 1]]));
    const report = await checkTaskFolder(dir);
    expect(report.ok).toBe(false);
    const lines = report.problems.map((p) => `${p.file}: ${p.message}`);
    const expectLine = (pattern: RegExp) => expect(lines.some((l) => pattern.test(l)), `${pattern}\n${lines.join("\n")}`).toBe(true);
    expectLine(/^task.json: field 'lower_is_better' is false but rmse is lower-is-better; set it to true/);
    expectLine(/^description.md: missing/);
    expectLine(/^public\/answers.csv: answers are inside public\//);
    expectLine(/^private\/answers.csv: id '2' appears more than once/);
    expectLine(/^public\/sample_submission.csv: lacks column\(s\) y/);
    expectLine(/^public\/sample_submission.csv: has column\(s\) pred that are not id\/target columns/);
    expectLine(/^public\/test.csv: contains target column\(s\) y; drop them/);
    expectLine(/^public\/test.csv: ids don't match private\/answers.csv: .*1 unknown \(e.g. 7\)/);
    expect(report.problems.length).toBeGreaterThanOrEqual(8);
  });

  it("names each bad task.json field", async () => {
    const dir = await writeTask(await tempDir(), "schema", { spec: { metric: { name: "rmse" }, lower_is_better: true, target_columns: ["y"] }, answers });
    await writeFile(join(dir, "task.json"), JSON.stringify({ id: "Bad Id", title: "", data_type: "video", metric: { name: "auc" } }));
    const report = await checkTaskFolder(dir);
    const text = report.problems.map((p) => p.message).join("\n");
    for (const field of ["id", "title", "data_type", "metric.name", "lower_is_better", "id_column", "target_columns", "source", "license"]) {
      expect(text).toContain(`field '${field}'`);
    }
    await expect(loadTask(dir)).rejects.toBeInstanceOf(TaskFormatError);
  });

  it("detects files changed after preparation through task.json checksums", async () => {
    const dir = await writeTask(await tempDir(), "sums", {
      spec: { metric: { name: "rmse" }, lower_is_better: true, target_columns: ["y"], checksums: { "private/answers.csv": "0".repeat(64) } },
      answers,
    });
    const report = await checkTaskFolder(dir);
    expect(report.problems.map((p) => `${p.file}: ${p.message}`)).toContainEqual(expect.stringMatching(/^private\/answers.csv: does not match its sha256/));
  });
});
