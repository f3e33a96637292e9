// The figures an attempt saved, as its result.json lists them (execution/figures.ts copies them out).
import { z } from "zod";

/** A workspace entry left out, and why (sandbox SkippedFile). */
export const SkippedEntrySchema = z.object({ name: z.string(), reason: z.string() });

export const FigureFormatSchema = z.enum(["png", "svg"]);
export type FigureFormat = z.infer<typeof FigureFormatSchema>;

/** One figure an attempt saved, copied to exec/<attempt>/figures/ (execution/figures.ts). */
export const FigureSchema = z.object({
  /** Path relative to the script's working directory, as the script saved it (plots/roc.png). */
  name: z.string(),
  /** Path of the copy relative to the run folder (exec/<attempt>/figures/<name>). */
  path: z.string(),
  format: FigureFormatSchema,
  bytes: z.number().int().nonnegative(),
  /** Pixel size from a PNG's header (absent for SVG). */
  width: z.number().int().nonnegative().optional(),
  height: z.number().int().nonnegative().optional(),
});
export type Figure = z.infer<typeof FigureSchema>;

export const FigureLimitsSchema = z.object({
  maxFigures: z.number().int().positive(),
  maxFigureBytes: z.number().int().positive(),
  maxTotalBytes: z.number().int().positive(),
  /** Folders below the working directory a figure may sit in. */
  maxDepth: z.number().int().nonnegative(),
});
export type FigureLimits = z.infer<typeof FigureLimitsSchema>;

/** An attempt's figures: those copied, those left out with the reason, and the caps that applied. */
export const FiguresSchema = z.object({
  files: z.array(FigureSchema),
  skipped: z.array(SkippedEntrySchema),
  limits: FigureLimitsSchema,
});
export type Figures = z.infer<typeof FiguresSchema>;

/** One figure as a feedback round's reviewer got it: shown as an image (downscaled) or named with the reason. */
export const ReviewedFigureSchema = z.object({
  name: z.string(),
  format: FigureFormatSchema,
  bytes: z.number().int().nonnegative(),
  width: z.number().int().nonnegative().optional(),
  height: z.number().int().nonnegative().optional(),
  /** The reviewer was sent this figure as an image. */
  shown: z.boolean(),
  /** The image sent: its copy relative to the run folder (exec/<attempt>/review-figures/), its size. */
  sent: z.object({ path: z.string(), width: z.number().int(), height: z.number().int(), bytes: z.number().int() }).optional(),
  /** Why it was not shown (text-only reviewer, SVG, past the cap, could not be read). */
  reason: z.string().optional(),
});

/** What the reviewer of a feedback round saw of the reviewed attempt's figures. */
export const ReviewFiguresSchema = z.object({
  /** The attempt whose figures these are. */
  attempt: z.string(),
  /** The reviewer saw at least one figure as an image. */
  seen: z.boolean(),
  /** Why it saw none (a text-only model gets the names and sizes). */
  reason: z.string().optional(),
  figures: z.array(ReviewedFigureSchema),
  limits: z.object({ maxImages: z.number().int().positive(), maxSide: z.number().int().positive() }),
});
export type ReviewFigures = z.infer<typeof ReviewFiguresSchema>;
export type ReviewedFigure = z.infer<typeof ReviewedFigureSchema>;
