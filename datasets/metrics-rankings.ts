// Ranking metrics over lists of ids (a prediction ranks items, the answer lists the relevant ones), as Kaggle's
// ml_metrics defines them; part of metrics.ts's set (it re-exports them), kept apart so each file stays small.

/** Average precision at k of one ranked prediction list (Kaggle's ml_metrics apk). */
export function averagePrecisionAtK(actual: readonly string[], predicted: readonly string[], k: number): number {
  if (actual.length === 0) return 0;
  const top = predicted.slice(0, k);
  let hits = 0;
  let score = 0;
  for (let i = 0; i < top.length; i++) {
    const item = top[i]!;
    if (actual.includes(item) && !top.slice(0, i).includes(item)) {
      hits++;
      score += hits / (i + 1);
    }
  }
  return score / Math.min(actual.length, k);
}

/** Mean of the average precision at k over rows (Kaggle's ml_metrics mapk); a row without predictions scores 0. */
export function meanAveragePrecisionAtK(
  actual: readonly (readonly string[])[],
  predicted: readonly (readonly string[])[],
  k: number,
): number {
  let s = 0;
  for (let i = 0; i < actual.length; i++) s += averagePrecisionAtK(actual[i]!, predicted[i] ?? [], k);
  return s / actual.length;
}
