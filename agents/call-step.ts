// One vocabulary for what a model call is for. A call step says which role makes the call, which run stage it
// serves (the stage names of events.jsonl, RUN_STAGE) and which step the transcript records ("fix-2"): the
// builders (`callStep.fix(2)`) make them where calls are labelled, `parseCallStep` reads them back where calls are
// counted or shown — also the spellings of records written before this vocabulary (a fix was the merger's call,
// the paper planner's per-rank calls were "instructions:rank-<n>[:retry]").
import type { AgentRole } from "./types.js";

/** The stages a run records in events.jsonl (stage.started / stage.finished), by name. */
export const RUN_STAGE = {
  /** Loading the team's models. */
  models: "models",
  context: "context",
  planner: "planner",
  critic: "critic",
  /** One staged coder's block, or "coder:script" for the unstaged coder's whole script. */
  coder: (block: string) => `coder:${block}`,
  merger: "merger",
  direct: "direct",
  /** The first attempt and its fixes. */
  execute: "execute",
  /** One reviewer round, its attempt and that attempt's fixes. */
  feedback: (round: number) => `feedback:${round}`,
  sanity: "sanity",
  /** --unit-tests: the tester's tests for the final script, their one fix when they do not parse, and their run. */
  unitTests: "unit-tests",
  /** Tree search: every node's calls and attempt (the calls' steps are scoped by node: "draft@n003"). */
  search: "search",
} as const;

export type CallStepKind =
  | "instructions"
  | "instruction"
  | "critique"
  | "research"
  | "resolve"
  | "block"
  | "unstaged-script"
  | "direct-script"
  | "merge"
  | "fix"
  | "review"
  | "extract"
  | "adapter-check"
  | "draft"
  | "improve"
  | "debug"
  | "next-instruction"
  | "unit-tests"
  | "unit-tests-fix";

/** What one model call is for; every field derives from the kind and its number (see callStep). */
export interface CallStep {
  readonly kind: CallStepKind;
  readonly role: AgentRole;
  /** The step as the transcript records it ("fix-2", "preprocessing-block"). */
  readonly step: string;
  /** The step without its number: the key of run.json's usage.byStage ("fix", "preprocessing-block"). */
  readonly tally: string;
  /** The run stage the call serves (a fix serves "execute"; the stage events can say "feedback:<r>"); null outside a run. */
  readonly stage: string | null;
  /** instruction: the rank; fix: the fix index within its round; review: the round. */
  readonly n?: number;
  /** block: the code stage ("preprocessing"). */
  readonly block?: string;
  /** The search node the call was made for (a scoped step "fix-1@n004"). */
  readonly scope?: string;
  /** instruction: the second ask after an unreadable answer. */
  readonly retry?: boolean;
}

type Fields = Omit<CallStep, "kind" | "role" | "step" | "tally" | "stage">;

function make(kind: CallStepKind, role: AgentRole, step: string, stage: string | null, fields: Fields = {}, tally: string = kind): CallStep {
  return { kind, role, step, tally, stage, ...fields };
}

/** The builders: the one place a call's role, step and stage are spelled. */
export const callStep = {
  /** The planner's every candidate in one answer. */
  instructions: () => make("instructions", "planner", "instructions", RUN_STAGE.planner),
  /** The planner's candidate of one rank (per-rank planner prompts). */
  instruction: (rank: number, retry = false) =>
    make("instruction", "planner", `instruction-${rank}${retry ? "-retry" : ""}`, RUN_STAGE.planner, { n: rank, ...(retry ? { retry } : {}) }),
  critique: () => make("critique", "critic", "critique", RUN_STAGE.critic),
  research: () => make("research", "critic", "research", RUN_STAGE.critic),
  resolve: () => make("resolve", "critic", "resolve", RUN_STAGE.critic),
  /** A staged coder's block; its tally keeps the block's name ("model-block"). */
  block: (block: string) => make("block", "coder", `${block}-block`, RUN_STAGE.coder(block), { block }, `${block}-block`),
  /** The unstaged ablation's one coder: the whole script from the instruction. */
  unstagedScript: () => make("unstaged-script", "coder", "unstaged-script", RUN_STAGE.coder("script")),
  directScript: () => make("direct-script", "direct", "direct-script", RUN_STAGE.direct),
  merge: () => make("merge", "merger", "merge", RUN_STAGE.merger),
  /** The fix-th fix of a failed script (counted within its round). */
  fix: (fix: number) => make("fix", "fixer", `fix-${fix}`, RUN_STAGE.execute, { n: fix }),
  review: (round: number) => make("review", "reviewer", `review-${round}`, RUN_STAGE.feedback(round), { n: round }),
  /** Tree search: a new solution (plan + code) from the task and the tree's memory. */
  draft: () => make("draft", "direct", "draft", RUN_STAGE.search),
  /** Tree search: one atomic improvement of a working node. */
  improve: () => make("improve", "direct", "improve", RUN_STAGE.search),
  /** Tree search: the fix of a failed node (the fixer's job, with the search's shared prompt prefix). */
  debug: () => make("debug", "fixer", "debug", RUN_STAGE.search),
  /** Instruction-guided search: the planner's next instruction from the best node and the tree's history. */
  nextInstruction: () => make("next-instruction", "planner", "next-instruction", RUN_STAGE.search),
  /** --unit-tests: the tester's pytest file for the final script. */
  unitTests: () => make("unit-tests", "tester", "unit-tests", RUN_STAGE.unitTests),
  /** --unit-tests: the tester's one fix of a test file that does not parse. */
  unitTestsFix: () => make("unit-tests-fix", "tester", "unit-tests-fix", RUN_STAGE.unitTests),
  /** finetune: reading one ranked solution into an instruction. */
  extract: (competition: string, rank: number) => make("extract", "extractor", `extract:${competition}:${rank}`, null, { n: rank }),
  /** finetune export: the adapter's smoke check through the planner. */
  adapterCheck: () => make("adapter-check", "planner", "adapter-check", null),
} as const;

