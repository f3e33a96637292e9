// The Python files the image ships (fork_server.py, write_manifest.py) live beside this module in the
// source tree. `npm run build` copies them into dist/sandbox/; a dist/ compiled by plain tsc (the tests'
// buildCli) finds them in the source folder instead, two levels up.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const cache = new Map<string, string>();

/** Absolute path of a Python file of the sandbox (next to this module, else in the source folder). */
export function sandboxAssetPath(name: string): string {
  const candidates = [new URL(`./${name}`, import.meta.url), new URL(`../../sandbox/${name}`, import.meta.url)].map((u) => fileURLToPath(u));
  const found = candidates.find((path) => existsSync(path));
  if (!found) throw new Error(`the sandbox file ${name} is missing (looked in ${candidates.join(" and ")}); reinstall linguacodus or run 'npm run build'`);
  return found;
}

/** The text of a Python file of the sandbox (read once). */
export function sandboxAsset(name: string): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(sandboxAssetPath(name), "utf8");
    cache.set(name, text);
  }
  return text;
}
