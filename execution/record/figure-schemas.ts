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
