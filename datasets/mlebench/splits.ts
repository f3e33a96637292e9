// MLE-bench's competition splits (experiments/splits/<name>.txt in a checkout: one competition id a line).
// "lite" is its low-complexity split (low.txt), "all" its 75 competitions (split75.txt).
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { projectFile } from "../../core/index.js";
import { exists, TaskFormatError } from "../task.js";

/** Split names linguacodus accepts for `bench mlebench-<name>`; others are read as file names in the folder. */
export const MLEBENCH_SPLIT_FILES: Readonly<Record<string, string>> = { lite: "low.txt", all: "split75.txt" };

/** The competition ids of a split of an MLE-bench checkout. */
export async function readMleBenchSplit(checkout: string, split: string): Promise<string[]> {
  const dir = join(resolve(checkout), "experiments", "splits");
  const file = join(dir, MLEBENCH_SPLIT_FILES[split] ?? `${split}.txt`);
  if (!(await exists(file))) {
    throw new TaskFormatError(`${file} does not exist: pass --mlebench (or set MLEBENCH_DIR to) an MLE-bench checkout; splits are ${Object.keys(MLEBENCH_SPLIT_FILES).join(", ")} or a file name in ${dir}`);
  }
  return splitLines(await readFile(file, "utf8"));
}

function splitLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith("#"));
}

/**
 * The leaderboard's columns and the split file each is computed over (its README: `--split low|medium|high|split75`,
 * split75 being "All"). The files are vendored in splits/ (SOURCE.md says from which commit).
 */
export const MLEBENCH_LEADERBOARD_SPLITS = [
  { column: "Low", split: "low" },
  { column: "Medium", split: "medium" },
  { column: "High", split: "high" },
  { column: "All", split: "split75" },
] as const;
export type LeaderboardSplit = (typeof MLEBENCH_LEADERBOARD_SPLITS)[number]["split"];

/** The competition ids of one of the leaderboard's splits, from the vendored copy of MLE-bench's split files. */
export function leaderboardSplit(split: LeaderboardSplit): string[] {
  return splitLines(readFileSync(projectFile(`datasets/mlebench/splits/${split}.txt`), "utf8"));
}
