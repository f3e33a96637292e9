// Resolving a gguf spec to a local file: a path is checked, an `hf:` model is downloaded once into the models folder.
import { existsSync } from "node:fs";
import { basename } from "node:path";
import { ModelFileError } from "../../errors.js";
import type { GgufSpec } from "../../spec.js";
import { DEFAULT_MODEL_FILE, DEFAULT_MODEL_SCRIPT } from "../default-model.js";
import { loadNodeLlamaCpp } from "./binding.js";
import type { GgufOptions } from "./options.js";

/** Resolves the spec to a local file, downloading `hf:` models into modelsDir with a progress bar. */
export async function resolveGgufFile(spec: GgufSpec, options: GgufOptions): Promise<string> {
  if (spec.source.kind === "file") {
    const path = spec.source.path;
    if (!existsSync(path)) {
      const hint =
        basename(path) === DEFAULT_MODEL_FILE
          ? `This is the default model: run ${DEFAULT_MODEL_SCRIPT} to install it.`
          : "Check the path, or use gguf:hf:<owner>/<repo>/<file.gguf> to download one.";
      throw new ModelFileError(`Model file not found: ${path} (spec gguf:${path}). ${hint}`);
    }
    return path;
  }
  const { owner, repo, file } = spec.source;
  const uri = `hf:${owner}/${repo}/${file}`;
  if (!options.modelsDir) throw new ModelFileError(`Cannot download ${uri}: no models folder was given to the gguf provider.`);
  const { resolveModelFile } = await loadNodeLlamaCpp();
  // Already downloaded: no network needed.
  const cached = await resolveModelFile(uri, { directory: options.modelsDir, download: false, cli: false }).catch(() => undefined);
  if (cached) return cached;
  // The downloader retries a dead network for a long time; a quick probe gives the offline case a clear error.
  const url = `https://huggingface.co/${owner}/${repo}/resolve/main/${file}`;
  const headers: Record<string, string> = options.huggingFaceToken ? { authorization: `Bearer ${options.huggingFaceToken}` } : {};
  const probe = await fetch(url, { method: "HEAD", headers, signal: AbortSignal.timeout(15_000) }).catch((error: Error) => error);
  if (probe instanceof Error || !probe.ok) {
    const reason =
      probe instanceof Error
        ? `${probe.message}${(probe.cause as { code?: string } | undefined)?.code ? ` (${(probe.cause as { code: string }).code})` : ""}`
        : `HTTP ${probe.status}${probe.status === 401 || probe.status === 404 ? " (no such file, or a gated repo: set HF_TOKEN)" : ""}`;
    throw new ModelFileError(
      `Could not download ${uri} into ${options.modelsDir}: ${reason}. ` +
        "If this machine is offline, copy the .gguf file here by other means and use gguf:<path>.",
    );
  }
  const report = options.onDownloadProgress ?? (await stderrProgressBar(uri));
  try {
    return await resolveModelFile(uri, {
      directory: options.modelsDir,
      ...(options.huggingFaceToken ? { tokens: { huggingFace: options.huggingFaceToken } } : {}),
      cli: false,
      onProgress: ({ downloadedSize, totalSize }) => report({ uri, downloadedBytes: downloadedSize, totalBytes: totalSize }),
    });
  } catch (error) {
    throw new ModelFileError(
      `Could not download ${uri} into ${options.modelsDir}: ${(error as Error).message}. ` +
        "If this machine is offline, copy the .gguf file here by other means and use gguf:<path>.",
      { cause: error },
    );
  }
}

async function stderrProgressBar(uri: string): Promise<(p: { downloadedBytes: number; totalBytes: number }) => void> {
  const { SingleBar, Presets } = (await import("cli-progress")).default;
  const bar = new SingleBar({ format: `${uri} [{bar}] {percentage}% {value}/{total} MB`, stream: process.stderr }, Presets.shades_classic);
  let started = false;
  return ({ downloadedBytes, totalBytes }) => {
    const mb = (n: number) => Math.round(n / 1e6);
    if (!started) {
      bar.start(mb(totalBytes), 0);
      started = true;
    }
    bar.update(mb(downloadedBytes));
    if (downloadedBytes >= totalBytes) bar.stop();
  };
}
