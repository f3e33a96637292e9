// `linguacodus sandbox build | check | run`: the executor image, a health check in plain words, and
// running one script the way the pipeline does (to re-run a recorded attempt).
import type { Command } from "commander";
import { existsSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { UserFacingError } from "../failure.js";
import { defaultPaths } from "../paths.js";

interface BuildFlags {
  offline?: boolean;
  force?: boolean;
  fresh?: boolean;
  cache?: string;
  mirror?: string;
  json?: boolean;
}

interface RunFlags {
  task?: string;
  timeout: string;
  json?: boolean;
  out?: string;
  sandbox: string;
  image?: string;
  gpus?: boolean;
}

export function registerSandbox(program: Command): void {
  const sandbox = program.command("sandbox").description("Build, check and use the Docker sandbox that runs generated Python.");

  sandbox
    .command("build")
    .description("Build the executor image (from sandbox/Dockerfile; --offline: debootstrap + Debian packages, no registry needed).")
    .option("--offline", "build without a container registry (debootstrap a Debian rootfs and import it); needs root")
    .option("--force", "rebuild even when the image of this recipe exists")
    .option("--fresh", "with --offline: also discard the cached rootfs tarball")
    .option("--cache <dir>", "cache folder for the rootfs tarball and packages (default: $LINGUACODUS_HOME/sandbox)")
    .option("--mirror <url>", "Debian mirror for --offline (default: the host's apt mirror)")
    .option("--json", "print the result as JSON")
    .action(async (flags: BuildFlags) => {
      const sb = await import("../../sandbox/index.js");
      const docker = sb.dockerClient();
      await requireEngineForUser(sb, docker);
      const log = flags.json ? undefined : (line: string) => process.stderr.write(`  ${line}\n`);
      const cacheDir = flags.cache ?? defaultPaths().sandboxCache;
      const result = flags.offline
        ? await sb.buildImageOffline({ docker, cacheDir, mirror: flags.mirror, force: flags.force, fresh: flags.fresh, log })
        : await sb.buildImageFromDockerfile({ docker, cacheDir, force: flags.force, log }).catch((error: unknown) => {
            throw new UserFacingError(
              `building from the Dockerfile failed (${firstLine(error)}); without a container registry use 'linguacodus sandbox build --offline'`,
            );
          });
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        return;
      }
      const size = `${(result.imageSizeBytes / 1024 ** 2).toFixed(0)} MiB`;
      process.stdout.write(
        result.skipped
          ? `image ${result.tag} already exists (${size}); nothing to do (--force rebuilds)\n`
          : `built ${result.tag} in ${(result.durationMs / 1000).toFixed(1)} s (${size}${result.rootfsFromCache ? ", rootfs from cache" : ""})\n`,
      );
    });

  sandbox
    .command("check")
    .description("Say whether the Docker engine is reachable, the image exists and an isolated run works, with the fix when not.")
    .option("--image <tag>", "image to check (default: the current recipe's tag)")
    .option("--json", "print the checks as JSON")
    .action(async (flags: { image?: string; json?: boolean }) => {
      const checks = await runChecks(flags.image);
      if (flags.json) process.stdout.write(`${JSON.stringify(checks, null, 2)}\n`);
      else {
        for (const check of checks) {
          process.stdout.write(`${check.ok ? "ok  " : "FAIL"} ${check.name}: ${check.detail}\n`);
          if (!check.ok && check.fix) process.stdout.write(`     fix: ${check.fix}\n`);
        }
        process.stdout.write(
          "note: without Docker, '--sandbox local' runs scripts on this host with no isolation; it is used only when you pass it, and warns on every run.\n",
        );
      }
      const failed = checks.find((c) => !c.ok);
      if (failed) throw new UserFacingError(`sandbox check failed: ${failed.name}`, 1);
    });

  sandbox
    .command("run <script>")
    .description("Run one Python script the way the pipeline does and print stdout, stderr, exit code and duration.")
    .option("--task <dir>", "task folder (its public/ is mounted read-only at /data), or a task id under $LINGUACODUS_HOME/tasks")
    .option("--timeout <seconds>", "wall-clock limit", "600")
    .option("--out <dir>", "copy the files the script wrote (e.g. submission.csv) into this folder")
    .option("--sandbox <kind>", "docker (isolated) or local (NO isolation, on this host)", "docker")
    .option("--image <tag>", "image to run in (default: the current recipe's tag)")
    .option("--gpus", "pass NVIDIA GPUs through (needs the NVIDIA container runtime)")
    .option("--json", "print the result as JSON")
    .action(async (scriptArg: string, flags: RunFlags) => {
      const scriptPath = resolve(scriptArg);
      if (!existsSync(scriptPath)) throw new UserFacingError(`script ${scriptPath} does not exist`);
      const timeout = Number(flags.timeout);
      if (!Number.isFinite(timeout) || timeout <= 0) throw new UserFacingError(`--timeout must be a positive number of seconds (got '${flags.timeout}')`);
      if (flags.sandbox !== "docker" && flags.sandbox !== "local") throw new UserFacingError(`--sandbox must be 'docker' or 'local' (got '${flags.sandbox}')`);
      const publicDir = flags.task ? taskPublicDir(flags.task) : undefined;
      const script = await readFile(scriptPath, "utf8");
      const sb = await import("../../sandbox/index.js");
      let runner: import("../../sandbox/index.js").Sandbox;
      if (flags.sandbox === "local") runner = new sb.LocalSandbox();
      else {
        const docker = sb.dockerClient();
        await requireEngineForUser(sb, docker);
        runner = await sb.createDockerSandbox({ docker, image: flags.image, gpus: flags.gpus ?? false, reuse: false }).catch((error: unknown) => {
          throw new UserFacingError(firstLine(error));
        });
      }
      try {
        const request: import("../../sandbox/index.js").SandboxRunRequest = { script, timeoutSeconds: timeout };
        if (publicDir) request.publicDir = publicDir;
        if (flags.out) request.outputDir = resolve(flags.out);
        const result = await runner.run(request).catch((error: unknown) => {
          if (error instanceof sb.SandboxRequestError) throw new UserFacingError(error.message);
          throw error;
        });
        if (flags.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        else {
          process.stdout.write(result.stdout);
          process.stderr.write(result.stderr);
          const where = result.error ? ` — ${result.error.type}${result.error.line ? ` at line ${result.error.line}` : ""}` : "";
          process.stderr.write(`[${result.outcome}] exit ${result.exitCode ?? "-"}, ${(result.durationMs / 1000).toFixed(2)} s${where}\n`);
          for (const [name, path] of Object.entries(result.files)) process.stderr.write(`  wrote ${name} → ${path}\n`);
        }
        if (result.outcome !== "ok") process.exitCode = 1;
      } finally {
        await runner.close();
      }
    });
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
}

type SandboxModule = typeof import("../../sandbox/index.js");

async function requireEngineForUser(sb: SandboxModule, docker: import("dockerode")): Promise<void> {
  try {
    await sb.requireEngine(docker);
  } catch (error) {
    if (error instanceof sb.NoDockerEngineError) throw new UserFacingError(error.message.replace(/ \(.*\)$/, ""));
    throw error;
  }
}

/** A task folder (or a task id under the tasks home) → its public/ folder. */
function taskPublicDir(task: string): string {
  const candidates = [resolve(task), join(defaultPaths().tasks, task)];
  for (const dir of candidates) {
    if (existsSync(join(dir, "public")) && statSync(join(dir, "public")).isDirectory()) return join(dir, "public");
  }
  throw new UserFacingError(`--task ${task}: no public/ folder in ${candidates.join(" or ")}; pass a task folder (see 'linguacodus tasks list')`);
}

interface Check {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

async function runChecks(imageFlag: string | undefined): Promise<Check[]> {
  const sb = await import("../../sandbox/index.js");
  const checks: Check[] = [];
  const docker = sb.dockerClient();
  const where = sb.engineAddress();
  try {
    await sb.requireEngine(docker);
    const version = await docker.version();
    checks.push({ name: "Docker engine", ok: true, detail: `reachable at ${where} (Docker ${version.Version})` });
  } catch {
    checks.push({
      name: "Docker engine",
      ok: false,
      detail: `no Docker engine at ${where}`,
      fix: "install docker.io and start dockerd, or set DOCKER_HOST",
    });
    return checks;
  }
  const image = imageFlag ?? sb.SANDBOX_IMAGE_TAG;
  if (!(await sb.imageExists(docker, image))) {
    checks.push({
      name: "sandbox image",
      ok: false,
      detail: `${image} is missing`,
      fix: "run 'linguacodus sandbox build --offline' (or 'linguacodus sandbox build' where a registry is reachable)",
    });
    return checks;
  }
  try {
    const manifest = await sb.readImageManifest(docker, image);
    checks.push({ name: "sandbox image", ok: true, detail: `${image}: Python ${manifest.python}; ${sb.whitelistLines(manifest).join(", ")}` });
  } catch (error) {
    checks.push({ name: "sandbox image", ok: false, detail: firstLine(error), fix: "rebuild with 'linguacodus sandbox build --offline --force'" });
    return checks;
  }
  const sandbox = await sb.createDockerSandbox({ docker, image, reuse: false });
  try {
    const result = await sandbox.run({ script: ISOLATION_PROBE, timeoutSeconds: 60 });
    const ok = result.outcome === "ok" && result.stdout.includes("ISOLATED");
    checks.push({
      name: "isolated run",
      ok,
      detail: ok ? `a probe script ran without network, as a non-root user, with a read-only root (${result.durationMs} ms)` : `${result.outcome}: ${(result.stdout + result.stderr).trim().slice(-400)}`,
      ...(ok ? {} : { fix: "see the probe's output above; check that the engine supports NetworkMode none, tmpfs mounts and read-only roots" }),
    });
  } finally {
    await sandbox.close();
  }
  return checks;
}

/** Proves, from inside, the properties `sandbox check` promises. */
const ISOLATION_PROBE = `
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
