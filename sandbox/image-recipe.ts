// What goes into the executor image. One recipe feeds both builds (Dockerfile where a registry is
// reachable, debootstrap offline) so that both produce the same tag and the same library list.
import { createHash } from "node:crypto";

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
 * Runs inside the finished image (as root, at build time) and prints the manifest: Python version,
 * the whitelist with versions, every installed Python distribution and every Debian package.
 */
export const WRITE_MANIFEST_PY = `
import importlib.metadata as md, json, platform, subprocess, sys
recipe, whitelist = sys.argv[1], json.loads(sys.argv[2])
dists = {}
for d in md.distributions():
    name = d.metadata["Name"]
    if name:
        dists[name.lower()] = d.version
libs = []
for item in whitelist:
    version = dists.get(item["distribution"].lower())
    if version is None:
        sys.exit("manifest: whitelisted library %s is not installed" % item["distribution"])
    __import__(item["importName"])
    libs.append({"distribution": item["distribution"], "importName": item["importName"], "version": version})
debs = {}
out = subprocess.run(["dpkg-query", "-W", "-f", "\${Package}\\t\${Version}\\n"], capture_output=True, text=True, check=True).stdout
for line in out.splitlines():
    name, _, version = line.partition("\\t")
    debs[name] = version
os_release = dict(l.split("=", 1) for l in open("/etc/os-release").read().splitlines() if "=" in l)
print(json.dumps({
    "schema": 1,
    "recipeHash": recipe,
    "python": platform.python_version(),
    "os": os_release.get("PRETTY_NAME", "").strip('"'),
    "libraries": libs,
    "pythonDistributions": dict(sorted(dists.items())),
    "debianPackages": debs,
}, indent=1))
`;

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

/** Bumped when the build steps change in a way the lists above don't show. */
const BUILD_STEPS_VERSION = 1;

/** Content hash of the recipe: the image tag, and the key of the cached rootfs. */
export function recipeHash(): string {
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

/** The tag both builds produce, e.g. `linguacodus-sandbox:3f2a…`. */
export const SANDBOX_IMAGE_TAG = `${IMAGE_REPOSITORY}:${recipeHash()}`;

/** The Dockerfile for hosts that reach a registry; `sandbox/Dockerfile` is this text (a test keeps them equal). */
export function renderDockerfile(): string {
  const hash = recipeHash();
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
RUN python3 /opt/linguacodus/write_manifest.py ${hash} '${whitelist}' > ${MANIFEST_PATH} \\
 && rm /opt/linguacodus/write_manifest.py
ENV ${env}
LABEL ${RECIPE_LABEL}=${hash}
USER ${SANDBOX_UID}:${SANDBOX_UID}
WORKDIR /workspace
CMD ["python3"]
`;
}
