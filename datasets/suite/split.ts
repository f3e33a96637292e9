// Turns a full table into the four task files the way MLE-bench prepares Kaggle data: a deterministic split,
// test without the target, hidden answers, and a constant sample submission.
import { column, drop, rowCount, select, take, withColumn, type Frame } from "./frame.js";
import { shuffledIndices } from "./random.js";

export interface TaskFiles {
  train: Frame;
  test: Frame;
  answers: Frame;
  sample: Frame;
}

/**
 * Shuffles the rows with `seed`, numbers them 1..n in the shuffled order (so an id tells nothing about the
 * target or the source order), and puts the last `testFraction` of them in the test set.
 */
export function randomSplit(frame: Frame, seed: number, testFraction: number, idColumn = "id"): { train: Frame; test: Frame } {
  const n = rowCount(frame);
  const order = shuffledIndices(n, seed);
  const shuffled = take(frame, order);
  const withIds = withColumn(shuffled, idColumn, Array.from({ length: n }, (_, i) => String(i + 1)), 0);
  const nTest = Math.round(n * testFraction);
  const trainRows = Array.from({ length: n - nTest }, (_, i) => i);
  const testRows = Array.from({ length: nTest }, (_, i) => n - nTest + i);
  return { train: take(withIds, trainRows), test: take(withIds, testRows) };
}

/** Splits by time: rows whose `isTest` is true form the test set; ids follow the given row order. */
export function timeSplit(frame: Frame, isTest: (row: number) => boolean, idColumn = "id"): { train: Frame; test: Frame } {
  const n = rowCount(frame);
  const withIds = frame.header.includes(idColumn) ? frame : withColumn(frame, idColumn, Array.from({ length: n }, (_, i) => String(i + 1)), 0);
  const trainRows: number[] = [];
  const testRows: number[] = [];
  for (let i = 0; i < n; i++) (isTest(i) ? testRows : trainRows).push(i);
  return { train: take(withIds, trainRows), test: take(withIds, testRows) };
}

/** Constant predictions for the sample submission, one value per target column. */
export type SampleValues = Record<string, string>;

/**
 * Builds the files from a split whose frames hold the target columns: test loses `hidden` columns
 * (the targets and anything that leaks them), answers keep id + targets.
 */
export function assembleFiles(
  split: { train: Frame; test: Frame },
  idColumn: string,
  targets: readonly string[],
  sampleValues: SampleValues,
  hidden: readonly string[] = targets,
): TaskFiles {
  const answers = select(split.test, [idColumn, ...targets]);
  const test = drop(split.test, hidden);
  const ids = column(split.test, idColumn);
  const sample: Frame = {
    header: [idColumn, ...targets],
    columns: [ids, ...targets.map((t) => ids.map(() => sampleValues[t] ?? "0"))],
  };
  return { train: split.train, test, answers, sample };
}

// ---------- constants from the training data ----------

export function meanOf(values: readonly string[]): number {
  let s = 0;
  let n = 0;
  for (const v of values) {
    if (v === "") continue;
    s += Number(v);
    n++;
  }
  return s / n;
}

export function majorityOf(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best = "";
  let bestCount = -1;
  for (const [v, c] of [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (c > bestCount) {
      best = v;
      bestCount = c;
    }
  }
  return best;
}

/** Share of each label among the values, in `labels` order. */
export function frequenciesOf(values: readonly string[], labels: readonly string[]): number[] {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return labels.map((l) => (counts.get(l) ?? 0) / values.length);
}

/** Short decimal form for constants shown in sample submissions. */
export const round6 = (v: number): string => String(Math.round(v * 1e6) / 1e6);
