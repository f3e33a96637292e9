// Sandbox profiles: the default image (image-recipe.ts) and images derived from it with more libraries. The
// deep profile adds pinned wheels for deep learning, CPU ones or (variant `cuda`, for NVIDIA hosts) PyPI's CUDA
// builds; its tag hashes the base image's tag and the recipe, so a change to either makes a new image, and the
// default image never changes because of it.
import { createHash } from "node:crypto";
import { sandboxAsset } from "./assets.js";
import { IMAGE_REPOSITORY, MANIFEST_LABEL, MANIFEST_PATH, RECIPE_LABEL, SANDBOX_IMAGE_TAG, SANDBOX_UID, WHITELIST_LIBRARIES } from "./image-recipe.js";

/** The images a run can use: `default` (scikit-learn level) and `deep` (PyTorch, transformers, …). */
export const SANDBOX_PROFILES = ["default", "deep"] as const;
export type SandboxProfile = (typeof SANDBOX_PROFILES)[number];

/**
 * The deep profile's wheels, pinned, common to both variants. torchaudio is missing: PyPI has no release paired
 * with torch 2.13 (its newest, 2.11.1, requires torch==2.11.1 and its _torchaudio.so does not load beside 2.13).
 */
export const DEEP_PIP_PACKAGES = [
  "torchvision==0.28.0",
  "timm==1.0.29",
  "transformers==5.25.0",
  "catboost==1.2.10",
  "scikit-image==0.24.0",
  "opencv-python-headless==4.11.0.86",
  "nltk==3.10.4",
] as const;

/**
 * The torch of each variant. `cpu`: PyTorch's CPU build (the `+cpu` local version, from PyTorch's CPU index or a
 * local wheel folder: PyPI's x86_64 torch is a CUDA build). `cuda`: PyPI's build (CUDA 13, with its `nvidia-*`
 * wheels); `===` so that a `+cpu` wheel in pip's find-links, which `==2.13.0` also matches, is not taken for it.
 */
export const DEEP_TORCH = { cpu: "torch==2.13.0+cpu", cuda: "torch===2.13.0" } as const;
export type DeepVariant = keyof typeof DEEP_TORCH;

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
  { distribution: "torchvision", importName: "torchvision" },
  { distribution: "timm", importName: "timm" },
  { distribution: "transformers", importName: "transformers" },
  { distribution: "catboost", importName: "catboost" },
  { distribution: "scikit-image", importName: "skimage" },
  { distribution: "opencv-python-headless", importName: "cv2" },
  { distribution: "nltk", importName: "nltk" },
  { distribution: "pillow", importName: "PIL" },
];

/** Scripts have no network: the hub libraries must not try it (and fail slowly) at import or load. */
export const DEEP_IMAGE_ENV: Readonly<Record<string, string>> = { HF_HUB_OFFLINE: "1", TRANSFORMERS_OFFLINE: "1", HF_HOME: "/tmp/.hf" };

/**
 * The CPU variant's import hook (sandbox/torchvision_cpu.py) and the .pth line that installs it: PyPI's torchvision
 * is built against the CUDA torch and would not import beside the CPU one without it.
 */
export const TORCHVISION_CPU_SHIM = { module: "linguacodus_torchvision_cpu", pth: "linguacodus-torchvision-cpu.pth" } as const;
const TORCHVISION_CPU_PY = sandboxAsset("torchvision_cpu.py");

/** Bumped when the deep build steps change in a way the lists above don't show. */
const DEEP_STEPS_VERSION = 2;

/** Choices of the deep recipe. */
export interface DeepRecipeOptions {
  /** CUDA wheels (PyPI's torch and its nvidia-* libraries) for a host with an NVIDIA GPU; default: CPU wheels. */
  cuda?: boolean;
}

/** The deep recipe resolved: the packages, the whitelist and the tag they make. */
export interface DeepRecipe {
  base: string;
  variant: DeepVariant;
  packages: string[];
  constraints: string[];
  whitelist: Array<{ distribution: string; importName: string }>;
  hash: string;
  tag: string;
}

export function deepRecipe(options: DeepRecipeOptions = {}, base: string = SANDBOX_IMAGE_TAG): DeepRecipe {
  const variant: DeepVariant = options.cuda ? "cuda" : "cpu";
  const packages = [DEEP_TORCH[variant], ...DEEP_PIP_PACKAGES];
  const whitelist = [...WHITELIST_LIBRARIES, ...DEEP_WHITELIST_EXTRAS];
  const constraints = [...DEEP_CONSTRAINTS];
  const shim = variant === "cpu" ? TORCHVISION_CPU_PY : null;
  const hash = createHash("sha256")
    .update(JSON.stringify({ DEEP_STEPS_VERSION, base, packages, constraints, whitelist, DEEP_IMAGE_ENV, shim }))
    .digest("hex")
    .slice(0, 12);
  return { base, variant, packages, constraints, whitelist, hash, tag: `${IMAGE_REPOSITORY}:deep-${variant === "cuda" ? "cuda-" : ""}${hash}` };
}

/** The image tag of a profile (deep: the CUDA variant with `cuda`, the CPU one otherwise). */
export function sandboxImageTag(profile: SandboxProfile, options: DeepRecipeOptions = {}): string {
  return profile === "deep" ? deepRecipe(options).tag : SANDBOX_IMAGE_TAG;
}

/** The command that builds a profile's image, for error messages. */
export function buildCommandOf(profile: SandboxProfile, options: DeepRecipeOptions = {}): string {
  return profile === "default" ? "linguacodus sandbox build --offline" : `linguacodus sandbox build --offline --profile ${profile}${options.cuda ? " --cuda" : ""}`;
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
  const site = "/usr/local/lib/python3.11/dist-packages";
  // The hook goes beside the wheels it serves; the .pth line imports it at start (cheap: torch loads only with torchvision).
  const shimStep =
    recipe.variant === "cpu"
      ? `COPY torchvision_cpu.py ${site}/${TORCHVISION_CPU_SHIM.module}.py\nRUN echo 'import ${TORCHVISION_CPU_SHIM.module}' > ${site}/${TORCHVISION_CPU_SHIM.pth}\n`
      : "";
  return `# Generated from sandbox/image-profiles.ts (renderDeepDockerfile); build: ${buildCommandOf("deep", { cuda: recipe.variant === "cuda" })}
FROM ${recipe.base} AS install
USER root
COPY wheels /tmp/wheels
RUN pip3 install --break-system-packages --no-cache-dir --no-index --find-links /tmp/wheels -c /tmp/wheels/constraints.txt ${recipe.packages.join(" ")}

FROM ${recipe.base}
USER root
COPY --from=install /usr/local /usr/local
${shimStep}COPY write_manifest.py /opt/linguacodus/write_manifest.py
RUN python3 /opt/linguacodus/write_manifest.py ${recipe.hash} '${whitelist}' > ${MANIFEST_PATH} \\
 && rm /opt/linguacodus/write_manifest.py
ENV ${env}
LABEL ${MANIFEST_LABEL}="" ${RECIPE_LABEL}=deep-${recipe.hash}
USER ${SANDBOX_UID}:${SANDBOX_UID}
`;
}
