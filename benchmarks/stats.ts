// Statistics for bench reports: mean and standard error over repeats, normalised scores, and the paired
// comparison of two modes (win/tie/loss, bootstrap interval, sign test, Wilcoxon signed-rank test).
// P-values follow scipy.stats (binomtest; wilcoxon with zero_method="wilcox", correction=False).
import { fmt, fmtInterval } from "./format.js";
import { normalisedScore, seededRandom, type ReferenceScores as TaskReferenceScores } from "../datasets/index.js";

export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Sample standard deviation (n − 1). NaN below two values. */
export function standardDeviation(values: readonly number[]): number {
  if (values.length < 2) return Number.NaN;
  const m = mean(values);
  let squares = 0;
  for (const v of values) squares += (v - m) ** 2;
  return Math.sqrt(squares / (values.length - 1));
}

/** Standard error of the mean: sd / √n. NaN below two values. */
export function standardError(values: readonly number[]): number {
  return standardDeviation(values) / Math.sqrt(values.length);
}

export interface MeanWithError {
  n: number;
  mean: number;
  /** NaN when n < 2. */
  se: number;
}

export function meanWithError(values: readonly number[]): MeanWithError {
  return { n: values.length, mean: mean(values), se: standardError(values) };
}

/** Reference points a task gives for normalising: 0 = constant predictor, 1 = reference model. */
export type ReferenceScores = Pick<TaskReferenceScores, "constant" | "model">;

// One definition of the normalised score, in datasets/ (it belongs with the reference scores).
export { normalisedScore };

/** Linear-interpolated quantile of sorted values (numpy's default method). */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const a = sorted[lower] as number;
  const b = sorted[upper] as number;
  return a + (b - a) * (position - lower);
}

/** Percentile bootstrap interval of the mean. */
export function bootstrapMeanInterval(
  values: readonly number[],
  options: { seed?: number; resamples?: number; level?: number } = {},
): [number, number] {
  const n = values.length;
  if (n === 0) return [Number.NaN, Number.NaN];
  const random = seededRandom(options.seed ?? 0);
  const resamples = options.resamples ?? 10_000;
  const level = options.level ?? 0.95;
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += values[Math.floor(random() * n)] as number;
    means[r] = sum / n;
  }
  means.sort();
  const sorted = Array.from(means);
  const alpha = (1 - level) / 2;
  return [quantileSorted(sorted, alpha), quantileSorted(sorted, 1 - alpha)];
}

/** Complementary error function: Numerical Recipes' erfcc Chebyshev fit, fractional error < 1.2e-7. */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** P(Z ≥ z) for a standard normal Z. */
export function normalSurvival(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

function logChoose(n: number, k: number): number {
  return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
}

const logFactorialCache: number[] = [0];
function logFactorial(n: number): number {
  for (let i = logFactorialCache.length; i <= n; i++) logFactorialCache[i] = (logFactorialCache[i - 1] as number) + Math.log(i);
  return logFactorialCache[n] as number;
}

/** Two-sided exact binomial test of k successes in n trials against p = 0.5 (the sign test). */
export function signTestPValue(successes: number, trials: number): number {
  if (trials === 0) return 1;
  // With p = 0.5 the distribution is symmetric: two-sided p = P(X ≤ min) + P(X ≥ max).
  const low = Math.min(successes, trials - successes);
  let tail = 0;
  for (let k = 0; k <= low; k++) tail += Math.exp(logChoose(trials, k) - trials * Math.LN2);
  return Math.min(1, low * 2 === trials ? 1 : 2 * tail);
}

/** Average ranks (1-based) of values, ties sharing the mean rank. */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && (order[j + 1] as readonly [number, number])[0] === (order[i] as readonly [number, number])[0]) j++;
    const rank = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) ranks[(order[k] as readonly [number, number])[1]] = rank;
    i = j + 1;
  }
  return ranks;
}

