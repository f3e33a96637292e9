// The pipeline's steps, each an operator `(state, ctx) => Promise<state>` over execution/state.ts's SolutionState
// and StageContext, callable on its own: plan, critique, the coders, merge, execute (one attempt), fix, review.
export { plan, planPaper, critique, loadInstructions } from "./instructions.js";
export { codeBlock, STAGED_CODERS, merge, codeUnstaged, directCode, codeOrPlaceholder } from "./code.js";
export {
  execute,
  recordNoCode,
  roundAttempts,
  lastAttempt,
  withRecordedAttempts,
  describeFailure,
  normalizeTempPaths,
  missingSubmissionMessage,
  parseValidationScore,
  recordedAnalysisGrade,
} from "./execute.js";
export { fix } from "./fix.js";
export { review } from "./review.js";
