// Builds the executor image. Offline: a Debian rootfs made with debootstrap, the scientific stack from
// Debian packages (PyPI for the rest), imported through dockerode. With a registry: sandbox/Dockerfile.
// Both skip when the image of the same recipe exists; the offline rootfs tarball is cached.
import { createReadStream, existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type Docker from "dockerode";
import { imageExists } from "./engine.js";
import { parseManifest, type ImageManifest } from "./image-manifest.js";
import {
  DEBIAN_PACKAGES,
  DEBIAN_SUITE,
  IMAGE_ENV,
  IMAGE_REPOSITORY,
  MANIFEST_LABEL,
  MANIFEST_PATH,
  PIP_PACKAGES,
  RECIPE_LABEL,
  SANDBOX_UID,
  SANDBOX_USER,
  SLIM_PATHS,
  BUILD_ONLY_GLOBS,
  WHITELIST_LIBRARIES,
  WRITE_MANIFEST_PY,
  FORK_SERVER_IMAGE_PATH,
  FORK_SERVER_PY,
  baseImageTag,
  recipeHash,
  renderDockerfile,
  rootfsHash,
} from "./image-recipe.js";
import { runCommand } from "./process.js";

export interface ImageBuildOptions {
  docker: Docker;
  /** Folder for the cached rootfs tarball and downloaded packages (the CLI passes defaultPaths().sandboxCache). */
  cacheDir: string;
  /** Debian mirror for debootstrap and apt; default: the host's apt sources, else deb.debian.org. */
  mirror?: string;
  /** Rebuild even when the image exists (the cached rootfs is still reused unless `fresh`). */
  force?: boolean;
  /** Also discard the cached rootfs tarball. */
  fresh?: boolean;
  log?: (line: string) => void;
}

export interface ImageBuildResult {
  tag: string;
  recipeHash: string;
  /** True when the image already existed and nothing was done. */
  skipped: boolean;
  /** True when the rootfs came from the cache (offline build only). */
  rootfsFromCache: boolean;
  durationMs: number;
  imageSizeBytes: number;
}

const DEFAULT_MIRROR = "http://deb.debian.org/debian";

/** The Debian mirror the host's apt uses (deb822 `.sources` or one-line `sources.list`), if any. */
export async function detectDebianMirror(aptDir = "/etc/apt"): Promise<string> {
  const files = [join(aptDir, "sources.list"), join(aptDir, "sources.list.d", "debian.sources")];
  for (const file of files) {
    if (!existsSync(file)) continue;
    const text = await readFile(file, "utf8");
    for (const line of text.split("\n")) {
      const trimmed = line.trim();
      if (trimmed.startsWith("#")) continue;
      const uris = /^URIs:\s*(\S+)/i.exec(trimmed)?.[1] ?? /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+/.exec(trimmed)?.[1];
      if (uris && /\/debian\/?$/.test(uris)) return uris.replace(/\/$/, "");
    }
  }
  return DEFAULT_MIRROR;
}

/** The CA bundle the host's pip/requests trust, if any. */
function hostCaBundle(env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const candidate of [env.PIP_CERT, env.REQUESTS_CA_BUNDLE, env.SSL_CERT_FILE, "/etc/ssl/certs/ca-certificates.crt"]) {
    if (candidate && existsSync(candidate)) return candidate;
  }
  return undefined;
}

function chrootEnv(): NodeJS.ProcessEnv {
  // A clean environment: the host's PIP_* / proxy-less settings must not leak into the image build.
  return {
    PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    HOME: "/root",
    LANG: "C.UTF-8",
    DEBIAN_FRONTEND: "noninteractive",
  };
}

