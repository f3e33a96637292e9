// A score's place on a task's leaderboard.csv by Kaggle's progression rules (as MLE-bench's rank_score).
import { readCsv } from "./csv.js";
import { bestFirst, isAtLeast, isBetter } from "./direction.js";
import { TaskFormatError } from "./task.js";

export type Medal = "gold" | "silver" | "bronze" | "none";

export interface LeaderboardPlacement {
  /** Share of the leaderboard (0–100) that the score beats strictly. */
  percentile: number;
  medal: Medal;
  above_median: boolean;
  thresholds: { gold: number; silver: number; bronze: number; median: number };
  leaderboard_size: number;
}

/** Scores in a leaderboard.csv (its `score` column; rows without a finite score are skipped). */
export async function readLeaderboardScores(path: string): Promise<number[]> {
  let table;
  try {
    table = await readCsv(path);
  } catch (error) {
    // a leaderboard that cannot be read is the task's fault, like its answers
    throw new TaskFormatError(`cannot read the leaderboard ${path}: ${(error as Error).message}; fix or remove it`);
  }
  const col = table.header.indexOf("score");
  if (col < 0) throw new TaskFormatError(`${path} has no 'score' column; a leaderboard needs one score per team`);
  const scores: number[] = [];
  for (const cell of table.columns[col]!) {
    const v = cell.trim() === "" ? Number.NaN : Number(cell);
    if (Number.isFinite(v)) scores.push(v);
  }
  return scores;
}

/**
 * Places a score on a leaderboard the way MLE-bench's rank_score does (kaggle.com/progression):
 * medal thresholds are the scores at positions that depend on the number of teams.
 */
export function rankScore(score: number, leaderboard: readonly number[], lowerIsBetter: boolean): LeaderboardPlacement | null {
  const teams = leaderboard.length;
  if (teams === 0) return null;
  const sorted = [...leaderboard].sort(bestFirst(lowerIsBetter));
  const at = (position: number) => sorted[Math.min(Math.max(position, 1), teams) - 1]!;
  let gold: number;
  let silver: number;
  let bronze: number;
  if (teams < 100) {
    gold = at(Math.max(1, Math.floor(teams * 0.1)));
    silver = at(Math.max(1, Math.floor(teams * 0.2)));
    bronze = at(Math.max(1, Math.floor(teams * 0.4)));
  } else if (teams < 250) {
    gold = at(10);
    silver = at(Math.max(1, Math.floor(teams * 0.2)));
    bronze = at(Math.max(1, Math.floor(teams * 0.4)));
  } else if (teams < 1000) {
    gold = at(10 + Math.floor(teams * 0.002));
    silver = at(50);
    bronze = at(100);
  } else {
    gold = at(10 + Math.floor(teams * 0.002));
    silver = at(Math.max(1, Math.floor(teams * 0.05)));
    bronze = at(Math.max(1, Math.floor(teams * 0.1)));
  }
  const ascending = [...leaderboard].sort((a, b) => a - b);
  const mid = Math.floor(teams / 2);
  const median = teams % 2 === 1 ? ascending[mid]! : (ascending[mid - 1]! + ascending[mid]!) / 2;
  const atLeast = (threshold: number) => isAtLeast(score, threshold, lowerIsBetter);
  const medal: Medal = atLeast(gold) ? "gold" : atLeast(silver) ? "silver" : atLeast(bronze) ? "bronze" : "none";
  let beaten = 0;
  for (const s of leaderboard) if (isBetter(score, s, lowerIsBetter)) beaten++;
  return {
    percentile: (100 * beaten) / teams,
    medal,
    above_median: isBetter(score, median, lowerIsBetter),
    thresholds: { gold, silver, bronze, median },
    leaderboard_size: teams,
  };
}

/** The leaderboard fields of a grade result for `score`, or none when the task has no leaderboard. */
export async function leaderboardFields(
  leaderboardPath: string | undefined,
  score: number,
  lowerIsBetter: boolean,
): Promise<Pick<LeaderboardPlacement, "percentile" | "medal" | "above_median" | "thresholds"> | Record<string, never>> {
  if (!leaderboardPath) return {};
  const placement = rankScore(score, await readLeaderboardScores(leaderboardPath), lowerIsBetter);
  if (!placement) return {};
  const { percentile, medal, above_median, thresholds } = placement;
  return { percentile, medal, above_median, thresholds };
}
