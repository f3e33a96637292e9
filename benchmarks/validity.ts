// What a reader needs to trust a bench's numbers (issue 13), computed from the runs the report collected:
// validation against test scores (how often a script printed one, their rank correlation, the optimism gap,
// leakage suspects), how the instruction was selected and what that cost, cost per valid submission and per
// medal, the hardware/software fingerprints behind a comparison, and the seeds behind it.
import { createHash } from "node:crypto";
import { fmt } from "./format.js";
import type { Table } from "./report-model.js";
import { averageRanks, mean } from "./stats.js";

/**
 * A run is a leakage suspect when its validation score, normalised like the test score (0 = the task's constant
 * baseline, 1 = its reference model), exceeds 1 + LEAKAGE_MARGIN: the script claims to beat the reference model by
 * more than half the constant→reference span. A standard model rarely does that on its own hold-out; a script that
 * trained on its validation rows, or read a feature that carries the target, does.
 */
export const LEAKAGE_MARGIN = 0.5;

/** MLE-bench's rule: fewer seeds than this do not back a comparison. */
export const MIN_SEEDS = 3;

/** The per-run values these statistics read (a projection of the report's ReportRun). */
export interface ValidityRun {
  runId: string;
  mode: string;
  model: string;
  taskId: string;
  seed: number | null;
  valid: boolean;
  /** Hidden test score of the final submission (valid runs), and normalised. */
  score: number | null;
  normalised: number | null;
  /** The validation score the final attempt's script printed (null: none or unparsable). */
  validationScore: number | null;
  normalisedValidation: number | null;
  medal: string | null;
  totalTokens: number;
  wallMs: number;
  costEstimate: number | null;
  /** `--select` method of the run and, when known, whether the critic's pick was the validation-best branch. */
  selection: { method: string; criticMatchesValidationBest: boolean | null } | null;
  /** Stable id of the run's machine/software fingerprint (null: the record has none). */
  fingerprintId: string | null;
  /** --sanity permuted-labels result (null: the run was not checked). */
  sanity: { flagged: boolean } | null;
}

