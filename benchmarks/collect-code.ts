// The code+test pipeline's counters of one run (seed 003; `linguacodus batch`): how far its scripts got — extracted
// from the model's answer, parsed, ran without error, stated a result — read from its attempts and score.json.
import type { RunRecord } from "../execution/index.js";

export interface CodeSteps {
  /** Some attempt had code (the model's answer held Python). */
  extracted: boolean;
  /** Some attempt's script parsed. */
  parsed: boolean;
  /** Some attempt's script exited without an error (its output may still have been wrong). */
  ranClean: boolean;
  /** An analysis: the run kept a result (a RESULT line holding JSON); null for a competition task. */
  resultGiven: boolean | null;
}

/** `analysis`: the run's task is an analysis (a result to state), not a competition (a submission to grade). */
export function codeStepsOf(record: RunRecord, analysis: boolean): CodeSteps {
  const attempts = [record, ...record.chains].flatMap((r) => r.attempts);
  const result = record.score?.result;
  return {
    extracted: attempts.some((a) => a.outcome !== "no-code"),
    parsed: attempts.some((a) => a.outcome !== "no-code" && a.outcome !== "syntax-error"),
    ranClean: attempts.some((a) => a.outcome === "ok" || a.outcome === "invalid-submission"),
    resultGiven: analysis ? result !== undefined : null,
  };
}