async function mountsUnder(dir: string): Promise<string[]> {
  const text = await readFile("/proc/mounts", "utf8");
  return text
    .split("\n")
    .map((line) => line.split(" ")[1] ?? "")
    .filter((point) => point === dir || point.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
}

/** Unmounts anything left mounted inside a build folder, then deletes it (never deletes through a mount). */
async function removeBuildDir(dir: string): Promise<void> {
  for (const point of await mountsUnder(dir)) await runCommand("umount", ["-l", point]);
  if ((await mountsUnder(dir)).length > 0) throw new Error(`cannot unmount everything under ${dir}; remove it by hand`);
  await rm(dir, { recursive: true, force: true });
}

/** Both builds skip when the image of this recipe exists already (unless forced). */
async function existingImage(
  options: Pick<ImageBuildOptions, "docker" | "force">,
  tag: string,
  hash: string,
  started: number,
): Promise<ImageBuildResult | undefined> {
  if (options.force || !(await imageExists(options.docker, tag))) return undefined;
  return { tag, recipeHash: hash, skipped: true, rootfsFromCache: false, durationMs: Date.now() - started, imageSizeBytes: await imageSize(options.docker, tag) };
}

/** Builds the image offline (no container registry needed). Idempotent; see {@link ImageBuildOptions}. */
export async function buildImageOffline(options: ImageBuildOptions): Promise<ImageBuildResult> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const hash = recipeHash();
  const tag = `${IMAGE_REPOSITORY}:${hash}`;
  const existing = await existingImage(options, tag, hash, started);
  if (existing) return existing;
  if (process.getuid?.() !== 0) {
    throw new Error("the offline sandbox build runs debootstrap and chroot, which need root: run it as root (sudo), or build from sandbox/Dockerfile where a registry is reachable");
  }
  const cacheDir = resolve(options.cacheDir);
  await mkdir(cacheDir, { recursive: true });
  // Two builds into one cache would share (and delete) one work folder: the second waits for the first.
  const release = await acquireBuildLock(cacheDir, log);
  try {
    const builtMeanwhile = await existingImage(options, tag, hash, started);
    if (builtMeanwhile) return builtMeanwhile;
    return await buildLocked(options, cacheDir, hash, tag, started, log);
  } finally {
    await release();
  }
}

async function buildLocked(
  options: ImageBuildOptions,
  cacheDir: string,
  hash: string,
  tag: string,
  started: number,
  log: (line: string) => void,
): Promise<ImageBuildResult> {
  const { docker } = options;
  const base = rootfsHash();
  const baseTag = baseImageTag();
  let rootfsFromCache = true;
  // The base image (the rootfs) changes only with the package lists; the fork server is a thin layer on it.
  if (options.force || options.fresh || !(await imageExists(docker, baseTag))) {
    const tarball = join(cacheDir, `rootfs-${base}.tar`);
    const manifestFile = join(cacheDir, `rootfs-${base}.manifest.json`);
    if (options.fresh) await rm(tarball, { force: true });
    rootfsFromCache = existsSync(tarball) && existsSync(manifestFile);
    if (!rootfsFromCache) {
      await makeRootfsTarball({ cacheDir, hash: base, tarball, manifestFile, mirror: options.mirror ?? (await detectDebianMirror()), log });
    } else {
      log(`using cached rootfs ${tarball}`);
    }
    const manifest = parseManifest(await readFile(manifestFile, "utf8"), manifestFile);
    await importRootfs(docker, tarball, base, manifest, log);
  } else {
    log(`using base image ${baseTag}`);
  }
  await addForkServerLayer(docker, baseTag, tag, hash, log);
  return { tag, recipeHash: hash, skipped: false, rootfsFromCache, durationMs: Date.now() - started, imageSizeBytes: await imageSize(docker, tag) };
}

/** Puts the fork server on the base image (the classic builder takes a local FROM image without a registry). */
async function addForkServerLayer(docker: Docker, baseTag: string, tag: string, hash: string, log: (line: string) => void): Promise<void> {
  log(`add ${FORK_SERVER_IMAGE_PATH} → ${tag}`);
  const context = await mkdtemp(join(tmpdir(), "linguacodus-sandbox-layer-"));
  try {
    await writeFile(join(context, "Dockerfile"), `FROM ${baseTag}\nCOPY fork_server.py ${FORK_SERVER_IMAGE_PATH}\nLABEL ${RECIPE_LABEL}=${hash}\n`);
    await writeFile(join(context, "fork_server.py"), FORK_SERVER_PY);
    await followBuild(docker, await docker.buildImage({ context, src: ["Dockerfile", "fork_server.py"] }, { t: tag, pull: false } as object), log);
    await docker.getImage(tag).tag({ repo: IMAGE_REPOSITORY, tag: "latest" });
  } finally {
    await rm(context, { recursive: true, force: true });
  }
}

export function followBuild(docker: Docker, stream: NodeJS.ReadableStream, log: (line: string) => void): Promise<void> {
  return new Promise<void>((resolvePromise, reject) => {
    docker.modem.followProgress(
      stream,
      (error: Error | null, output: Array<{ error?: string }>) => {
        const failed = output?.find((o) => o.error);
        if (error || failed) reject(error ?? new Error(`docker build failed: ${failed?.error}`));
        else resolvePromise();
      },
      (event: { stream?: string }) => {
        if (event.stream?.trim()) log(event.stream.trim());
      },
    );
  });
}

