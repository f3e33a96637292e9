// What goes into the executor image. One recipe feeds both builds (Dockerfile where a registry is
// reachable, debootstrap offline) so that both produce the same tag and the same library list.
import { createHash } from "node:crypto";
import { sandboxAsset } from "./assets.js";

/** Debian release the image is made from. */
export const DEBIAN_SUITE = "bookworm";

/** Debian packages installed into the image (their dependencies come along). */
export const DEBIAN_PACKAGES = [
  "python3",
  "python3-pip",
  "python3-numpy",
  "python3-pandas",
  "python3-sklearn",
  "python3-scipy",
  "python3-xgboost",
  "python3-statsmodels",
  "python3-matplotlib",
  // Runs the tester's unit tests (--unit-tests); not in the coders' whitelist: scripts do not import it.
  "python3-pytest",
  "libgomp1",
  "ca-certificates",
] as const;

/** Python packages Debian does not ship for this release, installed from PyPI (pinned). */
export const PIP_PACKAGES = ["lightgbm==4.6.0"] as const;

/**
 * The libraries the coder may import: distribution name → import name. The manifest records the
 * version of each one found in the image.
 */
export const WHITELIST_LIBRARIES: ReadonlyArray<{ distribution: string; importName: string }> = [
  { distribution: "numpy", importName: "numpy" },
  { distribution: "pandas", importName: "pandas" },
  { distribution: "scikit-learn", importName: "sklearn" },
  { distribution: "scipy", importName: "scipy" },
  { distribution: "xgboost", importName: "xgboost" },
  { distribution: "lightgbm", importName: "lightgbm" },
  { distribution: "statsmodels", importName: "statsmodels" },
  { distribution: "matplotlib", importName: "matplotlib" },
  { distribution: "joblib", importName: "joblib" },
];

/** The unprivileged user scripts run as. */
export const SANDBOX_UID = 1000;
/** Its group (useradd --user-group gives it the same number). */
export const SANDBOX_GID = SANDBOX_UID;
export const SANDBOX_USER = "sandbox";

/** Where the image keeps its manifest and the label that carries a copy (base64 JSON). */
export const MANIFEST_PATH = "/opt/linguacodus/manifest.json";
export const RECIPE_LABEL = "org.linguacodus.recipe";
export const MANIFEST_LABEL = "org.linguacodus.manifest";
export const IMAGE_REPOSITORY = "linguacodus-sandbox";

/** Environment baked into the image: a read-only root needs HOME and matplotlib's cache on tmpfs. */
export const IMAGE_ENV: Readonly<Record<string, string>> = {
  PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
  LANG: "C.UTF-8",
  HOME: "/tmp",
  MPLBACKEND: "Agg",
  MPLCONFIGDIR: "/tmp/.matplotlib",
  PYTHONDONTWRITEBYTECODE: "1",
  OMP_NUM_THREADS: "2",
};

/**
 * Runs inside the finished rootfs (as root, at build time) and prints the manifest: Python version,
 * the whitelist with versions, every installed Python distribution and every Debian package.
 */
export const WRITE_MANIFEST_PY = sandboxAsset("write_manifest.py");

/** The fork server (sandbox/fork_server.py), shipped in the image's top layer; the containers run it. */
export const FORK_SERVER_PY = sandboxAsset("fork_server.py");
export const FORK_SERVER_IMAGE_PATH = "/opt/linguacodus/fork_server.py";

/** Folders emptied after installing: docs, man pages, apt lists. */
export const SLIM_PATHS = [
  "/usr/share/doc",
  "/usr/share/man",
  "/usr/share/info",
  "/usr/share/locale",
  "/var/cache/apt",
  "/var/lib/apt/lists",
];

/**
 * Build-time payload deleted after installing (shell globs). scipy's Debian package pulls in pythran,
 * hence a C++ compiler and the Boost headers; nothing at run time needs them (no script can install
 * or compile packages without network), and they are a third of the image.
 */
