// The code-writing agents: staged coders, merger, fixer, direct coder, reviewer and tester. Each builds its prompt
// from its template, calls its model, and extracts the code from the answer.
import { callStep, type AgentModel, type CallOptions } from "../agents/index.js";
import { type StageBlock, assembleDraft, dedupeImports } from "./assemble.js";
import { extractCode } from "./extract.js";
import { type CodeStage, coderPrompt } from "./prompts/coder.js";
import { directPrompt } from "./prompts/direct.js";
import { fixPrompt, mergePrompt } from "./prompts/merger.js";
import { type FigureForReview, NO_CHANGES, reviewerPrompt } from "./prompts/reviewer.js";
import { unitTestsFixPrompt, unitTestsPrompt } from "./prompts/tester.js";

/** A model answered without any code the extractor could find. */
export class NoCodeError extends Error {
  constructor(
    readonly role: string,
    readonly step: string,
    readonly spec: string,
  ) {
    super(
      `The ${role} model (${spec}) returned no code for ${step}: its answer held no Python. ` +
        `Try a larger or code-tuned model (--coder SPEC / --model SPEC), or a lower --temperature.`,
    );
    this.name = "NoCodeError";
  }
}

/** True when the script holds a Python statement (not only blank lines and comments). */
export function hasCode(script: string): boolean {
  return script.split("\n").some((line) => {
    const trimmed = line.trim();
    return trimmed !== "" && !trimmed.startsWith("#");
  });
}

/**
 * What stands in for a block or script whose model wrote no code: a comment with the reason, so the record shows
 * it and the fix loop (which runs no script without code) hands the reason to the fixer.
 */
export function noCodePlaceholder(what: string, reason: string): string {
  return `# ${what}: no code — ${reason.replace(/\s*\n\s*/g, " ")}\n`;
}

/** The reasons written by noCodePlaceholder in a script, one per line. */
export function noCodeReasons(script: string): string[] {
  return script
    .split("\n")
    .map((line) => /^#\s*(.+?: no code — .*)$/.exec(line.trim())?.[1])
    .filter((reason): reason is string => reason !== undefined);
}

export interface CodegenInput {
  /** The rendered task context. */
  context: string;
  libraries: readonly string[];
  /** CPU cores a sandbox attempt gets (Sandbox.cores), told to the coders for n_jobs. */
  cores?: number;
}

export interface GeneratedCode {
  code: string;
  /** The model's whole answer (the transcript has it too; kept for the record's code/ folder). */
  raw: string;
  truncated: boolean;
}

async function generateCode(model: AgentModel, messages: Parameters<AgentModel["generate"]>[0], options: CallOptions): Promise<GeneratedCode> {
  const raw = await model.generate(messages, options);
  const extracted = extractCode(raw);
  if (extracted.code.trim() === "") throw new NoCodeError(model.role, options.step ?? "its step", model.spec);
  return { code: extracted.code, raw, truncated: extracted.truncated };
}

/** One stage block, seeing the instruction, the context, the whitelist and the blocks so far. */
export function writeStageBlock(
  coder: AgentModel,
  stage: CodeStage,
  input: CodegenInput & { instruction: string; previous: ReadonlyArray<{ stage: CodeStage; code: string }> },
  options: CallOptions = {},
): Promise<GeneratedCode> {
  return generateCode(
    coder,
    coderPrompt({ stage, context: input.context, instruction: input.instruction, libraries: input.libraries, cores: input.cores, previous: input.previous }),
    { ...options, step: callStep.block(stage).step },
  );
}

/** Joins the blocks mechanically, then lets the merger model integrate them into one script. */
export async function mergeBlocks(
  merger: AgentModel,
  blocks: readonly StageBlock[],
  input: CodegenInput,
  options: CallOptions = {},
): Promise<GeneratedCode & { draft: string }> {
  const draft = assembleDraft(blocks);
  const merged = await generateCode(merger, mergePrompt({ context: input.context, libraries: input.libraries, cores: input.cores, draft }), {
    ...options,
    step: callStep.merge().step,
  });
  return { ...merged, code: dedupeImports(merged.code), draft };
}

/** The whole script from the task context (direct mode), or from context and instruction (unstaged ablation). */
export function writeDirectScript(
  direct: AgentModel,
  input: CodegenInput & { instruction?: string },
  options: CallOptions = {},
): Promise<GeneratedCode> {
  return generateCode(direct, directPrompt(input), { ...options, step: (input.instruction ? callStep.unstagedScript() : callStep.directScript()).step });
}

/** The fixer rewrites a failed script given the error; returns the whole corrected script. */
export async function fixScript(
  fixer: AgentModel,
  input: CodegenInput & { script: string; error: string; attempt: number },
  options: CallOptions = {},
): Promise<GeneratedCode> {
  const fixed = await generateCode(fixer, fixPrompt(input), { ...options, step: callStep.fix(input.attempt).step });
  return { ...fixed, code: dedupeImports(fixed.code) };
}

/** The tester's pytest file for a script (--unit-tests). */
export function writeUnitTests(tester: AgentModel, input: CodegenInput & { script: string }, options: CallOptions = {}): Promise<GeneratedCode> {
  return generateCode(tester, unitTestsPrompt(input), { ...options, step: callStep.unitTests().step });
}

/** The tester's one fix of its test file that did not parse (`error`: the parser's message). */
export function fixUnitTests(tester: AgentModel, input: CodegenInput & { script: string; tests: string; error: string }, options: CallOptions = {}): Promise<GeneratedCode> {
  return generateCode(tester, unitTestsFixPrompt(input), { ...options, step: callStep.unitTestsFix().step });
}

export interface Review {
  /** The improved script, or the same script when the reviewer proposed no change. */
  code: string;
  changed: boolean;
  raw: string;
}

function normalize(code: string): string {
  return code
    .split("\n")
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== "")
    .join("\n");
}

/** Reviewer reflection on a working script; `changed` is false when it proposes nothing new. */
export async function reviewScript(
  reviewer: AgentModel,
  input: CodegenInput & { script: string; stdoutTail: string; validationScore: number | null; round: number; figures?: readonly FigureForReview[] },
  options: CallOptions = {},
): Promise<Review> {
  const raw = await reviewer.generate(reviewerPrompt(input), { ...options, step: callStep.review(input.round).step });
  const extracted = extractCode(raw);
  if (raw.includes(NO_CHANGES) && extracted.code === "") return { code: input.script, changed: false, raw };
  if (extracted.code.trim() === "") return { code: input.script, changed: false, raw };
  const code = dedupeImports(extracted.code);
  return { code, changed: normalize(code) !== normalize(input.script), raw };
}
