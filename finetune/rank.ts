// Ranking within a competition (the paper ranks solutions by score), top-K, and the split by competition.
import { createHash } from "node:crypto";
import { bestFirst } from "../datasets/index.js";
import type { Dropped, Solution } from "./schema.js";

export interface RankedSolution extends Solution {
  /** 1 = best in its competition. */
  rank: number;
  solutionHash: string;
}

export function solutionHash(solution: Pick<Solution, "code" | "competition">): string {
  return createHash("sha256").update(solution.competition).update("\0").update(solution.code).digest("hex").slice(0, 20);
}

/**
 * Per competition: by leaderboard rank when every solution has one, else by score in the metric's direction
 * (solutions without a score, or of a metric with unknown direction, are dropped with the reason); the same code
 * twice counts once; the top K are kept.
 */
export function rankSolutions(solutions: readonly Solution[], topK: number): { ranked: RankedSolution[]; dropped: Dropped[] } {
  const byCompetition = new Map<string, Solution[]>();
  for (const s of solutions) byCompetition.set(s.competition, [...(byCompetition.get(s.competition) ?? []), s]);
  const ranked: RankedSolution[] = [];
  const dropped: Dropped[] = [];
  for (const [competition, list] of [...byCompetition].sort(([a], [b]) => a.localeCompare(b))) {
    const seen = new Set<string>();
    const unique = list.filter((s) => {
      const hash = solutionHash(s);
      if (seen.has(hash)) {
        dropped.push({ origin: s.origin, competition, reason: "duplicate code" });
        return false;
      }
      seen.add(hash);
      return true;
    });
    let ordered: Solution[];
    if (unique.every((s) => s.leaderboardRank !== undefined)) {
      ordered = [...unique].sort((a, b) => a.leaderboardRank! - b.leaderboardRank!);
    } else {
      const scored = unique.filter((s) => {
        if (s.score === undefined) {
          dropped.push({ origin: s.origin, competition, reason: "no score (other solutions of the competition are ranked by score)" });
          return false;
        }
        if (s.lowerIsBetter === undefined) {
          dropped.push({ origin: s.origin, competition, reason: `metric '${s.metric}' has no known direction (higher or lower is better)` });
          return false;
        }
        return true;
      });
      ordered = scored.sort((a, b) => bestFirst(a.lowerIsBetter!)(a.score!, b.score!));
    }
    ordered.forEach((s, i) => {
      if (i < topK) ranked.push({ ...s, rank: i + 1, solutionHash: solutionHash(s) });
      else dropped.push({ origin: s.origin, competition, reason: `below the top ${topK}` });
    });
  }
  return { ranked, dropped };
}

/**
 * Train/validation split by competition, deterministic: competitions sorted by a hash of their name, the first
 * `share` (at least one when there are two or more competitions) go to validation. No competition is on both sides.
 */
export function splitByCompetition(competitions: readonly string[], share: number): { train: string[]; validation: string[] } {
  const unique = [...new Set(competitions)];
  const order = unique
    .map((c) => ({ c, h: createHash("sha256").update(c).digest("hex") }))
    .sort((a, b) => a.h.localeCompare(b.h))
    .map((x) => x.c);
  const count = unique.length < 2 || share <= 0 ? 0 : Math.max(1, Math.round(unique.length * share));
  const validation = new Set(order.slice(0, count));
  return {
    train: unique.filter((c) => !validation.has(c)).sort(),
    validation: [...validation].sort(),
  };
}