async function makeRootfsTarball(args: {
  cacheDir: string;
  hash: string;
  tarball: string;
  manifestFile: string;
  mirror: string;
  log: (line: string) => void;
}): Promise<void> {
  const { cacheDir, hash, mirror, log } = args;
  const work = join(cacheDir, `work-${hash}`);
  const rootfs = join(work, "rootfs");
  await removeBuildDir(work);
  await mkdir(rootfs, { recursive: true });
  const debCache = join(cacheDir, "debootstrap-debs");
  const aptCache = join(cacheDir, "apt-archives");
  await mkdir(debCache, { recursive: true });
  await mkdir(join(aptCache, "partial"), { recursive: true });
  const env = chrootEnv();
  const chroot = (...cmd: string[]) => runCommand("chroot", [rootfs, ...cmd], { env, onLine: log });
  try {
    log(`debootstrap ${DEBIAN_SUITE} from ${mirror}`);
    await runCommand("debootstrap", ["--variant=minbase", `--cache-dir=${debCache}`, DEBIAN_SUITE, rootfs, mirror], { env, onLine: log });
    const security = mirror.replace(/\/debian$/, "/debian-security");
    await writeFile(
      join(rootfs, "etc/apt/sources.list"),
      `deb ${mirror} ${DEBIAN_SUITE} main\ndeb ${mirror} ${DEBIAN_SUITE}-updates main\ndeb ${security} ${DEBIAN_SUITE}-security main\n`,
    );
    await writeFile(join(rootfs, "etc/resolv.conf"), await readFile("/etc/resolv.conf"));
    // Keep downloaded .deb files between builds (a recipe change re-downloads only what changed).
    await mkdir(join(rootfs, "var/cache/apt/archives"), { recursive: true });
    await runCommand("mount", ["--bind", aptCache, join(rootfs, "var/cache/apt/archives")]);
    await runCommand("mount", ["-t", "proc", "proc", join(rootfs, "proc")]);
    log("apt-get install the scientific Python stack");
    await chroot("apt-get", "update", "-qq");
    await chroot("apt-get", "install", "-y", "-q", "--no-install-recommends", ...DEBIAN_PACKAGES);
    log(`pip install ${PIP_PACKAGES.join(" ")}`);
    // Use the host's CA bundle: where HTTPS goes through an inspecting proxy, only the host trusts it.
    const hostCa = hostCaBundle();
    const certArgs: string[] = [];
    if (hostCa) {
      await copyFile(hostCa, join(rootfs, "tmp/host-ca.crt"));
      certArgs.push("--cert", "/tmp/host-ca.crt");
    }
    await chroot("pip3", "install", "--break-system-packages", "--no-cache-dir", "--disable-pip-version-check", ...certArgs, ...PIP_PACKAGES);
    await chroot("useradd", "--uid", String(SANDBOX_UID), "--user-group", "--no-create-home", "--home-dir", "/tmp", SANDBOX_USER);
    await mkdir(join(rootfs, "workspace"), { recursive: true });
    await mkdir(join(rootfs, "data"), { recursive: true });
    await runCommand("chown", [`${SANDBOX_UID}:${SANDBOX_UID}`, join(rootfs, "workspace")]);
    await mkdir(join(rootfs, "opt/linguacodus"), { recursive: true });
    await writeFile(join(rootfs, "tmp/write_manifest.py"), WRITE_MANIFEST_PY);
    const manifestText = await runCommand("chroot", [rootfs, "python3", "/tmp/write_manifest.py", hash, JSON.stringify(WHITELIST_LIBRARIES)], { env });
    parseManifest(manifestText, "the manifest just written");
    await writeFile(join(rootfs, MANIFEST_PATH.slice(1)), manifestText);
    // Unmount the package cache first, so that 'apt-get clean' empties the image's copy, not the cache.
    await runCommand("umount", [join(rootfs, "proc")]);
    await runCommand("umount", [join(rootfs, "var/cache/apt/archives")]);
    await chroot("apt-get", "clean");
    await chroot("sh", "-c", `rm -rf ${BUILD_ONLY_GLOBS.join(" ")}`);
    for (const path of [...SLIM_PATHS, "/tmp", "/root/.cache"]) {
      await rm(join(rootfs, path.slice(1)), { recursive: true, force: true });
      await mkdir(join(rootfs, path.slice(1)), { recursive: true });
    }
    await runCommand("chmod", ["1777", join(rootfs, "tmp")]);
    await writeFile(join(rootfs, "etc/resolv.conf"), "");
    log("tar the rootfs");
    const partial = `${args.tarball}.partial`;
    await runCommand("tar", ["--numeric-owner", "-C", rootfs, "--exclude=./proc/*", "--exclude=./sys/*", "--exclude=./dev/*", "-cf", partial, "."]);
    await writeFile(args.manifestFile, manifestText);
    await rename(partial, args.tarball);
  } finally {
    await removeBuildDir(work);
  }
}

