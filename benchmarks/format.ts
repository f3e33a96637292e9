// How the report, its statistics and its validity tables print numbers: one set of rules, so a p-value or a
// score reads the same in a table cell, a comparison's conclusion and the validity tables.
import type { MeanWithError } from "./stats.js";

/**
 * A number with `digits` decimals; a non-zero number too small to show at that precision in exponent form
 * (so a tiny p-value does not read as 0); "—" for a missing or non-finite number.
 */
export function fmt(x: number | null | undefined, digits = 3): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return "—";
  if (x !== 0 && Math.abs(x) < 10 ** -digits) return x.toExponential(1);
  return x.toFixed(digits);
}

/** Mean ± standard error, or the mean alone when there was one repeat. */
export function fmtMeanSe(m: MeanWithError, digits = 3): string {
  if (m.n === 0 || !Number.isFinite(m.mean)) return "—";
  return Number.isFinite(m.se) ? `${fmt(m.mean, digits)} ± ${fmt(m.se, digits)}` : `${fmt(m.mean, digits)} (1 repeat)`;
}

/** A run's sampling temperature; runs without one used the model's default. */
export function temperatureLabel(t: number | null): string {
  return t === null ? "default" : String(t);
}

/** A confidence interval as `[low, high]`. */
export function fmtInterval([low, high]: readonly [number, number]): string {
  return `[${fmt(low)}, ${fmt(high)}]`;
}

/** Paired outcomes as `wins / ties / losses`. */
export function fmtWinTieLoss(c: { wins: number; ties: number; losses: number }): string {
  return `${c.wins} / ${c.ties} / ${c.losses}`;
}
