// The recipe's Python: a virtual environment created once under ~/.linguacodus/venvs/finetune (pip, quiet, with a
// log file; reused while requirements.txt is unchanged) and the scripts run in it, their JSON-line events parsed.
// ensureVenv makes any such environment from a requirements file (the tests' AIDE check uses it for aideml).
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type RecipeEvent, RecipeEventSchema } from "./schema.js";

/** The .py files of the recipe: finetune/python in the source tree (dist/finetune/*.js looks two levels up). */
export function recipeDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const candidate of [join(here, "python"), join(here, "..", "..", "finetune", "python")]) {
    if (existsSync(join(candidate, "train.py"))) return candidate;
  }
  throw new RecipeError(`the fine-tuning recipe (finetune/python/train.py) is not beside ${here}; reinstall linguacodus.`);
}

export class RecipeError extends Error {
  override name = "RecipeError";
}

export interface VenvOptions {
  /** Folder of the environment (default ~/.linguacodus/venvs/finetune, chosen by the CLI). */
  dir: string;
  /** Base interpreter that creates it (default python3, or $PYTHON). */
  python?: string;
  /** Progress lines ("creating …", "installing …"). */
  log?: (line: string) => void;
  /** What to install (default: the recipe's requirements.txt). */
  requirements?: string;
  /**
   * Packages pip installs after the requirements without their own dependencies (pip has no per-line --no-deps):
   * for a package whose declared dependencies are far more than the part of it that is used.
   */
  withoutDependencies?: readonly string[];
  /** What the install line says it installs (default: the recipe's packages). */
  label?: string;
}

/** The marker of what a venv holds: the requirements file's hash (and the packages without dependencies, if any). */
function requirementsHash(path: string, withoutDependencies: readonly string[]): string {
  const hash = createHash("sha256").update(readFileSync(path));
  if (withoutDependencies.length > 0) hash.update(`\n--no-deps ${withoutDependencies.join(" ")}`);
  return hash.digest("hex").slice(0, 16);
}

/** The venv's python, creating the venv and installing the requirements when missing or out of date. */
export async function ensureVenv(options: VenvOptions): Promise<string> {
  const python = join(options.dir, "bin", "python");
  const marker = join(options.dir, ".linguacodus-requirements");
  const requirements = options.requirements ?? join(recipeDir(), "requirements.txt");
  const withoutDependencies = options.withoutDependencies ?? [];
  const hash = requirementsHash(requirements, withoutDependencies);
  if (existsSync(python) && existsSync(marker) && readFileSync(marker, "utf8").trim() === hash) return python;
  const log = options.log ?? (() => {});
  mkdirSync(dirname(options.dir), { recursive: true });
  const base = options.python ?? process.env.PYTHON ?? "python3";
  if (!existsSync(python)) {
    log(`creating the Python environment ${options.dir}`);
    const made = spawnSync(base, ["-m", "venv", options.dir], { encoding: "utf8" });
    if (made.status !== 0) {
      throw new RecipeError(
        `could not create a Python venv with ${base} (${made.error?.message ?? made.stderr.trim()}); install python3 and python3-venv, or set PYTHON.`,
      );
    }
  }
  const logPath = `${options.dir}.install.log`;
  log(`installing ${options.label ?? "the recipe's packages (torch, transformers, peft, gguf)"} — once; log: ${logPath}`);
  const pip = ["-m", "pip", "install", "--disable-pip-version-check", "--no-input", "-q"];
  await runLogged(python, [...pip, "-r", requirements], logPath);
  if (withoutDependencies.length > 0) await runLogged(python, [...pip, "--no-deps", ...withoutDependencies], logPath);
  writeFileSync(marker, `${hash}\n`);
  return python;
}