export interface WilcoxonResult {
  /** Non-zero differences used. */
  n: number;
  /** Sum of ranks of positive differences. */
  rPlus: number;
  /** min(R+, R−), what scipy reports as the two-sided statistic. */
  statistic: number;
  pValue: number;
  /** exact: null distribution of ranks 1..n; permutation: all sign flips of the tied ranks; normal: z with tie correction. */
  method: "exact" | "permutation" | "normal";
}

/** Largest n for which every sign assignment is enumerated (scipy does the same below 10,000 assignments). */
const PERMUTATION_LIMIT = 13;

/**
 * Two-sided Wilcoxon signed-rank test of paired differences. Zeros are dropped (Wilcoxon's method).
 * Without ties and n ≤ 50 the exact null distribution is used; with ties, all 2^n sign flips when
 * n ≤ 13; otherwise the normal approximation with tie correction (no continuity correction).
 */
export function wilcoxonSignedRank(differences: readonly number[]): WilcoxonResult {
  const d = differences.filter((x) => x !== 0 && Number.isFinite(x));
  const n = d.length;
  if (n === 0) return { n, rPlus: 0, statistic: 0, pValue: 1, method: "exact" };
  const ranks = averageRanks(d.map(Math.abs));
  let rPlus = 0;
  for (let i = 0; i < n; i++) if ((d[i] as number) > 0) rPlus += ranks[i] as number;
  const total = (n * (n + 1)) / 2;
  const statistic = Math.min(rPlus, total - rPlus);
  const hasTies = new Set(ranks).size < n;
  if (!hasTies && n <= 50) return { n, rPlus, statistic, pValue: exactSignedRankP(n, rPlus), method: "exact" };
  if (n <= PERMUTATION_LIMIT) return { n, rPlus, statistic, pValue: permutationSignedRankP(ranks, rPlus), method: "permutation" };
  const tieGroups = new Map<number, number>();
  for (const r of ranks) tieGroups.set(r, (tieGroups.get(r) ?? 0) + 1);
  let tieCorrection = 0;
  for (const t of tieGroups.values()) tieCorrection += t ** 3 - t;
  const variance = (n * (n + 1) * (2 * n + 1) - tieCorrection / 2) / 24;
  const z = (rPlus - total / 2) / Math.sqrt(variance);
  return { n, rPlus, statistic, pValue: Math.min(1, 2 * normalSurvival(Math.abs(z))), method: "normal" };
}

function exactSignedRankP(n: number, rPlus: number): number {
  // counts[s] = number of subsets of {1..n} whose sum is s.
  const total = (n * (n + 1)) / 2;
  const counts = new Float64Array(total + 1);
  counts[0] = 1;
  for (let k = 1; k <= n; k++) for (let s = total; s >= k; s--) counts[s] = (counts[s] as number) + (counts[s - k] as number);
  const all = 2 ** n;
  let cdf = 0;
  let sf = 0;
  for (let s = 0; s <= total; s++) {
    if (s <= Math.ceil(rPlus)) cdf += counts[s] as number;
    if (s >= Math.floor(rPlus)) sf += counts[s] as number;
  }
  return Math.min(1, (2 * Math.min(cdf, sf)) / all);
}

function permutationSignedRankP(ranks: readonly number[], rPlus: number): number {
  const n = ranks.length;
  const all = 2 ** n;
  let atMost = 0;
  let atLeast = 0;
  // Tolerance for float sums of half ranks.
  const eps = 1e-9;
  for (let mask = 0; mask < all; mask++) {
    let sum = 0;
    for (let i = 0; i < n; i++) if (mask & (1 << i)) sum += ranks[i] as number;
    if (sum <= rPlus + eps) atMost++;
    if (sum >= rPlus - eps) atLeast++;
  }
  return Math.min(1, (2 * Math.min(atMost, atLeast)) / all);
}

