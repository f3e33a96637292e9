// The hardware/software fingerprint of a run (run.json `fingerprint`): CPU, memory, GPUs and driver, Docker,
// sandbox image and limits, node and linguacodus versions, and per role the model spec with its GGUF file's
// sha256 (or the name an API server said it served). Reports compare fingerprints before comparing scores.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs";
import { arch, cpus, platform, release, totalmem } from "node:os";
import { parseModelSpec } from "../agents/index.js";
import type { Fingerprint } from "./record/index.js";

/** GPUs as nvidia-smi lists them; none when there is no NVIDIA driver (the common CPU-only case). */
export function detectGpus(): Fingerprint["gpus"] {
  try {
    const out = execFileSync("nvidia-smi", ["--query-gpu=name,driver_version,memory.total", "--format=csv,noheader,nounits"], {
      encoding: "utf8",
      timeout: 5000,
      stdio: ["ignore", "pipe", "ignore"],
    });
    return out
      .trim()
      .split("\n")
      .filter(Boolean)
      .map((line) => {
        const [name = "", driver, memory] = line.split(",").map((p) => p.trim());
        return { name, ...(driver ? { driver } : {}), ...(memory && Number.isFinite(Number(memory)) ? { memoryMiB: Number(memory) } : {}) };
      });
  } catch {
    return [];
  }
}

// Hashing a multi-GB GGUF takes seconds: once per file version (path, size, mtime) per process.
const hashCache = new Map<string, string>();

export function fileSha256(path: string): string {
  const stat = statSync(path);
  const key = `${path}\u0000${stat.size}\u0000${stat.mtimeMs}`;
  const cached = hashCache.get(key);
  if (cached) return cached;
  const hash = createHash("sha256");
  const buffer = Buffer.alloc(4 * 1024 * 1024);
  const fd = openSync(path, "r");
  try {
    for (let n = readSync(fd, buffer, 0, buffer.length, null); n > 0; n = readSync(fd, buffer, 0, buffer.length, null)) hash.update(buffer.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  const digest = hash.digest("hex");
  hashCache.set(key, digest);
  return digest;
}

/** Spec per role → what identifies the model: a local GGUF file's size and hash, or the API model name. */
export function modelFingerprints(models: Record<string, string>, servedNames: Record<string, string> = {}): Fingerprint["models"] {
  const out: Fingerprint["models"] = {};
  for (const [role, spec] of Object.entries(models)) {
    const entry: Fingerprint["models"][string] = { spec };
    try {
      const parsed = parseModelSpec(spec);
      if (parsed.provider === "gguf") {
        const source = parsed.source;
        if (source.kind === "file" && existsSync(source.path)) {
          entry.file = source.path;
          entry.bytes = statSync(source.path).size;
          entry.sha256 = fileSha256(source.path);
        } else if (source.kind === "hf") {
          entry.servedName = `hf:${source.owner}/${source.repo}/${source.file}`;
        }
      } else if (parsed.provider === "openai" || parsed.provider === "gemini") {
        entry.servedName = servedNames[role] ?? parsed.model;
      }
    } catch {
      // A spec that does not parse fails the run elsewhere; the fingerprint keeps the spec as given.
    }
    out[role] = entry;
  }
  return out;
}

export interface FingerprintInput {
  linguacodus: string;
  models: Record<string, string>;
  docker?: string;
  sandbox?: { image?: string; limits?: Record<string, unknown> };
}

export function machineFingerprint(input: FingerprintInput): Fingerprint {
  const cpuList = cpus();
  return {
    cpu: { model: cpuList[0]?.model.trim() ?? "unknown", count: cpuList.length },
    memoryBytes: totalmem(),
    gpus: detectGpus(),
    platform: `${platform()} ${release()} ${arch()}`,
    node: process.version,
    linguacodus: input.linguacodus,
    ...(input.docker ? { docker: input.docker } : {}),
    ...(input.sandbox ? { sandbox: input.sandbox } : {}),
    models: modelFingerprints(input.models),
  };
}
