// `linguacodus sandbox build | check | run`: the executor image, a health check in plain words, and
// running one script the way the pipeline does (to re-run a recorded attempt).
import type { Command } from "commander";
import { existsSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { z } from "zod";
import { UserFacingError } from "../failure.js";
import { SANDBOX_FLAG, SANDBOX_PROFILE_FLAG, flagOption, flagValue, readFlagOrDefault } from "../flags.js";
import { defaultPaths } from "../paths.js";

interface BuildFlags {
  offline?: boolean;
  force?: boolean;
  fresh?: boolean;
  cache?: string;
  mirror?: string;
  json?: boolean;
  profile?: string;
  cuda?: boolean;
}

interface SandboxRunFlags {
  task?: string;
  timeout: string;
  json?: boolean;
  out?: string;
  sandbox?: string;
  image?: string;
  sandboxProfile?: string;
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
    .addOption(flagOption({ ...SANDBOX_PROFILE_FLAG, flag: "--profile <name>" }, "default, or deep: the default image plus pinned wheels (PyTorch, torchvision, timm, transformers, …) from a wheel cache; CPU ones, CUDA ones on an NVIDIA host"))
    .option("--cuda", "with --profile deep: PyPI's CUDA wheels (several GB), for a host with an NVIDIA GPU (default there)")
    .option("--no-cuda", "with --profile deep: the CPU wheels even on a host with an NVIDIA GPU")
    .option("--json", "print the result as JSON")
    .action(async (flags: BuildFlags) => {
      const profile = await readFlagOrDefault(flags, { ...SANDBOX_PROFILE_FLAG, flag: "--profile <name>" });
      if (flags.cuda !== undefined && profile !== "deep") throw new UserFacingError(`--${flags.cuda ? "" : "no-"}cuda applies to --profile deep only`);
      const sb = await import("../../sandbox/index.js");
      // The variant a run on this host will ask for (execution/wiring.ts), unless told.
      const cuda = flags.cuda ?? (await import("../../execution/index.js")).profileUsesGpus(profile);
      const docker = sb.dockerClient();
      await requireEngineForUser(sb, docker);
      const log = flags.json ? undefined : (line: string) => process.stderr.write(`  ${line}\n`);
      const cacheDir = flags.cache ?? defaultPaths().sandboxCache;
      // --force with a profile rebuilds that profile's image, not the default one under it.
      const baseForce = profile === "default" ? flags.force : false;
      const result = flags.offline
        ? await sb.buildImageOffline({ docker, cacheDir, mirror: flags.mirror, force: baseForce, fresh: flags.fresh, log })
        : await sb.buildImageFromDockerfile({ docker, cacheDir, force: baseForce, log }).catch((error: unknown) => {
            throw new UserFacingError(
              `building from the Dockerfile failed (${firstLine(error)}); without a container registry use 'linguacodus sandbox build --offline'`,
            );
          });
      const built =
        profile === "deep"
          ? await sb
              .buildDeepImage({ docker, cacheDir, force: flags.force, log, cuda })
              .catch((error: unknown) => {
                throw new UserFacingError(`building the deep sandbox image failed: ${firstLine(error)}`);
              })
          : result;
      if (profile === "deep") log?.(`base image ${result.tag} (${result.skipped ? "existed" : "built"}); ${cuda ? "CUDA" : "CPU"} wheels`);
      report(built, flags.json === true);
    });

  sandbox
    .command("check")
    .description("Say whether the Docker engine is reachable, the image exists and an isolated run works, with the fix when not.")
    .option("--image <tag>", "image to check (default: the current recipe's tag)")
    .option("--json", "print the checks as JSON")
    .action(async (flags: { image?: string; json?: boolean }) => {
      const sb = await import("../../sandbox/index.js");
      const checks = await sb.checkSandbox(flags.image ? { image: flags.image } : {});
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
    .command("export <file>")
    .description("Write the executor image to a tarball (docker save format), e.g. onto a cluster's shared folder; Slurm nodes without the image load it (bench --slurm-image).")
    .option("--image <tag>", "image to export (default: the current recipe's tag)")
    .addOption(flagOption({ ...SANDBOX_PROFILE_FLAG, flag: "--profile <name>" }, "image to export, by profile: default or deep (--image wins)"))
    .option("--cuda", "with --profile deep: the CUDA variant (what bench --slurm-gpus cells run)")
    .action(async (fileArg: string, flags: { image?: string; profile?: string; cuda?: boolean }) => {
      const profile = await readFlagOrDefault(flags, { ...SANDBOX_PROFILE_FLAG, flag: "--profile <name>" });
      const sb = await import("../../sandbox/index.js");
      const docker = sb.dockerClient();
      await requireEngineForUser(sb, docker);
      const variant = { cuda: flags.cuda === true };
      const tag = flags.image ?? sb.sandboxImageTag(profile, variant);
      if (!(await sb.imageExists(docker, tag))) throw new UserFacingError(`image ${tag} does not exist here: build it first with '${sb.buildCommandOf(profile, variant)}'`);
      const file = resolve(fileArg);
      const { createWriteStream, renameSync, mkdirSync } = await import("node:fs");
      const { dirname } = await import("node:path");
      const { pipeline } = await import("node:stream/promises");
      mkdirSync(dirname(file), { recursive: true });
      // Written under a temporary name and renamed, so a node never loads half a tarball.
      const partial = `${file}.partial-${process.pid}`;
      const started = Date.now();
      try {
        await pipeline(await docker.getImage(tag).get(), createWriteStream(partial));
      } catch (error) {
        throw new UserFacingError(`could not write ${file}: ${firstLine(error)}`);
      }
      renameSync(partial, file);
      process.stdout.write(`exported ${tag} to ${file} (${(statSync(file).size / 1024 ** 2).toFixed(0)} MiB, ${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
    });

  sandbox
    .command("run <scripts...>")
    .description(
      "Run Python scripts the way the pipeline does and print stdout, stderr, exit code and duration. Several scripts run in turn in one warm container, as a run's attempts do.",
    )
    .option("--task <dir>", "task folder (its public/ is mounted read-only at /data), or a task id under $LINGUACODUS_HOME/tasks")
    .option("--timeout <seconds>", "wall-clock limit per script", "600")
    .option("--out <dir>", "copy the files the script wrote (e.g. submission.csv) into this folder (with several scripts: one subfolder per script)")
    .addOption(flagOption(SANDBOX_FLAG, "docker (isolated) or local (NO isolation, on this host)"))
    .option("--image <tag>", "image to run in (default: the current recipe's tag)")
    .addOption(flagOption(SANDBOX_PROFILE_FLAG, "image to run in, by profile: default or deep (--image wins)"))
    .option("--gpus", "pass NVIDIA GPUs through (needs the NVIDIA container runtime)")
    .option("--json", "print the result as JSON (an array with several scripts)")
    .action(async (scriptArgs: string[], flags: SandboxRunFlags) => {
      const scriptPaths = scriptArgs.map((arg) => resolve(arg));
      for (const scriptPath of scriptPaths) if (!existsSync(scriptPath)) throw new UserFacingError(`script ${scriptPath} does not exist`);
      const timeout = flagValue("--timeout", flags.timeout, z.number().positive());
      const sandboxKind = await readFlagOrDefault(flags, SANDBOX_FLAG);
      const publicDir = flags.task ? taskPublicDir(flags.task) : undefined;
      if (publicDir) {
        // The answers must never be mounted where the script can read them.
        const { findAnswerLeaks } = await import("../../datasets/index.js");
        const leaks = await findAnswerLeaks(dirname(publicDir));
        if (leaks.length > 0) throw new UserFacingError(`--task ${flags.task}: ${leaks.map((l) => `${l.file}: ${l.message}`).join("; ")}`);
      }
      const sb = await import("../../sandbox/index.js");
      let runner: import("../../sandbox/index.js").Sandbox;
      if (sandboxKind === "local") runner = new sb.LocalSandbox();
      else {
        const docker = sb.dockerClient();
        await requireEngineForUser(sb, docker);
        const reuse = scriptPaths.length > 1;
        const profile = await readFlagOrDefault(flags, SANDBOX_PROFILE_FLAG);
        const { profileUsesGpus, requireProfileImage } = await import("../../execution/index.js");
        // As a run does: the deep profile on an NVIDIA host is its CUDA variant with the GPUs (--gpus asks for it anywhere).
        const gpus = flags.gpus ?? profileUsesGpus(profile);
        const image = flags.image ?? (profile === "default" ? undefined : await requireProfileImage({ docker, profile, cuda: gpus }).catch((error: unknown) => {
          throw new UserFacingError(firstLine(error));
        }));
        runner = await sb.createDockerSandbox({ docker, image, gpus, reuse }).catch((error: unknown) => {
          throw new UserFacingError(firstLine(error));
        });
      }
      try {
        const results: import("../../sandbox/index.js").SandboxRunResult[] = [];
        for (const scriptPath of scriptPaths) {
          const request: import("../../sandbox/index.js").SandboxRunRequest = { script: await readFile(scriptPath, "utf8"), timeoutSeconds: timeout };
          if (publicDir) request.publicDir = publicDir;
          if (flags.out) request.outputDir = scriptPaths.length > 1 ? join(resolve(flags.out), basename(scriptPath, ".py")) : resolve(flags.out);
          const result = await runner.run(request).catch((error: unknown) => {
            if (error instanceof sb.SandboxRequestError) throw new UserFacingError(error.message);
            throw error;
          });
          results.push(result);
          if (!flags.json) printResult(result, scriptPaths.length > 1 ? scriptPath : undefined);
          if (result.outcome !== "ok") process.exitCode = 1;
        }
        if (flags.json) process.stdout.write(`${JSON.stringify(results.length === 1 ? results[0] : results, null, 2)}\n`);
      } finally {
        await runner.close();
      }
    });
}

/** The outcome of a build, as JSON or one line. */
function report(result: import("../../sandbox/index.js").ImageBuildResult, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  const size = `${(result.imageSizeBytes / 1024 ** 2).toFixed(0)} MiB`;
  process.stdout.write(
    result.skipped
      ? `image ${result.tag} already exists (${size}); nothing to do (--force rebuilds)\n`
      : `built ${result.tag} in ${(result.durationMs / 1000).toFixed(1)} s (${size}${result.rootfsFromCache ? ", rootfs from cache" : ""})\n`,
  );
}

function printResult(result: import("../../sandbox/index.js").SandboxRunResult, label: string | undefined): void {
  if (label) process.stderr.write(`== ${label}\n`);
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  const where = result.error ? ` — ${result.error.type}${result.error.line ? ` at line ${result.error.line}` : ""}` : "";
  process.stderr.write(`[${result.outcome}] exit ${result.exitCode ?? "-"}, ${(result.durationMs / 1000).toFixed(2)} s${where}\n`);
  for (const [name, path] of Object.entries(result.files)) process.stderr.write(`  wrote ${name} → ${path}\n`);
  for (const skipped of result.skippedFiles ?? []) process.stderr.write(`  not collected: ${skipped.name ? `${skipped.name}: ` : ""}${skipped.reason}\n`);
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
