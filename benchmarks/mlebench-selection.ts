// Whether the runs of an MLE-bench submission chose their submissions without the hidden test set: every
// choice a run's config makes (which instruction, which attempt, which reviewed version, which search node,
// which chain) and what it reads, derived from the options in run.json (execution/options.ts). MLE-bench's
// leaderboard marks entries that used test labels; a config that read a test score is refused.
import type { RunOptions } from "../execution/index.js";

export interface SelectionRule {
  /** The option(s) that make this choice. */
  option: string;
  /** How the choice is made, in words. */
  rule: string;
  /** True when the choice reads the hidden test set's grade. */
  testSignal: boolean;
}

/** What a run record says about its choices beyond its config: how its chains were chosen (run.json `agreement`). */
export interface SelectionRecord {
  config: RunOptions;
  agreement?: { chosenBy?: "validation" | "result" } | undefined;
}

/** Every choice among candidates a run with this config makes, and what each reads. */
export function selectionRules({ config, agreement }: SelectionRecord): SelectionRule[] {
  const rules: SelectionRule[] = [];
  if (config.search) {
    rules.push({ option: `search ${config.search}`, rule: "the solution is the tree's best node by the validation score its script printed (the graded test score is recorded, never read)", testSignal: false });
  } else if (config.mode === "direct") {
    rules.push({ option: "mode direct", rule: "one coder writes the script from the task text: no choice among candidates", testSignal: false });
  } else if (config.select === "validation") {
    rules.push({ option: "select validation", rule: "every planner candidate is coded and run; the branch with the best printed validation score is kept", testSignal: false });
  } else if (config.select === "first" || config.noCritic) {
    rules.push({ option: config.select === "first" ? "select first" : "noCritic", rule: "the planner's rank-1 instruction is used as written", testSignal: false });
  } else {
    rules.push({ option: `select critic (${config.criticStyle ?? "structured"})`, rule: "the critic reads the candidate instructions' texts before any code runs: no score of any kind", testSignal: false });
  }
  if (config.fixAttempts > 0) {
    rules.push({ option: `fixAttempts ${config.fixAttempts}`, rule: "a failed attempt is fixed until one writes a submission in the required format (the check MLE-bench's validation server offers agents); no score is read", testSignal: false });
  }
  if (config.feedbackIterations > 0) {
    rules.push({ option: `feedbackIterations ${config.feedbackIterations}`, rule: "a reviewed version is kept only when its printed validation score is better", testSignal: false });
  }
  if (config.budgetTokens !== undefined || config.budgetUsd !== undefined || config.budgetMinutes !== undefined) {
    rules.push({ option: "budget", rule: "a run stopped by its budget submits its best valid attempt so far by printed validation score", testSignal: false });
  }
  if (config.chains * config.iterations > 1) {
    const option = `chains ${config.chains} × iterations ${config.iterations}`;
    rules.push(
      agreement?.chosenBy === "validation"
        ? { option, rule: "the chain kept is the first of the largest group agreeing on the printed validation score (the graded test scores' agreement is recorded, never read)", testSignal: false }
        : {
            option,
            rule: "the chain kept is the first of the largest group whose graded test scores agree (records written before chains were chosen by validation score): the hidden test score chose the submission",
            testSignal: true,
          },
    );
  }
  if (config.sanity) {
    rules.push({ option: `sanity ${config.sanity}`, rule: "the permuted-labels check reruns the final script on training data after the choice; it changes nothing submitted", testSignal: false });
  }
  return rules;
}

export interface SelectionStatement {
  /** False when any run's config chose by a test score. */
  clean: boolean;
  /** One line per distinct set of rules: the runs it covers and the rules. */
  lines: string[];
  /** The choices that read the test set, with the runs that made them (empty when clean). */
  violations: string[];
}

/** The statement over every run of a submission: which selection rules its configs used, and whether any read test signal. */
export function selectionStatement(runs: readonly (SelectionRecord & { runId: string })[]): SelectionStatement {
  const groups = new Map<string, { rules: SelectionRule[]; runIds: string[] }>();
  for (const run of runs) {
    const rules = selectionRules(run);
    const key = JSON.stringify(rules);
    if (!groups.has(key)) groups.set(key, { rules, runIds: [] });
    groups.get(key)!.runIds.push(run.runId);
  }
  const lines: string[] = [];
  const violations: string[] = [];
  for (const { rules, runIds } of groups.values()) {
    const who = `${runIds.length} run(s)`;
    lines.push(`${who}: ${rules.map((r) => `${r.option} — ${r.rule}`).join("; ")}`);
    for (const r of rules.filter((x) => x.testSignal)) violations.push(`${r.option} in ${who} (${runIds.slice(0, 3).join(", ")}${runIds.length > 3 ? ", …" : ""}): ${r.rule}`);
  }
  return { clean: violations.length === 0, lines, violations };
}
