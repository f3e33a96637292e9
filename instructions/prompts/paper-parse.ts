// Free text in the paper's layout → an Instruction. The layout is the one of the paper's released completions:
// mostly three sections (Data preprocessing / Model architecture / Model training), sometimes "Model architecture
// and training", "Model prediction", "Submission", "Other information"…, numbered or not, in any case, as markdown
// headings, bold, bullets or plain lines, with text on the heading's line or below it. The three main sections
// must be there and non-empty; the submission section is optional (prediction, inference, output and submission
// headings fill it; without one, the instruction says to write the task's submission format).
import { INSTRUCTION_SECTIONS, type Instruction } from "../schema.js";
import { type PaperSections, placeWord } from "./paper.js";

type SectionKey = keyof PaperSections;

/** The sections an answer must have to be an instruction (Submission is optional). */
export const PAPER_MAIN_SECTIONS = ["dataPreprocessing", "modelArchitecture", "modelTraining"] as const satisfies readonly SectionKey[];

/** Used when the answer has no submission section (the paper's prompt does not ask for one). */
export const DEFAULT_SUBMISSION_STEP = "Predict the test set with the trained model and write the submission file in the format the task describes.";

// Words a heading is made of; a line of other words is content, however short (so "Train the model:" inside a
// section stays a step, while "Model training and evaluation:" is a heading).
const HEADING_WORDS = new Set(
  (
    "data preprocessing pre-processing processing preparation prep loading load cleaning feature features engineering " +
    "extraction augmentation model models modeling modelling architecture architectures training fitting and & " +
    "evaluation evaluating validation prediction predictions predicting submission submissions inference output outputs " +
    "testing test generating generation making other information info notes additional visualization visualisation " +
    "of file creating creation building definition selection setup compilation compiling results result " +
    "hyperparameters hyperparameter tuning optimization optimisation postprocessing post-processing final details"
  ).split(" "),
);

/** Heading text → the sections it fills ([] for a heading of another kind: evaluation, other information…). */
function sectionsOf(heading: string): SectionKey[] {
  const h = heading.toLowerCase();
  const keys: SectionKey[] = [];
  if (/pre-?processing|preparation|prep\b|loading|cleaning|feature|augmentation|^data( processing)?$/.test(h)) keys.push("dataPreprocessing");
  if (/architecture|definition|building|creation|selection|^models?$/.test(h) || /^model(s)? and (training|fitting)/.test(h)) keys.push("modelArchitecture");
  if (/train|fitting|tuning|optimi[sz]ation|compil/.test(h)) keys.push("modelTraining");
  if (/submission|predict|inference|output|testing|^test\b/.test(h)) keys.push("submission");
  return [...new Set(keys)];
}

const MAX_HEADING_WORDS = 8;

/**
 * A line as a heading: its text (markdown, bold, numbering, "Step N:" removed), what follows a colon on the line,
 * and the sections it fills; undefined when the line is content.
 */
function headingOf(line: string): { keys: SectionKey[]; inline: string } | undefined {
  const raw = line.trim();
  if (!raw) return undefined;
  const markdown = /^#{1,6}\s/.test(raw);
  const bullet = /^[-*•·]\s/.test(raw) && !/^\*\*/.test(raw);
  let text = raw
    .replace(/^#{1,6}\s*/, "")
    .replace(/^[-*•·>]\s+/, "")
    .replace(/^(?:step\s+)?(?:\d+|[ivx]+|[a-z])[.)]\s*/i, "")
    .replace(/^step\s+\d+\s*[:.-]\s*/i, "");
  const bold = /^(\*\*|__)/.test(text);
  text = text.replace(/\*\*|__/g, "").trim();
  const colon = text.indexOf(":");
  const head = (colon >= 0 ? text.slice(0, colon) : text).trim().replace(/[.\s]+$/, "");
  const inline = colon >= 0 ? text.slice(colon + 1).trim() : "";
  const words = head.toLowerCase().split(/[\s/,]+/).filter(Boolean);
  if (words.length === 0 || words.length > MAX_HEADING_WORDS || !words.every((w) => HEADING_WORDS.has(w))) return undefined;
  const keys = sectionsOf(head);
  // Without a colon, only a line set apart as a heading (markdown, bold, numbered) or naming a section is one.
  if (colon < 0 && !markdown && !bold && keys.length === 0) return undefined;
  // A bullet is a step unless it leads with a section's name ("- Model training:", "- Data Preprocessing: The code …").
  if (bullet && (keys.length === 0 || words.length > 4 || (inline && words.length < 2))) return undefined;
  return { keys, inline };
}

