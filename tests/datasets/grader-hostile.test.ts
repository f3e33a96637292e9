// Hostile submissions through the built CLI (issue 21): the grader's memory follows the answers however long
// the submission's unknown ids are, its messages quote few and short examples, and `--json` with its exit
// codes holds for every file; numbers too large to square are not called "constant".
import { execFile } from "node:child_process";
import { closeSync, openSync, writeSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { buildCli, cliPath } from "../support/cli.js";
import { csv, tempDir, writeTask } from "./fixtures.js";
import type { MetricName } from "../../datasets/index.js";

const exec = promisify(execFile);
let root: string;
const answers = Array.from({ length: 12 }, (_, i) => [i + 1, (i * 7) % 5]);

beforeAll(async () => {
  await buildCli();
  root = await tempDir("lc-grader-hostile-");
}, 300_000);

/** `linguacodus grade … --json` under /usr/bin/time: exit code, parsed stdout, its size and the child's peak RSS. */
async function gradeMeasured(task: string, submission: string, env: NodeJS.ProcessEnv = {}) {
  const timeFile = join(root, "time.txt");
  let code = 0;
  let stdout = "";
  let stderr = "";
  try {
    ({ stdout, stderr } = await exec("/usr/bin/time", ["-f", "%M", "-o", timeFile, "node", cliPath, "grade", task, submission, "--json"], {
      env: { ...process.env, ...env },
      maxBuffer: 1024 ** 3,
    }));
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    ({ code = -1, stdout = "", stderr = "" } = e);
  }
  const peakKiB = Number((await readFile(timeFile, "utf8")).trim().split("\n").pop());
  return { code, stdout, stderr, peakMiB: peakKiB / 1024 };
}

describe("grader memory follows the answers, not the submission", () => {
  it("grades 24 rows of unique 32 MiB ids (768 MiB) in bounded memory, counting them and quoting 5 short examples", async () => {
    const dir = await writeTask(root, "long-ids", { spec: { metric: { name: "rmse" }, lower_is_better: true, target_columns: ["y"] }, answers });
    const path = join(root, "long-ids.csv");
    const fd = openSync(path, "w");
    const filler = Buffer.alloc(32 << 20, "x");
    writeSync(fd, "id,y\n");
    for (let i = 0; i < 24; i++) {
      writeSync(fd, `unknown-${i}-`);
      writeSync(fd, filler);
      writeSync(fd, ",1\n");
    }
    closeSync(fd);
    try {
      // A 64 MB heap: keeping the ids (as the grader did) dies of heap exhaustion (exit 134, no JSON).
      const r = await gradeMeasured(dir, path, { NODE_OPTIONS: "--max-old-space-size=64" });
      expect(r.code, r.stderr.slice(-500)).toBe(1);
      expect(r.stdout.length).toBeLessThan(4000);
      const result = JSON.parse(r.stdout) as { valid: boolean; errors: string[] };
      expect(result.valid).toBe(false);
      const ids = result.errors.find((e) => e.startsWith("Submission ids don't match"))!;
      expect(ids).toMatch(/12 test id\(s\) are missing \(e\.g\. '1', '2', '3', '4', '5'\); 24 id\(s\) are not in the test set/);
      const examples = [...ids.matchAll(/'(unknown-\d+-x+)… \((\d+) bytes\)'/g)];
      expect(examples.map((m) => m[1]!.length)).toEqual([80, 80, 80, 80, 80]);
      expect(examples[0]![2]).toBe(String((32 << 20) + "unknown-0-".length));
      // Peak RSS (the whole process: node itself is ~50 MiB) well under the file; keeping the ids took 1.4 GB.
      expect(r.peakMiB).toBeLessThan(400);
    } finally {
      await rm(path, { force: true });
    }
  }, 600_000);

  it("counts repeated long unknown ids as duplicates without keeping them", async () => {
    const dir = await writeTask(root, "repeat-ids", { spec: { metric: { name: "rmse" }, lower_is_better: true, target_columns: ["y"] }, answers });
    const long = "z".repeat(1 << 20);
    const path = join(root, "repeat-ids.csv");
    await writeFile(path, csv(["id", "y"], [...answers.slice(0, 10), [long, 1], [long, 2], [` ${long}`, 3]]));
    const r = await gradeMeasured(dir, path);
    expect(r.code).toBe(1);
    const result = JSON.parse(r.stdout) as { errors: string[] };
    expect(result.errors).toContainEqual(expect.stringMatching(/^Submission has 2 duplicate id\(s\), e\.g\. 'z{80}… \(1048576 bytes\)', 'z{80}… \(1048576 bytes\)'; each test id must appear once$/));
    expect(result.errors).toContainEqual(expect.stringMatching(/2 test id\(s\) are missing \(e\.g\. '11', '12'\); 1 id\(s\) are not in the test set/));
  }, 120_000);
});

describe("predictions near the float limit", () => {
  const rows = (v: string) => answers.map((a) => [a[0]!, v]);
  const gradeJson = async (metric: MetricName, lower: boolean, values: string) => {
    const dir = await writeTask(root, `big-${metric}-${values.length}`, { spec: { metric: { name: metric }, lower_is_better: lower, target_columns: ["y"] }, answers });
    const path = join(root, `big-${metric}.csv`);
    await writeFile(path, csv(["id", "y"], rows(values)));
    const r = await gradeMeasured(dir, path);
    return { code: r.code, result: JSON.parse(r.stdout) as { valid: boolean; score: number | null; errors: string[] } };
  };

  it("scores all-1e308 predictions by RMSE and MAE (a constant prediction is a valid one) instead of calling them undefined", async () => {
    for (const metric of ["rmse", "mae"] as const) {
      const { code, result } = await gradeJson(metric, true, "1e308");
      expect(code, JSON.stringify(result)).toBe(0);
      expect(result.valid).toBe(true);
      expect(result.score! / 1e308).toBeCloseTo(1, 12);
    }
  });

  it("says a score beyond float range overflows (MSE, R²), not that the predictions are constant", async () => {
    for (const [metric, lower] of [["mse", true], ["r2", false]] as const) {
      const { code, result } = await gradeJson(metric, lower, "1e308");
      expect(code).toBe(1);
      expect(result.errors.join("\n")).not.toMatch(/constant/);
      expect(result.errors).toContainEqual(expect.stringMatching(/of this submission is beyond the range of 64-bit floats \(predictions as large as 1e\+308\); predict values of a sensible size$/));
    }
  });
});
