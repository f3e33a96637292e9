// Run dependencies whose agent teams answer from a script: execution's own teamFactory (the one the CLI uses,
// transcripts and all) over one scripted chat model, so tests differ from production only in the model.
import { teamFactory } from "../../execution/wiring.js";
import { ScriptedChatModel, type Script } from "./scripted-model.js";

/** `deps` with every role answering from `script` (one shared scripted model; `model.calls` records the calls). */
export function withScriptedModels<D extends object>(deps: D, script: Script): D & { model: ScriptedChatModel; createTeam: ReturnType<typeof teamFactory> } {
  const model = new ScriptedChatModel(script);
  return { ...deps, model, createTeam: teamFactory(() => model) };
}
