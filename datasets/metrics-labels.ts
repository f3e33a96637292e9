// Class-label metrics (integer codes 0..k-1) over the confusion matrix, as scikit-learn defines them; part of
// metrics.ts's set (it re-exports them), kept apart so each file stays small.
import type { Numbers } from "./metrics.js";

/** Row-major k×k confusion matrix: [true * k + predicted]. */
export function confusionMatrix(y: Numbers, p: Numbers, k: number): Float64Array {
  const m = new Float64Array(k * k);
  for (let i = 0; i < y.length; i++) m[y[i]! * k + p[i]!]! += 1;
  return m;
}

/** A confusion matrix with its margins: per class the true count (row sum), predicted count (column sum) and hits. */
interface Confusion {
  m: Float64Array;
  trueCount: Float64Array;
  predictedCount: Float64Array;
  hits: Float64Array;
  /** Rows in all. */
  n: number;
}

function confusion(y: Numbers, p: Numbers, k: number): Confusion {
  const m = confusionMatrix(y, p, k);
  const trueCount = new Float64Array(k);
  const predictedCount = new Float64Array(k);
  const hits = new Float64Array(k);
  let n = 0;
  for (let t = 0; t < k; t++) {
    for (let q = 0; q < k; q++) {
      const v = m[t * k + q]!;
      trueCount[t]! += v;
      predictedCount[q]! += v;
      n += v;
      if (t === q) hits[t]! += v;
    }
  }
  return { m, trueCount, predictedCount, hits, n };
}

export function accuracy(y: Numbers, p: Numbers): number {
  let hit = 0;
  for (let i = 0; i < y.length; i++) if (y[i] === p[i]) hit++;
  return hit / y.length;
}

/** Mean recall over the classes that occur in `y` (sklearn's balanced_accuracy_score). */
export function balancedAccuracy(y: Numbers, p: Numbers, k: number): number {
  const { trueCount, hits } = confusion(y, p, k);
  let s = 0;
  let classes = 0;
  for (let c = 0; c < k; c++) {
    if (trueCount[c]! > 0) {
      s += hits[c]! / trueCount[c]!;
      classes++;
    }
  }
  return s / classes;
}

export type F1Average = "binary" | "micro" | "macro" | "weighted";

/**
 * F1 as sklearn's f1_score with zero_division=0. Macro and weighted average over the labels present in
 * `y` or `p`; binary scores only `positive`.
 */
export function f1(y: Numbers, p: Numbers, k: number, average: F1Average, positive = 1): number {
  const { hits: tp, trueCount: trueSum, predictedCount: predSum } = confusion(y, p, k);
  const f = (tpc: number, ts: number, ps: number): number => (ts + ps === 0 ? 0 : (2 * tpc) / (ts + ps));
  if (average === "binary") return f(tp[positive] ?? 0, trueSum[positive] ?? 0, predSum[positive] ?? 0);
  if (average === "micro") {
    let a = 0;
    let b = 0;
    let c = 0;
    for (let i = 0; i < k; i++) {
      if (trueSum[i] === 0 && predSum[i] === 0) continue;
      a += tp[i]!;
      b += trueSum[i]!;
      c += predSum[i]!;
    }
    return f(a, b, c);
  }
  let s = 0;
  let w = 0;
  for (let i = 0; i < k; i++) {
    if (trueSum[i] === 0 && predSum[i] === 0) continue;
    const weight = average === "weighted" ? trueSum[i]! : 1;
    s += weight * f(tp[i]!, trueSum[i]!, predSum[i]!);
    w += weight;
  }
  return w === 0 ? 0 : s / w;
}

/** Matthews correlation coefficient (multi-class form, as sklearn); 0 when undefined. */
export function mcc(y: Numbers, p: Numbers, k: number): number {
  const { trueCount: t, predictedCount: q, hits, n } = confusion(y, p, k);
  const correct = hits.reduce((a, b) => a + b, 0);
  let tq = 0;
  let qq = 0;
  let tt = 0;
  for (let i = 0; i < k; i++) {
    tq += t[i]! * q[i]!;
    qq += q[i]! * q[i]!;
    tt += t[i]! * t[i]!;
  }
  const covYP = correct * n - tq;
  const covPP = n * n - qq;
  const covYY = n * n - tt;
  if (covPP * covYY === 0) return 0;
  return covYP / Math.sqrt(covYY * covPP);
}

/**
 * Quadratic weighted kappa (sklearn's cohen_kappa_score, weights="quadratic"): codes are positions in the
 * sorted list of labels seen in either array, and the weight of a cell is the squared distance of positions.
 */
export function quadraticWeightedKappa(y: Numbers, p: Numbers, k: number): number {
  const { m, trueCount: rows, predictedCount: cols, n } = confusion(y, p, k);
  let observed = 0;
  let expected = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const w = (i - j) * (i - j);
      observed += w * m[i * k + j]!;
      expected += (w * rows[i]! * cols[j]!) / n;
    }
  }
  if (expected === 0) return Number.NaN;
  return 1 - observed / expected;
}