/** Smallest two-sided p-value a Wilcoxon test on n non-zero pairs can reach (all signs alike). */
export function smallestWilcoxonP(n: number): number {
  return n === 0 ? 1 : Math.min(1, 2 / 2 ** n);
}

export interface PairedObservation {
  /** What pairs the two values (task + seed + model + temperature). */
  key: string;
  a: number;
  b: number;
}

export interface PairedComparison {
  n: number;
  /** a > b (by more than the tie tolerance). */
  wins: number;
  ties: number;
  losses: number;
  /** Mean of a − b. */
  meanDifference: number;
  interval: [number, number];
  signTestP: number;
  wilcoxon: WilcoxonResult;
  /** One plain sentence on what the data allow one to say. */
  conclusion: string;
}

export interface PairedOptions {
  labelA: string;
  labelB: string;
  seed?: number;
  resamples?: number;
  /** Differences within this are ties. */
  tieTolerance?: number;
  alpha?: number;
}

/** Compares mode A with mode B over matched pairs (higher values are better). */
export function comparePaired(pairs: readonly PairedObservation[], options: PairedOptions): PairedComparison {
  const tolerance = options.tieTolerance ?? 1e-9;
  const alpha = options.alpha ?? 0.05;
  const differences = pairs.map((p) => p.a - p.b);
  const wins = differences.filter((d) => d > tolerance).length;
  const losses = differences.filter((d) => d < -tolerance).length;
  const ties = differences.length - wins - losses;
  const untied = differences.map((d) => (Math.abs(d) <= tolerance ? 0 : d));
  const wilcoxon = wilcoxonSignedRank(untied);
  const signTestP = signTestPValue(wins, wins + losses);
  const interval = bootstrapMeanInterval(differences, { seed: options.seed ?? 0, resamples: options.resamples ?? 10_000 });
  const meanDifference = mean(differences);
  return {
    n: pairs.length,
    wins,
    ties,
    losses,
    meanDifference,
    interval,
    signTestP,
    wilcoxon,
    conclusion: concludePaired({ n: pairs.length, untied: wins + losses, meanDifference, interval, p: wilcoxon.pValue, alpha, ...options }),
  };
}

/**
 * The rule for the plain-language verdict: if even a unanimous result could not reach significance at
 * `alpha` (fewer than 6 untied pairs at 5%), the sample is too small to conclude; otherwise the verdict
 * follows the Wilcoxon p-value, and the bootstrap interval is quoted alongside.
 */
export function concludePaired(input: {
  n: number;
  untied: number;
  meanDifference: number;
  interval: [number, number];
  p: number;
  alpha: number;
  labelA: string;
  labelB: string;
}): string {
  const { labelA, labelB } = input;
  if (input.n === 0) return `No pairs of ${labelA} and ${labelB} runs with scores: nothing to compare.`;
  if (smallestWilcoxonP(input.untied) > input.alpha)
    return (
      `Sample too small to conclude: ${input.untied} untied pair(s) of ${input.n}; ` +
      `even if every pair agreed, the Wilcoxon p-value could not go below ${fmt(smallestWilcoxonP(input.untied))} ` +
      `(needs at least ${pairsNeeded(input.alpha)} untied pairs at α = ${input.alpha}).`
    );
  const ci = `95% CI of the mean difference ${fmtInterval(input.interval)}`;
  if (input.p >= input.alpha)
    return `No significant difference between ${labelA} and ${labelB} (Wilcoxon p = ${fmt(input.p)} ≥ ${input.alpha}; ${ci}).`;
  const better = input.meanDifference > 0 ? labelA : labelB;
  const worse = better === labelA ? labelB : labelA;
  return `${better} scores higher than ${worse} (Wilcoxon p = ${fmt(input.p)} < ${input.alpha}; mean difference ${fmt(input.meanDifference)}, ${ci}).`;
}

function pairsNeeded(alpha: number): number {
  let n = 1;
  while (smallestWilcoxonP(n) > alpha) n++;
  return n;
}

