// Builds the viewer's page bundle (dist/viewer/web/app.js + app.css) with esbuild: one IIFE file that runs from
// the server and from an exported file:// page alike. Deterministic: same sources and lock file, same bytes
// (no timestamps, no source paths in the output). Run by `npm run build`.
import { build } from "esbuild";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
await build({
  entryPoints: { app: join(here, "main.tsx") },
  outdir: join(root, "dist", "viewer", "web"),
  bundle: true,
  format: "iife",
  platform: "browser",
  target: ["chrome110", "firefox110", "safari16"],
  jsx: "automatic",
  jsxImportSource: "preact",
  minify: true,
  legalComments: "none",
  sourcemap: false,
  charset: "utf8",
  logLevel: "warning",
});
