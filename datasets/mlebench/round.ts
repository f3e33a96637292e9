// MLE-bench rounds every score with Python's round(score, 5) before it ranks it on the leaderboard, so a
// score within 5e-6 of a medal line can land on either side of it. This reproduces Python's rounding.

/** Digits MLE-bench keeps (grade_helpers.Grader.__call__). */
export const MLEBENCH_SCORE_DIGITS = 5;

/**
 * Python's round(x, digits) for digits ≤ 15: the decimal nearest to the exact binary value of x, ties to even.
 * `toFixed` already rounds the exact binary value; it differs from Python only on exact ties, which it
 * breaks away from zero. An exact tie at 10^-digits needs x·2·10^digits to be an odd integer.
 */
export function roundLikePython(x: number, digits = MLEBENCH_SCORE_DIGITS): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const rounded = Number(x.toFixed(digits));
  const scaled = Math.abs(x) * 10 ** digits;
  // An exact tie: |x|·10^d = n + 1/2. Only then can `toFixed` disagree (it picks the larger magnitude).
  if (scaled < 2 ** 52 && isExactHalf(Math.abs(x), digits)) {
    const floor = Math.floor(scaled);
    const even = floor % 2 === 0 ? floor : floor + 1;
    return Math.sign(x) * Number((even / 10 ** digits).toFixed(digits));
  }
  return rounded;
}

/**
 * True when |x|·10^d is exactly n + 1/2. Write x = a·2^-k with a odd; x·2·10^d = a·5^d·2^(d+1-k) is an odd
 * integer exactly when k = d + 1, that is when x·2^(d+1) (an exact power-of-two scaling) is an odd integer.
 */
function isExactHalf(x: number, digits: number): boolean {
  const scaled = x * 2 ** (digits + 1);
  return Number.isInteger(scaled) && scaled % 2 === 1;
}
