// What several built-in tasks share: the split seed and fraction, and the usual mean / majority recipes.
import { column, type Frame } from "./frame.js";
import { assembleFiles, majorityOf, meanOf, randomSplit, round6, type TaskFiles } from "./split.js";

export const SEED = 20240611;
export const TEST_FRACTION = 0.2;

export const randomNote = `The rows were shuffled with a fixed seed and numbered; 20% form the test set.`;

export function meanSample(train: Frame, targets: string[]): Record<string, string> {
  return Object.fromEntries(targets.map((t) => [t, round6(meanOf(column(train, t)))]));
}

/** Prepares a random-split regression / binary task whose sample predicts the training mean. */
export function meanTask(frame: Frame, targets: string[], seed = SEED): TaskFiles {
  const split = randomSplit(frame, seed, TEST_FRACTION);
  return assembleFiles(split, "id", targets, meanSample(split.train, targets));
}

/** Prepares a random-split classification task whose sample predicts the training majority class. */
export function majorityTask(frame: Frame, target: string): TaskFiles {
  const split = randomSplit(frame, SEED, TEST_FRACTION);
  return assembleFiles(split, "id", [target], { [target]: majorityOf(column(split.train, target)) });
}

/** The capital letters A–Z. */
export function LETTERS(): string[] {
  return Array.from({ length: 26 }, (_, i) => String.fromCharCode(65 + i));
}
