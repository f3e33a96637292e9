// An image derived from the sandbox image with extra Python libraries at pinned versions, for code that needs
// other versions than the whitelist (MLE-bench's graders ask for pandas ≥ 2.2 and scikit-learn ≥ 1.5). The
// wheels are installed on the host by pip (`--target`, for the image's Python and platform: PyPI is reachable
// there, never from a container), copied into a thin layer and put first on the image's PYTHONPATH. The tag
// hashes the base image and the requirements, so a layer is built once.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type Docker from "dockerode";
import { imageExists } from "./engine.js";
import { readImageManifest } from "./image-manifest.js";
import { IMAGE_REPOSITORY, SANDBOX_IMAGE_TAG } from "./image-recipe.js";

const exec = promisify(execFile);

export interface PythonLayerOptions {
  docker: Docker;
  /** Short name in the tag, e.g. "mlebench". */
  name: string;
  /** pip requirement specifiers, pinned (`pandas==2.2.3`). */
  requirements: readonly string[];
  /** Base image (default: the sandbox image). */
  base?: string;
  /** Host Python with pip that downloads the wheels (default: python3). */
  hostPython?: string;
  log?: (line: string) => void;
}

/** Where the libraries sit in the derived image (first on PYTHONPATH). */
export const PYTHON_LAYER_DIR = "/opt/linguacodus-pylib";

/** The tag of the derived image for these requirements on this base. */
export function pythonLayerTag(name: string, requirements: readonly string[], base = SANDBOX_IMAGE_TAG): string {
  const hash = createHash("sha256").update(JSON.stringify([base, [...requirements].sort()])).digest("hex").slice(0, 12);
  return `${IMAGE_REPOSITORY}:${name}-${hash}`;
}

/** glibc of the image's Debian (bookworm): the newest manylinux a wheel may ask for. */
const IMAGE_GLIBC_MINOR = 36;

/**
 * pip's `--platform` arguments for wheels that run in the image on the host's architecture: every manylinux tag its
 * glibc runs, newest first. pip takes an explicit `--platform` literally (manylinux_2_28 does not imply 2_18), and
 * wheels are tagged anywhere in between: torch manylinux_2_28, CUDA's nccl manylinux_2_18 only.
 */
export function wheelPlatformArgs(): string[] {
  const arch = process.arch === "x64" ? "x86_64" : process.arch === "arm64" ? "aarch64" : undefined;
  if (!arch) throw new Error(`no wheel platform known for ${process.arch}: the sandbox images take Python wheels for x86_64 or aarch64 hosts only`);
  const perGlibc = Array.from({ length: IMAGE_GLIBC_MINOR - 4 }, (_, i) => `manylinux_2_${IMAGE_GLIBC_MINOR - i}`);
  return [...perGlibc, "manylinux2014", "manylinux2010", "manylinux1"].flatMap((p) => ["--platform", `${p}_${arch}`]);
}

/** Builds the derived image unless it exists; returns its tag. */
export async function ensurePythonLayerImage(options: PythonLayerOptions): Promise<string> {
  const base = options.base ?? SANDBOX_IMAGE_TAG;
  const tag = pythonLayerTag(options.name, options.requirements, base);
  const log = options.log ?? (() => undefined);
  if (await imageExists(options.docker, tag)) return tag;
  if (!(await imageExists(options.docker, base))) throw new Error(`the sandbox image ${base} is missing: build it with 'linguacodus sandbox build --offline'`);
  const manifest = await readImageManifest(options.docker, base);
  const pythonVersion = manifest.python.split(".").slice(0, 2).join(".");
  const context = await mkdtemp(join(tmpdir(), `linguacodus-pylayer-${options.name}-`));
  try {
    const target = join(context, "pylib");
    await mkdir(target);
    log(`pip: ${options.requirements.join(" ")} for Python ${pythonVersion} (${process.arch}) → ${tag}`);
    try {
      await exec(
        options.hostPython ?? "python3",
        ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-input", "--target", target, "--only-binary=:all:", ...wheelPlatformArgs(),
          "--python-version", pythonVersion, "--implementation", "cp", ...options.requirements],
        { maxBuffer: 16 * 1024 ** 2 },
      );
    } catch (error) {
      const e = error as { stderr?: string; message: string };
      throw new Error(`pip could not install ${options.requirements.join(" ")} for the ${options.name} image: ${(e.stderr ?? e.message).trim().split("\n").slice(-3).join(" ")}`);
    }
    await writeFile(join(context, "Dockerfile"), `FROM ${base}\nCOPY pylib ${PYTHON_LAYER_DIR}\nENV PYTHONPATH=${PYTHON_LAYER_DIR}\nLABEL org.linguacodus.pylayer=${JSON.stringify(options.requirements.join(" "))}\n`);
    const stream = await options.docker.buildImage({ context, src: ["Dockerfile", "pylib"] }, { t: tag, pull: false } as object);
    await new Promise<void>((resolve, reject) =>
      options.docker.modem.followProgress(stream, (error: Error | null, output: Array<{ error?: string }>) => {
        const failed = output?.find((o) => o.error);
        if (error || failed) reject(error ?? new Error(`docker build of ${tag} failed: ${failed?.error}`));
        else resolve();
      }),
    );
    log(`built ${tag}`);
    return tag;
  } finally {
    await rm(context, { recursive: true, force: true });
  }
}
