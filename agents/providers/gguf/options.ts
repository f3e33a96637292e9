// Options of the gguf provider (models run in-process with node-llama-cpp).

export interface GgufOptions {
  /** Folder for `hf:` downloads (and where relative names are looked up first). */
  modelsDir?: string;
  /**
   * Smallest context window in tokens (default 4096). The context grows, once per need, to fit a call's prompt
   * plus its answer cap, up to `maxContextSize`.
   */
  contextSize?: number;
  /**
   * Largest context window in tokens (default: the model's trained context). node-llama-cpp refuses a size that
   * does not fit in memory, so the bound is the smaller of this, the trained context and what memory allows.
   */
  maxContextSize?: number;
  /** Layers to offload to the GPU: "auto" (default), "max", or a number (0 = CPU only). */
  gpuLayers?: "auto" | "max" | number;
  /** GPU backend: "auto" (default: CUDA/Vulkan/Metal when present, else CPU) or false for CPU only. */
  gpu?: "auto" | false | "cuda" | "vulkan" | "metal";
  /** CPU threads per evaluation (default: the cores this process may use). 1 is fastest on a busy machine. */
  threads?: number;
  /** Parallel sequences in the shared context (default 1: calls run one after another). */
  parallel?: number;
  /** Token for gated or private Hugging Face repos (the provider resolver fills it from HF_TOKEN). */
  huggingFaceToken?: string;
  /** Download progress for `hf:` models (default: a progress bar on stderr). */
  onDownloadProgress?: (progress: { uri: string; downloadedBytes: number; totalBytes: number }) => void;
}

export const DEFAULT_CONTEXT_SIZE = 4096;