export interface PaperSplit {
  sections: Record<SectionKey, string[]>;
  /** Lines before the first heading (the title candidate). */
  preamble: string[];
  /** Sections filled from the wording of the steps rather than from a heading (see inferFromSteps). */
  inferred: SectionKey[];
}

// What a step is about, from its wording: for answers that list steps without section headings ("The code performs
// the following tasks: 1. … 2. …"), and for a main section the headings leave out (a model named under "Model
// training" is also its architecture).
const STEP_WORDS: Record<SectionKey, RegExp> = {
  modelTraining:
    /\b(train|trains|trained|training|fit|fits|fitted|fitting|epochs?|optimi[sz]er|adam|sgd|learning rate|compiled?|loss function|cross[- ]validation|k-?fold|grid ?search|early stopping|batch size|hyper-?parameters?|boost(ed|ing) rounds)\b/i,
  submission: /\b(predict|predicts|predicted|predicting|predictions?|submission|submit|inference|to_csv|output file|results? (are|is) saved|saves? the (results|predictions))\b/i,
  modelArchitecture:
    /\b(\w*(?:classifier|regressor)s?|estimators?|ensemble|network|layers?|architecture|random ?forest\w*|xgb\w*|xgboost|lightgbm|lgbm\w*|catboost\w*|logistic ?regression\w*|linear ?regression\w*|ridge|lasso|svm|svc|svr|k-?nearest|knn|decision ?trees?\w*|gradient ?boost\w*|boosted trees|naive bayes|gaussiannb|cnn|rnn|lstm|gru|bert\w*|roberta|resnet\w*|vgg\w*|efficientnet\w*|inception\w*|u-?net|transformers?|sequential|dense|conv(?:olution\w*|\dd|net\w*)?|embedding|autoencoder|perceptron|mlp|arima|prophet|kmeans|k-means|recommender|(?:creat|defin|build|initiali[sz]|instantiat)\w* (?:an? |the )?(?:[\w-]+ ){0,3}models?)\b/i,
  dataPreprocessing:
    /\b(read|reads|reading|load|loads|loaded|loading|import|imports|importing|install\w*|extract\w*|merg\w*|fill\w*|missing|imput\w*|encod\w*|one-hot|scal\w*|normali[sz]\w*|standardi[sz]\w*|resiz\w*|split\w*|drop\w*|convert\w*|clean\w*|tokeni[sz]\w*|vectori[sz]\w*|tf-?idf|features?|augment\w*|preprocess\w*|columns?|data ?frames?|transform\w*|datasets?|images?)\b/i,
};

const DATA_PHRASE = /\b(?:train(?:ing)?|test(?:ing)?|validation)(?:,? (?:and|&) (?:train(?:ing)?|test(?:ing)?|validation))? (?:data|set|sets|dataset|datasets|images|files?|samples|data ?frames?|df|csv|split)\b/gi;

/** Sections a step's wording points to: training, submission, the model named, else data handling. */
function stepSections(text: string): SectionKey[] {
  // "the training data", "train and test sets" name data, not a training step.
  const line = text.replace(DATA_PHRASE, "data");
  const keys: SectionKey[] = [];
  if (STEP_WORDS.modelTraining.test(line)) keys.push("modelTraining");
  if (STEP_WORDS.submission.test(line)) keys.push("submission");
  if (STEP_WORDS.modelArchitecture.test(line)) keys.push("modelArchitecture");
  if (keys.length === 0 && STEP_WORDS.dataPreprocessing.test(line)) keys.push("dataPreprocessing");
  return keys;
}

/** An answer's steps: its lines, a long paragraph split into sentences. */
function stepsOf(lines: readonly string[]): string[] {
  return lines.flatMap((line) => (line.length > 300 ? line.split(/(?<=[.!?])\s+(?=[A-Z])/) : [line])).filter((l) => l.trim());
}

const MAX_BULLETS = 8;
const MAX_BULLET_CHARS = 400;

function bulletsOf(lines: readonly string[]): string[] {
  return lines
    .map((line) => line.replace(/^\s*(?:[-*•·]|\d+[.)])\s*/, "").trim())
    .filter((line) => line.length > 0)
    .slice(0, MAX_BULLETS)
    .map((line) => (line.length > MAX_BULLET_CHARS ? `${line.slice(0, MAX_BULLET_CHARS - 1)}…` : line));
}

