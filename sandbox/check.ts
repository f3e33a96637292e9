// `sandbox check` as a library call: is the engine reachable, does the image of this recipe exist and
// hold its manifest, and does an isolated run behave as promised — each with the fix when not.
import type Docker from "dockerode";
import { createDockerSandbox } from "./docker-sandbox.js";
import { dockerClient, engineAddress, imageExists, requireEngine } from "./engine.js";
import { readImageManifest, whitelistLines } from "./image-manifest.js";
import { SANDBOX_IMAGE_TAG } from "./image-recipe.js";

export interface SandboxCheck {
  name: "Docker engine" | "sandbox image" | "isolated run";
  ok: boolean;
  detail: string;
  fix?: string;
}

export interface SandboxCheckOptions {
  docker?: Docker;
  /** Image to check; default the current recipe's tag. */
  image?: string;
  env?: NodeJS.ProcessEnv;
}

/** Runs the checks in order, stopping at the first that fails (the later ones need it). */
export async function checkSandbox(options: SandboxCheckOptions = {}): Promise<SandboxCheck[]> {
  const env = options.env ?? process.env;
  const docker = options.docker ?? dockerClient(env);
  const checks: SandboxCheck[] = [];
  const where = engineAddress(env);
  try {
    await requireEngine(docker, env);
    const version = await docker.version();
    checks.push({ name: "Docker engine", ok: true, detail: `reachable at ${where} (Docker ${version.Version})` });
  } catch {
    checks.push({ name: "Docker engine", ok: false, detail: `no Docker engine at ${where}`, fix: "install docker.io and start dockerd, or set DOCKER_HOST" });
    return checks;
  }
  const image = options.image ?? SANDBOX_IMAGE_TAG;
  if (!(await imageExists(docker, image))) {
    checks.push({
      name: "sandbox image",
      ok: false,
      detail: `${image} is missing`,
      fix: "run 'linguacodus sandbox build --offline' (or 'linguacodus sandbox build' where a registry is reachable)",
    });
    return checks;
  }
  try {
    const manifest = await readImageManifest(docker, image);
    checks.push({ name: "sandbox image", ok: true, detail: `${image}: Python ${manifest.python}; ${whitelistLines(manifest).join(", ")}` });
  } catch (error) {
    checks.push({ name: "sandbox image", ok: false, detail: firstLine(error), fix: "rebuild with 'linguacodus sandbox build --offline --force'" });
    return checks;
  }
  const sandbox = await createDockerSandbox({ docker, image, reuse: false });
  try {
    const result = await sandbox.run({ script: ISOLATION_PROBE, timeoutSeconds: 60 });
    const ok = result.outcome === "ok" && result.stdout.includes("ISOLATED") && !result.stdout.includes("NOT ISOLATED");
    checks.push({
      name: "isolated run",
      ok,
      detail: ok
        ? `a probe script ran without network, as a non-root user, with a read-only root (${result.durationMs} ms)`
        : `${result.outcome}: ${(result.stdout + result.stderr).trim().slice(-400)}`,
      ...(ok ? {} : { fix: "see the probe's output above; check that the engine supports NetworkMode none, tmpfs mounts and read-only roots" }),
    });
  } finally {
    await sandbox.close();
  }
  return checks;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
}

/** Proves, from inside, the properties `sandbox check` promises. */
export const ISOLATION_PROBE = `
import os, socket
problems = []
if os.getuid() == 0: problems.append("runs as root")
try:
    socket.create_connection(("1.1.1.1", 53), timeout=3); problems.append("network reachable")
except OSError: pass
try:
    open("/etc/probe", "w"); problems.append("root filesystem writable")
except OSError: pass
open("probe.txt", "w").write("workspace writable")
print("ISOLATED" if not problems else "NOT ISOLATED: " + ", ".join(problems))
`;
