// Non-TypeScript files of the project (Python that runs in the sandbox, prompt templates) found the same way
// from the source tree (tsx, tests) and from the compiled dist/ tree.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * Absolute path of a project file given relative to the project root ("datasets/mlebench/grade_driver.py"):
 * next to the compiled module when `npm run build` copied it into dist/, else in the source tree.
 */
export function projectFile(relativePath: string): string {
  const candidates = [new URL(`../${relativePath}`, import.meta.url), new URL(`../../${relativePath}`, import.meta.url)].map((u) => fileURLToPath(u));
  const found = candidates.find((path) => existsSync(path));
  if (!found) throw new Error(`the project file ${relativePath} is missing (looked in ${candidates.join(" and ")}); reinstall linguacodus or run 'npm run build'`);
  return found;
}
