// Inspect AI (inspect_ai from PyPI, unmodified) in a venv, to read the logs `export inspect` writes with Inspect's own
// read_eval_log (~325 MB, ~1 min once). Made like the fine-tuning venv (finetune's ensureVenv), once, under
// ~/.linguacodus/venvs/inspect; CI makes it in a setup step (.ci/python.sh inspect), a fresh machine on the test's
// first run.
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureVenv } from "../../finetune/index.js";

const here = join(dirname(fileURLToPath(import.meta.url)), "inspect");

/** The venv's python (made when missing or when requirements.txt changed). */
export function inspectPython(log?: (line: string) => void): Promise<string> {
  const home = process.env.LINGUACODUS_HOME ?? join(homedir(), ".linguacodus");
  return ensureVenv({ dir: join(home, "venvs", "inspect"), requirements: join(here, "requirements.txt"), label: "Inspect AI (inspect_ai)", ...(log ? { log } : {}) });
}
