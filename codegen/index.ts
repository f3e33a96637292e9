// Public face of codegen/: code extraction, the code-writing agents, assembly, syntax check, notebook.
export { extractCode, type ExtractedCode, type ExtractionMethod } from "./extract.js";
export { assembleDraft, dedupeImports, splitImports, splitStages, STAGE_MARKER, type StageBlock } from "./assemble.js";
export {
  NoCodeError,
  fixScript,
  hasCode,
  noCodePlaceholder,
  noCodeReasons,
  mergeBlocks,
  reviewScript,
  writeDirectScript,
  writeStageBlock,
  writeUnitTests,
  fixUnitTests,
  type CodegenInput,
  type GeneratedCode,
  type Review,
} from "./agents.js";
export { checkSyntax, embeddedText, syntaxCheckScript, type SyntaxCheck } from "./syntax.js";
export { UNIT_TEST_MODULE, countTestFunctions, readUnitTestReport, unitTestDriver, type UnitTestReport } from "./unit-tests.js";
export { NOTEBOOK_DATA_VARIABLE, mapDataPaths, toNotebook, type Notebook, type NotebookSection } from "./notebook.js";
export { CODE_STAGES, type CodeStage } from "./prompts/coder.js";
export { type FigureForReview } from "./prompts/reviewer.js";
export { VALIDATION_SCORE_MARKER } from "./prompts/rules.js";
export { debugSolution, draftSolution, improveSolution, textBeforeCode, type PlannedCode } from "./search.js";
