// Evaluation metrics as pure functions over number arrays, defined as scikit-learn / scipy define them
// (tests compare against those libraries on randomised inputs). Arrays are indexed by row; multi-column
// metrics take one array per column. Class labels arrive as integer codes 0..K-1.
// Results that the reference libraries leave undefined (one class for ROC-AUC, constant input for a
// correlation) come back as NaN; the grader turns that into a message.

export type Numbers = ArrayLike<number>;

// ---------- regression ----------

/**
 * The mean squared difference as scale² · meanSquare: scale 1, unless the squares overflow (values past 1e154) —
 * then the values are divided by their largest magnitude first.
 */
function scaledMeanSquare(y: Numbers, p: Numbers): { scale: number; meanSquare: number } {
  const n = y.length;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const d = y[i]! - p[i]!;
    s += d * d;
  }
  if (Number.isFinite(s)) return { scale: 1, meanSquare: s / n };
  const scale = scaleOf(y, p);
  return { scale, meanSquare: meanSquaredDifference(y, p, scale) };
}

export function mse(y: Numbers, p: Numbers): number {
  const { scale, meanSquare } = scaledMeanSquare(y, p);
  return scale * scale * meanSquare;
}

/** RMSE; finite whenever the true value is (squares of values past 1e154 overflow, so those are scaled first). */
export function rmse(y: Numbers, p: Numbers): number {
  const { scale, meanSquare } = scaledMeanSquare(y, p);
  return scale * Math.sqrt(meanSquare);
}

export function mae(y: Numbers, p: Numbers): number {
  const n = y.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.abs(y[i]! - p[i]!);
  if (Number.isFinite(s)) return s / n;
  // Near the float limit: the mean of the scaled values, scaled back (y − p itself may overflow).
  const k = scaleOf(y, p);
  let t = 0;
  for (let i = 0; i < n; i++) t += Math.abs(y[i]! / k - p[i]! / k) / n;
  return t * k;
}

/** Root mean squared log error; inputs must be > -1 (the grader checks). */
export function rmsle(y: Numbers, p: Numbers): number {
  const n = y.length;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const d = Math.log1p(y[i]!) - Math.log1p(p[i]!);
    s += d * d;
  }
  return Math.sqrt(s / n);
}

/** Coefficient of determination; as sklearn (force_finite): 1 for a perfect fit of a constant target, else 0. */
export function r2(y: Numbers, p: Numbers): number {
  const n = y.length;
  const mean = sum(y) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    const e = y[i]! - p[i]!;
    const d = y[i]! - mean;
    num += e * e;
    den += d * d;
  }
  if (!Number.isFinite(num) || !Number.isFinite(den)) return r2Scaled(y, p);
  if (den === 0) return num === 0 ? 1 : 0;
  return 1 - num / den;
}

/**
 * R² when squares overflow: each sum is taken over its terms divided by the largest one, so neither overflows
 * nor underflows; the ratio may still be beyond float range (then −Infinity, as it truly is).
 */
function r2Scaled(y: Numbers, p: Numbers): number {
  const n = y.length;
  const k = scaleOf(y, p);
  const ys = scaled(y, k);
  const e = ys.map((v, i) => v - p[i]! / k);
  const meanY = sum(ys) / n;
  const d = ys.map((v) => v - meanY);
  const ke = scaleOf(e, e);
  const kd = scaleOf(d, d);
  if (kd === 0) return ke === 0 ? 1 : 0;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (e[i]! / ke) ** 2;
    den += (d[i]! / kd) ** 2;
  }
  return 1 - (ke / kd) ** 2 * (num / den);
}

const FLOAT64_EPS = 2.220446049250313e-16;

/** Mean absolute percentage error as a fraction (sklearn: |y - p| / max(|y|, eps)). */
export function mape(y: Numbers, p: Numbers): number {
  const n = y.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.abs(y[i]! - p[i]!) / Math.max(Math.abs(y[i]!), FLOAT64_EPS);
  if (Number.isFinite(s)) return s / n;
  let t = 0;
  for (let i = 0; i < n; i++) t += (Math.abs(y[i]! / 2 - p[i]! / 2) / Math.max(Math.abs(y[i]!), FLOAT64_EPS) / n) * 2;
  return t;
}

/** Pearson's r; NaN when either input is constant (as scipy). */
export function pearson(x: Numbers, y: Numbers): number {
  const n = x.length;
  if (n < 2) return Number.NaN;
  const mx = sum(x) / n;
  const my = sum(y) / n;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
  }
  if (!Number.isFinite(sxx) || !Number.isFinite(syy) || !Number.isFinite(sxy)) {
    // Sums or squares overflowed: r does not change when each input is scaled into range.
    if (isConstant(x) || isConstant(y)) return Number.NaN;
    return pearson(scaled(x, scaleOf(x, x)), scaled(y, scaleOf(y, y)));
  }
  if (sxx === 0 || syy === 0 || isConstant(x) || isConstant(y)) return Number.NaN;
  const r = sxy / (Math.sqrt(sxx) * Math.sqrt(syy));
  return Math.max(-1, Math.min(1, r));
}

