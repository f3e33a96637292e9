// Runs a Python snippet with JSON on stdin inside the sandbox image (real scikit-learn / scipy / pandas) and
// returns its JSON stdout. Tests use it to compute reference values; nothing here is computed by hand.
import { mkdtemp, rm, writeFile, chmod } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { dockerClient, imageExists } from "../../sandbox/engine.js";
import { SANDBOX_IMAGE_TAG } from "../../sandbox/image-recipe.js";

export class ReferenceUnavailableError extends Error {}

/** The image the reference runs in: the current sandbox recipe's tag unless LINGUACODUS_REFERENCE_IMAGE names another. */
export const referenceImage = (): string => process.env.LINGUACODUS_REFERENCE_IMAGE ?? SANDBOX_IMAGE_TAG;

/**
 * Where the reference Python runs. Default: the sandbox image (build it with `linguacodus sandbox build`).
 * LINGUACODUS_REFERENCE_PYTHON=/path/to/python runs a host interpreter instead (for development only).
 */
export async function referenceAvailable(): Promise<{ ok: true } | { ok: false; reason: string }> {
  if (process.env.LINGUACODUS_REFERENCE_PYTHON) return { ok: true };
  const docker = dockerClient();
  try {
    await docker.ping();
  } catch (error) {
    return { ok: false, reason: `no Docker engine (${(error as Error).message}); start dockerd` };
  }
  if (!(await imageExists(docker, referenceImage()))) {
    return { ok: false, reason: `sandbox image ${referenceImage()} is missing; build it with 'linguacodus sandbox build'` };
  }
  return { ok: true };
}

/** Runs `script` (reads JSON from stdin, prints JSON) on `input`; returns the parsed output. */
export async function runPythonReference<T = unknown>(script: string, input: unknown, timeoutMs = 300_000): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "lc-pyref-"));
  try {
    await writeFile(join(dir, "script.py"), script);
    await writeFile(join(dir, "input.json"), JSON.stringify(input));
    await chmod(dir, 0o755);
    const stdout = process.env.LINGUACODUS_REFERENCE_PYTHON
      ? await runHost(process.env.LINGUACODUS_REFERENCE_PYTHON, dir, timeoutMs)
      : await runInImage(dir, timeoutMs);
    return JSON.parse(stdout) as T;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function runHost(python: string, dir: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("sh", ["-c", `"${python}" "${dir}/script.py" < "${dir}/input.json"`], { timeout: timeoutMs });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`reference python failed (${code}): ${err.slice(-2000)}`))));
  });
}

async function runInImage(dir: string, timeoutMs: number): Promise<string> {
  const available = await referenceAvailable();
  if (!available.ok) throw new ReferenceUnavailableError(available.reason);
  const docker = dockerClient();
  const container = await docker.createContainer({
    Image: referenceImage(),
    Cmd: ["sh", "-c", "python3 /ref/script.py < /ref/input.json"],
    User: "1000",
    Env: ["HOME=/tmp", "OMP_NUM_THREADS=1", "PYTHONWARNINGS=ignore"],
    NetworkDisabled: true,
    HostConfig: { Binds: [`${dir}:/ref:ro`], Memory: 4 * 1024 ** 3, AutoRemove: false },
  });
  try {
    await container.start();
    const timer = setTimeout(() => void container.kill().catch(() => undefined), timeoutMs);
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    clearTimeout(timer);
    const logs = await container.logs({ stdout: true, stderr: true });
    const { stdout, stderr } = demux(logs);
    if (StatusCode !== 0) throw new Error(`reference python exited ${StatusCode}: ${stderr.slice(-2000)}`);
    return stdout;
  } finally {
    await container.remove({ force: true }).catch(() => undefined);
  }
}

/** Splits Docker's multiplexed log stream (8-byte frame headers) into stdout and stderr. */
function demux(buffer: Buffer): { stdout: string; stderr: string } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let i = 0;
  while (i + 8 <= buffer.length) {
    const stream = buffer[i]!;
    const size = buffer.readUInt32BE(i + 4);
    const chunk = buffer.subarray(i + 8, i + 8 + size);
    (stream === 2 ? err : out).push(chunk);
    i += 8 + size;
  }
  return { stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") };
}
