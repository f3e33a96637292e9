// The structured values the instruction stage exchanges with models (validated with zod at the boundary).
import { z } from "zod";

// Bounds keep a small model's grammar-constrained output from running on (JSON-schema limits become grammar limits).
const Bullets = z.array(z.string().min(1).max(400)).min(1).max(8);

/** The four sections of the Linguacodus paper's instruction, each a list of bullets within `bullets`' bounds. */
const sections = <B extends z.ZodType>(bullets: B) => ({ dataPreprocessing: bullets, modelArchitecture: bullets, modelTraining: bullets, submission: bullets });

/** One high-level solution instruction, in the four sections of the Linguacodus paper. */
export const InstructionSchema = z.object({
  /** 1 = the planner's best. */
  rank: z.number().int().min(1),
  /** A short name for the approach, e.g. "Gradient boosting on one-hot features". */
  title: z.string().min(1).max(160),
  ...sections(Bullets),
});
export type Instruction = z.infer<typeof InstructionSchema>;

// A small model fills strings up to their bound; one place's answer stays a few hundred tokens.
const ShortBullets = z.array(z.string().min(1).max(120)).min(1).max(3);

/** One place's answer in the per-rank planner mode: a short instruction (the rank is the call's, not the model's). */
export const RankAnswerSchema = z.object({
  title: z.string().min(1).max(80),
  ...sections(ShortBullets),
});
export type RankAnswer = z.infer<typeof RankAnswerSchema>;

/** What the planner returns: N ranked instructions. */
export const PlannerOutputSchema = z.object({
  instructions: z.array(InstructionSchema).min(1).max(10),
});

export type PlannerOutput = z.infer<typeof PlannerOutputSchema>;

export const FINDING_KINDS = [
  "leak",
  "wrong-metric",
  "missing-step",
  "library-unavailable",
  "data-mismatch",
  "submission-format",
  "overfitting-risk",
  "other",
] as const;

export const CriticFindingSchema = z.object({
  kind: z.enum(FINDING_KINDS),
  severity: z.enum(["low", "medium", "high"]),
  detail: z.string().min(1).max(600),
});
export type CriticFinding = z.infer<typeof CriticFindingSchema>;

/** The critic's verdict: logical errors and risks per candidate, the choice, and a refined instruction. */
export const CriticVerdictSchema = z.object({
  candidates: z
    .array(
      z.object({
        /** The rank of the candidate this entry reviews. */
        rank: z.number().int().min(1),
        findings: z.array(CriticFindingSchema).max(8),
      }),
    )
    .max(10),
  /** Rank of the chosen candidate. */
  chosenRank: z.number().int().min(1),
  rationale: z.string().min(1).max(1200),
  refined: InstructionSchema,
});
export type CriticVerdict = z.infer<typeof CriticVerdictSchema>;

/**
 * The critic's verdict with short answers (for small models, with the per-rank planner): few, brief findings and a
 * refined instruction as short as one place's answer. Same shape as CriticVerdictSchema, tighter bounds.
 */
export const CompactCriticVerdictSchema = z.object({
  candidates: z
    .array(z.object({ rank: z.number().int().min(1), findings: z.array(CriticFindingSchema.extend({ detail: z.string().min(1).max(160) })).max(2) }))
    .max(10),
  chosenRank: z.number().int().min(1).max(10),
  rationale: z.string().min(1).max(240),
  refined: RankAnswerSchema.extend({ rank: z.number().int().min(1).max(10) }),
});

/**
 * How the planner is asked: one JSON answer with N ranked instructions; one short JSON answer per place (small
 * models, instructions/planner.ts); or the paper's free-text prompt per rank (the fine-tuned planner, per-rank.ts).
 */
export const PLANNER_PROMPT_MODES = ["json", "json-per-rank", "paper"] as const;
export type PlannerPromptMode = (typeof PLANNER_PROMPT_MODES)[number];

/** instructions.json of the run record. */
export const InstructionsRecordSchema = z.object({
  candidates: z.array(InstructionSchema),
  critic: CriticVerdictSchema.nullable(),
  /** The instruction the coders follow: the critic's refined one, or rank 1 with --no-critic. */
  chosen: InstructionSchema,
  /** --critic-style paper: the researcher's step-by-step review of every candidate (the resolver chose from it). */
  research: z.string().optional(),
  /** validation-branch: one branch of `--select validation` (branches/<k>/), following candidate k as is. */
  source: z.enum(["critic", "top-ranked", "validation-branch"]),
  /** How the planner was asked (absent in records written before prompt modes existed: "json"). */
  plannerPrompt: z.enum(PLANNER_PROMPT_MODES).optional(),
  /** Per-rank answers that did not parse into the four sections (paper mode): each was asked once more. */
  parseFailures: z
    .array(z.object({ rank: z.number().int(), attempt: z.number().int(), error: z.string(), response: z.string() }))
    .optional(),
});
export type InstructionsRecord = z.infer<typeof InstructionsRecordSchema>;

export const INSTRUCTION_SECTIONS = [
  { key: "dataPreprocessing", title: "Data Preprocessing" },
  { key: "modelArchitecture", title: "Model Architecture" },
  { key: "modelTraining", title: "Model Training" },
  { key: "submission", title: "Submission" },
] as const satisfies ReadonlyArray<{ key: keyof Instruction; title: string }>;

/** The instruction as the markdown the coders and the notebook read. */
export function renderInstruction(instruction: Instruction): string {
  const parts = [`### ${instruction.title}`];
  for (const section of INSTRUCTION_SECTIONS) {
    parts.push(`${section.title}:\n${instruction[section.key].map((b) => `- ${b}`).join("\n")}`);
  }
  return parts.join("\n\n");
}
