// openai: @langchain/openai against OpenAI or any OpenAI-compatible server (vLLM, Ollama, llama.cpp, LM Studio).
import { AIMessageChunk, type BaseMessage } from "@langchain/core/messages";
import { type Runnable, type RunnableConfig, RunnableLambda } from "@langchain/core/runnables";
import type { ChatOpenAI } from "@langchain/openai";
import { type CallParams, clientPerCallParams, type ResolvedChatModel } from "../chat-model.js";
import { MissingApiKeyError } from "../errors.js";
import type { JsonSchema } from "../json-schema.js";
import type { OpenAiSpec } from "../spec.js";
import { type Env, firstKey } from "./env.js";
import { type ModelPools, replicaPool } from "./openai-pool.js";

export interface OpenAiOptions {
  /** Stream tokens from the server (the answer is still returned whole). Default false. */
  streaming?: boolean;
  /** Request timeout in ms. Default 10 minutes (local servers can be slow). */
  timeoutMs?: number;
  /** Model pools (`--model-pool`): `openai:<model>` with no URL is served by these replicas. */
  pools?: ModelPools;
  /** How long a pool replica that refused a connection is skipped. Default 30 s. */
  poolSkipMs?: number;
}

// Local servers ignore the key, but the client insists on one.
const PLACEHOLDER_KEY_FOR_LOCAL_SERVER = "no-key-needed";

export async function resolveOpenAi(spec: OpenAiSpec, env: Env, options: OpenAiOptions): Promise<ResolvedChatModel> {
  const replicas = spec.replicas ?? (spec.baseURL ? undefined : options.pools?.[spec.model]);
  if (replicas && replicas.length > 1) {
    const served = await Promise.all(
      replicas.map(async (url) => ({ url, model: await resolveOpenAiServer({ provider: "openai", model: spec.model, baseURL: url }, env, options) })),
    );
    return replicaPool(served, options.poolSkipMs === undefined ? {} : { skipMs: options.poolSkipMs });
  }
  const single = replicas?.[0];
  return resolveOpenAiServer(single ? { provider: "openai", model: spec.model, baseURL: single } : spec, env, options);
}

async function resolveOpenAiServer(spec: OpenAiSpec, env: Env, options: OpenAiOptions): Promise<ResolvedChatModel> {
  const key = firstKey(env, ["OPENAI_API_KEY"]);
  if (!key && !spec.baseURL) {
    throw new MissingApiKeyError(
      `OPENAI_API_KEY is not set (needed by openai:${spec.model}): export it or add OPENAI_API_KEY=… to .env. ` +
        "For a local OpenAI-compatible server use openai:<model>@<baseURL>, which needs no key.",
    );
  }
  const { ChatOpenAI } = await import("@langchain/openai");
  const client = (streaming: boolean) =>
    clientPerCallParams(
      (params): ChatOpenAI =>
        new ChatOpenAI({
          model: spec.model,
          apiKey: key ?? PLACEHOLDER_KEY_FOR_LOCAL_SERVER,
          ...(spec.baseURL ? { configuration: { baseURL: spec.baseURL } } : {}),
          ...(params.temperature !== undefined ? { temperature: params.temperature } : {}),
          ...(params.maxTokens !== undefined ? { maxTokens: params.maxTokens } : {}),
          streaming,
          timeout: options.timeoutMs ?? 600_000,
          // The team owns retries (bounded, recorded in the transcript).
          maxRetries: 0,
        }),
    );
  // A client made with streaming off never streams (LangChain falls back to invoke), so streamed calls get their own.
  const [wholeClient, streamingClient] = [client(false), client(true)];
  return {
    // Images travel as image_url parts (the client converts them for its API); a server without vision refuses them.
    seesImages: true,
    forCall(params: CallParams, jsonSchema?: JsonSchema): Runnable<BaseMessage[], BaseMessage> {
      // Structured calls stream too: a whole json_schema answer goes through the OpenAI SDK's parse(), which throws
      // on one cut at the token cap (finish_reason "length") and drops its text. Streamed, the raw text and its
      // finish reason reach the team, which names the truncation, retries and records it as for gguf.
      if (options.streaming || jsonSchema) return streamedCall(streamingClient(params), params, jsonSchema);
      const whole = wholeClient(params);
      return params.seed !== undefined ? whole.withConfig({ seed: params.seed }) : whole;
    },
  };
}

/**
 * One call through .stream(), its chunks joined into one message. LangChain's invoke() on a streaming client
 * estimates token counts with tiktoken, which downloads its tables and stalls offline; the server's usage chunk
 * gives the real counts.
 */
function streamedCall(client: ChatOpenAI, params: CallParams, jsonSchema: JsonSchema | undefined): Runnable<BaseMessage[], BaseMessage> {
  const callOptions: Partial<ChatOpenAI["ParsedCallOptions"]> = {
    ...(params.seed !== undefined ? { seed: params.seed } : {}),
    ...(jsonSchema ? { response_format: { type: "json_schema", json_schema: { name: "answer", schema: jsonSchema } } } : {}),
  };
  return RunnableLambda.from(async (messages: BaseMessage[], config?: RunnableConfig): Promise<BaseMessage> => {
    let full: AIMessageChunk | undefined;
    for await (const chunk of await client.stream(messages, { ...config, ...callOptions })) {
      full = full ? full.concat(chunk) : chunk;
    }
    return full ?? new AIMessageChunk("");
  });
}
