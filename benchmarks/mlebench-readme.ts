// The text of an MLE-bench submission: the leaderboard table's row (README.md, "Leaderboard"), runs/README.md's
// experiment row, the machines from the runs' fingerprints, and SUBMISSION.md — what to copy where, what was
// missing, and the no-test-signal statement.
import { FingerprintSchema } from "../execution/index.js";
import { MLEBENCH_MIN_SEEDS } from "./mlebench.js";
import type { MleBenchSubmission, SplitAggregate } from "./mlebench-submission.js";

const GIB = 1024 ** 3;

/** Each distinct machine the runs recorded (run.json `fingerprint`): CPUs, memory, GPUs and the sandbox's limits. */
export function describeMachines(fingerprints: readonly (Record<string, unknown> | null)[]): string[] {
  const seen = new Map<string, number>();
  let unrecorded = 0;
  for (const raw of fingerprints) {
    const parsed = raw ? FingerprintSchema.safeParse(raw) : undefined;
    if (!parsed?.success) {
      unrecorded++;
      continue;
    }
    const f = parsed.data;
    const gpus = f.gpus.length ? f.gpus.map((g) => `${g.name}${g.memoryMiB ? ` ${Math.round(g.memoryMiB / 1024)} GB` : ""}`).join(" + ") : "no GPU";
    const limits = f.sandbox?.limits;
    const sandbox =
      limits && (typeof limits.cpus === "number" || typeof limits.memoryBytes === "number")
        ? `; sandbox ${typeof limits.cpus === "number" ? `${limits.cpus} CPUs` : ""}${typeof limits.memoryBytes === "number" ? `, ${Math.round(limits.memoryBytes / GIB)} GB RAM` : ""}`
        : "";
    const text = `${f.cpu.count} vCPUs (${f.cpu.model}), ${Math.round(f.memoryBytes / GIB)} GB of RAM, ${gpus}${sandbox}`;
    seen.set(text, (seen.get(text) ?? 0) + 1);
  }
  const out = [...seen.entries()].map(([text, n]) => (seen.size > 1 || unrecorded ? `${text} (${n} runs)` : text));
  if (unrecorded) out.push(`not recorded (${unrecorded} runs without a fingerprint)`);
  return out;
}

// MLE-bench's README footnote [^3]: "Computed by padding incomplete seeds with failing scores."
const PADDED_FOOTNOTE = "[^3]";

function cell(split: SplitAggregate): string {
  const any = split.aggregate.metrics?.any_medal_percentage;
  if (!any) return `n/a (0 of ${split.competitions} run)`;
  return `${any.mean.toFixed(2)} ± ${any.standard_error.toFixed(2)}${split.padded ? PADDED_FOOTNOTE : ""}`;
}

type RowInput = Omit<MleBenchSubmission, "leaderboard_row" | "runs_readme_row">;

/** The leaderboard's row (Agent | LLM(s) used | Low | Medium | High | All | hours | date | leakage | source | reports) and runs/README.md's. */
export function leaderboardRow(s: RowInput): { leaderboard_row: string; runs_readme_row: string } {
  const seeds = s.run_groups.length;
  const agent = `${s.agent} (${s.mode})${seeds < MLEBENCH_MIN_SEEDS ? `<br>${seeds} seed(s), MLE-bench asks for ${MLEBENCH_MIN_SEEDS}` : ""}`;
  const hours = s.hours.max.toFixed(2);
  const cells = [agent, s.llms, ...s.splits.map(cell), hours, s.date, "-", "✓", "✓"];
  const notes = `${s.agent} ${s.mode}, ${s.llms}, at most ${hours} hours per competition, ${s.hardware.join("; ")}, ${seeds} seed(s)`;
  return { leaderboard_row: `| ${cells.join(" | ")} |`, runs_readme_row: `| ${s.experiment_id} | ${notes} |` };
}

const LEADERBOARD_HEADER = [
  "| Agent | LLM(s) used | Low == Lite (%) | Medium (%) | High (%) | All (%) | Running Time (hours) | Date | Known Leakage[^1] | Source Code Available | Grading Reports Available |",
  "|-------|-------------|-----------------|------------|----------|---------|----------------------|------|---------------|----------------------|---------------------------|",
];

/** SUBMISSION.md: what goes where in the pull request, what is missing, and how selection was made. */
export function submissionMarkdown(s: MleBenchSubmission): string {
  const lines = [
    `# MLE-bench leaderboard submission: ${s.experiment_id}`,
    "",
    `${s.agent}, mode ${s.mode}, model ${s.model}: ${s.run_groups.length} run group(s), one per seed.`,
    "",
    "## Said plainly",
    "",
    ...(s.warnings.length ? s.warnings.map((w) => `- ${w}`) : [`- nothing: every split complete, at least ${MLEBENCH_MIN_SEEDS} seeds`]),
    "",
    "## Leaderboard row (README.md)",
    "",
    ...LEADERBOARD_HEADER,
    s.leaderboard_row,
    "",
    "Each cell is any_medal_percentage, mean ± standard error over the seeds" + (s.splits.some((x) => x.padded) ? `; ${PADDED_FOOTNOTE} marks a split with missing competitions, padded with failing scores as --pad-missing does.` : "."),
    "",
    "## runs/README.md row",
    "",
    s.runs_readme_row,
    "",
    "## Files",
    "",
    ...s.run_groups.map((g) => `- runs/${g.name}/grading_report.json — seed ${g.seed ?? "?"}: ${g.grading_report.total_runs} competition(s), ${g.grading_report.total_medals} medal(s)`),
    "- runs/run_group_experiments.csv — append its rows (not the header) to MLE-bench's file",
    "",
    "## Splits",
    "",
    "| Column | Split | Run | Missing | Seeds | Any medal (%) |",
    "|---|---|---|---|---|---|",
    ...s.splits.map((x) => `| ${x.column} | ${x.split}.txt | ${x.covered.length} of ${x.competitions} | ${x.missing.length} | ${x.aggregate.num_seeds_averaged} | ${cell(x)} |`),
    ...(s.outside_splits.length ? ["", `In no split (counted nowhere): ${s.outside_splits.join(", ")}.`] : []),
    "",
    "Reproduce with MLE-bench's own script, after copying runs/ into a checkout:",
    "",
    "```bash",
    ...s.splits.map((x) =>
      x.covered.length === 0
        ? `# --split ${x.split}: no competition of it was run, so the script has no report to aggregate`
        : `uv run python experiments/aggregate_grading_reports.py --experiment-id ${s.experiment_id} --split ${x.split}${x.padded ? " --pad-missing" : ""}`,
    ),
    "```",
    "",
    "## Selection used no test-set signal",
    "",
    "Every choice among candidates the runs' configs (run.json `config`) make, and what it reads:",
    "",
    ...s.selection.lines.map((l) => `- ${l}`),
    "",
    "No run read a test score to choose its submission; the hidden answers only grade the final submission.",
    "",
  ];
  return lines.join("\n");
}
