// The fix operator: one fixer call that turns the state's last, failed attempt into the next script. A fixer answer
// without code is recorded as a failed attempt of its own (the error to fix is carried on), so a fix either sets
// the script to run next or adds an attempt.
import { NoCodeError, fixScript } from "../../codegen/index.js";
import { type SolutionState, type StageContext, codegenInput } from "../state.js";
import { lastAttempt, recordNoCode, roundAttempts } from "./execute.js";

export async function fix(state: SolutionState, ctx: StageContext): Promise<SolutionState> {
  ctx.signal?.throwIfAborted();
  const failed = lastAttempt(state);
  if (!failed || failed.result.outcome === "ok" || failed.failure === undefined) {
    throw new Error("fix: the state's last attempt did not fail; execute a script first");
  }
  const error = failed.failure;
  try {
    const fixed = await fixScript(
      ctx.team.model("fixer"),
      { ...codegenInput(state), script: failed.script, error, attempt: roundAttempts(state).length },
      ctx.callOptions,
    );
    return { ...state, script: fixed.code };
  } catch (caught) {
    if (!(caught instanceof NoCodeError)) throw caught;
    return recordNoCode(state, ctx, {
      kind: state.round === 0 ? "fix" : "feedback",
      reason: caught.message,
      failure: (own) => `${own}\n\nThe error to fix is still:\n${error}`,
    });
  }
}
