// The experiment modes of a bench: the two pipelines and the named ablations of the Linguacodus one.
// An ablation is a named set of run flags over the defaults; adding one is one line in MODE_TABLE.

/** The run flags a mode sets; names follow execution's runTask options. */
export interface RunFlags {
  mode: "linguacodus" | "direct";
  /** Fix attempts after the first execution (the paper uses 3). */
  fixAttempts: number;
  /** Ranked instruction candidates the planner writes. */
  instructions: number;
  noCritic: boolean;
  noSchema: boolean;
  unstaged: boolean;
  feedbackIterations: number;
}

export const DEFAULT_RUN_FLAGS: Readonly<RunFlags> = Object.freeze({
  mode: "linguacodus",
  fixAttempts: 3,
  instructions: 3,
  noCritic: false,
  noSchema: false,
  unstaged: false,
  feedbackIterations: 0,
});

interface ModeDefinition {
  description: string;
  flags: Partial<RunFlags>;
  /** Ablations are compared against `linguacodus` in the ablation table. */
  ablation: boolean;
}

export const MODE_TABLE = {
  linguacodus: { ablation: false, flags: {}, description: "planner → critic → staged coders → merger, with fixes" },
  direct: { ablation: false, flags: { mode: "direct" }, description: "one coder from the task text, with fixes" },
  "no-critic": { ablation: true, flags: { noCritic: true }, description: "top-ranked instruction used without the critic" },
  "single-instruction": { ablation: true, flags: { instructions: 1 }, description: "the planner writes 1 candidate" },
  unstaged: { ablation: true, flags: { unstaged: true }, description: "one coder writes the script from the instruction" },
  "no-fix": { ablation: true, flags: { fixAttempts: 0 }, description: "no fix attempts after the first execution" },
  "no-schema": { ablation: true, flags: { noSchema: true }, description: "task context without schema summary and sample" },
  feedback: { ablation: true, flags: { feedbackIterations: 2 }, description: "2 feedback iterations after a valid run" },
} as const satisfies Record<string, ModeDefinition>;

export type ModeName = keyof typeof MODE_TABLE;
export const MODE_NAMES = Object.keys(MODE_TABLE) as ModeName[];
export const ABLATION_NAMES = MODE_NAMES.filter((name) => MODE_TABLE[name].ablation);

export function isModeName(name: string): name is ModeName {
  return Object.hasOwn(MODE_TABLE, name);
}

export function flagsOf(mode: ModeName): RunFlags {
  return { ...DEFAULT_RUN_FLAGS, ...(MODE_TABLE[mode].flags as Partial<RunFlags>) };
}

export function describeMode(mode: ModeName): string {
  return MODE_TABLE[mode].description;
}
