// What the host tells the fork server (sandbox/fork_server.py, shipped in the image) when a container
// starts: where the attempt's script goes and which modules to import once.
import { FORK_SERVER_IMAGE_PATH, SANDBOX_GID, SANDBOX_UID } from "./image-recipe.js";

/** Where the attempt's script is written inside the container (tracebacks name this file). */
export const SANDBOX_SCRIPT_PATH = "/tmp/.linguacodus/solution.py";

/**
 * Modules imported once per container before the first attempt: what generated tabular solutions
 * import most (a submodule such as sklearn.linear_model costs as much as sklearn itself).
 * statsmodels is left out: rarely used, and it would add ~1.5 s to every cold start.
 */
export const PRELOAD_MODULES = [
  "numpy",
  "pandas",
  "scipy",
  "scipy.stats",
  "sklearn",
  "sklearn.base",
  "sklearn.compose",
  "sklearn.decomposition",
  "sklearn.ensemble",
  "sklearn.feature_extraction.text",
  "sklearn.impute",
  "sklearn.linear_model",
  "sklearn.metrics",
  "sklearn.model_selection",
  "sklearn.neighbors",
  "sklearn.pipeline",
  "sklearn.preprocessing",
  "sklearn.svm",
  "sklearn.tree",
  "xgboost",
  "lightgbm",
  "matplotlib",
  "matplotlib.pyplot",
] as const;

/** The container's command: the image's fork server with its start-up configuration (argv[1], JSON). */
export function forkServerCommand(preload: readonly string[] = PRELOAD_MODULES): string[] {
  return ["python3", "-u", FORK_SERVER_IMAGE_PATH, JSON.stringify({ scriptPath: SANDBOX_SCRIPT_PATH, preload, uid: SANDBOX_UID, gid: SANDBOX_GID })];
}
