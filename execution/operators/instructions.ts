// Operators that decide the instruction: plan (the planner's ranked candidates) and critique (the critic's choice and
// refinement). Each is one stage, read back from instructions.json on resume.
import { existsSync, readFileSync } from "node:fs";
import { StructuredOutputError } from "../../agents/index.js";
import {
  type Instruction,
  type InstructionsRecord,
  InstructionsRecordSchema,
  adapterPromptTemplate,
  critiqueInstructions,
  critiqueInstructionsPaper,
  planInstructionsPaper,
  planInstructionsReport,
} from "../../instructions/index.js";
import { RUN_FILES, type RunRecordWriter } from "../record/index.js";
import { type SolutionState, type StageContext, codegenInput, runStage, taskInfo } from "../state.js";

/** instructions.json of the record, when written. */
export function loadInstructions(writer: RunRecordWriter): InstructionsRecord | undefined {
  const path = writer.path(RUN_FILES.instructions);
  return existsSync(path) ? InstructionsRecordSchema.parse(JSON.parse(readFileSync(path, "utf8")) as unknown) : undefined;
}

/** The state once the instructions record says what was planned and chosen (a branch's record names its candidate). */
function withPlan(state: SolutionState, writer: RunRecordWriter, candidates: readonly Instruction[]): SolutionState {
  return { ...state, candidates, instruction: loadInstructions(writer)?.chosen ?? candidates[0] };
}

/** The planner (prompt "json" or "json-per-rank", the run's plannerPrompt): ranked candidates, rank 1 chosen. */
export async function plan(state: SolutionState, ctx: StageContext): Promise<SolutionState> {
  const { writer, options } = ctx;
  let failures: string | undefined;
  const candidates = await runStage(ctx, {
    name: "planner",
    load: () => loadInstructions(writer)?.candidates,
    work: async () => {
      const promptMode = options.plannerPrompt === "paper" ? "json" : options.plannerPrompt;
      const planned = await planInstructionsReport(ctx.team.model("planner"), { ...codegenInput(state), count: options.instructions, promptMode }, ctx.callOptions);
      // Places whose answer failed twice are left out; the stage says which and why.
      if (planned.failures.length) failures = planned.failures.map((f) => `place ${f.rank}: ${f.error.split("\n")[0]}`).join("; ");
      writer.writeInstructions({
        candidates: planned.instructions,
        critic: null,
        chosen: planned.instructions[0]!,
        source: "top-ranked",
        plannerPrompt: promptMode,
        ...(planned.failures.length ? { parseFailures: planned.failures } : {}),
      } satisfies InstructionsRecord);
      return planned.instructions;
    },
    softFailure: () => failures,
  });
  return withPlan(state, writer, candidates);
}

/** The paper's planner prompt (the fine-tuning prompt): one free-text answer per rank, parsed into sections. */
export async function planPaper(state: SolutionState, ctx: StageContext): Promise<SolutionState> {
  const { writer, options } = ctx;
  const candidates = await runStage(ctx, {
    name: "planner",
    load: () => loadInstructions(writer)?.candidates,
    work: async () => {
      const planner = ctx.team.model("planner");
      // An adapter trained on a corpus with its own prompt (the paper's) is asked with that prompt, from its sidecar.
      const template = adapterPromptTemplate(planner.spec);
      const planned = await planInstructionsPaper(planner, { ...taskInfo(ctx.task), count: options.instructions, ...(template ? { template } : {}) }, ctx.callOptions);
      writer.writeInstructions({
        candidates: planned.instructions,
        critic: null,
        chosen: planned.instructions[0]!,
        source: "top-ranked",
        plannerPrompt: "paper",
        parseFailures: planned.failures,
      } satisfies InstructionsRecord);
      return planned.instructions;
    },
  });
  return withPlan(state, writer, candidates);
}

type CriticStyle = "structured" | "paper";

/**
 * The critic: reads the candidates, picks one and refines it. `structured` is one call (findings per candidate,
 * choice, refined); `paper` the paper's researcher + resolver. An answer that fails validation twice leaves the
 * chosen instruction in place (the stage says so).
 */
export function critique(style: CriticStyle = "structured") {
  return async (state: SolutionState, ctx: StageContext): Promise<SolutionState> => {
    const { writer, options } = ctx;
    const candidates = [...(state.candidates ?? [])];
    const current: InstructionsRecord = loadInstructions(writer) ?? { candidates, critic: null, chosen: candidates[0]!, source: "top-ranked" };
    let failure: string | undefined;
    const record = await runStage(ctx, {
      name: "critic",
      load: () => {
        const loaded = loadInstructions(writer);
        return loaded?.critic ? loaded : undefined;
      },
      work: async () => {
        try {
          if (style === "paper") {
            const { verdict, research } = await critiqueInstructionsPaper(ctx.team.model("critic"), { ...codegenInput(state), candidates }, ctx.callOptions);
            const next: InstructionsRecord = { ...loadInstructions(writer), candidates, critic: verdict, chosen: verdict.refined, source: "critic", research };
            writer.writeInstructions(next);
            return next;
          }
          // Small-model prompts (per-rank planners) get short critic answers too.
          const compact = options.plannerPrompt !== "json";
          const verdict = await critiqueInstructions(ctx.team.model("critic"), { ...codegenInput(state), candidates, compact }, ctx.callOptions);
          // Keep what the planner stage recorded (prompt mode, parse failures).
          const next: InstructionsRecord = { ...loadInstructions(writer), candidates, critic: verdict, chosen: verdict.refined, source: "critic" };
          writer.writeInstructions(next);
          return next;
        } catch (error) {
          if (!(error instanceof StructuredOutputError)) throw error;
          failure = `${error.message.split("\n")[0]}; the top-ranked instruction is used`;
          return current;
        }
      },
      softFailure: () => failure,
    });
    return { ...state, instruction: record.chosen };
  };
}
