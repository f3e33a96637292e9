// --notebook: the final script as a Jupyter notebook — the chosen instruction as markdown cells, one code cell
// per stage block (split at the stage markers the merger keeps). An analysis's notebook also runs where it is opened:
// it starts with a cell setting DATA_DIR (the run's host data folder, overridable), and the script's paths under the
// sandbox's /data are rewritten to read from it.
import { SANDBOX_DATA_DIR } from "../sandbox/index.js";
import { splitStages } from "./assemble.js";

interface NotebookCell {
  cell_type: "markdown" | "code";
  metadata: Record<string, never>;
  source: string[];
  execution_count?: null;
  outputs?: never[];
}

export interface Notebook {
  nbformat: 4;
  nbformat_minor: 5;
  metadata: Record<string, unknown>;
  cells: NotebookCell[];
}

function lines(text: string): string[] {
  const parts = text.split("\n");
  return parts.map((line, i) => (i < parts.length - 1 ? `${line}\n` : line));
}

const markdown = (text: string): NotebookCell => ({ cell_type: "markdown", metadata: {}, source: lines(text) });
const code = (text: string): NotebookCell => ({ cell_type: "code", metadata: {}, source: lines(text), execution_count: null, outputs: [] });

/** One section of the chosen instruction, tied to the stage block it describes. */
export interface NotebookSection {
  stage: string;
  title: string;
  bullets: readonly string[];
}

const bulletList = (bullets: readonly string[]) => bullets.map((b) => `- ${b}`).join("\n");

/** The variable the data cell sets and the rewritten paths read; also the environment variable that overrides it. */
export const NOTEBOOK_DATA_VARIABLE = "DATA_DIR";
const DATA_ENV = "LINGUACODUS_DATA_DIR";

// A one-line string literal that is the sandbox's data folder or a path under it: prefix, quote, the rest after /data.
// Not preceded by a word character or a quote, so bytes, triple-quoted strings and "/database" stay as they are.
const DATA_LITERAL = new RegExp(`(?<![\\w'"])([rRuUfFbB]{0,2})(['"])${SANDBOX_DATA_DIR}(?=/|\\2)((?:\\\\.|(?!\\2)[^\\\\\\n])*)\\2`, "g");
const DATA_MENTION = new RegExp(`${SANDBOX_DATA_DIR}(?![\\w.-])`, "g");

/**
 * The script with its "/data…" string literals reading from DATA_DIR instead: "/data" → DATA_DIR,
 * "/data/x.csv" → (DATA_DIR + "/x.csv") (parenthesised, so .format and % still apply to the whole path),
 * f"/data/{name}" → f"{DATA_DIR}/{name}". `left`: mentions of /data not rewritten (bytes, multi-line, built
 * from pieces), which the notebook names so the reader can edit them.
 */
export function mapDataPaths(script: string): { script: string; left: number } {
  const variable = NOTEBOOK_DATA_VARIABLE;
  const mapped = script.replace(DATA_LITERAL, (literal, prefix: string, quote: string, rest: string) => {
    if (/b/i.test(prefix)) return literal;
    if (/f/i.test(prefix)) return `${prefix}${quote}{${variable}}${rest}${quote}`;
    return rest === "" ? variable : `(${variable} + ${prefix}${quote}${rest}${quote})`;
  });
  return { script: mapped, left: mapped.match(DATA_MENTION)?.length ?? 0 };
}

/** The cells that make an analysis's notebook read its data where it is opened. */
function dataCells(dataDir: string, left: number): NotebookCell[] {
  const unchanged = left > 0 ? ` ${left} mention${left === 1 ? " of `/data` is" : "s of `/data` are"} not a plain path and stayed as written: edit ${left === 1 ? "it" : "them"} if a file is not found.` : "";
  return [
    markdown(
      `The data folder. The sandbox mounted it read-only at \`${SANDBOX_DATA_DIR}\`; this notebook reads it from \`${NOTEBOOK_DATA_VARIABLE}\`, the run's data folder unless \`${DATA_ENV}\` is set (or edit the cell). The export rewrote the script's \`"${SANDBOX_DATA_DIR}/…"\` paths to it.${unchanged}`,
    ),
    // JSON's string escapes are Python's too.
    code(`import os\n${NOTEBOOK_DATA_VARIABLE} = os.environ.get(${JSON.stringify(DATA_ENV)}, ${JSON.stringify(dataDir)})`),
  ];
}

/** `dataDir`: an analysis's host data folder — the notebook starts with a cell setting DATA_DIR and reads from it. */
export function toNotebook(input: { title: string; script: string; sections?: readonly NotebookSection[]; dataDir?: string }): Notebook {
  const cells: NotebookCell[] = [markdown(`# ${input.title}`)];
  let script = input.script;
  if (input.dataDir !== undefined) {
    const mapped = mapDataPaths(script);
    script = mapped.script;
    cells.push(...dataCells(input.dataDir, mapped.left));
  }
  const sections = input.sections ?? [];
  const used = new Set<string>();
  for (const block of splitStages(script)) {
    const section = sections.find((s) => s.stage === block.stage);
    if (section) {
      used.add(section.stage);
      cells.push(markdown(`## ${section.title}\n\n${bulletList(section.bullets)}`));
    }
    cells.push(code(block.code));
  }
  // Sections with no block of their own (a script without stage markers) still appear, before the code.
  const missing = sections.filter((s) => !used.has(s.stage));
  if (missing.length > 0) {
    cells.splice(1, 0, markdown(missing.map((s) => `## ${s.title}\n\n${bulletList(s.bullets)}`).join("\n\n")));
  }
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "python3", display_name: "Python 3", language: "python" }, language_info: { name: "python" } },
    cells,
  };
}
