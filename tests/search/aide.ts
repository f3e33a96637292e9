// AIDE's own journal code (aideml 0.2.2 from PyPI, unmodified) in a small venv, to check that search/journal.json
// is a journal AIDE reads: `import aide` needs only the packages in aide/requirements.txt (~320 MB, ~40 s once),
// where `pip install aideml` resolves its whole declared list (torch and an agent's sandbox, ~7.5 GB). The venv is
// made like the fine-tuning one (finetune's ensureVenv), once, under ~/.linguacodus/venvs/aide; CI makes it in a
// setup step (.ci/python.sh aide), a fresh machine on the test's first run.
import { execFile } from "node:child_process";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { ensureVenv } from "../../finetune/index.js";

const here = join(dirname(fileURLToPath(import.meta.url)), "aide");

export const AIDEML = "aideml==0.2.2";

/** The venv's python (made when missing or when requirements.txt or the aideml pin changed). */
export function aidePython(log?: (line: string) => void): Promise<string> {
  const home = process.env.LINGUACODUS_HOME ?? join(homedir(), ".linguacodus");
  return ensureVenv({
    dir: join(home, "venvs", "aide"),
    requirements: join(here, "requirements.txt"),
    withoutDependencies: [AIDEML],
    label: `${AIDEML}'s journal code and what \`import aide\` needs`,
    ...(log ? { log } : {}),
  });
}

/** What AIDE makes of a journal.json (aide/load_journal.py prints it). */
export interface AideReading {
  aideml: string;
  module: string;
  nodes: Array<{
    id: string;
    step: number;
    parent: string | null;
    children: string[];
    stage: "draft" | "debug" | "improve";
    is_buggy: boolean;
    debug_depth: number;
    metric: number | null;
    maximize: boolean | null;
    term_out: string;
  }>;
  drafts: string[];
  good: string[];
  buggy: string[];
  best: string | null;
  best_any: string;
  /** AIDE's tree export's edges, as (parent step, child step). */
  edges: Array<[number, number]>;
}

/** Loads `journal` with AIDE's serialize.load_json(path, Journal) in the venv of `python`. */
export async function readWithAide(python: string, journal: string): Promise<AideReading> {
  const { stdout } = await promisify(execFile)(python, [join(here, "load_journal.py"), journal], { maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout) as AideReading;
}
