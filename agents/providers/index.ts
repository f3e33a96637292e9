// The production chat-model resolver: spec string → provider (gguf, openai, gemini, replay).
import type { ChatModelResolver, ResolvedChatModel } from "../chat-model.js";
import { fromChatModel } from "../chat-model.js";
import { ModelSpecError } from "../errors.js";
import { parseModelSpec, specProvider } from "../spec.js";
import { secretsFromEnv, secretsFromEnvFile } from "./secrets.js";
import type { AgentRole } from "../types.js";
import { type Env, loadEnv } from "./env.js";
import { type GeminiOptions, resolveGemini } from "./gemini.js";
import { type GgufOptions, GgufRegistry } from "./gguf/index.js";
import { type OpenAiOptions, resolveOpenAi } from "./openai.js";
import { ReplaySource } from "./replay.js";

export interface ProviderOptions {
  gguf?: GgufOptions;
  openai?: OpenAiOptions;
  gemini?: GeminiOptions;
  /** A .env file to read keys from (the environment wins). The CLI passes ./.env. */
  envFile?: string;
  /** Environment to read keys from (default process.env). */
  env?: Env;
}

export interface ProviderResolver {
  resolve: ChatModelResolver;
  /** Frees loaded GGUF models. */
  close(): Promise<void>;
  /** Secret values this resolver can see (environment and .env): pass to createAgentTeam's `secrets`. */
  readonly secrets: readonly string[];
}

/**
 * LINGUACODUS_THREADS: llama.cpp threads for local models. On a busy machine 1 thread is several times faster than
 * all cores (spinning threads wait on each other; perf/gguf.ts measures it), so the demo sets it.
 */
function ggufThreadsFromEnv(env: Env): { threads?: number } {
  const raw = env.LINGUACODUS_THREADS?.trim();
  if (!raw) return {};
  const threads = Number(raw);
  if (!Number.isInteger(threads) || threads < 1) throw new ModelSpecError(`LINGUACODUS_THREADS must be a whole number ≥ 1 (got '${raw}')`);
  return { threads };
}

export function createProviderResolver(options: ProviderOptions = {}): ProviderResolver {
  const env = loadEnv(options.envFile, options.env ?? process.env);
  const hfToken = env.HF_TOKEN ?? env.HUGGING_FACE_HUB_TOKEN;
  const gguf = new GgufRegistry({ ...(hfToken ? { huggingFaceToken: hfToken } : {}), ...ggufThreadsFromEnv(env), ...options.gguf });
  // One resolved model per spec (roles with the same spec share it); replay is per spec and role.
  const bySpec = new Map<string, Promise<ResolvedChatModel>>();
  const replays = new Map<string, ReplaySource>();

  async function resolveNew(spec: string, role: AgentRole): Promise<ResolvedChatModel> {
    const parsed = parseModelSpec(spec);
    switch (parsed.provider) {
      case "gguf":
        return gguf.resolve(parsed);
      case "openai":
        return resolveOpenAi(parsed, env, options.openai ?? {});
      case "gemini":
        return resolveGemini(parsed, env, options.gemini ?? {});
      case "replay": {
        let source = replays.get(parsed.path);
        if (!source) {
          source = new ReplaySource(parsed.path);
          replays.set(parsed.path, source);
        }
        return { ...fromChatModel(source.modelFor(role)), seesImages: source.sawImages(role) };
      }
    }
  }

  return {
    resolve(spec, role) {
      // A replay model keeps a cursor into the recording: every team (run) gets a fresh one.
      if (specProvider(spec) === "replay") return resolveNew(spec, role);
      let pending = bySpec.get(spec);
      if (!pending) {
        pending = resolveNew(spec, role);
        bySpec.set(spec, pending);
      }
      return pending;
    },
    close: () => gguf.close(),
    secrets: [...new Set([...secretsFromEnv(env), ...secretsFromEnvFile(options.envFile)])],
  };
}

export { type GgufOptions, LlamaCppChatModel, LoadedGgufModel, loadNodeLlamaCpp, resolveGgufFile } from "./gguf/index.js";
export { type OpenAiOptions } from "./openai.js";
export { type GeminiOptions } from "./gemini.js";
export { ModelPoolFileSchema, readModelPoolFile, replicaPool, pickReplica, servedByOf, isReplicaUnavailable, type ModelPools } from "./openai-pool.js";
export { ReplayChatModel, ReplaySource } from "./replay.js";
export { loadEnv, type Env } from "./env.js";
export { DEFAULT_MODEL_FILE, DEFAULT_MODEL_SCRIPT, defaultModelSpec } from "./default-model.js";
