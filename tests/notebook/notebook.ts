// A Jupyter kernel with the linguacodus Python package (python/), for the test that executes a notebook using the
// magic and generate_code: ipykernel, nbclient and nbformat in a venv made like the fine-tuning one (finetune's
// ensureVenv), once, under ~/.linguacodus/venvs/notebook (~130 MB); CI makes it in a setup step (.ci/python.sh
// notebook), a fresh machine on the test's first run. The package itself is reinstalled from python/ on every run
// (no dependencies, no build isolation: offline, ~2 s), so the kernel always imports the checkout's code.
import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { ensureVenv } from "../../finetune/index.js";

const here = dirname(fileURLToPath(import.meta.url));
export const packageDir = join(here, "..", "..", "python");

/** The venv's python (made when missing or when requirements.txt changed). */
export function notebookPython(log?: (line: string) => void): Promise<string> {
  const home = process.env.LINGUACODUS_HOME ?? join(homedir(), ".linguacodus");
  return ensureVenv({ dir: join(home, "venvs", "notebook"), requirements: join(here, "requirements.txt"), label: "a Jupyter kernel (ipykernel, nbclient, nbformat)", ...(log ? { log } : {}) });
}

/** Installs python/ into the venv of `python` as a user would (pip install), from a copy: pip builds in the tree. */
export async function installPackage(python: string): Promise<void> {
  const copy = mkdtempSync(join(tmpdir(), "lc-python-package-"));
  try {
    cpSync(packageDir, copy, { recursive: true, filter: (source) => !/(^|\/)(build|__pycache__|[^/]*\.egg-info)$/.test(source) });
    await promisify(execFile)(python, ["-m", "pip", "install", "-q", "--disable-pip-version-check", "--no-input", "--no-deps", "--no-build-isolation", "--force-reinstall", copy]);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}