async function importRootfs(docker: Docker, tarball: string, hash: string, manifest: ImageManifest, log: (line: string) => void): Promise<void> {
  log("docker import");
  const changes = [
    `ENV ${Object.entries(IMAGE_ENV)
      .map(([k, v]) => `${k}=${v}`)
      .join(" ")}`,
    `LABEL ${RECIPE_LABEL}=${hash} ${MANIFEST_LABEL}=${Buffer.from(JSON.stringify(manifest)).toString("base64")}`,
    `USER ${SANDBOX_UID}:${SANDBOX_UID}`,
    "WORKDIR /workspace",
    'CMD ["python3"]',
  ];
  const stream = await docker.importImage(createReadStream(tarball), { repo: IMAGE_REPOSITORY, tag: `base-${hash}`, changes } as object);
  await new Promise<void>((resolvePromise, reject) => {
    docker.modem.followProgress(stream, (error: Error | null, output: Array<{ error?: string }>) => {
      const failed = output?.find((o) => o.error);
      if (error || failed) reject(error ?? new Error(`docker import failed: ${failed?.error}`));
      else resolvePromise();
    });
  });
}

const LOCK_WAIT_MS = 20 * 60_000;

/** Takes `<cacheDir>/build.lock` (holding our pid); waits while a live process holds it, clears a stale one. */
export async function acquireBuildLock(cacheDir: string, log: (line: string) => void): Promise<() => Promise<void>> {
  const lock = join(cacheDir, "build.lock");
  const deadline = Date.now() + LOCK_WAIT_MS;
  let announced = false;
  for (;;) {
    try {
      await writeFile(lock, String(process.pid), { flag: "wx" });
      return () => rm(lock, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = Number((await readFile(lock, "utf8").catch(() => "")).trim());
    if (!Number.isInteger(holder) || holder <= 0 || !processAlive(holder)) {
      await rm(lock, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`another sandbox build (pid ${holder}) holds ${lock} for too long; stop it or delete the file`);
    if (!announced) log(`waiting for the sandbox build in process ${holder} to finish`);
    announced = true;
    await new Promise((r) => setTimeout(r, 2000));
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Builds the image from the Dockerfile (needs a registry for the debian base image). */
export async function buildImageFromDockerfile(options: Omit<ImageBuildOptions, "mirror" | "fresh">): Promise<ImageBuildResult> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const hash = recipeHash();
  const tag = `${IMAGE_REPOSITORY}:${hash}`;
  const { docker } = options;
  const existing = await existingImage(options, tag, hash, started);
  if (existing) return existing;
  const context = await mkdtemp(join(tmpdir(), "linguacodus-sandbox-build-"));
  try {
    await writeFile(join(context, "Dockerfile"), renderDockerfile());
    await writeFile(join(context, "write_manifest.py"), WRITE_MANIFEST_PY);
    await writeFile(join(context, "fork_server.py"), FORK_SERVER_PY);
    await followBuild(docker, await docker.buildImage({ context, src: ["Dockerfile", "write_manifest.py", "fork_server.py"] }, { t: tag }), log);
    await docker.getImage(tag).tag({ repo: IMAGE_REPOSITORY, tag: "latest" });
  } finally {
    await rm(context, { recursive: true, force: true });
  }
  return { tag, recipeHash: hash, skipped: false, rootfsFromCache: false, durationMs: Date.now() - started, imageSizeBytes: await imageSize(docker, tag) };
}

export async function imageSize(docker: Docker, tag: string): Promise<number> {
  const info = await docker.getImage(tag).inspect();
  return info.Size;
}

/** Size of the cached rootfs tarball, if any (for `sandbox check`). */
export async function cachedRootfsSize(cacheDir: string): Promise<number | undefined> {
  const file = join(resolve(cacheDir), `rootfs-${rootfsHash()}.tar`);
  return existsSync(file) ? (await stat(file)).size : undefined;
}
