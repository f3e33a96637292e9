// Prompt template of the reviewer role: Reflexion-style feedback on a working solution (Sand-Bob's feedback
// iterations): read code, output and validation score, return an improved script or say nothing should change.
import { taskWords, type ChatImage, type ChatTurn } from "../../agents/index.js";
import { codePrompt, type CodePromptBase } from "./rules.js";

export const NO_CHANGES = "NO CHANGES";

/** A figure the reviewed script saved: its image when the reviewer is sent it, or why it is not. */
export interface FigureForReview {
  name: string;
  format: "png" | "svg";
  bytes: number;
  width?: number;
  height?: number;
  image?: ChatImage;
  reason?: string;
}

export interface ReviewerPromptInput extends CodePromptBase {
  script: string;
  stdoutTail: string;
  validationScore: number | null;
  round: number;
  /** The figures it saved (none: the prompt has no figure section). */
  figures?: readonly FigureForReview[];
}

function sizeText(figure: FigureForReview): string {
  const kib = figure.bytes < 1024 ? `${figure.bytes} bytes` : `${(figure.bytes / 1024).toFixed(1)} KiB`;
  const pixels = figure.width !== undefined && figure.height !== undefined ? `${figure.width}×${figure.height} px, ` : "";
  return `${figure.format.toUpperCase()}, ${pixels}${kib}`;
}

/** The figure section: each figure with its size, and where its image is (or that the reviewer cannot see it). */
function figureSection(figures: readonly FigureForReview[]): string {
  const shown = figures.filter((f) => f.image);
  const intro = shown.length
    ? `The script saved these figures; ${shown.length === 1 ? "the one marked is attached" : `the ${shown.length} marked are attached`} after this message as images, in this order (downscaled). Look at them: what do they show about the model and the data?`
    : "The script saved these figures. You cannot see them: only their names and sizes are given.";
  let image = 0;
  const lines = figures.map((f) => `- ${f.name} (${sizeText(f)})${f.image ? ` — image ${++image}` : f.reason && shown.length ? ` — not attached: ${f.reason}` : ""}`);
  return `\n\n## Figures it saved\n${intro}\n${lines.join("\n")}`;
}

export function reviewerPrompt(input: ReviewerPromptInput): ChatTurn[] {
  const turns = reviewerTurns(input);
  const images = (input.figures ?? []).flatMap((f) => (f.image ? [f.image] : []));
  const last = turns.at(-1);
  if (!images.length || last?.role !== "user") return turns;
  return [...turns.slice(0, -1), { ...last, images }];
}

function reviewerTurns(input: ReviewerPromptInput): ChatTurn[] {
  return codePrompt(
    `${taskWords(input.analysis).reviewer} You keep it runnable in the sandbox and keep its output format.`,
    input,
    `

## Current script (feedback round ${input.round})
\`\`\`python
${input.script}
\`\`\`

## Its output (tail)
\`\`\`text
${input.stdoutTail}
\`\`\`

${input.analysis ? "Its result is the RESULT= line above." : `Validation score it printed: ${input.validationScore ?? "(none printed)"}`}${input.figures?.length ? figureSection(input.figures) : ""}

## Your job
First reflect in a few sentences on what limits ${input.analysis ? "the soundness of its result" : "the score"}. Then return the whole improved script in one \`\`\`python code block.
If you see nothing worth changing, answer exactly ${NO_CHANGES} instead of code.`,
  );
}
