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
  CriticVerdictSchema,
  CriticFindingSchema,
  InstructionsRecordSchema,
  INSTRUCTION_SECTIONS,
  FINDING_KINDS,
  renderInstruction,
  type Instruction,
  type PlannerOutput,
  type CriticVerdict,
  type CriticFinding,
  type InstructionsRecord,
} from "./schema.js";
export { planInstructions, critiqueInstructions, renderCandidates, type InstructionInput } from "./agents.js";