/** Spearman's rank correlation (Pearson's on average ranks, ties shared); null below 3 pairs or with no spread. */
export function spearman(xs: readonly number[], ys: readonly number[]): number | null {
  if (xs.length !== ys.length || xs.length < 3) return null;
  const rx = averageRanks(xs);
  const ry = averageRanks(ys);
  const mx = mean(rx);
  const my = mean(ry);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < rx.length; i++) {
    const dx = (rx[i] as number) - mx;
    const dy = (ry[i] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return null;
  return sxy / Math.sqrt(sxx * syy);
}

export interface ValidationSummary {
  /** Valid runs, and those whose final script printed a validation score. */
  validRuns: number;
  printed: number;
  /** Spearman correlation of normalised validation and test scores across those runs (null: too few). */
  rankCorrelation: number | null;
  pairs: number;
  /**
   * Mean of normalised validation − normalised test: positive = validation looked better than the test turned
   * out, in the metric's direction (normalising puts both directions on one scale, higher = better).
   */
  meanGap: number | null;
  /** Runs whose normalised validation score exceeds 1 + LEAKAGE_MARGIN. */
  leakageSuspects: ValidityRun[];
}

/** Validation against test for one group of runs (a mode × model). */
export function validationSummary(runs: readonly ValidityRun[], margin = LEAKAGE_MARGIN): ValidationSummary {
  const valid = runs.filter((r) => r.valid);
  const printed = valid.filter((r) => r.validationScore !== null);
  const paired = printed.filter((r): r is ValidityRun & { normalised: number; normalisedValidation: number } => r.normalised !== null && r.normalisedValidation !== null);
  const gaps = paired.map((r) => r.normalisedValidation - r.normalised);
  return {
    validRuns: valid.length,
    printed: printed.length,
    rankCorrelation: spearman(paired.map((r) => r.normalisedValidation), paired.map((r) => r.normalised)),
    pairs: paired.length,
    meanGap: gaps.length ? mean(gaps) : null,
    leakageSuspects: paired.filter((r) => r.normalisedValidation > 1 + margin),
  };
}

export interface SelectionSummary {
  method: string;
  runs: number;
  /** Runs where the critic's choice and the validation-best branch are both known, and how many agree. */
  compared: number;
  agree: number;
  meanTokens: number;
  meanMinutes: number;
}

/** How each selection method chose and what it cost (tokens and wall time per run). */
export function selectionSummary(runs: readonly ValidityRun[]): SelectionSummary[] {
  const byMethod = new Map<string, ValidityRun[]>();
  for (const run of runs) {
    const method = run.selection?.method ?? "critic";
    byMethod.set(method, [...(byMethod.get(method) ?? []), run]);
  }
  return [...byMethod.entries()].map(([method, group]) => {
    const compared = group.filter((r) => r.selection?.criticMatchesValidationBest != null);
    return {
      method,
      runs: group.length,
      compared: compared.length,
      agree: compared.filter((r) => r.selection?.criticMatchesValidationBest === true).length,
      meanTokens: mean(group.map((r) => r.totalTokens)),
      meanMinutes: mean(group.map((r) => r.wallMs / 60_000)),
    };
  });
}

export const MEDALS = ["gold", "silver", "bronze"] as const;
export const isMedal = (medal: string | null): boolean => medal !== null && (MEDALS as readonly string[]).includes(medal);

export interface CostSummary {
  /** Total estimated cost of the runs; null when no run has a price. */
  total: number | null;
  validRuns: number;
  medalRuns: number;
  /** total / valid runs, total / medal runs (null when there are none or no prices). */
  perValid: number | null;
  perMedal: number | null;
}

/** Cost per valid submission and per medal: every run's cost counts, the failed ones too. */
export function costSummary(runs: readonly ValidityRun[]): CostSummary {
  const priced = runs.filter((r) => r.costEstimate !== null);
  const total = priced.length ? priced.reduce((sum, r) => sum + (r.costEstimate as number), 0) : null;
  const validRuns = runs.filter((r) => r.valid).length;
  const medalRuns = runs.filter((r) => isMedal(r.medal)).length;
  return {
    total,
    validRuns,
    medalRuns,
    perValid: total !== null && validRuns > 0 ? total / validRuns : null,
    perMedal: total !== null && medalRuns > 0 ? total / medalRuns : null,
  };
}

/** Canonical JSON: keys sorted at every level, so equal fingerprints hash equally. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object")
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(value);
}

/**
 * The id of a run's fingerprint: a hash of the machine and software it ran on. The models are left out on
 * purpose: a comparison between model columns differs in models by design; what must not differ is the rest.
 */
export function fingerprintIdOf(fingerprint: Record<string, unknown> | undefined | null): string | null {
  if (!fingerprint) return null;
  const { models: _models, ...machine } = fingerprint;
  return createHash("sha256").update(canonical(machine)).digest("hex").slice(0, 10);
}

/** The distinct fingerprints of some runs; a run without one counts as `unknown`. */
export function fingerprintsOf(runs: readonly ValidityRun[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const run of runs) out.set(run.fingerprintId ?? "unknown", (out.get(run.fingerprintId ?? "unknown") ?? 0) + 1);
  return out;
}

/** Warnings about a comparison of two groups of runs: mixed fingerprints, fewer than MIN_SEEDS seeds. */
export function comparisonWarnings(label: string, runs: readonly ValidityRun[], seeds: number): string[] {
  const warnings: string[] = [];
  const known = [...fingerprintsOf(runs).keys()].filter((id) => id !== "unknown");
  if (known.length > 1)
    warnings.push(`${label}: the runs come from ${known.length} different machine/software fingerprints (${known.join(", ")}): their scores and times are not directly comparable.`);
  if (seeds < MIN_SEEDS) warnings.push(`${label}: only ${seeds} seed(s) back this comparison; MLE-bench asks for at least ${MIN_SEEDS} (--repeats ${MIN_SEEDS}).`);
  return warnings;
}

// ---------------------------------------------------------------------------------------------------------------
// Report tables (rendered by render.ts like every other table).


function groupsOf(runs: readonly ValidityRun[]): [string, ValidityRun[]][] {
  const out = new Map<string, ValidityRun[]>();
  for (const r of runs) out.set(`${r.mode} · ${r.model}`, [...(out.get(`${r.mode} · ${r.model}`) ?? []), r]);
  return [...out.entries()];
}

export interface ValidityTablesInput {
  runs: readonly ValidityRun[];
  /** Href of the runs behind a number (the report's group registry). */
  link: (runs: readonly ValidityRun[], label: string) => string | undefined;
}

/** Validation against test per mode × model, and the leakage suspects. */
export function validationTable({ runs, link }: ValidityTablesInput): Table | undefined {
  const rows = groupsOf(runs).map(([label, group]) => {
    const s = validationSummary(group);
    return [
      { text: group[0]!.mode },
      { text: group[0]!.model },
      { text: `${s.printed}/${s.validRuns}`, href: link(group.filter((r) => r.valid), `${label} (valid)`) },
      { text: `${fmt(s.rankCorrelation, 2)}${s.pairs ? ` (n=${s.pairs})` : ""}` },
      { text: fmt(s.meanGap) },
      { text: String(s.leakageSuspects.length), href: link(s.leakageSuspects, `${label} · leakage suspects`), tone: s.leakageSuspects.length ? ("bad" as const) : ("good" as const) },
    ];
  });
  if (!runs.some((r) => r.validationScore !== null)) return undefined;
  return {
    id: "validation",
    title: "Validation against test",
    note:
      "Printed: valid runs whose final script printed VALIDATION_SCORE= (a missing or unparsable one is missing, not 0). " +
      "Rank correlation: Spearman's ρ of normalised validation and test scores across those runs (— below 3). " +
      "Gap: mean normalised validation − normalised test, so positive means validation promised more than the test gave, " +
      `in the metric's direction. Leakage suspects: normalised validation score above ${1 + LEAKAGE_MARGIN} (beyond the ` +
      `reference model by more than ${LEAKAGE_MARGIN} of the constant→reference span).`,
    columns: ["Mode", "Model", "Printed", "Rank correlation", "Gap", "Leakage suspects"],
    rows,
  };
}

/** How often the critic picked the validation-best branch, and what each selection method cost. */
export function selectionTable({ runs, link }: ValidityTablesInput): Table | undefined {
  if (!runs.some((r) => r.selection !== null)) return undefined;
  const rows = groupsOf(runs).flatMap(([label, group]) =>
    selectionSummary(group).map((s) => [
      { text: group[0]!.mode },
      { text: group[0]!.model },
      { text: s.method },
      { text: String(s.runs), href: link(group, label) },
      { text: s.compared ? `${s.agree}/${s.compared}` : "—" },
      { text: fmt(s.meanTokens, 0) },
      { text: fmt(s.meanMinutes, 2) },
    ]),
  );
  return {
    id: "selection",
    title: "Selection among the ranked instructions",
    note:
      "Critic = validation-best: runs under --select validation where the critic's choice is known, and how many times it " +
      "named the branch with the best validation score. Tokens and minutes are per run, all branches included.",
    columns: ["Mode", "Model", "Select", "Runs", "Critic = validation-best", "Tokens / run", "Minutes / run"],
    rows,
  };
}

/** Cost per valid submission and per medal, per mode × model. */
export function costTable({ runs, link }: ValidityTablesInput): Table | undefined {
  if (!runs.some((r) => r.costEstimate !== null)) return undefined;
  const rows = groupsOf(runs).map(([label, group]) => {
    const c = costSummary(group);
    return [
      { text: group[0]!.mode },
      { text: group[0]!.model },
      { text: fmt(c.total, 4), href: link(group, label) },
      { text: String(c.validRuns) },
      { text: fmt(c.perValid, 4) },
      { text: String(c.medalRuns) },
      { text: fmt(c.perMedal, 4) },
    ];
  });
  return {
    id: "cost",
    title: "Cost per valid submission and per medal",
    note: "Estimated cost of all runs (failed ones too) divided by the valid runs, and by the runs that won any medal (— when none).",
    columns: ["Mode", "Model", "Total cost", "Valid runs", "Cost / valid", "Medal runs", "Cost / medal"],
    rows,
  };
}

/** --sanity permuted-labels per mode × model: how many valid runs were checked, and which were flagged. */
export function sanityTable({ runs, link }: ValidityTablesInput): Table | undefined {
  if (!runs.some((r) => r.sanity !== null)) return undefined;
  const rows = groupsOf(runs).map(([label, group]) => {
    const checked = group.filter((r) => r.sanity !== null);
    const flagged = checked.filter((r) => r.sanity!.flagged);
    return [
      { text: group[0]!.mode },
      { text: group[0]!.model },
      { text: String(checked.length), href: link(checked, `${label} · sanity-checked`) },
      { text: String(flagged.length), href: link(flagged, `${label} · permuted-label flagged`), tone: flagged.length ? ("bad" as const) : ("good" as const) },
    ];
  });
  return {
    id: "sanity",
    title: "Did the score come from learning? (--sanity permuted-labels)",
    note:
      "Each checked run's final script ran once more on public data whose training targets were permuted (seeded). Flagged: " +
      "it still scored nearer the real score than the constant baseline — the features carry the target (a leak in the task) " +
      "or the script does not learn from the labels.",
    columns: ["Mode", "Model", "Checked", "Flagged"],
    rows,
  };
}

/** The fingerprints of the aggregated runs, one row each. */
export function fingerprintTable({ runs, link }: ValidityTablesInput, describe: (id: string) => string): Table {
  const rows = [...fingerprintsOf(runs).entries()].map(([id, n]) => [
    { text: id },
    { text: String(n), href: link(runs.filter((r) => (r.fingerprintId ?? "unknown") === id), `fingerprint ${id}`) },
    { text: id === "unknown" ? "run records without a fingerprint" : describe(id) },
  ]);
  return {
    id: "fingerprints",
    title: "Machines and software behind these runs",
    note: "A fingerprint is the CPU, memory, GPUs, platform, Docker, sandbox image and limits, node and linguacodus versions of a run (models left out: columns differ in models by design).",
    columns: ["Fingerprint", "Runs", "What"],
    rows,
  };
}

/** One line about a fingerprint: CPU, memory, GPUs, Docker, sandbox image, node and linguacodus versions. */
export function describeFingerprint(fingerprint: Record<string, unknown> | null): string {
  if (!fingerprint) return "";
  const fp = fingerprint as {
    cpu?: { model?: string; count?: number };
    memoryBytes?: number;
    gpus?: { name?: string; driver?: string }[];
    platform?: string;
    node?: string;
    linguacodus?: string;
    docker?: string;
    sandbox?: { image?: string };
  };
  const gpus = fp.gpus?.length ? fp.gpus.map((g) => `${g.name ?? "GPU"}${g.driver ? ` (driver ${g.driver})` : ""}`).join(", ") : "no GPU";
  return [
    `${fp.cpu?.count ?? "?"} × ${fp.cpu?.model ?? "?"}`,
    fp.memoryBytes ? `${(fp.memoryBytes / 1024 ** 3).toFixed(1)} GiB` : undefined,
    gpus,
    fp.platform,
    fp.docker ? `Docker ${fp.docker}` : undefined,
    fp.sandbox?.image ? `image ${fp.sandbox.image}` : undefined,
    fp.node ? `node ${fp.node}` : undefined,
    fp.linguacodus ? `linguacodus ${fp.linguacodus}` : undefined,
  ]
    .filter(Boolean)
    .join(" · ");
}