function runLogged(command: string, args: string[], logPath: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const out = createWriteStream(logPath, { flags: "a" });
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.pipe(out);
    child.stderr.pipe(out);
    child.on("error", reject);
    child.on("close", (code) => {
      out.end();
      if (code === 0) resolvePromise();
      else reject(new RecipeError(`pip install failed (exit ${code}); see ${logPath}`));
    });
  });
}

export interface RecipeRun {
  /** The last "done" event's fields. */
  done: RecipeEvent;
  events: RecipeEvent[];
}

export interface RunRecipeOptions {
  python: string;
  script: "train.py" | "export.py";
  args: string[];
  onEvent?: (event: RecipeEvent) => void;
  /** Lines on stderr that are not warnings (library progress, tracebacks). */
  onStderr?: (line: string) => void;
  /** Lower CPU priority (nice) for background runs on a shared machine. */
  nice?: number;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** What to change when the kernel kills the script (SIGKILL: out of memory), said in the error. */
  killHint?: string;
}

/** Resident memory of a process now (bytes), from /proc; undefined once it is gone. */
function residentBytes(pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs a recipe script; resolves with its "done" event. An "error" event (bad input, named by the script) rejects
 * with that message; any other failure rejects with the tail of stderr.
 */
export function runRecipe(options: RunRecipeOptions): Promise<RecipeRun> {
  const script = join(recipeDir(), options.script);
  const [command, args] =
    options.nice !== undefined ? ["nice", ["-n", String(options.nice), options.python, script, ...options.args]] : [options.python, [script, ...options.args]];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command as string, args as string[], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, PYTHONUNBUFFERED: "1", TOKENIZERS_PARALLELISM: "false", HF_HUB_OFFLINE: "1", ...options.env },
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const events: RecipeEvent[] = [];
    const stderrTail: string[] = [];
    let buffer = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf("\n")) !== -1) {
        const line = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        if (!line.startsWith("{")) continue;
        let parsed: ReturnType<typeof RecipeEventSchema.safeParse>;
        try {
          parsed = RecipeEventSchema.safeParse(JSON.parse(line));
        } catch {
          continue;
        }
        if (!parsed.success) continue;
        events.push(parsed.data);
        options.onEvent?.(parsed.data);
      }
    });
    let errBuffer = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      errBuffer += chunk;
      const lines = errBuffer.split(/\r|\n/);
      errBuffer = lines.pop() ?? "";
      for (const line of lines) {
        if (!line.trim()) continue;
        stderrTail.push(line);
        if (stderrTail.length > 40) stderrTail.shift();
        if (!/warn/i.test(line)) options.onStderr?.(line);
      }
    });
    // Peak resident memory, sampled: a kernel kill leaves nothing behind to ask.
    let peak = 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, (child.pid !== undefined && residentBytes(child.pid)) || 0);
    }, 1000);
    sampler.unref();
    child.on("error", (error) => {
      clearInterval(sampler);
      reject(new RecipeError(`could not start ${options.script}: ${error.message}`));
    });
    child.on("close", (code, signal) => {
      clearInterval(sampler);
      const error = events.find((e) => e.event === "error");
      if (error) return reject(new RecipeError(String(error.message)));
      const done = [...events].reverse().find((e) => e.event === "done");
      if (code === 0 && done) return resolvePromise({ done, events });
      if (signal === "SIGKILL" && !options.signal?.aborted) {
        const rss = peak > 0 ? ` at ${(peak / 1024 ** 3).toFixed(1)} GB resident memory (last sample)` : "";
        return reject(
          new RecipeError(
            `${options.script} was killed by the kernel (SIGKILL)${rss} — most likely the out-of-memory killer: the run needs more memory than ` +
              `the machine has free${options.killHint ? `; ${options.killHint}` : ""}.`,
          ),
        );
      }
      const tail = stderrTail.filter((l) => !/warn/i.test(l)).slice(-12).join("\n");
      reject(new RecipeError(`${options.script} failed (exit ${code ?? "signal"}):\n${tail}`));
    });
  });
}
