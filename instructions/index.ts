// Public face of instructions/: task context, instruction schemas, planner and critic.
export {
  buildTaskContext,
  summarizeCsv,
  DEFAULT_CONTEXT_TOKENS,
  type TaskInfo,
  type TaskContext,
  type TaskContextOptions,
  type FileSummary,
  type ColumnSummary,
} from "./context.js";
export {
  InstructionSchema,
  PlannerOutputSchema,
  RankAnswerSchema,
  CriticVerdictSchema,
  CompactCriticVerdictSchema,
  CriticFindingSchema,
  InstructionsRecordSchema,
  INSTRUCTION_SECTIONS,
  FINDING_KINDS,
  renderInstruction,
  PLANNER_PROMPT_MODES,
  type PlannerPromptMode,
  type Instruction,
  type PlannerOutput,
  type RankAnswer,
  type CriticVerdict,
  type CriticFinding,
  type InstructionsRecord,
} from "./schema.js";
export {
  paperPrompt,
  paperPlannerMessages,
  renderPaperCompletion,
  placeWord,
  placeRank,
  PAPER_DESCRIPTION_CHARS,
  type PaperPromptInput,
  type PaperSections,
} from "./prompts/paper.js";
export {
  parsePaperInstruction,
  paperSectionsPresent,
  paperMainSectionsPresent,
  splitPaperSections,
  PAPER_MAIN_SECTIONS,
  DEFAULT_SUBMISSION_STEP,
  type PaperParse,
  type PaperSplit,
} from "./prompts/paper-parse.js";
export {
  PaperPromptTemplateSchema,
  TEMPLATE_SLOTS,
  adapterPromptTemplate,
  fillSlots,
  loraPathOf,
  templateMessages,
  templateValues,
  type PaperPromptTemplate,
  type TemplateFill,
  type TemplateSlot,
} from "./prompts/paper-template.js";
export {
  planPerRank,
  planInstructionsPaper,
  paperRankMessages,
  type PerRankPlan,
  type PerRankRequest,
  type RankParseFailure,
  type PaperPlanInput,
} from "./per-rank.js";
export { critiqueInstructions, critiqueInstructionsPaper, PaperResolverSchema, renderCandidates } from "./agents.js";
export {
  jsonRankFormat,
  planInstructions,
  planInstructionsReport,
  planJsonPerRank,
  type InstructionInput,
  type PlannerInput,
  type RankAnswerFormat,
} from "./planner.js";
export { plannerRankPrompt, type PlannerRankPromptInput } from "./prompts/planner-rank.js";
export { nextInstruction, type NextInstructionInput } from "./next.js";
