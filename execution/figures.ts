// Figures of one attempt: the PNG and SVG files the script saved in its working directory, picked from what the
// sandbox collected (the collector already refuses symlinks, FIFOs and oversized files inside the container) and
// copied into a folder of their own, capped in count and bytes. Every file left out is named with the reason, so the
// record says what the reviewer and the viewer did not get. Used by the execute operator and by `ask`.
import { closeSync, copyFileSync, lstatSync, mkdirSync, openSync, readSync } from "node:fs";
import { dirname, extname, join, relative, sep } from "node:path";
import type { SkippedFile } from "../sandbox/index.js";
import { isInside } from "./browse.js";
import type { FigureFormat, Figures, FigureLimits } from "./record/index.js";

export const DEFAULT_FIGURE_LIMITS: FigureLimits = {
  maxFigures: 16,
  maxFigureBytes: 8 * 1024 ** 2,
  maxTotalBytes: 32 * 1024 ** 2,
  // folders below the working directory a figure may sit in (plots/roc.png is 1)
  maxDepth: 3,
};

const FORMAT_OF_EXTENSION: Record<string, FigureFormat> = { ".png": "png", ".svg": "svg" };
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const SNIFF_BYTES = 4096;

/** The figure format a workspace name claims by its extension (case-insensitive), if any. */
export function figureFormatOf(name: string): FigureFormat | undefined {
  return FORMAT_OF_EXTENSION[extname(name).toLowerCase()];
}

function readHead(path: string, bytes: number): Buffer {
  const fd = openSync(path, "r");
  try {
    const buffer = Buffer.alloc(bytes);
    return buffer.subarray(0, readSync(fd, buffer, 0, bytes, 0));
  } finally {
    closeSync(fd);
  }
}

/** What the first bytes say: a PNG's size from its header, an SVG's root element, or why it is not the format named. */
export function sniffFigure(head: Buffer, format: FigureFormat): { width?: number; height?: number } | { notA: string } {
  if (format === "png") {
    // signature, then the IHDR chunk: length(4) "IHDR"(4) width(4) height(4)
    if (head.length < 24 || !head.subarray(0, 8).equals(PNG_SIGNATURE) || head.toString("latin1", 12, 16) !== "IHDR") {
      return { notA: "not a PNG file (its first bytes are not the PNG signature and header)" };
    }
    return { width: head.readUInt32BE(16), height: head.readUInt32BE(20) };
  }
  const text = head.toString("utf8");
  if (text.includes("\u0000") || !/<svg[\s>]/i.test(text)) return { notA: "not an SVG file (no <svg> element in its first 4 KiB)" };
  return {};
}

export interface CopyFiguresInput {
  /** The sandbox's collected files: workspace-relative name → host path (SandboxRunResult.files). */
  files: Record<string, string>;
  /** The sandbox's skipped entries: those named like a figure are recorded as skipped figures. */
  skippedFiles?: SkippedFile[];
  /** The host folder the sandbox collected into (the attempt's workspace): sources must lie inside it. */
  workspaceDir: string;
  /** Where the figures go (created when there is one), keeping their workspace-relative names. */
  figuresDir: string;
  /** Paths in the record are relative to this folder (the run folder). */
  relativeTo: string;
  limits?: FigureLimits;
}

/** Copies the attempt's figures out of its collected workspace; undefined when it saved none and skipped none. */
export function copyFigures(input: CopyFiguresInput): Figures | undefined {
  const limits = input.limits ?? DEFAULT_FIGURE_LIMITS;
  const figures: Figures = { files: [], skipped: [], limits };
  for (const s of input.skippedFiles ?? []) {
    if (s.name && figureFormatOf(s.name)) figures.skipped.push({ name: s.name, reason: `not collected from the sandbox: ${s.reason}` });
  }
  let total = 0;
  const names = Object.keys(input.files).filter((name) => figureFormatOf(name)).sort();
  for (const name of names) {
    const format = figureFormatOf(name)!;
    const skip = (reason: string) => figures.skipped.push({ name, reason });
    const source = input.files[name]!;
    if (name.split(sep).length - 1 > limits.maxDepth) {
      skip(`in a folder more than ${limits.maxDepth} levels below the working directory`);
      continue;
    }
    const st = lstatSync(source, { throwIfNoEntry: false });
    if (!st?.isFile() || !isInside(input.workspaceDir, source)) {
      skip("not a regular file inside the attempt's workspace");
      continue;
    }
    if (st.size > limits.maxFigureBytes) {
      skip(`${st.size} bytes, over the ${limits.maxFigureBytes}-byte limit per figure`);
      continue;
    }
    const sniffed = sniffFigure(readHead(source, SNIFF_BYTES), format);
    if ("notA" in sniffed) {
      skip(sniffed.notA);
      continue;
    }
    if (figures.files.length >= limits.maxFigures) {
      skip(`past the cap of ${limits.maxFigures} figures per attempt`);
      continue;
    }
    if (total + st.size > limits.maxTotalBytes) {
      skip(`${st.size} bytes, over the ${limits.maxTotalBytes}-byte limit for an attempt's figures (${total} taken)`);
      continue;
    }
    const target = join(input.figuresDir, name);
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(source, target);
    total += st.size;
    figures.files.push({ name, path: relative(input.relativeTo, target), format, bytes: st.size, ...sniffed });
  }
  return figures.files.length + figures.skipped.length > 0 ? figures : undefined;
}
