// Reference scores: the two baselines run in the real Docker sandbox, are graded by the real grader and land
// in task.json.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeReferenceScores, grade, loadTask, normalisedScore, prepareBuiltinTasks, recordReferenceScores, runPythonInSandbox, type RunPython } from "../../datasets/index.js";
import { createDockerSandbox, dockerClient, type Sandbox } from "../../sandbox/index.js";
import { tempDir } from "./fixtures.js";

let sandbox: Sandbox;
let tasksDir: string;

const runInSandbox: RunPython = async ({ script, publicDir, outputDir }) => {
  const result = await sandbox.run({ script, publicDir, outputDir, timeoutSeconds: 600 });
  return {
    submissionPath: result.files["submission.csv"] ?? null,
    stdout: result.stdout,
    ...(result.outcome === "ok" ? {} : { failure: `${result.outcome}: ${result.error?.message ?? result.stderr.slice(-300)}` }),
  };
};

beforeAll(async () => {
  sandbox = await createDockerSandbox({ docker: dockerClient(), reuse: false });
  tasksDir = await tempDir("lc-base-");
  await prepareBuiltinTasks(["concrete-strength", "co2-forecast"], tasksDir);
}, 300_000);

afterAll(async () => {
  await sandbox?.close();
});

describe("reference scores", () => {
  it("runs both baselines in the sandbox, grades them and records them in task.json", async () => {
    const dir = join(tasksDir, "concrete-strength");
    const report = await computeReferenceScores(await loadTask(dir), runInSandbox, await mkdtemp(join(tmpdir(), "lc-bw-")));
    expect(report.constant.errors).toEqual([]);
    expect(report.model.errors).toEqual([]);
    const scores = report.scores!;
    expect(scores.model_name).toMatch(/HistGradientBoosting/);
    // MAE: the constant baseline predicts the training median, as the sample submission does.
    const task = await loadTask(dir);
    const sample = await grade(task, join(task.publicDir, "sample_submission.csv"));
    expect(scores.constant).toBeCloseTo(sample.score!, 9);
    expect(scores.model).toBeLessThan(scores.constant / 2);
    expect(task.spec.reference_scores).toEqual(scores);
    expect(normalisedScore(scores.model, scores)).toBe(1);
    expect(normalisedScore(scores.constant, scores)).toBe(0);
  }, 900_000);

  it("uses a linear trend + month model when the only feature is the date (co2), through the library path the CLI uses", async () => {
    const task = await loadTask(join(tasksDir, "co2-forecast"));
    const lines: string[] = [];
    const reports = await recordReferenceScores([task], runPythonInSandbox(sandbox, 600), { log: (l) => lines.push(l) });
    const report = reports["co2-forecast"]!;
    expect(report.scores?.model_name).toMatch(/LinearRegression/);
    expect(report.scores!.model).toBeLessThan(report.scores!.constant);
    expect(lines.at(-1)).toBe(`co2-forecast: constant ${report.scores!.constant}, model ${report.scores!.model} (${report.scores!.model_name})`);
    expect((await loadTask(task.dir)).spec.reference_scores).toEqual(report.scores);
  }, 900_000);

  it("records nothing and says why when a baseline writes no submission", async () => {
    const task = await loadTask(join(tasksDir, "co2-forecast"));
    const before = task.spec.reference_scores;
    const broken: RunPython = (request) => runInSandbox({ ...request, script: "raise SystemExit('no data today')" });
    const report = await computeReferenceScores(task, broken, await mkdtemp(join(tmpdir(), "lc-bw-")));
    expect(report.scores).toBeNull();
    expect(report.constant.errors.join(" ")).toMatch(/the constant baseline wrote no submission/);
    expect((await loadTask(task.dir)).spec.reference_scores).toEqual(before);
  }, 300_000);
});