export const BUILD_ONLY_GLOBS = [
  "/usr/include/*",
  "/usr/lib/gcc",
  "/usr/libexec/gcc",
  "/usr/lib/x86_64-linux-gnu/*.a",
  "/usr/lib/x86_64-linux-gnu/lib*san.so*",
  "/usr/bin/x86_64-linux-gnu-*",
];

/** Bumped when the rootfs build steps change in a way the lists above don't show. */
const BUILD_STEPS_VERSION = 1;

/** Bumped when the top layer (fork server, labels) changes in a way its inputs don't show. */
const LAYER_VERSION = 1;

/**
 * Content hash of what the Debian rootfs is made from: the key of the cached rootfs tarball and of the
 * base image. The fork server is not part of it, so changing the server rebuilds only the thin top layer.
 */
export function rootfsHash(): string {
  const recipe = {
    BUILD_STEPS_VERSION,
    DEBIAN_SUITE,
    DEBIAN_PACKAGES,
    PIP_PACKAGES,
    WHITELIST_LIBRARIES,
    SANDBOX_UID,
    IMAGE_ENV,
    WRITE_MANIFEST_PY,
    SLIM_PATHS,
    BUILD_ONLY_GLOBS,
  };
  return createHash("sha256").update(JSON.stringify(recipe)).digest("hex").slice(0, 12);
}

/** Content hash of the whole recipe (rootfs and the fork server): the image tag. */
export function recipeHash(forkServer: string = FORK_SERVER_PY): string {
  const recipe = { LAYER_VERSION, rootfs: rootfsHash(), FORK_SERVER_IMAGE_PATH, FORK_SERVER_PY: forkServer };
  return createHash("sha256").update(JSON.stringify(recipe)).digest("hex").slice(0, 12);
}

/** The base image (the imported rootfs) the offline build puts the fork server on. */
export function baseImageTag(): string {
  return `${IMAGE_REPOSITORY}:base-${rootfsHash()}`;
}

/** The tag both builds produce, e.g. `linguacodus-sandbox:3f2a…`. */
export const SANDBOX_IMAGE_TAG = `${IMAGE_REPOSITORY}:${recipeHash()}`;

/** The Dockerfile for hosts that reach a registry; `sandbox/Dockerfile` is this text (a test keeps them equal). */
export function renderDockerfile(): string {
  const hash = recipeHash();
  const base = rootfsHash();
  const env = Object.entries(IMAGE_ENV)
    .map(([k, v]) => `${k}=${v}`)
    .join(" \\\n    ");
  const whitelist = JSON.stringify(WHITELIST_LIBRARIES).replaceAll("'", "'\\''");
  return `# Generated from sandbox/image-recipe.ts (renderDockerfile); edit the recipe, not this file.
# Build: linguacodus sandbox build   (offline twin: linguacodus sandbox build --offline)
FROM debian:${DEBIAN_SUITE}-slim
ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update \\
 && apt-get install -y --no-install-recommends ${DEBIAN_PACKAGES.join(" ")} \\
 && pip3 install --break-system-packages --no-cache-dir ${PIP_PACKAGES.join(" ")} \\
 && apt-get clean \\
 && rm -rf ${SLIM_PATHS.map((p) => `${p}/*`).join(" ")} \\
 && rm -rf ${BUILD_ONLY_GLOBS.join(" ")}
RUN useradd --uid ${SANDBOX_UID} --user-group --no-create-home --home-dir /tmp ${SANDBOX_USER} \\
 && mkdir -p /workspace /data /opt/linguacodus \\
 && chown ${SANDBOX_UID}:${SANDBOX_UID} /workspace
COPY write_manifest.py /opt/linguacodus/write_manifest.py
RUN python3 /opt/linguacodus/write_manifest.py ${base} '${whitelist}' > ${MANIFEST_PATH} \\
 && rm /opt/linguacodus/write_manifest.py
ENV ${env}
COPY fork_server.py ${FORK_SERVER_IMAGE_PATH}
LABEL ${RECIPE_LABEL}=${hash}
USER ${SANDBOX_UID}:${SANDBOX_UID}
WORKDIR /workspace
CMD ["python3"]
`;
}