/** Lines of each section (a combined heading such as "Model architecture and training" fills both). */
export function splitPaperSections(text: string): PaperSplit {
  const lines: Record<SectionKey, string[]> = { dataPreprocessing: [], modelArchitecture: [], modelTraining: [], submission: [] };
  const preamble: string[] = [];
  // Lines under headings of other kinds (evaluation, other information…).
  const other: string[] = [];
  let current: SectionKey[] | undefined;
  for (const line of text.replace(/\r/g, "").split("\n")) {
    const heading = headingOf(line);
    if (heading) {
      current = heading.keys;
      if (heading.inline) (current.length ? current : ["other" as const]).forEach((key) => (key === "other" ? other : lines[key]).push(heading.inline));
      continue;
    }
    if (current === undefined) preamble.push(line);
    else if (current.length === 0) other.push(line);
    else for (const key of current) lines[key].push(line);
  }
  const inferred = inferFromSteps(lines, preamble, other);
  const sections = Object.fromEntries(INSTRUCTION_SECTIONS.map((s) => [s.key, bulletsOf(lines[s.key])])) as Record<SectionKey, string[]>;
  return { sections, preamble, inferred };
}

/**
 * Main sections no heading gave, filled from the wording of the steps. Without any main heading: every step of
 * the answer goes where its wording points (a step that points nowhere follows the one before). With some: a
 * missing section takes the steps that point to it from the text outside the main sections, and — for the
 * architecture, which answers often describe under training — the named model from the other sections.
 */
function inferFromSteps(lines: Record<SectionKey, string[]>, preamble: readonly string[], other: readonly string[]): SectionKey[] {
  const missing = PAPER_MAIN_SECTIONS.filter((key) => bulletsOf(lines[key]).length === 0);
  if (missing.length === 0) return [];
  if (missing.length === PAPER_MAIN_SECTIONS.length) {
    // The first line of an unsectioned answer is its lead-in ("The code performs the following tasks:").
    const steps = stepsOf([...preamble, ...other]).filter((l, i) => !(i === 0 && /:\s*$/.test(l.trim())));
    let previous: SectionKey[] = [];
    for (const step of steps) {
      const keys = stepSections(step);
      const target = keys.length > 0 ? keys : previous;
      for (const key of target) if (key !== "submission" || lines.submission.length === 0 || keys.length > 0) lines[key].push(step);
      previous = target;
    }
  } else {
    const pool = stepsOf([...preamble, ...other]);
    for (const key of missing) {
      const fromPool = pool.filter((step) => stepSections(step).includes(key));
      const named =
        key === "modelArchitecture"
          ? stepsOf([...lines.modelTraining, ...lines.dataPreprocessing, ...lines.submission]).filter((step) => STEP_WORDS.modelArchitecture.test(step))
          : [];
      lines[key].push(...fromPool, ...named);
    }
  }
  return missing.filter((key) => bulletsOf(lines[key]).length > 0);
}

export type PaperParse = { ok: true; instruction: Instruction } | { ok: false; error: string };

const TITLE_OF: Record<SectionKey, string> = Object.fromEntries(INSTRUCTION_SECTIONS.map((s) => [s.key, s.title])) as Record<SectionKey, string>;

/**
 * Parses a free-text answer into an instruction. The three main sections must be present and non-empty (the
 * error names the ones missing); a missing submission section gets DEFAULT_SUBMISSION_STEP. A short first line
 * before the first heading becomes the title.
 */
export function parsePaperInstruction(text: string, rank: number): PaperParse {
  const { sections, preamble } = splitPaperSections(text);
  const missing = PAPER_MAIN_SECTIONS.filter((key) => sections[key].length === 0).map((key) => TITLE_OF[key]);
  if (missing.length > 0) {
    return { ok: false, error: `missing or empty section${missing.length === 1 ? "" : "s"}: ${missing.join(", ")}` };
  }
  const titleLine = bulletsOf(preamble)[0]?.replace(/^#+\s*/, "").replace(/\*\*/g, "");
  const title = (titleLine && titleLine.length <= 160 ? titleLine : `${placeWord(rank)} place instruction`).slice(0, 160);
  const submission = sections.submission.length > 0 ? sections.submission : [DEFAULT_SUBMISSION_STEP];
  return { ok: true, instruction: { rank, title, ...sections, submission } };
}

/** Sections present and non-empty in a free-text answer, 0–4 (the three main ones and submission). */
export function paperSectionsPresent(text: string): number {
  const { sections } = splitPaperSections(text);
  return INSTRUCTION_SECTIONS.filter((s) => sections[s.key].length > 0).length;
}

/** The three main sections present and non-empty, 0–3 (section completeness in `finetune eval`). */
export function paperMainSectionsPresent(text: string): number {
  const { sections } = splitPaperSections(text);
  return PAPER_MAIN_SECTIONS.filter((key) => sections[key].length > 0).length;
}
