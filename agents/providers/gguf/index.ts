// Public face of the gguf provider: models run in-process with node-llama-cpp. One job per module —
// options, the native binding (binding.ts), file resolution and download (download.ts), the loaded model with its
// sized context and sequence pool (loaded-model.ts, pool.ts), the LangChain adapter (chat-model.ts) and the
// registry that shares loaded models between roles (registry.ts); string-bounds.ts reconciles the grammar's
// string lengths with the schema's.
export { type GgufOptions, DEFAULT_CONTEXT_SIZE } from "./options.js";
export { loadNodeLlamaCpp, sharedLlama } from "./binding.js";
export { resolveGgufFile } from "./download.js";
export { LoadedGgufModel, type GenerateRequest, type GenerateResult } from "./loaded-model.js";
export { LlamaCppChatModel } from "./chat-model.js";
export { GgufRegistry } from "./registry.js";
export { clampStringsToSchema } from "./string-bounds.js";
