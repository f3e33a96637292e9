// The files an import reads from a competition folder or an MLE-bench checkout are confined to that folder:
// a config.yaml path or a symlink must not make a host file the task text the models read.
import { realpath, stat } from "node:fs/promises";
import { sep } from "node:path";
import { TaskFormatError } from "../task.js";

/** The largest description an import copies: MLE-bench's run to tens of kilobytes. */
export const MAX_DESCRIPTION_BYTES = 1 << 20;

/** `path` resolved through every symlink; throws unless it lies inside `folder` (also resolved), the `owner`'s files. */
export async function confinedPath(path: string, folder: string, what: string, owner = "the competition"): Promise<string> {
  const [real, base] = await Promise.all([realpath(path), realpath(folder)]);
  if (real !== base && !real.startsWith(base + sep)) {
    throw new TaskFormatError(`${what} ${path} resolves to ${real}, outside ${base}; an import reads only ${owner}'s own files`);
  }
  return real;
}

/** The competition's description, confined to `folder` and at most {@link MAX_DESCRIPTION_BYTES}. */
export async function confinedDescription(path: string, folder: string): Promise<string> {
  const real = await confinedPath(path, folder, "the description");
  const { size, isFile } = await stat(real).then((s) => ({ size: s.size, isFile: s.isFile() }));
  if (!isFile) throw new TaskFormatError(`the description ${path} is not a file`);
  if (size > MAX_DESCRIPTION_BYTES) {
    throw new TaskFormatError(`the description ${path} is ${size} bytes; a description may be at most ${MAX_DESCRIPTION_BYTES >> 20} MiB (${MAX_DESCRIPTION_BYTES} bytes)`);
  }
  return real;
}

/** MLE-bench competition ids are one folder name: letters, digits, '.', '_' and '-', starting with a letter or digit. */
const COMPETITION_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Throws unless `id` can name a folder under mlebench/competitions/ without leaving it. */
export function assertCompetitionId(id: string, source: string): void {
  if (!COMPETITION_ID.test(id)) {
    throw new TaskFormatError(`${source}: competition id '${id.slice(0, 80)}' is not one folder name (letters, digits, '.', '_', '-', starting with a letter or digit); fix the id`);
  }
}

/** The task folder name of a competition id; throws when nothing usable is left (an id such as '...'). */
export function taskIdOf(rawId: string): string {
  const id = rawId.toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^[^a-z0-9]+/, "");
  if (id === "") {
    throw new TaskFormatError(`competition id '${rawId.slice(0, 80)}' leaves no usable task folder name (it needs a letter or digit); pass --id <name>`);
  }
  return id;
}
