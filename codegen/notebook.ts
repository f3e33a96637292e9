// --notebook: the final script as a Jupyter notebook — the chosen instruction as markdown cells, one code cell
// per stage block (split at the stage markers the merger keeps).
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

export function toNotebook(input: { title: string; script: string; sections?: readonly NotebookSection[] }): Notebook {
  const cells: NotebookCell[] = [markdown(`# ${input.title}`)];
  const sections = input.sections ?? [];
  const used = new Set<string>();
  for (const block of splitStages(input.script)) {
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
