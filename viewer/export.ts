// `linguacodus view --export <file.html> <dir>`: the same pages as one self-contained HTML file, no server. Every
// payload the server would answer is computed here and embedded (gzip + base64); the page reads it from there.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import type { CallView, ExportBundle, RunPayload, SearchNodeDetail } from "./api.js";
import { exportedPage, readWebAssets, type WebAssets } from "./page.js";
import { ViewerSource } from "./source.js";

const PAGE = 500;

export interface ExportResult {
  file: string;
  runs: number;
  calls: number;
  bytes: number;
}

/** Every payload of the opened folder: index, charts, each run, and all of each run's calls. */
export async function exportBundle(source: ViewerSource, now = new Date()): Promise<ExportBundle> {
  const runs: Record<string, RunPayload> = {};
  const calls: Record<string, CallView[]> = {};
  const nodes: Record<string, Record<string, SearchNodeDetail>> = {};
  for (const path of source.allRunPaths()) {
    const run = await source.run(path);
    runs[path] = run;
    if (run.search) nodes[path] = source.allSearchNodes(path);
    const all: CallView[] = [];
    for (let offset = 0; ; offset += PAGE) {
      const page = await source.calls({ path, offset, limit: PAGE });
      all.push(...page.items);
      if (offset + PAGE >= page.matched) break;
    }
    calls[path] = all;
  }
  return { index: source.index(), charts: await source.chartsPayload(), runs, calls, nodes, exportedAt: now.toISOString() };
}

export async function exportViewer(options: { folder: string; file: string; assets?: WebAssets }): Promise<ExportResult> {
  const source = new ViewerSource(options.folder);
  const assets = options.assets ?? readWebAssets();
  const bundle = await exportBundle(source);
  const data = gzipSync(Buffer.from(JSON.stringify(bundle), "utf8"), { level: 9 }).toString("base64");
  const html = exportedPage(assets, data);
  const file = resolve(options.file);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, html);
  return {
    file,
    runs: Object.keys(bundle.runs).length,
    calls: Object.values(bundle.calls).reduce((n, c) => n + c.length, 0),
    bytes: Buffer.byteLength(html),
  };
}
