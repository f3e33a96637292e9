#!/usr/bin/env node
// The folders' public faces and their order, checked from the sources (run by `npm run build`): a module of one
// top-level folder imports another folder only through that folder's index.ts, and only a folder of its own
// layer or one below (DESIGN.md "Layers and folders"). Import specifiers are read with TypeScript's own parser,
// so every form counts: import/export … from, import type, import("…") calls and import("…") types.
//   node tools/faces.mjs [root]   → exit 0, or exit 1 with one line per offending import and its fix
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

/** Layer of each library folder: a folder may import folders of its layer or a lower one. */
export const LAYERS = {
  core: 0,
  datasets: 1,
  sandbox: 1,
  agents: 2,
  instructions: 3,
  codegen: 3,
  execution: 4,
  benchmarks: 5,
  finetune: 5,
  viewer: 5,
  interop: 5,
  cli: 6,
};

const SOURCE = /\.(ts|tsx|mts|cts)$/;

function sourceFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === "dist" || name.startsWith(".")) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (SOURCE.test(name) && !name.endsWith(".d.ts")) out.push(path);
  }
  return out;
}

/** Every module specifier a source file names, with its line. */
function specifiers(path) {
  const text = readFileSync(path, "utf8");
  const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, false, path.endsWith("x") ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const out = [];
  const add = (node) => {
    if (node && ts.isStringLiteralLike(node)) out.push({ spec: node.text, line: file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1 });
  };
  const visit = (node) => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) add(node.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) add(node.moduleReference.expression);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node.arguments[0]);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node.argument.literal);
    ts.forEachChild(node, visit);
  };
  visit(file);
  return out;
}

const topFolder = (root, path) => relative(root, path).split(sep)[0];

/** The imports of the library and cli/ that break the faces or the layer order, each with its fix. */
export function checkFaces(root) {
  const problems = [];
  for (const folder of Object.keys(LAYERS)) {
    const dir = join(root, folder);
    if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) continue;
    for (const path of sourceFiles(dir)) {
      for (const { spec, line } of specifiers(path)) {
        if (!spec.startsWith(".")) continue;
        const target = resolve(dirname(path), spec);
        const to = topFolder(root, target);
        if (to === folder) continue;
        const where = `${relative(root, path)}:${line}`;
        if (!(to in LAYERS)) {
          problems.push(`${where}: imports '${spec}', outside the library (${to}/); the library imports nothing from tests/, perf/ or tools/`);
          continue;
        }
        const face = join(root, to, "index");
        const viaFace = target.replace(/\.(js|ts|mjs|mts|tsx|jsx)$/, "") === face;
        if (!viaFace) {
          const fix = relative(dirname(path), join(root, to, "index.js")).split(sep).join("/");
          problems.push(`${where}: imports '${spec}', inside ${to}/; import it from '${fix.startsWith(".") ? fix : `./${fix}`}' (export it from ${to}/index.ts if it is missing)`);
        }
        if (LAYERS[to] > LAYERS[folder])
          problems.push(`${where}: ${folder}/ imports ${to}/, a layer above it (core → datasets/sandbox → agents → instructions/codegen → execution → benchmarks/finetune/viewer → cli); move what both need down`);
      }
    }
  }
  return problems;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), ".."));
  const problems = checkFaces(root);
  for (const p of problems) process.stderr.write(`${p}\n`);
  if (problems.length) {
    process.stderr.write(`${problems.length} import(s) break the folders' faces or their order (tools/faces.mjs)\n`);
    process.exit(1);
  }
}
