// Small task folders written on the fly for grader / checker tests.
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TaskSpecInput } from "../../datasets/task.js";

export async function tempDir(prefix = "lc-ds-"): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export const csv = (header: string[], rows: (string | number)[][]): string => [header.join(","), ...rows.map((r) => r.join(","))].join("\n") + "\n";

export interface FixtureTask {
  spec: Partial<TaskSpecInput> & Pick<TaskSpecInput, "metric" | "target_columns">;
  answers: (string | number)[][];
  /** Defaults to the answers' ids with the first answer row's values. */
  sample?: (string | number)[][];
  leaderboard?: number[];
}

/** Writes a complete, valid task folder; returns its path. */
export async function writeTask(root: string, id: string, f: FixtureTask): Promise<string> {
  const dir = join(root, id);
  await mkdir(join(dir, "public"), { recursive: true });
  await mkdir(join(dir, "private"), { recursive: true });
  const idc = f.spec.id_column ?? "id";
  const header = [idc, ...f.spec.target_columns];
  const spec: TaskSpecInput = {
    id,
    title: `Fixture ${id}`,
    data_type: "tabular",
    lower_is_better: false,
    id_column: idc,
    source: { package: "fixture", version: "1", dataset: id, license: "MIT" },
    license: "MIT",
    ...f.spec,
  };
  await writeFile(join(dir, "task.json"), JSON.stringify(spec, null, 2));
  await writeFile(join(dir, "description.md"), `# ${id}\n\nA fixture task.\n`);
  await writeFile(join(dir, "private", "answers.csv"), csv(header, f.answers));
  const sample = f.sample ?? f.answers.map((r) => [r[0]!, ...f.answers[0]!.slice(1)]);
  await writeFile(join(dir, "public", "sample_submission.csv"), csv(header, sample));
  await writeFile(join(dir, "public", "test.csv"), csv([idc, "x"], f.answers.map((r, i) => [r[0]!, i])));
  await writeFile(join(dir, "public", "train.csv"), csv(["x", ...f.spec.target_columns], [[0, ...f.answers[0]!.slice(1)]]));
  if (f.leaderboard) await writeFile(join(dir, "leaderboard.csv"), csv(["teamName", "score"], f.leaderboard.map((s, i) => [`team${i}`, s])));
  return dir;
}
