// pyarrow (PyPI, unmodified) in a venv, to write the parquet files the OpenML import test serves the way OpenML's
// are written (pandas categoricals → dictionary-encoded strings, snappy), ~40 s once. Neither the host's Python nor
// the sandbox image has it; made like the Inspect venv (./inspect.ts there), under ~/.linguacodus/venvs/pyarrow.
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureVenv } from "../../finetune/index.js";

const here = join(dirname(fileURLToPath(import.meta.url)), "pyarrow");

/** The venv's python (made when missing or when requirements.txt changed). */
export function pyarrowPython(log?: (line: string) => void): Promise<string> {
  const home = process.env.LINGUACODUS_HOME ?? join(homedir(), ".linguacodus");
  return ensureVenv({ dir: join(home, "venvs", "pyarrow"), requirements: join(here, "requirements.txt"), label: "pyarrow", ...(log ? { log } : {}) });
}
