// `finetune eval`: the base planner and the fine-tuned one (base + adapter), both asked with the paper's prompt,
// one call per rank, on tasks that are not in the corpus: parse rate into the four sections, section completeness,
// mean answer length. Downstream (valid rate, normalised score) is a bench whose model columns vary the planner
// alone: `downstreamBenchArgs` builds it, `downstreamSummary` reads its report.
import { resolve } from "node:path";
import type { AgentTeam } from "../agents/index.js";
import { isFinishedState, type Report, type ReportOptions } from "../benchmarks/index.js";
import type { Task } from "../datasets/index.js";
import { adapterPromptTemplate, paperRankMessages, paperSectionsPresent, parsePaperInstruction, planPerRank } from "../instructions/index.js";
import { adapterSpec } from "./adapter.js";

export class EvalInputError extends Error {
  override name = "EvalInputError";
}

/** Refuses tasks whose id is a corpus competition (an eval on training data says nothing). */
export function checkNoOverlap(taskIds: readonly string[], corpusCompetitions: readonly string[]): void {
  const corpus = new Set(corpusCompetitions);
  const overlap = taskIds.filter((id) => corpus.has(id));
  if (overlap.length > 0) {
    throw new EvalInputError(
      `task${overlap.length === 1 ? "" : "s"} ${overlap.join(", ")} ${overlap.length === 1 ? "is" : "are"} in the adapter's corpus: ` +
        "evaluate on tasks the planner was not trained on (drop them from --tasks, or rebuild the corpus without them).",
    );
  }
}

export interface PlannerAnswerStats {
  task: string;
  rank: number;
  attempt: number;
  parsed: boolean;
  sections: number;
  chars: number;
}

export interface PlannerEval {
  planner: "base" | "adapter";
  spec: string;
  answers: PlannerAnswerStats[];
  /** Ranks whose first answer parsed into the four sections. */
  parseRate: number;
  /** Ranks with an instruction after the one retry. */
  parseRateWithRetry: number;
  /** Mean share of the four sections present and non-empty, over all answers. */
  sectionCompleteness: number;
  meanChars: number;
  seconds: number;
}

export interface EvalReport {
  base: string;
  adapter: string;
  tasks: string[];
  ranks: number;
  results: PlannerEval[];
  /** The downstream bench (`--coder`): valid rate and normalised score per planner, paired comparisons. */
  downstream?: DownstreamSummary;
}

export interface EvalOptions {
  base: string;
  adapterGguf: string;
  tasks: readonly Task[];
  /** Corpus competitions (from the sidecar or the corpus card). */
  corpusCompetitions: readonly string[];
  ranks?: number;
  maxTokens?: number;
  seed?: number;
  createTeam(spec: string): AgentTeam | Promise<AgentTeam>;
  onAnswer?: (planner: "base" | "adapter", answer: PlannerAnswerStats) => void;
}

const mean = (xs: readonly number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);

export async function evaluatePlanners(options: EvalOptions): Promise<EvalReport> {
  checkNoOverlap(options.tasks.map((t) => t.spec.id), options.corpusCompetitions);
  const ranks = options.ranks ?? 3;
  const specs = { base: `gguf:${resolve(options.base)}`, adapter: adapterSpec(options.base, options.adapterGguf) } as const;
  const results: PlannerEval[] = [];
  // Both planners get the prompt the adapter was trained with (its corpus's own, or the paraphrase).
  const template = adapterPromptTemplate(specs.adapter);
  for (const planner of ["base", "adapter"] as const) {
    const team = await options.createTeam(specs[planner]);
    const answers: PlannerAnswerStats[] = [];
    const started = performance.now();
    let withInstruction = 0;
    try {
      for (const task of options.tasks) {
        const input = {
          title: task.spec.title,
          ...(template ? { template } : {}),
          description: task.description,
          dataType: task.spec.data_type,
          metricName: task.spec.metric.name,
          lowerIsBetter: task.spec.lower_is_better,
        };
        const attempts = new Map<number, number>();
        const plan = await planPerRank(
          team.model("planner"),
          {
            count: ranks,
            prompt: (rank) => paperRankMessages(input, rank),
            parse: (text, rank) => {
              const parsed = parsePaperInstruction(text, rank);
              const attempt = (attempts.get(rank) ?? 0) + 1;
              attempts.set(rank, attempt);
              const stats = { task: task.spec.id, rank, attempt, parsed: parsed.ok, sections: paperSectionsPresent(text), chars: text.length };
              answers.push(stats);
              options.onAnswer?.(planner, stats);
              return parsed;
            },
          },
          { temperature: 0, seed: options.seed ?? 0, ...(options.maxTokens ? { maxTokens: options.maxTokens } : {}) },
        ).catch(() => ({ instructions: [] }));
        withInstruction += plan.instructions.length;
      }
    } finally {
      await team.close();
    }
    const first = answers.filter((a) => a.attempt === 1);
    const asked = options.tasks.length * ranks;
    results.push({
      planner,
      spec: specs[planner],
      answers,
      parseRate: first.filter((a) => a.parsed).length / Math.max(asked, 1),
      parseRateWithRetry: withInstruction / Math.max(asked, 1),
      sectionCompleteness: mean(answers.map((a) => a.sections / 4)),
      meanChars: mean(answers.map((a) => a.chars)),
      seconds: (performance.now() - started) / 1000,
    });
  }
  return { base: specs.base, adapter: specs.adapter, tasks: options.tasks.map((t) => t.spec.id), ranks, results };
}

