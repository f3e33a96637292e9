// The one HTML page of the viewer, served with its bundle linked (server) or inlined with the data (export).
// The built bundle is found beside the package's dist/ output (`npm run build` makes it).
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

export interface WebAssets {
  script: string;
  style: string;
}

function packageRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${from}`);
    dir = up;
  }
  return dir;
}

/** Folder of the built web bundle (dist/viewer/web). */
export function webAssetDir(): string {
  return join(packageRoot(import.meta.dirname), "dist", "viewer", "web");
}

/** The built app.js and app.css; a clear error when the build step has not run. */
export function readWebAssets(dir = webAssetDir()): WebAssets {
  const script = join(dir, "app.js");
  const style = join(dir, "app.css");
  if (!existsSync(script) || !existsSync(style)) {
    throw new Error(`the viewer's web bundle is missing (${script}): run \`npm run build\` in the linguacodus folder first`);
  }
  return { script: readFileSync(script, "utf8"), style: readFileSync(style, "utf8") };
}

/** Content-Security-Policy of the served page: only its own bundle runs, nothing is fetched from elsewhere. */
export const SERVER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const shell = (head: string, body: string) =>
  `<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>linguacodus view</title>\n${head}\n</head>\n<body>\n<div id="app"></div>\n${body}\n</body>\n</html>\n`;

export function servedPage(): string {
  return shell(`<link rel="stylesheet" href="/assets/app.css">`, `<script src="/assets/app.js"></script>`);
}

const sha256 = (text: string) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;

/**
 * The exported page: bundle, style and data inline. The data is gzip + base64 (no "<" can end its element early);
 * the CSP allows exactly the inlined script and style by hash, so nothing a model wrote can run.
 */
export function exportedPage(assets: WebAssets, dataBase64: string): string {
  // "</script" inside the bundle would end the element; esbuild never emits it unescaped, but make sure.
  const script = assets.script.replace(/<\/script/gi, "<\\/script");
  const csp = [
    "default-src 'none'",
    `script-src ${sha256(script)}`,
    `style-src ${sha256(assets.style)}`,
    "img-src data:",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
  return shell(
    `<meta http-equiv="Content-Security-Policy" content="${csp}">\n<style>${assets.style}</style>`,
    `<script type="application/octet-stream" id="lc-export">${dataBase64}</script>\n<script>${script}</script>`,
  );
}