/** Spearman's rho: Pearson's r of average ranks. */
export function spearman(x: Numbers, y: Numbers): number {
  return pearson(averageRanks(x), averageRanks(y));
}

/** Mean column-wise RMSE over several targets. */
export function mcrmse(ys: readonly Numbers[], ps: readonly Numbers[]): number {
  let s = 0;
  for (let c = 0; c < ys.length; c++) s += rmse(ys[c]!, ps[c]!);
  return s / ys.length;
}

/** Mean over rows of the cosine similarity of answer row and prediction row (zero vectors give 0, as sklearn's normalize). */
export function meanCosineSimilarity(ys: readonly Numbers[], ps: readonly Numbers[]): number {
  const n = ys[0]?.length ?? 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    let dot = 0;
    let ny = 0;
    let np = 0;
    for (let c = 0; c < ys.length; c++) {
      const a = ys[c]![i]!;
      const b = ps[c]![i]!;
      dot += a * b;
      ny += a * a;
      np += b * b;
    }
    if (!Number.isFinite(dot) || !Number.isFinite(ny) || !Number.isFinite(np)) {
      // Squares overflowed: the cosine of two vectors is that of the vectors scaled into range.
      let ka = 0;
      let kb = 0;
      for (let c = 0; c < ys.length; c++) {
        ka = Math.max(ka, Math.abs(ys[c]![i]!));
        kb = Math.max(kb, Math.abs(ps[c]![i]!));
      }
      total += meanCosineSimilarity(
        ys.map((col) => [col[i]! / ka]),
        ps.map((col) => [col[i]! / kb]),
      );
    } else if (ny > 0 && np > 0) total += dot / (Math.sqrt(ny) * Math.sqrt(np));
  }
  return total / n;
}

// ---------- probabilities and scores ----------

/**
 * Binary ROC-AUC (Mann–Whitney U with ties counted one half); `y` holds 0/1.
 * Scores on a decimal grid are counted per grid step (no sort); others take two typed-array sorts and one
 * merge walk: no comparator calls and no per-row objects. Both sum the same halves exactly.
 */
export function rocAuc(y: Numbers, score: Numbers): number {
  const n = y.length;
  let nPos = 0;
  for (let i = 0; i < n; i++) if (y[i] === 1) nPos++;
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) return Number.NaN;
  const counted = mannWhitneyByCounting(y, score);
  return (counted ?? mannWhitneyBySorting(y, score, nPos, nNeg)) / nPos / nNeg;
}

/** Decimal places tried for the counting path: 10^-6 covers rounded probabilities. */
const GRID_DECIMALS = 6;

/**
 * U when every score is q / 10^k for an integer q (k ≤ 6, the same k for all) within a span of grid steps
 * not much above n: counts of positives and negatives per step, walked upwards. Since q ↦ q / 10^k is
 * monotonic and each score is exactly its q / 10^k, the order of the q is that of the scores, ties included.
 * Null when the scores are not on such a grid.
 */
export function mannWhitneyByCounting(y: Numbers, score: Numbers): number | null {
  const n = y.length;
  let k = 0;
  let scale = 1;
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const s = score[i]!;
    while (Math.round(s * scale) / scale !== s) {
      if (k === GRID_DECIMALS) return null;
      k++;
      scale *= 10;
    }
    if (s < low) low = s;
    if (s > high) high = s;
  }
  const base = Math.round(low * scale);
  const span = Math.round(high * scale) - base + 1;
  if (!(span <= Math.max(1 << 16, n))) return null;
  const pos = new Uint32Array(span);
  const neg = new Uint32Array(span);
  for (let i = 0; i < n; i++) {
    const s = score[i]!;
    const q = Math.round(s * scale);
    if (q / scale !== s) return null; // on the grid of a smaller k, not of this one
    const counts = y[i] === 1 ? pos : neg;
    counts[q - base] = counts[q - base]! + 1;
  }
  let below = 0;
  let u = 0;
  for (let b = 0; b < span; b++) {
    u += pos[b]! * (below + neg[b]! / 2);
    below += neg[b]!;
  }
  return u;
}

