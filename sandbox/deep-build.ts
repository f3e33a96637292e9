// Builds a profile image on the default sandbox image. The wheels are downloaded once on the host (PyPI is
// reachable there, never from a container) into <cache>/wheels/<hash of the wheel list>/, then installed inside the build
// with no index: a rebuild, or a build on a machine holding the cache, needs no network.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { copyFile, link, mkdir, mkdtemp, readdir, rename, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import type Docker from "dockerode";
import { imageExists } from "./engine.js";
import { followBuild, imageSize, type ImageBuildResult } from "./image-build.js";
import { DEEP_TORCH, deepRecipe, renderDeepDockerfile, type DeepRecipe, type DeepRecipeOptions } from "./image-profiles.js";
import { WRITE_MANIFEST_PY } from "./image-recipe.js";
import { sandboxAsset } from "./assets.js";
import { wheelPlatformArgs } from "./python-layer.js";

const exec = promisify(execFile);

export interface DeepBuildOptions extends DeepRecipeOptions {
  docker: Docker;
  /** The sandbox build cache (the wheels go under its wheels/ folder). */
  cacheDir: string;
  force?: boolean;
  /** Host Python with pip that downloads the wheels (default: python3). */
  hostPython?: string;
  log?: (line: string) => void;
}

/** The image's Python (Debian bookworm's CPython 3.11) and platform, for pip on the host. */
export const deepWheelTarget = (): string[] => ["--python-version", "3.11", "--implementation", "cp", "--abi", "cp311", ...wheelPlatformArgs()];

/** The wheel folder of a recipe, downloaded unless complete (a marker file is written last). */
export async function ensureWheelCache(recipe: DeepRecipe, options: Pick<DeepBuildOptions, "cacheDir" | "hostPython" | "log">): Promise<string> {
  // Keyed by what is downloaded, not by the base image: a new fork server on the base reuses the wheels.
  const key = createHash("sha256").update(JSON.stringify([recipe.packages, recipe.constraints, deepWheelTarget()])).digest("hex").slice(0, 12);
  const dir = join(resolve(options.cacheDir), "wheels", key);
  const marker = join(dir, ".complete");
  if (existsSync(marker)) {
    options.log?.(`using cached wheels ${dir}`);
    return dir;
  }
  const partial = `${dir}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  await writeFile(join(partial, "constraints.txt"), `${recipe.constraints.join("\n")}\n`);
  options.log?.(`pip download ${recipe.packages.join(" ")} → ${dir}`);
  try {
    await exec(
      options.hostPython ?? "python3",
      ["-m", "pip", "download", "--quiet", "--disable-pip-version-check", "--no-input", "--only-binary=:all:", ...deepWheelTarget(), "-d", partial,
        "-c", join(partial, "constraints.txt"), ...recipe.packages],
      { maxBuffer: 64 * 1024 ** 2 },
    );
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    const e = error as { stderr?: string; message: string };
    const said = (e.stderr ?? e.message).trim().split("\n").slice(-3).join(" ");
    // PyTorch publishes its +cpu builds on its own index only, never on PyPI.
    const hint = /torch==[^ ]*\+cpu/.test(said)
      ? `; ${DEEP_TORCH.cpu} is not on PyPI: point pip at PyTorch's CPU index (PIP_EXTRA_INDEX_URL=https://download.pytorch.org/whl/cpu) or a folder holding the wheel (PIP_FIND_LINKS=<dir>)`
      : "";
    throw new Error(`pip could not download the deep profile's wheels: ${said}${hint}`);
  }
  await writeFile(join(partial, ".complete"), `${recipe.packages.join("\n")}\n`);
  await rm(dir, { recursive: true, force: true });
  await rename(partial, dir);
  return dir;
}

/** Builds the deep image unless it exists (the default image must exist: it is the base). */
export async function buildDeepImage(options: DeepBuildOptions): Promise<ImageBuildResult> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const recipe = deepRecipe(options.cuda ? { cuda: true } : {});
  const { docker } = options;
  const result = async (skipped: boolean): Promise<ImageBuildResult> => ({
    tag: recipe.tag, recipeHash: recipe.hash, skipped, rootfsFromCache: false, durationMs: Date.now() - started, imageSizeBytes: await imageSize(docker, recipe.tag),
  });
  if (!options.force && (await imageExists(docker, recipe.tag))) return result(true);
  if (!(await imageExists(docker, recipe.base))) throw new Error(`the default sandbox image ${recipe.base} is missing; it is the deep image's base: build it with 'linguacodus sandbox build --offline'`);
  const wheels = await ensureWheelCache(recipe, options);
  // The context lives beside the cache so the wheels are hard links, not a copy of several hundred MB.
  const context = await mkdtemp(join(resolve(options.cacheDir), "deep-context-"));
  try {
    await mkdir(join(context, "wheels"));
    for (const name of await readdir(wheels)) {
      await link(join(wheels, name), join(context, "wheels", name)).catch(() => copyFile(join(wheels, name), join(context, "wheels", name)));
    }
    await writeFile(join(context, "Dockerfile"), renderDeepDockerfile(recipe));
    await writeFile(join(context, "write_manifest.py"), WRITE_MANIFEST_PY);
    await writeFile(join(context, "torchvision_cpu.py"), sandboxAsset("torchvision_cpu.py"));
    log(`docker build ${recipe.tag} on ${recipe.base}`);
    await followBuild(docker, await docker.buildImage({ context, src: ["Dockerfile", "write_manifest.py", "torchvision_cpu.py", "wheels"] }, { t: recipe.tag, pull: false } as object), log);
  } finally {
    await rm(context, { recursive: true, force: true });
  }
  return result(false);
}
