// Which way a metric's scores improve, and the one place two scores are compared by it: the pipeline's choice
// among versions and branches, leaderboard placement, reference-score checks and the fine-tuning corpus ranking
// all ask here (a task's direction is task.json's lower_is_better; a metric's default is the registry's).

/** True when score `a` is strictly better than `b` under the direction. */
export function isBetter(a: number, b: number, lowerIsBetter: boolean): boolean {
  return lowerIsBetter ? a < b : a > b;
}

/** True when `a` is as good as `b` or better (a threshold reached). */
export function isAtLeast(a: number, b: number, lowerIsBetter: boolean): boolean {
  return a === b || isBetter(a, b, lowerIsBetter);
}

/** A sort comparator that puts the best score first. */
export function bestFirst(lowerIsBetter: boolean): (a: number, b: number) => number {
  return (a, b) => (lowerIsBetter ? a - b : b - a);
}
