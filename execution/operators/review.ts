// The review operator: one feedback round's reviewer call on the best version so far (its script, the tail of its
// output and the validation score it printed). The reviewed script becomes the state's script; `reviewChanged`
// says whether the reviewer changed anything. Written as code/feedback-<round>.py; the review.finished event says
// which figures of the reviewed attempt the reviewer saw as images (execution/review-figures.ts).
import { reviewScript } from "../../codegen/index.js";
import { CODE_FILE } from "../record/index.js";
import { type SolutionState, type StageContext, codegenInput } from "../state.js";
import { parseValidationScore } from "./execute.js";
import { AgentError, ContextOverflowError } from "../../agents/index.js";
import { budgetCause } from "../budget.js";
import { reviewFigures, withoutImages } from "../review-figures.js";

/** A provider's own refusal (not one the team named as a rate limit, an outage, a bad spec…), or a prompt too long. */
const imagesMayBeTheCause = (error: unknown) => !(error instanceof AgentError) || error instanceof ContextOverflowError;

export async function review(state: SolutionState, ctx: StageContext): Promise<SolutionState> {
  const best = state.best;
  if (!best) throw new Error("review: no valid version to review; execute one first");
  const reviewer = ctx.team.model("reviewer");
  let figures = await reviewFigures({ figures: best.result.figures, attempt: best.result.attempt, reviewer, sandbox: ctx.sandbox, writer: ctx.writer });
  const ask = () =>
    reviewScript(
      reviewer,
      {
        ...codegenInput(state),
        script: best.script,
        stdoutTail: best.stdout.slice(-3000),
        validationScore: parseValidationScore(best.stdout),
        round: state.round,
        ...(figures ? { figures: figures.forPrompt } : {}),
      },
      ctx.callOptions,
    );
  let reviewed: Awaited<ReturnType<typeof ask>>;
  try {
    reviewed = await ask();
  } catch (error) {
    // A server that refuses the images (a text-only model behind an OpenAI-compatible URL, a prompt the images
    // made too long) gets the round once more with names and sizes only; rate limits, outages, budgets end it.
    if (!figures?.seen || !imagesMayBeTheCause(error) || budgetCause(error) || ctx.signal?.aborted) throw error;
    figures = withoutImages(figures, error instanceof Error ? error.message : String(error));
    reviewed = await ask();
  }
  ctx.writer.writeCodeFile(CODE_FILE.feedback(state.round), reviewed.code);
  ctx.writer.event({ type: "review.finished", round: state.round, changed: reviewed.changed, ...(figures ? { figures: figures.record } : {}) });
  return { ...state, script: reviewed.code, reviewChanged: reviewed.changed };
}
