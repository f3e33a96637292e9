// Operators that write code: the staged coders (one block per stage), the unstaged coder (one script from the
// instruction), the merger (blocks → one script) and the direct coder (one script from the task alone). Each is one
// stage, read back from blocks/ or code/ on resume. A coder whose answer holds no code leaves a placeholder with the
// reason: the execute-and-fix loop takes it from there.
import { existsSync, readFileSync } from "node:fs";
import {
  CODE_STAGES,
  type CodeStage,
  NoCodeError,
  assembleDraft,
  hasCode,
  mergeBlocks,
  noCodePlaceholder,
  noCodeReasons,
  writeDirectScript,
  writeStageBlock,
} from "../../codegen/index.js";
import { renderInstruction } from "../../instructions/index.js";
import { CODE_FILE, CODE_FILES, RUN_FILES } from "../record/index.js";
import { type SolutionState, type StageContext, codegenInput, runStage } from "../state.js";

function readTextIfExists(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, "utf8") : undefined;
}

/** The code a writer returns, or — when its model wrote none — a placeholder with the reason (the fix loop takes it from there). */
export async function codeOrPlaceholder(what: string, write: () => Promise<{ code: string }>): Promise<string> {
  try {
    return (await write()).code;
  } catch (error) {
    if (!(error instanceof NoCodeError)) throw error;
    return noCodePlaceholder(what, error.message);
  }
}

const noCodeDetail = (code: string) => (hasCode(code) ? undefined : noCodeReasons(code)[0] ?? "no code");

function instructionText(state: SolutionState): string {
  if (!state.instruction) throw new Error("no instruction to code: plan (and choose) one first");
  return renderInstruction(state.instruction);
}

/** One staged coder: the block of `stage`, written from the instruction and the blocks before it. */
export function codeBlock(stage: CodeStage) {
  return async (state: SolutionState, ctx: StageContext): Promise<SolutionState> => {
    const instruction = instructionText(state);
    const code = await runStage(ctx, {
      name: `coder:${stage}`,
      load: () => readTextIfExists(ctx.writer.path(RUN_FILES.blocks, CODE_FILE.block(stage))),
      work: async () => {
        const previous = state.blocks as Array<{ stage: CodeStage; code: string }>;
        const code = await codeOrPlaceholder(`${stage} block`, () =>
          writeStageBlock(ctx.team.model("coder"), stage, { ...codegenInput(state), instruction, previous }, ctx.callOptions),
        );
        ctx.writer.writeBlock(stage, code);
        return code;
      },
      softFailure: noCodeDetail,
    });
    return { ...state, blocks: [...state.blocks, { stage, code }] };
  };
}

/** The four staged coders in order (preprocessing, model, training, submission). */
export const STAGED_CODERS = CODE_STAGES.map(codeBlock);

/** The merger: the blocks in one script (their mechanical join when its answer holds no code). */
export async function merge(state: SolutionState, ctx: StageContext): Promise<SolutionState> {
  const { writer } = ctx;
  const script = await runStage(ctx, {
    name: "merger",
    load: () => readTextIfExists(writer.path(RUN_FILES.merged)),
    work: async () => {
      let merged: string;
      try {
        merged = (await mergeBlocks(ctx.team.model("merger"), [...state.blocks], codegenInput(state), ctx.callOptions)).code;
      } catch (error) {
        if (!(error instanceof NoCodeError)) throw error;
        // The blocks still make a script: run the mechanical join and let the fix loop do the rest.
        merged = assembleDraft([...state.blocks]);
        writer.writeCodeFile(CODE_FILES.mergeFallback, `${error.message}\nThe mechanical join of the blocks is used instead.\n`);
      }
      writer.writeCodeFile(CODE_FILES.merged, merged);
      return merged;
    },
  });
  return { ...state, script };
}

/** One script from one model call: the unstaged coder (from the instruction) or the direct coder (task only). */
function wholeScript(stageName: string, role: "coder" | "direct", withInstruction: boolean) {
  return async (state: SolutionState, ctx: StageContext): Promise<SolutionState> => {
    const instruction = withInstruction ? { instruction: instructionText(state) } : {};
    const script = await runStage(ctx, {
      name: stageName,
      load: () => readTextIfExists(ctx.writer.path(RUN_FILES.blocks, CODE_FILE.block("script"))),
      work: async () => {
        const code = await codeOrPlaceholder("script", () => writeDirectScript(ctx.team.model(role), { ...codegenInput(state), ...instruction }, ctx.callOptions));
        ctx.writer.writeBlock("script", code);
        return code;
      },
      softFailure: noCodeDetail,
    });
    return { ...state, blocks: [{ stage: "script", code: script }], script };
  };
}

/** --unstaged: one coder writes the whole script from the instruction (no blocks, no merger). */
export const codeUnstaged = wholeScript("coder:script", "coder", true);

/** Direct mode: the direct coder writes the script from the task context alone. */
export const directCode = wholeScript("direct", "direct", false);
