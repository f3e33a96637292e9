// What a feedback round's reviewer gets of the reviewed attempt's figures. A model that reads images is sent at
// most `maxImages` PNGs, downscaled to `maxSide` pixels on the longer side by Pillow inside the sandbox (the
// figures are the script's output: untrusted bytes are decoded in the container, never on the host). SVGs are not
// rasterised: the sandbox image has no SVG rasteriser. A text-only model (gguf, scripted) gets names and sizes, and
// the record says it did not see them.
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import { z } from "zod";
import type { AgentModel, ChatImage } from "../agents/index.js";
import type { FigureForReview } from "../codegen/index.js";
import type { Sandbox } from "../sandbox/index.js";
import { sniffFigure } from "./figures.js";
import { ATTEMPT_FILES, type Figures, type ReviewFigures, type ReviewedFigure, type RunRecordWriter } from "./record/index.js";

export const REVIEW_IMAGE_LIMITS: ReviewFigures["limits"] = { maxImages: 4, maxSide: 768 };

/** Pillow refuses images of more pixels than this (a decompression bomb); a figure that big is not shown. */
const MAX_PIXELS = 40_000_000;
/** A downscaled image larger than this is not sent (768×768 RGBA stays well under it). */
const MAX_SENT_BYTES = 4 * 1024 ** 2;

// Reads the names from the environment, writes <index>.png for each into the working directory and one JSON line
// saying what became of each. Pillow is in the sandbox image (matplotlib needs it).
const DOWNSCALE_SCRIPT = `import json, os, warnings
from PIL import Image
warnings.simplefilter("error", Image.DecompressionBombWarning)
Image.MAX_IMAGE_PIXELS = int(os.environ["LC_MAX_PIXELS"])
side = int(os.environ["LC_MAX_SIDE"])
report = []
for i, name in enumerate(json.loads(os.environ["LC_FIGURES"])):
    try:
        with Image.open(os.path.join("/data", name)) as im:
            if im.format != "PNG":
                raise ValueError("Pillow reads it as %s, not PNG" % im.format)
            im.thumbnail((side, side))
            im = im.convert("RGBA" if "A" in im.getbands() or "transparency" in im.info else "RGB")
            im.save("%d.png" % i, optimize=True)
            report.append({"index": i, "width": im.width, "height": im.height})
    except Exception as e:
        report.append({"index": i, "error": "%s: %s" % (type(e).__name__, str(e)[:200])})
print("LC_REPORT=" + json.dumps(report))
`;

const ReportSchema = z.array(
  z.union([z.object({ index: z.number().int(), width: z.number().int(), height: z.number().int() }), z.object({ index: z.number().int(), error: z.string() })]),
);

export interface ReviewFiguresInput {
  /** The reviewed attempt's figures (AttemptResult.figures). */
  figures: Figures | undefined;
  attempt: string;
  reviewer: AgentModel;
  sandbox: Sandbox;
  writer: Pick<RunRecordWriter, "dir" | "attemptFile">;
  limits?: ReviewFigures["limits"];
}

export interface ReviewFiguresResult {
  record: ReviewFigures;
  /** For the reviewer's prompt: every figure, with its image when it is sent. */
  forPrompt: FigureForReview[];
  seen: boolean;
}

const notShown = (figure: Figures["files"][number], reason: string): ReviewedFigure => ({ ...describe(figure), shown: false, reason });

function describe(figure: Pick<ReviewedFigure, "name" | "format" | "bytes" | "width" | "height">): Omit<ReviewedFigure, "shown"> {
  const { name, format, bytes, width, height } = figure;
  return { name, format, bytes, ...(width !== undefined ? { width } : {}), ...(height !== undefined ? { height } : {}) };
}

/** Downscales `names` (inside `figuresDir`) in the sandbox into `outDir`; index → what happened. */
async function downscale(sandbox: Sandbox, figuresDir: string, outDir: string, names: string[], maxSide: number): Promise<Map<number, { width: number; height: number } | { error: string }>> {
  rmSync(outDir, { recursive: true, force: true });
  const run = await sandbox.run({
    script: DOWNSCALE_SCRIPT,
    publicDir: figuresDir,
    outputDir: outDir,
    timeoutSeconds: 120,
    env: { LC_FIGURES: JSON.stringify(names), LC_MAX_SIDE: String(maxSide), LC_MAX_PIXELS: String(MAX_PIXELS) },
  });
  const line = run.stdout.split("\n").find((l) => l.startsWith("LC_REPORT="));
  const parsed = line ? ReportSchema.safeParse(JSON.parse(line.slice("LC_REPORT=".length))) : undefined;
  const why = `the sandbox could not downscale it (${run.outcome}${run.error ? `: ${run.error.type}: ${run.error.message}` : ""})`;
  const done = new Map<number, { width: number; height: number } | { error: string }>();
  names.forEach((_, i) => done.set(i, { error: why }));
  for (const entry of parsed?.success ? parsed.data : []) done.set(entry.index, entry);
  return done;
}

