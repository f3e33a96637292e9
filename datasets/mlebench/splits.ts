// MLE-bench's competition splits (experiments/splits/<name>.txt in a checkout: one competition id a line).
// "lite" is its low-complexity split (low.txt), "all" its 75 competitions (split75.txt).
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
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
  return (await readFile(file, "utf8"))
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith("#"));
}