/** U from the sorted scores of positives and negatives. */
export function mannWhitneyBySorting(y: Numbers, score: Numbers, nPos: number, nNeg: number): number {
  const n = y.length;
  const pos = new Float64Array(nPos);
  const neg = new Float64Array(nNeg);
  let a = 0;
  let b = 0;
  for (let i = 0; i < n; i++) {
    if (y[i] === 1) pos[a++] = score[i]!;
    else neg[b++] = score[i]!;
  }
  pos.sort();
  neg.sort();
  // For each positive: negatives strictly below it count 1, equal ones count 1/2.
  let below = 0; // negatives < v
  let belowOrEqual = 0; // negatives <= v
  let u = 0;
  for (let i = 0; i < nPos; i++) {
    const v = pos[i]!;
    while (below < nNeg && neg[below]! < v) below++;
    if (belowOrEqual < below) belowOrEqual = below;
    while (belowOrEqual < nNeg && neg[belowOrEqual]! <= v) belowOrEqual++;
    u += below + (belowOrEqual - below) / 2;
  }
  return u;
}

/**
 * Mean of per-column binary ROC-AUC (one-vs-rest for one-hot multi-class answers; column-wise for multi-label):
 * "macro" weighs columns alike, "weighted" by their positives (sklearn's average="weighted"; OpenML's multi-class AUC).
 */
export function meanColumnRocAuc(ys: readonly Numbers[], ps: readonly Numbers[], average: "macro" | "weighted" = "macro"): number {
  let s = 0;
  let total = 0;
  for (let c = 0; c < ys.length; c++) {
    const weight = average === "macro" ? 1 : sum(ys[c]!);
    s += weight === 0 ? 0 : weight * rocAuc(ys[c]!, ps[c]!);
    total += weight;
  }
  return s / total;
}

export const KAGGLE_LOG_LOSS_EPS = 1e-15;

function clip(v: number, eps: number): number {
  return v < eps ? eps : v > 1 - eps ? 1 - eps : v;
}

/** Binary log-loss; `p` is the probability of class 1, clipped to [eps, 1 - eps] as Kaggle does. */
export function logLossBinary(y: Numbers, p: Numbers, eps = KAGGLE_LOG_LOSS_EPS): number {
  const n = y.length;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const q = clip(p[i]!, eps);
    s += y[i] === 1 ? Math.log(q) : Math.log(1 - q);
  }
  return -s / n;
}

/**
 * Multi-class log-loss: probabilities clipped to [eps, 1 - eps], then each row divided by its sum
 * (Kaggle's rule), then the mean negative log-probability of the true class.
 * `yClass[i]` is the index of row i's true class among the columns of `ps`.
 */
export function logLossMulticlass(yClass: Numbers, ps: readonly Numbers[], eps = KAGGLE_LOG_LOSS_EPS): number {
  const n = yClass.length;
  const k = ps.length;
  let s = 0;
  for (let i = 0; i < n; i++) {
    let rowSum = 0;
    for (let c = 0; c < k; c++) rowSum += clip(ps[c]![i]!, eps);
    s += Math.log(clip(ps[yClass[i]!]![i]!, eps) / rowSum);
  }
  return -s / n;
}

// ---------- class labels (integer codes 0..k-1): metrics-labels.ts ----------

export * from "./metrics-labels.js";

// ---------- rankings (lists of ids scored at k): metrics-rankings.ts ----------

export * from "./metrics-rankings.js";

// ---------- helpers ----------

/** The largest magnitude in y and p: dividing by it brings values near the float limit into range. */
function scaleOf(y: Numbers, p: Numbers): number {
  let k = 0;
  for (let i = 0; i < y.length; i++) k = Math.max(k, Math.abs(y[i]!), Math.abs(p[i]!));
  return k;
}

function scaled(a: Numbers, k: number): Float64Array {
  return Float64Array.from(a as ArrayLike<number>, (v) => v / k);
}

/** Mean of ((y − p) / k)², summed as means so no step overflows. */
function meanSquaredDifference(y: Numbers, p: Numbers, k: number): number {
  const n = y.length;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const d = y[i]! / k - p[i]! / k;
    s += (d * d) / n;
  }
  return s;
}

function sum(a: Numbers): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s;
}

function isConstant(a: Numbers): boolean {
  const first = a[0];
  for (let i = 1; i < a.length; i++) if (a[i] !== first) return false;
  return true;
}

/** 1-based ranks with ties given their average rank (scipy.stats.rankdata, method="average"). */
export function averageRanks(a: Numbers): Float64Array {
  const n = a.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((i, j) => a[i]! - a[j]!);
  const ranks = new Float64Array(n);
  let i = 0;
  while (i < n) {
    let j = i + 1;
    while (j < n && a[order[j]!] === a[order[i]!]) j++;
    const r = (i + 1 + j) / 2;
    for (let t = i; t < j; t++) ranks[order[t]!] = r;
    i = j;
  }
  return ranks;
}