/** The downstream bench's model columns and modes: the planner varies alone, direct is the no-planner baseline. */
export const DOWNSTREAM = {
  finetuned: "finetuned-planner",
  base: "base-planner",
  modes: ["paper-planner", "direct"],
} as const;

/** The paired comparisons of the downstream report: each planner vs direct, and fine-tuned vs base. */
export const DOWNSTREAM_COMPARISONS: Pick<ReportOptions, "compare" | "compareModels"> = {
  compare: [["paper-planner", "direct"]],
  compareModels: [[DOWNSTREAM.finetuned, DOWNSTREAM.base]],
};

/** What the downstream bench is built from. */
export interface DownstreamBenchInput {
  base: string;
  adapterGguf: string;
  coder: string;
  tasks: readonly string[];
  out: string;
  repeats?: number;
  /** Continue the bench already in `out`. */
  resume?: boolean;
  /** The bench's `--max-tokens` (every answer of every role). */
  maxTokens?: number;
}

/**
 * The bench that measures downstream effect: the same coder for every column, the planner varied alone —
 * fine-tuned (paper prompt) vs base (paper prompt) in mode paper-planner, and direct as the no-planner baseline
 * (direct ignores the planner, so both columns run it: the pairs stay within a column).
 */
export function downstreamBenchArgs(input: DownstreamBenchInput): string[] {
  const column = (label: string, planner: string) => `label=${label};all=${input.coder};planner=${planner}`;
  return [
    "bench",
    ...input.tasks,
    "--modes",
    DOWNSTREAM.modes.join(","),
    "--models",
    column(DOWNSTREAM.finetuned, adapterSpec(input.base, input.adapterGguf)),
    column(DOWNSTREAM.base, `gguf:${resolve(input.base)}`),
    "--repeats",
    String(input.repeats ?? 1),
    "--out",
    input.out,
    ...(input.maxTokens ? ["--max-tokens", String(input.maxTokens)] : []),
    ...(input.resume ? ["--resume"] : []),
  ];
}

export interface DownstreamCell {
  column: string;
  mode: string;
  runs: number;
  finished: number;
  /** Valid submissions over finished runs. */
  validRate: number;
  /** Mean normalised score over finished runs (invalid = 0); null without reference scores. */
  meanNormalised: number | null;
}

export interface DownstreamComparison {
  a: string;
  b: string;
  within: string;
  pairs: number;
  wins: number;
  ties: number;
  losses: number;
  meanDifference: number;
  interval: [number, number];
  wilcoxonP: number;
  conclusion: string;
}

export interface DownstreamSummary {
  bench: string;
  cells: DownstreamCell[];
  comparisons: DownstreamComparison[];
}

/** Valid rate and normalised score per column × mode, and the paired comparisons, from the bench's report. */
export function downstreamSummary(report: Report): DownstreamSummary {
  const cells: DownstreamCell[] = [];
  for (const column of [DOWNSTREAM.finetuned, DOWNSTREAM.base])
    for (const mode of DOWNSTREAM.modes) {
      const runs = report.runs.filter((r) => r.model === column && r.mode === mode);
      const finished = runs.filter((r) => isFinishedState(r.state));
      const scored = finished.filter((r) => r.normalised !== null);
      cells.push({
        column,
        mode,
        runs: runs.length,
        finished: finished.length,
        validRate: finished.filter((r) => r.valid).length / Math.max(finished.length, 1),
        meanNormalised: scored.length ? mean(scored.map((r) => r.normalised as number)) : null,
      });
    }
  return {
    bench: report.root,
    cells,
    comparisons: report.comparisons.map((c) => ({
      a: c.a,
      b: c.b,
      within: c.within,
      pairs: c.result.n,
      wins: c.result.wins,
      ties: c.result.ties,
      losses: c.result.losses,
      meanDifference: c.result.meanDifference,
      interval: c.result.interval,
      wilcoxonP: c.result.wilcoxon.pValue,
      conclusion: c.result.conclusion,
    })),
  };
}