/** The reviewer's view of an attempt's figures; undefined when the attempt saved none (the prompt is unchanged). */
export async function reviewFigures(input: ReviewFiguresInput): Promise<ReviewFiguresResult | undefined> {
  const files = input.figures?.files ?? [];
  if (files.length === 0) return undefined;
  const limits = input.limits ?? REVIEW_IMAGE_LIMITS;
  const base = { attempt: input.attempt, limits };
  const forPrompt = (figures: ReviewedFigure[], images: Map<string, ChatImage>): FigureForReview[] =>
    figures.map((f) => ({ ...describe(f), ...(images.has(f.name) ? { image: images.get(f.name)! } : {}), ...(f.reason ? { reason: f.reason } : {}) }));
  if (!(await input.reviewer.seesImages?.())) {
    const reason = `the reviewer model (${input.reviewer.spec}) reads text only: it was given the figures' names and sizes, not the images`;
    const figures = files.map((f) => notShown(f, "text-only reviewer"));
    return { record: { ...base, seen: false, reason, figures }, forPrompt: forPrompt(figures, new Map()), seen: false };
  }
  const pngs = files.filter((f) => f.format === "png").slice(0, limits.maxImages);
  const outDir = input.writer.attemptFile(input.attempt, ATTEMPT_FILES.reviewFigures);
  const results = pngs.length ? await downscale(input.sandbox, input.writer.attemptFile(input.attempt, ATTEMPT_FILES.figures), outDir, pngs.map((f) => f.name), limits.maxSide) : new Map();
  const images = new Map<string, ChatImage>();
  const figures = files.map((figure): ReviewedFigure => {
    if (figure.format === "svg") return notShown(figure, "SVG is not rasterised (the sandbox image has no SVG rasteriser); save figures as PNG for the reviewer to see them");
    const index = pngs.indexOf(figure);
    if (index === -1) return notShown(figure, `past the cap of ${limits.maxImages} images per review`);
    const done = results.get(index);
    if (!done || "error" in done) return notShown(figure, `not readable as an image: ${done?.error ?? "no answer from the sandbox"}`);
    const path = join(outDir, `${index}.png`);
    const bytes = existsSync(path) ? readFileSync(path) : Buffer.alloc(0);
    if ("notA" in sniffFigure(bytes, "png") || bytes.length > MAX_SENT_BYTES) return notShown(figure, "the downscaled image was missing or not a PNG of a sensible size");
    images.set(figure.name, { name: figure.name, mimeType: "image/png", data: bytes.toString("base64"), width: done.width, height: done.height });
    return { ...describe(figure), shown: true, sent: { path: relative(input.writer.dir, path), width: done.width, height: done.height, bytes: bytes.length } };
  });
  const seen = images.size > 0;
  const reason = seen ? undefined : "no figure could be shown as an image (see each figure's reason)";
  return { record: { ...base, seen, ...(reason ? { reason } : {}), figures }, forPrompt: forPrompt(figures, images), seen };
}

/**
 * The same figures for a reviewer whose server refused the images (an OpenAI-compatible server with a text-only
 * model answers 400): names and sizes only, and the record says why it did not see them.
 */
export function withoutImages(result: ReviewFiguresResult, refusal: string): ReviewFiguresResult {
  const reason = `the model server refused the images (${refusal.split("\n")[0]!.slice(0, 300)}): the reviewer was given the figures' names and sizes instead`;
  const figures = result.record.figures.map(({ sent: _sent, ...f }) => ({ ...f, shown: false, reason: "refused by the model server" }));
  return { record: { ...result.record, seen: false, reason, figures }, forPrompt: result.forPrompt.map(({ image: _image, ...f }) => ({ ...f, reason: "refused by the model server" })), seen: false };
}