/** Roles a kind was recorded under before this vocabulary (the merger made the fixes). */
const EARLIER_ROLES: Partial<Record<CallStepKind, readonly AgentRole[]>> = { fix: ["merger"] };

/** The steps without a number, by their recorded name. */
const UNNUMBERED: Readonly<Record<string, () => CallStep>> = Object.fromEntries(
  [callStep.instructions, callStep.critique, callStep.research, callStep.resolve, callStep.unstagedScript, callStep.directScript, callStep.merge, callStep.adapterCheck, callStep.draft, callStep.improve, callStep.debug, callStep.nextInstruction, callStep.unitTests, callStep.unitTestsFix].map(
    (build) => [build().step, build],
  ),
);

function fromStep(step: string): CallStep | undefined {
  const unnumbered = UNNUMBERED[step];
  if (unnumbered) return unnumbered();
  let m: RegExpExecArray | null;
  if ((m = /^instruction-(\d+)(-retry)?$/.exec(step))) return callStep.instruction(Number(m[1]), m[2] !== undefined);
  // The paper planner's per-rank calls before this vocabulary.
  if ((m = /^instructions:rank-(\d+)(:retry)?$/.exec(step))) return callStep.instruction(Number(m[1]), m[2] !== undefined);
  if ((m = /^fix-(\d+)$/.exec(step))) return callStep.fix(Number(m[1]));
  if ((m = /^review-(\d+)$/.exec(step))) return callStep.review(Number(m[1]));
  if ((m = /^extract:(.*):(\d+)$/.exec(step))) return callStep.extract(m[1]!, Number(m[2]));
  if ((m = /^(.+)-block$/.exec(step))) return callStep.block(m[1]!);
  return undefined;
}

/**
 * What a recorded call was for, from its role and step as the transcript holds them (any vintage); undefined when
 * the step is not one of the pipeline's (a test's or a script's own label) or the role does not make it.
 */
export function parseCallStep(call: { role?: string; step?: string | null }): CallStep | undefined {
  if (!call.step) return undefined;
  const scoped = SCOPED.exec(call.step);
  const unscoped = fromStep(scoped ? scoped[1]! : call.step);
  const parsed = unscoped && scoped ? inScope(unscoped, scoped[2]!) : unscoped;
  if (!parsed) return undefined;
  if (call.role === undefined || call.role === parsed.role) return parsed;
  return (EARLIER_ROLES[parsed.kind] as readonly string[] | undefined)?.includes(call.role) ? parsed : undefined;
}

const SCOPED = /^(.+)@([A-Za-z0-9_-]+)$/;

/** A step made inside a scope (a search node): recorded as "<step>@<scope>", tallied as the step, serving the search stage. */
export function inScope(step: CallStep, scope: string): CallStep {
  return { ...step, step: `${step.step}@${scope}`, stage: RUN_STAGE.search, scope };
}

/** The step a call's options make the transcript record: its step, scoped when the options name a scope. */
export function recordedStep(options: { step?: string; scope?: string } | undefined): string | undefined {
  if (!options?.step) return options?.step;
  return options.scope ? `${options.step}@${options.scope}` : options.step;
}

/** The role a recorded call counts under: the vocabulary's for a pipeline step (an old fix is the fixer's), else as recorded. */
export function roleOfCall<R extends string>(call: { role: R; step?: string | null }): AgentRole | R {
  return parseCallStep(call)?.role ?? call.role;
}
