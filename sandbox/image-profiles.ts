// Sandbox profiles: the default image (image-recipe.ts) and images derived from it with more libraries. The
// deep profile adds pinned CPU wheels for deep learning; its tag hashes the base image's tag and this recipe,
// so a change to either makes a new image, and the default image never changes because of it.
import { createHash } from "node:crypto";
import { IMAGE_REPOSITORY, MANIFEST_LABEL, MANIFEST_PATH, RECIPE_LABEL, SANDBOX_IMAGE_TAG, SANDBOX_UID, WHITELIST_LIBRARIES } from "./image-recipe.js";

/** The images a run can use: `default` (scikit-learn level) and `deep` (PyTorch, transformers, …). */
export const SANDBOX_PROFILES = ["default", "deep"] as const;
export type SandboxProfile = (typeof SANDBOX_PROFILES)[number];

/**
 * The deep profile's wheels, pinned. torch is PyTorch's CPU build (the `+cpu` local version: PyPI's x86_64
 * torch is a multi-GB CUDA build). torchvision, torchaudio and timm (which needs torchvision) are left out:
 * PyPI's torchvision is built against the CUDA torch and does not import beside the CPU one ("operator
 * torchvision::nms does not exist"); with a CPU index reachable, {@link DEEP_TORCH_INDEX_EXTRAS} adds them.
 */
export const DEEP_PIP_PACKAGES = [
  "torch==2.13.0+cpu",
  "transformers==5.25.0",
  "catboost==1.2.10",
  "scikit-image==0.24.0",
  "opencv-python-headless==4.11.0.86",
  "nltk==3.10.4",
] as const;

/** Added with `--torch-index-url` (PyTorch's CPU index, https://download.pytorch.org/whl/cpu): the matching CPU builds. */
export const DEEP_TORCH_INDEX_EXTRAS = ["torchvision==0.28.0+cpu", "torchaudio==2.13.0+cpu", "timm==1.0.22"] as const;

/**
 * The Debian-packaged libraries the wheels must not replace (the versions of the default image): pip resolves
 * the download and the install against them, so numpy, scipy and pandas stay Debian's. Pillow is Debian's too
 * (9.4.0, already in the image): a newer wheel in /usr/local would shadow it while the manifest, reading
 * distributions in path order with the last one winning, named Debian's version.
 */
export const DEEP_CONSTRAINTS = ["numpy==1.24.2", "scipy==1.10.1", "pandas==1.5.3", "pillow==9.4.0"] as const;

/** What the coders are told they may import, beyond the default whitelist. */
export const DEEP_WHITELIST_EXTRAS: ReadonlyArray<{ distribution: string; importName: string }> = [
  { distribution: "torch", importName: "torch" },
  { distribution: "transformers", importName: "transformers" },
  { distribution: "catboost", importName: "catboost" },
  { distribution: "scikit-image", importName: "skimage" },
  { distribution: "opencv-python-headless", importName: "cv2" },
  { distribution: "nltk", importName: "nltk" },
  { distribution: "pillow", importName: "PIL" },
];

const TORCH_EXTRA_WHITELIST = [
  { distribution: "torchvision", importName: "torchvision" },
  { distribution: "torchaudio", importName: "torchaudio" },
  { distribution: "timm", importName: "timm" },
];

/** Scripts have no network: the hub libraries must not try it (and fail slowly) at import or load. */
export const DEEP_IMAGE_ENV: Readonly<Record<string, string>> = { HF_HUB_OFFLINE: "1", TRANSFORMERS_OFFLINE: "1", HF_HOME: "/tmp/.hf" };

/** Bumped when the deep build steps change in a way the lists above don't show. */
const DEEP_STEPS_VERSION = 1;

/** Choices of the deep recipe. */
export interface DeepRecipeOptions {
  /** A PyTorch wheel index with CPU builds: also installs torchvision, torchaudio and timm (untested here: no such index is reachable). */
  torchIndexUrl?: string;
}

/** The deep recipe resolved: the packages, the whitelist and the tag they make. */
export interface DeepRecipe {
  base: string;
  packages: string[];
  constraints: string[];
  whitelist: Array<{ distribution: string; importName: string }>;
  hash: string;
  tag: string;
  torchIndexUrl?: string;
}

export function deepRecipe(options: DeepRecipeOptions = {}, base: string = SANDBOX_IMAGE_TAG): DeepRecipe {
  const extras = options.torchIndexUrl !== undefined;
  const packages = [...DEEP_PIP_PACKAGES, ...(extras ? DEEP_TORCH_INDEX_EXTRAS : [])];
  const whitelist = [...WHITELIST_LIBRARIES, ...DEEP_WHITELIST_EXTRAS, ...(extras ? TORCH_EXTRA_WHITELIST : [])];
  const constraints = [...DEEP_CONSTRAINTS];
  const hash = createHash("sha256")
    .update(JSON.stringify({ DEEP_STEPS_VERSION, base, packages, constraints, whitelist, DEEP_IMAGE_ENV }))
    .digest("hex")
    .slice(0, 12);
  return { base, packages, constraints, whitelist, hash, tag: `${IMAGE_REPOSITORY}:deep-${hash}`, ...(extras ? { torchIndexUrl: options.torchIndexUrl } : {}) };
}

/** The image tag of a profile (the deep one with its default recipe). */
export function sandboxImageTag(profile: SandboxProfile): string {
  return profile === "deep" ? deepRecipe().tag : SANDBOX_IMAGE_TAG;
}

/** The command that builds a profile's image, for error messages. */
export function buildCommandOf(profile: SandboxProfile): string {
  return profile === "default" ? "linguacodus sandbox build --offline" : `linguacodus sandbox build --offline --profile ${profile}`;
}

/**
 * The deep image's Dockerfile, built on the local base image from a wheel folder (`wheels/`, holding
 * `constraints.txt`): pip installs with no index in a first stage, and only /usr/local is copied onto the base,
 * so the wheels themselves never land in a layer of the image.
 */
export function renderDeepDockerfile(recipe: DeepRecipe): string {
  const whitelist = JSON.stringify(recipe.whitelist).replaceAll("'", "'\\''");
  const env = Object.entries(DEEP_IMAGE_ENV)
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");
  return `# Generated from sandbox/image-profiles.ts (renderDeepDockerfile); build: linguacodus sandbox build --profile deep
FROM ${recipe.base} AS install
USER root
COPY wheels /tmp/wheels
RUN pip3 install --break-system-packages --no-cache-dir --no-index --find-links /tmp/wheels -c /tmp/wheels/constraints.txt ${recipe.packages.join(" ")}

FROM ${recipe.base}
USER root
COPY --from=install /usr/local /usr/local
COPY write_manifest.py /opt/linguacodus/write_manifest.py
RUN python3 /opt/linguacodus/write_manifest.py ${recipe.hash} '${whitelist}' > ${MANIFEST_PATH} \\
 && rm /opt/linguacodus/write_manifest.py
ENV ${env}
LABEL ${MANIFEST_LABEL}="" ${RECIPE_LABEL}=deep-${recipe.hash}
USER ${SANDBOX_UID}:${SANDBOX_UID}
`;
}
